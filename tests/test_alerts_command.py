"""`watchdesk alerts`: one entry per article with all its rules (pure grouping), and the
command as a real subprocess: publication dates, whole snippets, highlighting on a terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer
from watchdesk.notify.recent import best_snippet, recent_articles

from conftest import DATA, article_page, cli_env, paths, rfi_paragraphs, rss, watchdesk, write_feeds


def row(article_id: int, rule_id: str, *, priority: str = "digest", published: str | None =
        "2023-08-22T10:00:00Z", created: str = "2026-12-01T08:00:00Z") -> dict[str, object]:
    text = "… le maréchal Khalifa Haftar a reçu la délégation russe à Benghazi …"
    return {"article_id": article_id, "title": f"article {article_id}", "url": None,
            "feed_name": "rfi", "published_at": published,
            "fetched_at": "2026-12-01T07:59:00Z", "rule_id": rule_id, "priority": priority,
            "terms": json.dumps(["haftar"]), "snippet": text, "backfill": 0,
            "snippets": json.dumps({"body": {"text": text, "spans": [[22, 28]]}}),
            "created_at": created}


def test_one_entry_per_article_urgent_rules_first() -> None:
    rows = [row(1, "haftar", created="2026-12-01T09:00:00Z"),
            row(2, "wagner", published=None, created="2026-12-01T08:30:00Z"),
            row(1, "russie-libye", priority="alert", created="2026-12-01T08:00:00Z")]
    got = recent_articles(rows)
    assert [a.article_id for a in got] == [2, 1]            # newest date shown first
    assert [h.rule_id for h in got[1].hits] == ["russie-libye", "haftar"]
    assert got[1].urgent and not got[0].urgent
    assert got[1].date == ("2023-08-22T10:00:00Z", "published")
    assert got[0].date == ("2026-12-01T07:59:00Z", "fetched")
    assert got[1].hits[0].snippet.highlighted() == (
        "… le maréchal Khalifa [Haftar] a reçu la délégation russe à Benghazi …")


def test_best_snippet_prefers_the_body_and_falls_back_to_the_plain_text() -> None:
    both = {"title": {"text": "Haftar à Moscou", "spans": [[0, 6]]},
            "body": {"text": "… Haftar est arrivé …", "spans": [[2, 8]]}}
    assert best_snippet(json.dumps(both), "x").highlighted() == "… [Haftar] est arrivé …"
    assert best_snippet("{}", "texte seul").highlighted() == "texte seul"


def test_alerts_command_one_block_per_article(settings: Settings) -> None:
    assert watchdesk("poll", *paths(settings)).returncode == 0
    data = json.loads(watchdesk("alerts", "--matched-since", "1h", "--json",
                                *paths(settings)).stdout)
    rfi = [d for d in data if d["title"].startswith("Libye")]
    assert {d["rule_id"] for d in rfi} == {"russie-libye", "haftar"}   # two rules, ...
    r = watchdesk("alerts", "--matched-since", "1h", *paths(settings))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    heads = [line for line in lines if "Libye : une délégation" in line]
    assert len(heads) == 1                                            # ... one block
    # the article's publication date (pubDate 10:00 GMT), in WATCHDESK_TIMEZONE
    assert heads[0].endswith("(afrique, published 2023-08-22 12:00 CEST)")
    # each snippet whole, as stored (cut at word boundaries, with …), terms in [ ]
    shown = [line[6:] for line in lines if line.startswith("      ")]
    assert sorted(shown) == sorted(d["highlighted"] for d in data)
    for text in shown:
        assert "[" in text and (text.endswith("…") or text[-1] in ".!?»"), text
    assert lines[-1] == "1 article(s), 2 match(es) (matched in the last 1h)"


def test_alerts_highlight_on_a_terminal(settings: Settings) -> None:
    assert watchdesk("poll", *paths(settings)).returncode == 0
    leader, follower = pty.openpty()
    with subprocess.Popen([sys.executable, "-m", "watchdesk", "alerts", "--since", "2000-01-01",
                           *paths(settings)],
                          stdout=follower, stderr=subprocess.PIPE, env=cli_env()) as proc:
        os.close(follower)
        out = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            out += chunk
        os.close(leader)
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 0, err
    text = out.decode()
    assert re.search(r"\x1b\[1;33mBenghazi\x1b\[0m", text, re.I), text
    assert "[Benghazi]" not in text


# -- [ux-2] order and window (item 7), terms (item 12), --until and --feed (item 13) --------

def _rfc822(dt: datetime) -> str:
    return dt.strftime("%a, %d %b %Y %H:%M:%S GMT")


@pytest.fixture(scope="module")
def _dated_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Two feeds polled once for the module: 'afrique' carries three Haftar articles
    published in 2023, two hours ago and in 2024 (in that order, so they are matched in that
    order); 'monde' one published yesterday-ish (30 hours ago). The folder of feeds.yaml,
    rules and database; the site serves until the module ends."""
    tmp_path = tmp_path_factory.mktemp("dated")
    rules_dir = tmp_path / "rules"
    shutil.copytree(DATA / "rules", rules_dir)
    now = datetime.now(UTC)
    pages = {"old": ("Haftar reçoit à Benghazi, 2023", "2023-08-22"),
             "new": ("Haftar reçoit à Benghazi, ce matin", _rfc822(now - timedelta(hours=2))),
             "mid": ("Haftar reçoit à Benghazi, 2024", "2024-05-14"),
             "monde": ("Haftar à Moscou", _rfc822(now - timedelta(hours=30)))}
    with FixtureServer() as srv:
        items = {}
        for key, (title, date) in pages.items():
            if "GMT" not in date:
                date = _rfc822(datetime.fromisoformat(date).replace(hour=10, tzinfo=UTC))
            items[key] = {"title": title, "link": "{{BASE}}/" + key, "guid": key,
                          "date": date}
            srv.set("/" + key, article_page(title, [f"{title} : le maréchal Khalifa Haftar "
                                                    "a reçu une délégation russe.",
                                                    *rfi_paragraphs()[1:3]]))
        srv.set("/afrique.xml", rss([items["old"], items["new"], items["mid"]]))
        srv.set("/monde.xml", rss([items["monde"]]))
        feeds = write_feeds(tmp_path / "feeds.yaml", [("afrique", srv.url("/afrique.xml")),
                                                      ("monde", srv.url("/monde.xml"))])
        s = Settings(feeds=feeds, rules=rules_dir, db=tmp_path / "watchdesk.db")
        r = watchdesk("poll", *paths(s))
        assert r.returncode == 0, r.stderr
        yield tmp_path


@pytest.fixture
def dated(_dated_once: Path, tmp_path: Path) -> Settings:
    """A copy of the module's polled folder (``_dated_once``), the test's own to change."""
    shutil.copytree(_dated_once, tmp_path, dirs_exist_ok=True)
    return Settings(feeds=tmp_path / "feeds.yaml", rules=tmp_path / "rules",
                    db=tmp_path / "watchdesk.db")


def _titles(out: str) -> list[str]:
    return [line[2:].split("  (")[0] for line in out.splitlines() if line[:2] in ("! ", "  ")
            and "  (" in line]


def test_alerts_are_listed_by_the_date_shown_and_since_reads_it(dated: Settings) -> None:
    every = watchdesk("alerts", "--matched-since", "1h", *paths(dated))
    assert every.returncode == 0, every.stderr
    # newest date shown first: the match order (old, new, mid, monde) does not decide
    assert _titles(every.stdout) == ["Haftar reçoit à Benghazi, ce matin", "Haftar à Moscou",
                                     "Haftar reçoit à Benghazi, 2024",
                                     "Haftar reçoit à Benghazi, 2023"]
    dates = re.findall(r", published (\S+ \S+) ", every.stdout)
    assert dates == sorted(dates, reverse=True) and len(dates) == 4
    # --since (default 24h) reads the publication date: no 2023 article in the last day
    recent = watchdesk("alerts", *paths(dated))
    assert _titles(recent.stdout) == ["Haftar reçoit à Benghazi, ce matin"]
    assert recent.stdout.splitlines()[-1].endswith("(published in the last 24h)")
    two_days = watchdesk("alerts", "--since", "2d", "--json", *paths(dated))
    assert {d["title"] for d in json.loads(two_days.stdout)} == {
        "Haftar reçoit à Benghazi, ce matin", "Haftar à Moscou"}
    # nothing dated in the window: the command says where the matches are
    none = watchdesk("alerts", "--since", "1h", *paths(dated))
    assert none.stdout.splitlines() == [
        "no matches (published in the last 1h)",
        "4 older article(s) matched in the last 1h (by the date of the match): "
        "--matched-since 1h shows them"]
    helped = watchdesk("alerts", "--help")
    assert "--since" in helped.stdout and "publication date" in helped.stdout
    assert "--matched-since" in helped.stdout


def test_alerts_until_and_feed(dated: Settings) -> None:
    old = watchdesk("alerts", "--since", "2000-01-01", "--until", "2025-01-01", *paths(dated))
    assert _titles(old.stdout) == ["Haftar reçoit à Benghazi, 2024",
                                   "Haftar reçoit à Benghazi, 2023"]
    assert old.stdout.splitlines()[-1].endswith(
        "(published since 2000-01-01, published before 2025-01-01)")
    ago = watchdesk("alerts", "--since", "3d", "--until", "24h", *paths(dated))
    assert _titles(ago.stdout) == ["Haftar à Moscou"]
    monde = watchdesk("alerts", "--matched-since", "1h", "--feed", "monde", *paths(dated))
    assert _titles(monde.stdout) == ["Haftar à Moscou"]
    typo = watchdesk("alerts", "--feed", "mondes", *paths(dated))
    assert typo.returncode == 2 and "no feed 'mondes'" in typo.stderr
    assert "did you mean monde?" in typo.stderr
    bad = watchdesk("alerts", "--until", "hier", *paths(dated))
    assert bad.returncode == 2 and "or a date such as 2026-12-01" in bad.stderr


def test_alerts_show_the_terms_of_the_snippet_and_count_the_rest(dated: Settings) -> None:
    """A rule with many terms: the line shows those its snippet shows, the others counted."""
    (dated.rules / "large.yaml").write_text(
        "rules:\n  - id: large\n    query: haftar OR benghazi OR délégation OR russe OR "
        "wagner OR prigojine OR evkourov OR tripoli OR misrata OR syrte OR moscou\n",
        encoding="utf-8")
    r = watchdesk("poll", *paths(dated))  # the new rule is backfilled over stored articles
    assert r.returncode == 0, r.stderr
    data = [d for d in json.loads(watchdesk("alerts", "--since", "2000-01-01", "--rule",
                                            "large", "--json", *paths(dated)).stdout)]
    text = watchdesk("alerts", "--since", "2000-01-01", "--rule", "large",
                     *paths(dated)).stdout.splitlines()
    lines = [(t, text[i + 1]) for i, t in enumerate(text) if t.startswith("    [large]")]
    assert len(lines) == len(data) == 4
    counted = 0
    for (line, snippet), d in zip(lines, data, strict=True):
        shown = line.split(" terms: ", 1)[1]
        more = re.search(r" \(\+(\d+) more\)$", shown)
        names = shown[:more.start()] if more else shown
        terms = names.split(", ")
        # only terms found in the snippet, and all of them (at most six)...
        assert set(terms) <= set(d["terms"]), (terms, d["terms"])
        assert all(t in snippet.lower() for t in terms), (terms, snippet)
        # ... the rest counted
        assert len(terms) + (int(more[1]) if more else 0) == len(d["terms"])
        counted += bool(more)
    assert counted, "no rule line counted hidden terms"
