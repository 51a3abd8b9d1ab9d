"""Event grouping through the real pipeline and store: feeds on a loopback server, a real
SQLite file. Outlets' own texts of one event share a story; other events do not; backfill,
updates, a second process and an upgrade keep it so."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from watchdesk import events
from watchdesk.app import Watchdesk
from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer
from watchdesk.events import epoch
from watchdesk.pipeline import CycleReport
from watchdesk.store import Store

from conftest import article_page, rss, write_feeds

ARTICLES: dict[str, dict[str, Any]] = {a["id"]: a for a in json.loads(
    (Path(__file__).parent / "data" / "events.json").read_text(encoding="utf-8"))["articles"]}


def poll(settings: Settings) -> CycleReport:
    async def go() -> CycleReport:
        async with Watchdesk(settings) as wd:
            return await wd.poll()
    return asyncio.run(go())


def rfc822(iso: str) -> str:
    from datetime import UTC, datetime

    return format_datetime(datetime.fromtimestamp(epoch(iso) or 0, UTC), usegmt=True)


def publish(site: FixtureServer, feed: str, ids: list[str], **change: str) -> None:
    """Serve the named articles of data/events.json on one feed, each with its page, the
    ``change`` replacements made in their titles and texts."""
    items = []
    for i in ids:
        a = ARTICLES[i]
        title, lead = a["title"], a["lead"]
        for old, new in change.items():
            title, lead = title.replace(old, new), lead.replace(old, new)
        items.append({"title": title, "link": f"{{{{BASE}}}}/{feed}/{i}", "guid": i,
                      "date": rfc822(a["time"]), "summary": lead.split(". ")[0] + "."})
        site.set(f"/{feed}/{i}", article_page(title, [lead]))
    site.set(f"/{feed}.xml", rss(items, title=ARTICLES[ids[0]]["feed"]))


def stories(settings: Settings) -> dict[str, int | None]:
    store = Store(settings.db)
    try:
        return {r["guid"]: r["story_id"]
                for r in store.query("SELECT guid, story_id FROM articles")}
    finally:
        store.close()


def same(st: dict[str, int | None], *ids: str) -> bool:
    return len({st[i] for i in ids}) == 1 and st[ids[0]] is not None


def test_outlets_texts_of_one_event_share_a_story_and_other_events_do_not(
        settings: Settings, site: FixtureServer) -> None:
    publish(site, "rfi", ["rfi-delegation", "rfi-saddam", "rfi-accord"])
    publish(site, "france24", ["france24-delegation", "france24-accord"])
    publish(site, "lemonde", ["lemonde-delegation"])
    publish(site, "ja", ["jeuneafrique-saddam"])
    write_feeds(settings.feeds, [(f, site.url(f"/{f}.xml"))
                                 for f in ("rfi", "france24", "lemonde", "ja")])
    report = poll(settings)
    assert report.new == 7 and report.matched >= 7
    st = stories(settings)
    assert same(st, "rfi-delegation", "france24-delegation", "lemonde-delegation")
    assert same(st, "rfi-saddam", "jeuneafrique-saddam")      # same day, same names
    assert same(st, "rfi-accord", "france24-accord")          # the next day
    assert len(set(st.values())) == 3


def test_backfill_groups_the_articles_a_new_rule_matches(settings: Settings,
                                                         site: FixtureServer) -> None:
    publish(site, "herald", ["herald-oil"])
    publish(site, "observer", ["observer-oil"])
    write_feeds(settings.feeds, [("herald", site.url("/herald.xml")),
                                 ("observer", site.url("/observer.xml"))])
    poll(settings)
    assert stories(settings) == {"herald-oil": None, "observer-oil": None}  # no rule: no story
    (settings.rules / "oil.yaml").write_text(
        "rules:\n  - id: petrole\n    query: oil OR petrole OR pétrole\n", encoding="utf-8")
    poll(settings)  # loading the rules backfills the new one
    assert same(stories(settings), "herald-oil", "observer-oil")


def test_an_update_keeps_the_story_and_one_that_makes_an_article_match_groups_it(
        settings: Settings, site: FixtureServer) -> None:
    # France 24's text first without Haftar's name: no rule matches it, it has no story.
    (settings.rules / "haftar.yaml").write_text(
        "rules:\n  - id: haftar\n    query: haftar\n", encoding="utf-8")
    for other in settings.rules.glob("*.yaml"):
        if other.name != "haftar.yaml":
            other.unlink()
    publish(site, "rfi", ["rfi-delegation"])
    publish(site, "france24", ["france24-delegation"],
            **{"Khalifa Haftar": "l'homme fort", "Haftar": "l'homme fort"})
    write_feeds(settings.feeds, [("rfi", site.url("/rfi.xml")),
                                 ("france24", site.url("/france24.xml"))])
    poll(settings)
    st = stories(settings)
    assert st["france24-delegation"] is None and st["rfi-delegation"] is not None
    # Then as published: it names Haftar, matches, and joins RFI's story.
    publish(site, "france24", ["france24-delegation"])
    assert poll(settings).updated == 1
    assert same(stories(settings), "rfi-delegation", "france24-delegation")
    # RFI corrects its text: it keeps its story, and the index learns the new words.
    publish(site, "rfi", ["rfi-delegation"], **{"arrivée jeudi": "arrivée jeudi 20 février"})
    assert poll(settings).updated == 1
    assert same(stories(settings), "rfi-delegation", "france24-delegation")
    store = Store(settings.db)
    terms = events.loads(store.query(
        "SELECT d.terms FROM event_docs d JOIN articles a ON a.id = d.article_id"
        " WHERE a.guid = 'rfi-delegation'")[0][0])
    assert terms.get("fevrie") == 1.0
    store.close()


def _group(store: Store, article_id: int, name: str, now: str) -> int:
    a = ARTICLES[name]
    with store.transaction() as c:
        return store._group(c, [(article_id, epoch(a["time"]) or 0.0,
                                 events.terms_of(a["title"], a["lead"]),
                                 a.get("lang", ""))], now)[article_id]


def test_the_index_follows_what_another_process_grouped(tmp_path: Path) -> None:
    now = "2025-02-20T20:00:00Z"
    daemon, other = Store(tmp_path / "w.db"), Store(tmp_path / "w.db")
    try:
        assert _group(daemon, 1, "rfi-delegation", now) == 1
        assert _group(other, 2, "france24-delegation", now) == 1   # `watchdesk poll`, say
        assert _group(daemon, 3, "lemonde-delegation", now) == 1
        assert set(daemon._events.docs) == {1, 2, 3}                # reloaded: it saw 2
    finally:
        daemon.close()
        other.close()


def test_a_rolled_back_grouping_is_forgotten(tmp_path: Path) -> None:
    now = "2025-02-20T20:00:00Z"
    store = Store(tmp_path / "w.db")
    try:
        a = ARTICLES["rfi-delegation"]
        try:
            with store.transaction() as c:
                store._group(c, [(1, epoch(a["time"]) or 0.0,
                                  events.terms_of(a["title"], a["lead"]), "fr")], now)
                raise RuntimeError("the feed's transaction fails after grouping")
        except RuntimeError:
            pass
        assert store._events is None
        assert _group(store, 2, "france24-delegation", now) == 2   # 1 was never committed
        assert store.query("SELECT article_id FROM event_docs")[0][0] == 2
    finally:
        store.close()


def test_event_docs_are_kept_for_the_backfill_window_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "w.db")
    try:
        _group(store, 1, "rfi-delegation", "2025-02-20T20:00:00Z")
        _group(store, 2, "herald-oil", "2025-03-01T20:00:00Z")      # nine days later
        assert [r[0] for r in store.query("SELECT article_id FROM event_docs")] == [2]
        assert set(store._events.docs) == {2}
    finally:
        store.close()


def test_the_upgrade_regroups_what_is_stored(tmp_path: Path) -> None:
    # A database of 0.1: near-duplicate signatures, every matched article its own story
    # (outlets' texts of one event were not linked), an unmatched one with a story too.
    db = tmp_path / "old.db"
    store = Store(db)
    with store.transaction() as c:
        c.execute("DROP TABLE event_docs")
        c.execute("DROP TABLE event_alerts")
        c.execute("CREATE TABLE story_sigs (article_id INTEGER PRIMARY KEY, story_id INTEGER"
                  " NOT NULL, sig TEXT NOT NULL, created_at TEXT NOT NULL)")
        c.execute("CREATE TABLE story_bands (band INTEGER NOT NULL, article_id INTEGER NOT NULL)")
        c.execute("DELETE FROM _sqlite_migrations WHERE name IN"       # as 0.1 before m006
                  " ('m006_one_permutation_story_signatures', 'm007_events',"
                  "  'm015_events_across_languages')")
        c.execute("INSERT INTO feeds(name, url, config_url, interval_s, created_at) VALUES"
                  " ('f', 'http://127.0.0.1/f', 'http://127.0.0.1/f', 600, '2025-01-01T00:00:00Z')")
        names = ["rfi-delegation", "france24-delegation", "rfi-saddam", "jeuneafrique-saddam",
                 "rfi-accord", "france24-accord", "herald-oil"]
        for n, name in enumerate(names, start=1):
            a = ARTICLES[name]
            c.execute("INSERT INTO articles(id, feed_id, guid, url, canonical_url, title, body,"
                      " published_at, fetched_at, extraction, content_hash, story_id)"
                      " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, 'page', 'h', ?)",
                      (n, name, f"u{n}", f"u{n}", a["title"], a["lead"], a["time"], a["time"], n))
            if name != "herald-oil":
                c.execute("INSERT INTO matches(article_id, rule_id, priority, terms, snippet,"
                          " snippets, created_at) VALUES (?, 'haftar', 'digest', '[]', '', '{}',"
                          " ?)", (n, a["time"]))
        c.execute("INSERT INTO story_sigs VALUES (1, 1, '1 2 3', '2025-02-20T10:00:00Z')")
    store.close()

    store = Store(db)
    try:
        st = {r["guid"]: r["story_id"] for r in store.query("SELECT guid, story_id FROM articles")}
        assert st["rfi-delegation"] == st["france24-delegation"] == 1
        assert st["rfi-saddam"] == st["jeuneafrique-saddam"] == 3
        assert st["rfi-accord"] == st["france24-accord"] == 5
        assert st["herald-oil"] is None                        # no rule matched it
        tables = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "story_sigs" not in tables and "story_bands" not in tables
        assert store.query("SELECT count(*) FROM event_docs")[0][0] == 6
        # a new article finds its event among the regrouped ones
        assert _group(store, 100, "lemonde-delegation", "2025-02-21T20:00:00Z") == 1
    finally:
        store.close()


def _article_rows(c: sqlite3.Connection, now: str, stories: dict[int, int | None]) -> None:
    """A feed and the rows of the articles already grouped (id -> their story_id), as the
    pipeline writes them beside ``event_docs``."""
    c.execute("INSERT INTO feeds(name, url, config_url, interval_s, created_at) VALUES"
              " ('f', 'http://127.0.0.1/f', 'http://127.0.0.1/f', 600, ?)", (now,))
    for n, story in stories.items():
        c.execute("INSERT INTO articles(id, feed_id, guid, url, canonical_url, title,"
                  " fetched_at, extraction, content_hash, story_id) VALUES"
                  " (?, 1, ?, ?, ?, 't', ?, 'page', 'h', ?)", (n, n, n, n, now, story))


def _oil_in_the_delegations_story(store: Store, now: str) -> None:
    """The delegation's report (1) and a report on oil (2) grouped apart, then stored as
    if a join had put the oil report in the delegation's story."""
    assert _group(store, 1, "rfi-delegation", now) == 1
    assert _group(store, 2, "herald-oil", now) == 2
    with store.transaction() as c:
        _article_rows(c, now, {1: 1, 2: 1, 3: None})
        c.execute("UPDATE event_docs SET story_id = 1 WHERE article_id = 2")


def test_an_article_of_an_open_story_moves_where_it_belongs(tmp_path: Path) -> None:
    # An earlier grouping left a report on oil in the delegation's story (as a join on the
    # word of a story's first member may); the next batch brings another report of the
    # delegation: the open stories near it are grouped again, in the articles and the cache.
    now = "2025-02-20T20:00:00Z"
    store = Store(tmp_path / "w.db")
    try:
        _oil_in_the_delegations_story(store, now)
    finally:
        store.close()
    store = Store(tmp_path / "w.db")   # (its index is built from the cache)
    try:
        assert _group(store, 3, "france24-delegation", now) == 1
        with store.transaction() as c:
            assert dict(c.execute("SELECT id, story_id FROM articles").fetchall()) == \
                {1: 1, 2: 2, 3: 1}
            assert dict(c.execute("SELECT article_id, story_id FROM event_docs").fetchall()) \
                == {1: 1, 2: 2, 3: 1}
        assert store._events is not None and store._events.stories[2] == [2]
    finally:
        store.close()


def test_a_story_a_breaking_alert_named_is_held_and_one_a_digest_or_an_alert_showed_is_not(
        tmp_path: Path) -> None:
    store = Store(tmp_path / "w.db")
    try:
        now = "2025-02-20T20:00:00Z"
        for n, name in enumerate(["rfi-delegation", "rfi-saddam", "herald-oil"], start=1):
            _group(store, n, name, now)
        with store.transaction() as c:
            _article_rows(c, now, {1: 1, 2: 2, 3: 3})
            for n in (1, 2, 3):
                c.execute("INSERT INTO matches(article_id, rule_id, priority, terms, snippet,"
                          " snippets, created_at) VALUES (?, 'r', 'digest', '[]', '', '{}', ?)",
                          (n, now))
            is_open = store._open_stories(c)
            assert is_open(1) and is_open(2) and is_open(3)
            # a digest saw every match, an urgent match's alert carried the third article's:
            # snapshots, they hold nothing since events-9
            store.set_meta("digest.match_hw", "3", c)
            c.execute("UPDATE matches SET alert_outbox_id = 7 WHERE article_id = 3")
            is_open = store._open_stories(c)
            assert is_open(1) and is_open(2) and is_open(3)
            # a breaking-story alert (once per rule and event) holds its story
            c.execute("INSERT INTO event_alerts(rule_id, story_id, outbox_id, sources,"
                      " created_at) VALUES ('r', 2, 8, 3, ?)", (now,))
            is_open = store._open_stories(c)
            assert is_open(1) and not is_open(2) and is_open(3)
    finally:
        store.close()


@pytest.mark.parametrize("shown_by", ["digest", "alert", "breaking alert"])
def test_an_article_a_digest_showed_in_the_wrong_story_still_moves_a_broken_one_does_not(
        tmp_path: Path, shown_by: str) -> None:
    # A report on oil was grouped with the delegation's (as a join on the word of a story's
    # first member may), and a digest or an urgent match's alert showed them so. The next
    # report of the delegation shows that it does not belong: the story is grouped again
    # and the next digest shows the event as grouped then. Had a breaking-story alert named
    # the story, it would keep its articles (so that no event breaks twice), and the oil
    # report would keep the delegation's next report out of it (on average under the join
    # threshold): a story of its own.
    now = "2025-02-20T20:00:00Z"
    store = Store(tmp_path / "w.db")
    try:
        _oil_in_the_delegations_story(store, now)
        with store.transaction() as c:
            for n in (1, 2):
                c.execute("INSERT INTO matches(article_id, rule_id, priority, terms, snippet,"
                          " snippets, created_at) VALUES (?, 'r', 'digest', '[]', '', '{}', ?)",
                          (n, now))
            if shown_by == "digest":
                store.set_meta("digest.match_hw", "2", c)
            elif shown_by == "alert":
                c.execute("UPDATE matches SET alert_outbox_id = 7 WHERE article_id = 1")
            else:
                c.execute("INSERT INTO event_alerts(rule_id, story_id, outbox_id, sources,"
                          " created_at) VALUES ('r', 1, 8, 2, ?)", (now,))
    finally:
        store.close()
    store = Store(tmp_path / "w.db")
    try:
        expected = {1: 1, 2: 1, 3: 3} if shown_by == "breaking alert" else {1: 1, 2: 2, 3: 1}
        assert _group(store, 3, "france24-delegation", now) == expected[3]
        rows = dict(store.query("SELECT id, story_id FROM articles"))   # type: ignore[arg-type]
        assert rows == expected
    finally:
        store.close()


def _stored_before(c: sqlite3.Connection, names: list[str], *, own_story: bool) -> None:
    """The fixture articles `names` stored and matched by `haftar` as before an upgrade: each
    its own story (ids 1, 2, ...), or all in story 1."""
    c.execute("INSERT INTO feeds(name, url, config_url, interval_s, created_at) VALUES"
              " ('f', 'http://127.0.0.1/f', 'http://127.0.0.1/f', 600, '2025-01-01T00:00:00Z')")
    for n, name in enumerate(names, start=1):
        a = ARTICLES[name]
        c.execute("INSERT INTO articles(id, feed_id, guid, url, canonical_url, title, body,"
                  " lang, published_at, fetched_at, extraction, content_hash, story_id)"
                  " VALUES (?, 1, ?, ?, ?, ?, ?, 'fr', ?, ?, 'page', 'h', ?)",
                  (n, name, f"u{n}", f"u{n}", a["title"], a["lead"], a["time"], a["time"],
                   n if own_story else 1))
        c.execute("INSERT INTO matches(article_id, rule_id, priority, terms, snippet,"
                  " snippets, created_at) VALUES (?, 'haftar', 'digest', '[]', '', '{}', ?)",
                  (n, a["time"]))


def test_the_upgrade_to_languages_regroups_and_keeps_sent_alerts(tmp_path: Path) -> None:
    # A database grouped by the previous method: each article its own story, a breaking
    # alert sent for one of them; m015 regroups, and the alert follows its articles.
    db = tmp_path / "old.db"
    store = Store(db)
    names = ["rfi-delegation", "france24-delegation", "rfi-saddam", "jeuneafrique-saddam"]
    with store.transaction() as c:
        c.execute("DELETE FROM _sqlite_migrations WHERE name = 'm015_events_across_languages'")
        c.execute("ALTER TABLE event_docs DROP COLUMN lang")
        _stored_before(c, names, own_story=True)
        c.execute("INSERT INTO event_alerts(rule_id, story_id, outbox_id, sources, created_at)"
                  " VALUES ('haftar', 2, 1, 3, '2025-02-20T12:00:00Z')")
        # fetched two months before the newest: beyond the regrouped month, it keeps its story
        c.execute("INSERT INTO articles(id, feed_id, guid, url, canonical_url, title, body,"
                  " lang, published_at, fetched_at, extraction, content_hash, story_id)"
                  " VALUES (9, 1, 'older', 'u9', 'u9', ?, ?, 'fr', ?, ?, 'page', 'h', 77)",
                  (ARTICLES["rfi-delegation"]["title"], ARTICLES["rfi-delegation"]["lead"],
                   "2024-12-01T10:00:00Z", "2024-12-01T10:00:00Z"))
        c.execute("INSERT INTO matches(article_id, rule_id, priority, terms, snippet,"
                  " snippets, created_at) VALUES (9, 'haftar', 'digest', '[]', '', '{}',"
                  " '2024-12-01T10:00:00Z')")
    store.close()

    store = Store(db)
    try:
        st = {r["guid"]: r["story_id"] for r in store.query("SELECT guid, story_id FROM articles")}
        assert st["rfi-delegation"] == st["france24-delegation"] == 1
        assert st["rfi-saddam"] == st["jeuneafrique-saddam"] == 3
        assert st["older"] == 77
        alerts = {(r[0], r[1]) for r in store.query("SELECT rule_id, story_id FROM event_alerts")}
        assert ("haftar", 1) in alerts                      # the event it announced, regrouped
        assert ("haftar", 3) not in alerts
        assert {r[0] for r in store.query("SELECT lang FROM event_docs")} == {"fr"}
    finally:
        store.close()


def test_the_upgrade_to_concepts_regroups_with_them(tmp_path: Path) -> None:
    # Terms stored before the lexicon hold no concepts; m020 groups the month again with them.
    db = tmp_path / "old.db"
    store = Store(db)
    names = ["rfi-delegation", "france24-delegation", "rfi-saddam"]
    with store.transaction() as c:
        _stored_before(c, names, own_story=True)
        for n, name in enumerate(names, start=1):
            a = ARTICLES[name]
            terms = events.terms_of(a["title"], a["lead"])          # as stored before
            assert not any(t.startswith("~c") for t in terms)
            c.execute("INSERT INTO event_docs(article_id, story_id, at, terms, created_at, lang)"
                      " VALUES (?, ?, ?, ?, ?, 'fr')",
                      (n, n, a["time"], events.dumps(terms), a["time"]))
        c.execute("DELETE FROM _sqlite_migrations WHERE name = 'm020_event_concepts'")
    store.close()

    store = Store(db)
    try:
        rows = store.query("SELECT article_id, terms FROM event_docs ORDER BY article_id")
        assert [r[0] for r in rows] == [1, 2, 3]
        assert all("~cdelegation" in events.loads(r[1]) for r in rows[:2])
        st = {r["guid"]: r["story_id"] for r in store.query("SELECT guid, story_id FROM articles")}
        assert st["rfi-delegation"] == st["france24-delegation"] == 1
        assert st["rfi-saddam"] == 3
    finally:
        store.close()


@pytest.mark.parametrize(("migration", "own_story"), [
    # m021: grouped before by joins that could not be undone (a report on oil in the
    # delegation's story); grouped again, it leaves
    ("m021_event_regroup", False),
    # m022: stored as an earlier method left them (each report its own story); grouped
    # again with the current method, the delegation's two reports share a story
    ("m022_event_scores", True),
    # m023: the same, grouped again with the hubness contrast
    ("m023_event_contrast", True),
    # m024: the same, the contrast from a hubness of 0.23
    ("m024_event_open_until_alerted", True),
])
def test_the_upgrade_groups_the_month_again(tmp_path: Path, migration: str,
                                            own_story: bool) -> None:
    db = tmp_path / "old.db"
    store = Store(db)
    names = ["rfi-delegation", "herald-oil", "france24-delegation"]
    with store.transaction() as c:
        _stored_before(c, names, own_story=own_story)
        c.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (migration,))
    store.close()

    store = Store(db)
    try:
        st = {r["guid"]: r["story_id"] for r in store.query("SELECT guid, story_id FROM articles")}
        assert st == {"rfi-delegation": 1, "france24-delegation": 1, "herald-oil": 2}
        rows = store.query("SELECT article_id, story_id FROM event_docs ORDER BY article_id")
        assert [tuple(r) for r in rows] == [(1, 1), (2, 2), (3, 1)]
        assert store.query("SELECT 1 FROM _sqlite_migrations WHERE name = ?", (migration,))
    finally:
        store.close()


def test_an_upgrade_with_several_regroupings_pending_groups_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each regrouping migration groups with the code that runs, so four pending (a
    # database last opened before m021) group the month once, with the same stories.
    from watchdesk.store import events as store_events

    db = tmp_path / "old.db"
    store = Store(db)
    names = ["rfi-delegation", "herald-oil", "france24-delegation"]
    pending = ["m021_event_regroup", "m022_event_scores", "m023_event_contrast",
               "m024_event_open_until_alerted"]
    with store.transaction() as c:
        _stored_before(c, names, own_story=True)
        c.executemany("DELETE FROM _sqlite_migrations WHERE name = ?", [(m,) for m in pending])
    store.close()

    calls: list[int] = []
    regroup_all = store_events.regroup_all

    def counted(c: sqlite3.Connection) -> int:
        calls.append(1)
        return regroup_all(c)

    monkeypatch.setattr(store_events, "regroup_all", counted)
    store = Store(db)
    try:
        assert len(calls) == 1
        st = {r["guid"]: r["story_id"] for r in store.query("SELECT guid, story_id FROM articles")}
        assert st == {"rfi-delegation": 1, "france24-delegation": 1, "herald-oil": 2}
        assert len(store.query("SELECT 1 FROM _sqlite_migrations WHERE name IN"
                               " (?, ?, ?, ?)", pending)) == 4
    finally:
        store.close()


LANGUAGES: dict[str, dict[str, Any]] = {a["id"]: a for a in json.loads(
    (Path(__file__).parent / "data" / "events_languages.json").read_text(
        encoding="utf-8"))["articles"]}


def test_one_event_in_four_languages_through_a_poll(settings: Settings,
                                                    site: FixtureServer) -> None:
    # Four outlets, one a language, all in one poll (their backlog); the accord two days
    # later, in French and Arabic, with the same names, is another story.
    for other in settings.rules.glob("*.yaml"):
        other.unlink()
    (settings.rules / "haftar.yaml").write_text(
        "rules:\n  - id: haftar\n    query: haftar OR حفتر OR хафтаром OR хафтара OR tripoli\n",
        encoding="utf-8")
    feeds = {"en": ["en-visit", "en-floods"], "fr": ["fr-visit", "fr-accord"],
             "ar": ["ar-visit", "ar-accord"], "ru": ["ru-visit"]}
    for feed, ids in feeds.items():
        items = []
        for i in ids:
            a = LANGUAGES[i]
            items.append({"title": a["title"], "link": f"{{{{BASE}}}}/{feed}/{i}", "guid": i,
                          "date": rfc822(a["time"]), "summary": a["lead"].split(". ")[0]})
            site.set(f"/{feed}/{i}", article_page(a["title"], [a["lead"]], lang=a["lang"]))
        site.set(f"/{feed}.xml", rss(items, title=f"outlet-{feed}"))
    # the desk's history: 60 articles of the days before on other things, so that the index
    # knows which words are common (a fresh one asks for more, see events.index)
    rng = random.Random(0)
    vocabulary = [f"mot{i}" for i in range(500)]
    history = []
    for n in range(60):
        words = " ".join(rng.choice(vocabulary) for _ in range(70))
        history.append({"title": f"Tripoli {n}", "link": f"{{{{BASE}}}}/history/{n}",
                        "guid": f"h{n}", "date": rfc822("2023-08-19T08:00:00+00:00"),
                        "summary": f"Tripoli {words}."})
    site.set("/history.xml", rss(history, title="history"))
    write_feeds(settings.feeds, [("history", site.url("/history.xml"))])
    poll(settings)
    write_feeds(settings.feeds, [("history", site.url("/history.xml")),
                                 *((f, site.url(f"/{f}.xml")) for f in feeds)])
    poll(settings)
    st = stories(settings)
    assert same(st, "en-visit", "fr-visit", "ar-visit", "ru-visit")
    assert same(st, "fr-accord", "ar-accord")
    assert st["fr-accord"] != st["fr-visit"]
    assert st["en-floods"] not in (None, st["en-visit"])   # it names Tripoli, not Haftar
    store = Store(settings.db)
    try:
        langs = {r["guid"]: r["lang"] for r in store.query(
            "SELECT a.guid, d.lang FROM event_docs d JOIN articles a ON a.id = d.article_id")}
    finally:
        store.close()
    assert langs["ar-visit"] == "ar" and langs["ru-visit"] == "ru"
