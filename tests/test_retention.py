"""Retention: old bodies dropped in small transactions, dedup intact, space given back, and a
SIGKILL in the middle of pruning leaves nothing half-done."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from test_daemon import Daemon, wait_until
from watchdesk import retention
from watchdesk.config.settings import Settings, from_env
from watchdesk.demo.server import FixtureServer
from watchdesk.errors import ConfigError
from watchdesk.models import ArticleWrite, FeedConfig, MatchRecord, PollResult
from watchdesk.status import read_facts
from watchdesk.store import Store, iso

from conftest import SITE_ENTRIES, paths, rss, watchdesk

PARAGRAPH = ("Le conseil municipal a voté le budget de la voirie après trois heures de débat, "
             "et l'opposition a dénoncé une hausse des impôts locaux. ")


def fill(db: Path, n: int, *, at: datetime, matched_every: int = 0, body_repeat: int = 8,
         start: int = 0) -> None:
    """``n`` articles of one feed stored at ``at`` through the store's own write path."""
    store = Store(db)
    try:
        store.sync_feeds([FeedConfig("local", "http://127.0.0.1:9/rss")], at)
        feed = store.feeds()[0]
        now = iso(at)
        writes = []
        for i in range(start, start + n):
            matches = ([MatchRecord("budget", "digest", ["budget"], "le budget", {})]
                       if matched_every and i % matched_every == 0 else [])
            writes.append(ArticleWrite(
                action="new", identity=f"guid:{i}", entry_hash=f"h{i}", guid=str(i),
                url=f"http://127.0.0.1:9/a/{i}", canonical_url=f"http://127.0.0.1:9/a/{i}",
                title=f"Article {i} voirie", summary="Résumé du budget.",
                body=PARAGRAPH * body_repeat + f" numéro{i}", extraction="page",
                content_hash=f"c{i}", matches=matches))
        store.save_poll(PollResult(feed.id, feed.name, now, status=200), writes, now)
    finally:
        store.close()


def fts_ok(c: sqlite3.Connection) -> None:
    """The full-text index agrees with the articles table (raises if not)."""
    c.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


def whole(c: sqlite3.Connection) -> None:
    """Every article is either intact or fully pruned, never half."""
    half = c.execute(
        "SELECT count(*) FROM articles WHERE NOT ((pruned_at IS NULL AND body != '')"
        " OR (pruned_at IS NOT NULL AND body = '' AND summary = ''))").fetchone()[0]
    assert half == 0


def test_keep_settings() -> None:
    s = from_env({})
    assert (s.keep_unmatched, s.keep_matched) == (90, None)
    s = from_env({"WATCHDESK_KEEP_UNMATCHED": "12w", "WATCHDESK_KEEP_MATCHED": "2y"})
    assert (s.keep_unmatched, s.keep_matched) == (84, 730)
    assert from_env({"WATCHDESK_KEEP_UNMATCHED": "forever"}).keep_unmatched is None
    assert from_env({"WATCHDESK_KEEP_UNMATCHED": "30"}).keep_unmatched == 30
    # read by durations.parse_duration: its units and spaces, in whole days
    assert from_env({"WATCHDESK_KEEP_UNMATCHED": " 2 W "}).keep_unmatched == 14
    assert from_env({"WATCHDESK_KEEP_UNMATCHED": "240h"}).keep_unmatched == 10
    for bad in ("three months", "0d", "36h", "1.5d", "-3d", "y", "٣٠"):
        with pytest.raises(ConfigError, match=r"WATCHDESK_KEEP_UNMATCHED.*such as 90d"):
            from_env({"WATCHDESK_KEEP_UNMATCHED": bad})
    with pytest.raises(ConfigError, match=r"WATCHDESK_KEEP_MATCHED.*BACKFILL_DAYS"):
        from_env({"WATCHDESK_KEEP_MATCHED": "3d"})


def test_cutoffs_are_pure() -> None:
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    cut = retention.cutoffs(replace(Settings(), keep_unmatched=90, keep_matched=None), now)
    assert cut == retention.Cutoffs("2026-09-07T12:00:00Z", None)


def test_prunes_old_unmatched_bodies_keeps_matched_and_recent(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    now = datetime(2026, 12, 6, tzinfo=UTC)
    fill(db, 1200, at=now - timedelta(days=120), matched_every=4)
    fill(db, 100, at=now - timedelta(days=10), start=5000)
    store = Store(db)
    try:
        cut = retention.cutoffs(replace(Settings(), keep_unmatched=90), now)
        report = asyncio.run(retention.prune(store, cut, now, batch=200))
        assert report.finished and report.articles == 900
        assert report.transactions > 6          # small transactions, not one big one
        rows = store.query("SELECT id, body, summary, title, pruned_at, canonical_url,"
                           " EXISTS(SELECT 1 FROM matches m WHERE m.article_id = a.id) AS m,"
                           " fetched_at FROM articles a")
        old = [r for r in rows if r["fetched_at"] < cut.unmatched]
        assert all((r["body"] == "" and r["pruned_at"]) for r in old if not r["m"])
        assert all((r["body"] and r["pruned_at"] is None) for r in old if r["m"])
        assert all((r["body"] and r["pruned_at"] is None) for r in rows
                   if r["fetched_at"] >= cut.unmatched)
        assert all(r["title"] and r["canonical_url"] for r in rows)   # what dedup needs
        assert store.query("SELECT count(*) FROM entries")[0][0] == 1300
        # the index forgot the bodies, kept the headlines
        hits = store.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'numéro7'")
        assert hits == []
        assert store.query("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH"
                           " 'voirie'")[0][0] == 1300
        fts_ok(store.conn)
        whole(store.conn)
        # matched ones go too once WATCHDESK_KEEP_MATCHED says so; a second run has nothing
        cut2 = retention.cutoffs(replace(Settings(), keep_unmatched=90, keep_matched=100), now)
        report = asyncio.run(retention.prune(store, cut2, now))
        assert report.articles == 300
        assert asyncio.run(retention.prune(store, cut2, now)).articles == 0
    finally:
        store.close()


def test_prune_waits_while_a_poll_runs(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    now = datetime(2026, 12, 6, tzinfo=UTC)
    fill(db, 600, at=now - timedelta(days=120), body_repeat=1)
    store = Store(db)
    calls = []

    def busy() -> bool:
        calls.append(1)
        return 2 < len(calls) < 6   # a poll runs after two transactions, for a while
    try:
        cut = retention.cutoffs(replace(Settings(), keep_unmatched=90), now)
        report = asyncio.run(retention.prune(store, cut, now, batch=100, busy=busy,
                                             pause=0.01))
        assert (report.articles, report.finished) == (600, True)   # waited, then went on
        assert len(calls) > 6
        store.conn.execute("UPDATE meta SET value = '0' WHERE key LIKE 'retention.%'")
        store.conn.execute("UPDATE articles SET pruned_at = NULL, body = 'x'")
        calls.clear()

        def long_poll() -> bool:   # starts after two transactions and outlasts the budget
            calls.append(1)
            return len(calls) > 2
        report = asyncio.run(retention.prune(store, cut, now, batch=100, pause=0.01,
                                             busy=long_poll, budget=0.3))
        assert (report.articles, report.finished) == (200, False)  # the poll outlasted it
        report = asyncio.run(retention.prune(store, cut, now, batch=100))   # goes on
        assert (report.articles, report.finished) == (400, True)
    finally:
        store.close()


def test_new_database_gives_space_back_and_status_shows_size(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    now = datetime(2026, 12, 6, tzinfo=UTC)
    fill(db, 1500, at=now - timedelta(days=120), body_repeat=20)
    store = Store(db)
    try:
        assert store.conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2   # incremental
        store.conn.execute("INSERT INTO db_sizes VALUES ('2026-11-29', '2026-11-29T00:00:00Z',"
                           " 1000000, 0)")
        cut = retention.cutoffs(replace(Settings(), keep_unmatched=90), now)
        report = asyncio.run(retention.prune(store, cut, now, vacuum_pages=16))
        assert report.finished and report.pages > 16     # several steps, all given back
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        info = store.size_info()
        assert info.free_bytes == 0 and info.auto_vacuum == "incremental"
        assert info.bytes == db.stat().st_size
        assert info.growth_per_day is not None and round(info.over_days) == 7
    finally:
        store.close()
    facts = read_facts(Settings(db=db, feeds=tmp_path / "none.yaml"), now, check_config=False)
    assert facts.db_bytes == info.bytes and facts.db_growth_per_day == info.growth_per_day


def test_a_pruned_entry_polled_again_is_not_stored_again(polled: Settings,
                                                          site: FixtureServer) -> None:
    later = datetime.now(UTC) + timedelta(days=200)
    store = Store(polled.db)
    try:
        before = store.query("SELECT id, canonical_url FROM articles ORDER BY id")
        cut = retention.cutoffs(replace(polled, keep_unmatched=90), later)
        assert asyncio.run(retention.prune(store, cut, later)).articles == 1   # Sénégal
    finally:
        store.close()
    # the feed changes (so it is parsed again, not a 304): one entry more
    site.set("/afrique/rss.xml", rss([
        *SITE_ENTRIES,
        {"title": "Mali : la saison sèche", "link": "{{BASE}}/afrique/mali", "guid": "rfi-3",
         "summary": "Il fait chaud."},
    ]))
    with sqlite3.connect(polled.db) as c:
        c.execute("UPDATE feeds SET next_poll_at = NULL")
    r = watchdesk("poll", *paths(polled))
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(polled.db) as c:
        after = c.execute("SELECT id, canonical_url, body, pruned_at FROM articles"
                          " ORDER BY id").fetchall()
        assert [(a[0], a[1]) for a in after[:2]] == [tuple(b) for b in before]
        assert len(after) == 3                           # only the Mali piece is new
        assert sum(1 for a in after if a[3]) == 1        # Sénégal still pruned, not refilled
        assert c.execute("SELECT new FROM fetches ORDER BY id DESC").fetchone()[0] == 1


@pytest.fixture
def daemon_proc(settings: Settings, tmp_path: Path) -> Iterator[Callable[..., Daemon]]:
    started: list[Daemon] = []

    def start(**env: str) -> Daemon:
        started.append(Daemon(settings, tmp_path, len(started), **env))
        return started[-1]

    yield start
    for d in started:
        d.close()


def test_sigkill_during_pruning_leaves_nothing_half_deleted(
        settings: Settings, daemon_proc: Callable[..., Daemon]) -> None:
    total = 12000
    fill(settings.db, total, at=datetime.now(UTC) - timedelta(days=200), body_repeat=4)
    d = daemon_proc(WATCHDESK_KEEP_UNMATCHED="30d")
    d.notify.wait_for(lambda m: "READY=1" in m)

    def pruned() -> int:
        with sqlite3.connect(f"file:{settings.db}?mode=ro", uri=True) as c:
            return int(c.execute("SELECT count(*) FROM articles WHERE pruned_at IS NOT NULL"
                                 ).fetchone()[0])

    wait_until(lambda: pruned() > 0, timeout=60, logs=d)
    d.proc.send_signal(signal.SIGKILL)
    d.proc.wait(timeout=10)
    n = pruned()
    assert 0 < n <= total
    with sqlite3.connect(settings.db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        fts_ok(c)
        whole(c)
        cursor = int(c.execute("SELECT value FROM meta WHERE key ="
                               " 'retention.unmatched.after'").fetchone()[0])
        # what the cursor passed is pruned (but the daemon's own fresh articles); nothing
        # beyond it is
        old = iso(datetime.now(UTC) - timedelta(days=30))
        assert c.execute("SELECT count(*) FROM articles WHERE id <= ? AND pruned_at IS NULL"
                         " AND fetched_at < ?", (cursor, old)).fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM articles WHERE id > ? AND pruned_at IS NOT NULL",
                         (cursor,)).fetchone()[0] == 0
    print(f"killed with {n} of {total} pruned")
    # a restart goes on where it stopped
    store = Store(settings.db)
    try:
        now = datetime.now(UTC)
        cut = retention.cutoffs(replace(settings, keep_unmatched=30), now)
        deadline = time.monotonic() + 120
        while not asyncio.run(retention.prune(store, cut, now)).finished:
            assert time.monotonic() < deadline
        assert store.query("SELECT count(*) FROM articles WHERE pruned_at IS NOT NULL"
                           )[0][0] == total
        fts_ok(store.conn)
    finally:
        store.close()
