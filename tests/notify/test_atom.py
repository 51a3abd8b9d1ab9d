"""Atom feeds per rule and of the urgent alerts: ``watchdesk feeds-out DIR`` through the real
command on a real database, read back with feedparser (no bozo), hostile content escaped."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from watchdesk.notify.atom import ATOM, rule_feed, urgent_feed
from watchdesk.store import Store, iso

from .conftest import World
from conftest import watchdesk

NOW = datetime.now(UTC).replace(microsecond=0)
EVIL = ('<script>alert("x")</script> & <b>gras</b> ]]> \x00\x07\x1b\ufffe '
        '<![CDATA[ x ]]> &amp; "quotes" \'single\'')
ARABIC = "عاجل: المشير حفتر يستقبل وفدًا عسكريًا روسيًا في بنغازي"


def when(minutes: int) -> str:
    return iso(NOW - timedelta(minutes=minutes))


@pytest.fixture
def db(store: Store, world: World, tmp_path: Path) -> Path:
    rfi = world.feed("rfi", title="RFI - Afrique")
    aj = world.feed("aljazeera", title="الجزيرة <i>")
    a1 = world.article(rfi, "Libye : une délégation russe à Benghazi",
                       url="https://rfi.example/libye?a=1&b=2", published_at=when(90),
                       fetched_at=when(80))
    world.match(a1, "russie-libye", when(79), priority="alert",
                snippet_text="une délégation militaire russe à Benghazi")
    a2 = world.article(aj, ARABIC, url="https://aljazeera.example/1", published_at=when(70),
                       fetched_at=when(60), story_id=a1)
    world.match(a2, "russie-libye", when(59), snippet_text="وفدًا عسكريًا روسيًا")
    a3 = world.article(rfi, EVIL, url="javascript:alert(1)", published_at=when(50),
                       fetched_at=when(50))
    world.match(a3, "haftar", when(49), snippet_text=EVIL)
    world.match(a3, "russie-libye", when(48), backfill=True)
    return Path(store.path)


def parse(path: Path) -> feedparser.FeedParserDict:
    d = feedparser.parse(path.read_bytes())
    assert not d.bozo, d.get("bozo_exception")
    assert d.version == "atom10"
    return d


def test_feeds_out_writes_valid_feeds_per_rule_and_urgent(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "www"
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "libye.yaml").write_text(
        "rules:\n  - id: russie-libye\n    title: Russie en Libye\n"
        "    query: benghazi\n  - id: calme\n    title: Rien\n    query: zzzz\n",
        encoding="utf-8")
    r = watchdesk("feeds-out", str(out), "--db", str(db), "--rules", str(rules),
                  env=None)
    assert r.returncode == 0, r.stderr
    assert "4 feed(s) written" in r.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.atom")) == [
        "rules/calme.atom", "rules/haftar.atom", "rules/russie-libye.atom", "urgent.atom"]
    assert not [p for p in out.rglob(".*")]                     # no temporary file left
    assert oct(os.stat(out / "urgent.atom").st_mode & 0o777) == "0o644"

    russie = parse(out / "rules" / "russie-libye.atom")
    assert russie.feed.title == "watchdesk — Russie en Libye"
    titles = [e.title for e in russie.entries]
    # newest first; the backfill match is in the rule's feed (not in the urgent one)
    assert titles[1:] == [ARABIC, "Libye : une délégation russe à Benghazi"]
    assert titles[0].startswith("<script>")
    ar = russie.entries[1]
    assert ar.author == "الجزيرة <i>" and ar.link == "https://aljazeera.example/1"
    assert "Sources (2) : RFI - Afrique, الجزيرة <i>" in ar.summary
    assert russie.entries[2].link == "https://rfi.example/libye?a=1&b=2"
    assert ar.tags[0].term == "russie-libye"
    assert len({e.id for e in russie.entries}) == len(russie.entries)
    assert parse(out / "rules" / "calme.atom").entries == []

    urgent = parse(out / "urgent.atom")
    assert [e.title for e in urgent.entries] == ["Libye : une délégation russe à Benghazi"]

    # run again: same ids (readers do not show entries twice)
    first_ids = [e.id for e in russie.entries]
    assert watchdesk("feeds-out", str(out), "--db", str(db), "--rules",
                     str(rules)).returncode == 0
    assert [e.id for e in parse(out / "rules" / "russie-libye.atom").entries] == first_ids


def test_hostile_content_is_text_not_markup(store: Store, db: Path) -> None:
    rows = store.rule_feed_rows("haftar")
    doc = rule_feed("haftar", "Haftar <en> & Russie", rows, now=NOW)
    root = ET.fromstring(doc)                     # well-formed XML
    assert root.tag == f"{{{ATOM}}}feed"
    assert b"<script>" not in doc and b"<b>" not in doc and b"\x00" not in doc
    d = feedparser.parse(doc)
    assert not d.bozo, d.get("bozo_exception")
    (entry,) = d.entries
    assert entry.title.startswith('<script>alert("x")</script> & <b>gras</b> ]]>')
    assert entry.title_detail.type == "text/plain"
    assert "links" not in entry or all(link.rel != "alternate" for link in entry.links)
    assert d.feed.title == "watchdesk — Haftar <en> & Russie"
    entry_el = root.find(f"{{{ATOM}}}entry")
    assert entry_el is not None
    summary = entry_el.find(f"{{{ATOM}}}summary")
    assert summary is not None and summary.get("type") == "text"
    assert summary.text is not None and "<script>" in summary.text   # as text, escaped


def test_web_url_gives_self_and_event_links(store: Store, db: Path) -> None:
    rows = store.urgent_feed_rows()
    story = int(rows[0]["story_id"])
    d = feedparser.parse(urgent_feed(rows, now=NOW, web_url="https://veille.example.org/"))
    assert not d.bozo
    links = {(link.rel, link.href) for link in d.feed.links}
    assert ("self", "https://veille.example.org/urgent.atom") in links
    related = [link.href for link in d.entries[0].links if link.rel == "related"]
    assert related == [f"https://veille.example.org/events/{story}"]
    web = feedparser.parse(rule_feed("russie-libye", "Russie", rows, now=NOW,
                                     web_url="https://veille.example.org"))
    assert ("self", "https://veille.example.org/rules/russie-libye.atom") in {
        (link.rel, link.href) for link in web.feed.links}


def test_an_empty_feed_is_valid_and_dated_now() -> None:
    d = feedparser.parse(rule_feed("calme", "Rien", [], now=datetime(2026, 12, 6, 9, 0,
                                                                     tzinfo=UTC)))
    assert not d.bozo and d.entries == []
    assert d.feed.updated == "2026-12-06T09:00:00Z"
