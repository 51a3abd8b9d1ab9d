"""SIGKILL the daemon at random points of its cycles, restart it, and check that nothing was
lost, nothing is half-written and nothing is stored (or matched) twice.

Each round publishes new items on a loopback site, makes every feed due, starts `watchdesk
run` (its own process group, so the forkserver and workers die with it, as systemd's
control-group kill does) and kills it with SIGKILL after a random number of requests (or a
random delay during start-up). A last, undisturbed `watchdesk poll` finishes the work; the
result is compared with an oracle: a fresh database polled once from the same site.

The quick version runs in the default suite; the long one is marked ``slow``.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from watchdesk.demo.server import FixtureServer
from watchdesk.urls import canonical_url

from conftest import NOT_LIBYA, article_page, cli_env, rfi_paragraphs, rss, watchdesk, write_feeds

FEEDS = ["alpha", "beta", "gamma", "delta", "shared", "guids"]


class Site:
    """Six feeds that grow by a few items per round; 'shared' republishes alpha's URLs, and
    'guids' mints new GUIDs for its items on every request."""

    def __init__(self, srv: FixtureServer) -> None:
        self.srv = srv
        self.items: dict[str, list[dict[str, str]]] = {f: [] for f in FEEDS}
        self.polls = 0
        srv.route("/guids.xml", self._guids)

    def publish(self, round_: int, per_feed: int = 3) -> None:
        for f in FEEDS[:4]:
            for i in range(per_feed):
                n = f"{f}-{round_}-{i}"
                libya = (round_ + i) % 2 == 0
                title = (f"Libye : Haftar reçoit une délégation ({n})" if libya
                         else f"Sénégal : les pluies ({n})")
                self.items[f].append({"title": title, "link": f"{{{{BASE}}}}/a/{n}",
                                      "guid": n, "summary": f"Résumé {n}."})
                paras = rfi_paragraphs() if libya else NOT_LIBYA
                self.srv.set(f"/a/{n}", article_page(title, [f"Dépêche {n}.", *paras]))
        self.items["shared"] += [dict(it, guid="shared-" + it["guid"] + "?utm_source=x")
                                 for it in self.items["alpha"][-per_feed:]]
        n = f"guids-{round_}"
        self.items["guids"].append({"title": f"Tripoli : conseil des ministres ({n})",
                                    "link": f"{{{{BASE}}}}/a/{n}", "summary": "Réunion."})
        self.srv.set(f"/a/{n}", article_page(f"Tripoli : conseil ({n})", NOT_LIBYA))
        for f in FEEDS[:5]:
            self.srv.set(f"/{f}.xml", rss(self.items[f], title=f))

    def _guids(self, req: object) -> None:
        self.polls += 1
        items = [dict(it, guid=f"{self.polls}-{i}") for i, it in enumerate(self.items["guids"])]
        body = rss(items, title="guids").replace("{{BASE}}", self.srv.base_url).encode()
        req.send_body(200, body, content_type="application/rss+xml")  # type: ignore[attr-defined]

    def offered_urls(self) -> set[str]:
        return {canonical_url(it["link"].replace("{{BASE}}", self.srv.base_url)) or ""
                for items in self.items.values() for it in items}


@pytest.fixture
def site() -> Iterator[Site]:
    with FixtureServer(latency=0.02) as srv:
        yield Site(srv)


def paths(feeds: Path, rules: Path, db: Path) -> list[str]:
    return ["--feeds", str(feeds), "--rules", str(rules), "--db", str(db)]


def make_due(db: Path) -> None:
    if db.exists():
        with sqlite3.connect(db, timeout=30) as c:
            c.execute("UPDATE feeds SET next_poll_at = NULL")


def kill_at_random_point(args: list[str], srv: FixtureServer, rng: random.Random,
                         after_commit: Path | None = None) -> str:
    """Start the daemon; SIGKILL its process group at a random point. Returns where.
    ``after_commit`` (the database): kill just after its first new article is committed."""
    start = len(srv.requests)
    t0 = time.monotonic()
    before = stored_articles(after_commit) if after_commit else 0
    proc = subprocess.Popen([sys.executable, "-m", "watchdesk", "run", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=cli_env(WATCHDESK_TICK="0.2", WATCHDESK_WORKERS="2"),
                            start_new_session=True)
    try:
        if after_commit is not None:
            deadline = time.monotonic() + 30
            while stored_articles(after_commit) == before and time.monotonic() < deadline:
                time.sleep(0.01)
            where = f"after a commit, {time.monotonic() - t0:.1f}s"
        elif rng.random() < 0.25:
            delay = rng.uniform(0.2, 2.0)
            time.sleep(delay)
            where = f"{delay:.1f}s after start"
        else:
            target = rng.randint(1, 60)  # a round has 20 to 100 requests
            deadline = time.monotonic() + 20
            last, last_change = start, time.monotonic()
            while time.monotonic() < deadline:
                n = len(srv.requests)
                if n - start >= target:
                    break
                if n != last:
                    last, last_change = n, time.monotonic()
                elif time.monotonic() - last_change > (1.0 if n > start else 6.0):
                    break  # the cycle ended before the target (or found nothing due): idle
                time.sleep(0.005)
            where = (f"after {len(srv.requests) - start} requests (target {target}),"
                     f" {time.monotonic() - t0:.1f}s")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    return where


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as c:
        return list(c.execute(sql))


def stored_articles(db: Path) -> int:
    """Articles committed so far: none while the file, or its schema, is not there yet (a
    kill during the first start's migrations leaves an empty file: they roll back whole)."""
    if not db.exists() or not query(db, "SELECT 1 FROM sqlite_master WHERE name = 'articles'"):
        return 0
    return int(query(db, "SELECT count(*) FROM articles")[0][0])  # type: ignore[call-overload]


def crash_and_check(tmp_path: Path, rules_dir: Path, site: Site, kills: int,
                    seed: int) -> None:
    rng = random.Random(seed)
    feeds = write_feeds(tmp_path / "feeds.yaml",
                        [(f, site.srv.url("/guids.xml" if f == "guids" else f"/{f}.xml"))
                         for f in FEEDS], interval="1m")
    db = tmp_path / "crashed.db"
    args = paths(feeds, rules_dir, db)
    log = []
    stored = []
    for k in range(kills):
        site.publish(k)
        make_due(db)
        # the kills must fall after commits too: when none has yet, the last one does
        last_unstored = k == kills - 1 and len(set(stored)) <= 1
        log.append(kill_at_random_point(args, site.srv, rng,
                                        after_commit=db if last_unstored else None))
        stored.append(stored_articles(db))
    # the kills fell both before and after commits: work was stored between them
    assert len(set(stored)) > 1, stored
    done = watchdesk("poll", *args)
    assert done.returncode == 0, done.stderr
    oracle_db = tmp_path / "oracle.db"
    oracle = watchdesk("poll", *paths(feeds, rules_dir, oracle_db))
    assert oracle.returncode == 0, oracle.stderr
    context = f"seed={seed} kills: {log}, articles stored after each: {stored}"

    assert query(db, "PRAGMA integrity_check") == [("ok",)], context
    assert query(db, "PRAGMA foreign_key_check") == [], context
    # every article offered, stored exactly once
    urls = [r[0] for r in query(db, "SELECT canonical_url FROM articles")]
    assert len(urls) == len(set(urls)), context
    assert set(urls) == site.offered_urls(), context
    # no half-written rows
    assert query(db, "SELECT count(*) FROM articles a WHERE NOT EXISTS"
                     " (SELECT 1 FROM entries e WHERE e.article_id = a.id)") == [(0,)], context
    assert query(db, "SELECT count(*) FROM entries e WHERE NOT EXISTS"
                     " (SELECT 1 FROM articles a WHERE a.id = e.article_id)") == [(0,)], context
    assert query(db, "SELECT count(*) FROM matches m WHERE NOT EXISTS"
                     " (SELECT 1 FROM articles a WHERE a.id = m.article_id)") == [(0,)], context
    # one entry per item for feeds with stable GUIDs
    per_feed = dict(query(db, "SELECT f.name, count(*) FROM entries e JOIN feeds f"
                              " ON f.id = e.feed_id GROUP BY f.name"))
    for f in FEEDS[:5]:
        assert per_feed[f] == len(site.items[f]), (f, context)
    # each expected match exactly once (the oracle says which are expected)
    sql = ("SELECT a.canonical_url, m.rule_id, count(*) FROM matches m JOIN articles a"
           " ON a.id = m.article_id GROUP BY 1, 2")
    got = query(db, sql)
    assert all(r[2] == 1 for r in got), context
    assert {r[:2] for r in got} == {r[:2] for r in query(oracle_db, sql)}, context
    assert len(got) > 0
    print(f"{kills} kills, {len(urls)} articles, {len(got)} matches; {context}")


def test_sigkill_mid_cycle_loses_and_duplicates_nothing(tmp_path: Path, rules_dir: Path,
                                                       site: Site) -> None:
    crash_and_check(tmp_path, rules_dir, site, kills=6, seed=int(time.time()) % 10_000)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_sigkill_soak(tmp_path: Path, rules_dir: Path, site: Site) -> None:
    crash_and_check(tmp_path, rules_dir, site, kills=24, seed=int(time.time()) % 10_000)
