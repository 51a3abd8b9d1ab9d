"""The whole path from feed to rows in SQLite, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from watchdesk.app import Watchdesk
from watchdesk.demo.server import FixtureServer, status
from watchdesk.pipeline import CycleReport
from watchdesk.settings import Settings
from watchdesk.store import Store

from conftest import article_page, rss, write_feeds


def poll(settings: Settings, names: list[str] | None = None) -> CycleReport:
    async def go() -> CycleReport:
        async with Watchdesk(settings) as wd:
            return await wd.poll(names)
    return asyncio.run(go())


def test_new_articles_are_extracted_matched_and_stored(settings: Settings) -> None:
    report = poll(settings)
    assert report.new == 2 and not report.failed
    store = Store(settings.db)
    rows = {r["title"]: r for r in store.query("SELECT * FROM articles")}
    rfi = rows["Libye : une délégation militaire russe à Benghazi"]
    # the full body came from the page, not the one-line feed summary
    assert rfi["extraction"] == "page"
    assert "Evkourov" in rfi["body"] and "Ingouchie" in rfi["body"]
    assert "Mentions légales" not in rfi["body"] and "Lire aussi" not in rfi["body"]
    matches = store.query("SELECT m.*, a.title FROM matches m JOIN articles a"
                          " ON a.id = m.article_id ORDER BY rule_id")
    assert [(m["rule_id"], m["title"]) for m in matches] == [
        ("haftar", rfi["title"]), ("russie-libye", rfi["title"])]
    m = next(m for m in matches if m["rule_id"] == "russie-libye")
    assert m["priority"] == "alert"
    assert {"benghazi", "haftar"} <= set(json.loads(m["terms"]))
    assert "Haftar" in m["snippet"] or "Benghazi" in m["snippet"]
    # timestamps are UTC ISO 8601
    assert rfi["fetched_at"].endswith("Z") and rfi["published_at"] == "2023-08-22T10:00:00Z"


def test_read_also_box_does_not_cause_false_matches(settings: Settings) -> None:
    poll(settings)
    store = Store(settings.db)
    row = store.query("SELECT id, body FROM articles WHERE title LIKE 'Sénégal%'")[0]
    assert "Kaolack" in row["body"] and "Wagner" not in row["body"]
    assert store.query("SELECT count(*) FROM matches WHERE article_id = ?", (row["id"],)
                       )[0][0] == 0


def test_second_poll_uses_conditional_get_and_stores_nothing_twice(
        settings: Settings, site: FixtureServer) -> None:
    poll(settings)
    site.clear_log()
    report = poll(settings)
    assert report.new == 0 and report.not_modified == 1
    feed_requests = [r for r in site.requests if r.path == "/afrique/rss.xml"]
    assert len(feed_requests) == 1
    assert feed_requests[0].headers.get("if-none-match")
    assert feed_requests[0].status == 304
    # no article page was fetched again
    assert site.hits("/afrique/libye-delegation-russe") == 0
    store = Store(settings.db)
    assert store.counts()["articles"] == 2
    assert store.query("SELECT count(*) FROM fetches")[0][0] == 2


def test_a_broken_feed_does_not_stop_the_others(settings: Settings, site: FixtureServer,
                                                tmp_path: Path) -> None:
    site.route("/broken.xml", status(500, body=b"oops"))
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/rss.xml")),
                                 ("broken", site.url("/broken.xml"))])
    report = poll(settings)
    assert report.new == 2
    [failed] = report.failed
    assert failed.feed_name == "broken" and "500" in (failed.error or "")
    store = Store(settings.db)
    row = store.query("SELECT * FROM feeds WHERE name='broken'")[0]
    assert row["error_count"] == 1 and "500" in row["last_error"]
    assert row["next_poll_at"] > row["last_polled_at"]


def test_same_article_url_in_two_feeds_is_one_article(settings: Settings,
                                                       site: FixtureServer) -> None:
    site.set("/une/rss.xml", rss([
        {"title": "Libye : une délégation militaire russe à Benghazi",
         "link": "{{BASE}}/afrique/libye-delegation-russe?utm_source=une#top", "guid": "une-1"},
    ], title="À la une"))
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/rss.xml")),
                                 ("une", site.url("/une/rss.xml"))])
    poll(settings)
    store = Store(settings.db)
    assert store.counts()["articles"] == 2
    assert store.counts()["entries"] == 3
    assert store.query("SELECT count(*) FROM matches WHERE rule_id='haftar'")[0][0] == 1


def test_guids_that_change_every_poll_make_no_duplicates(settings: Settings,
                                                          site: FixtureServer) -> None:
    def publish(n: int) -> None:
        site.set("/afrique/rss.xml", rss([
            {"title": "Libye : une délégation militaire russe à Benghazi",
             "link": "{{BASE}}/afrique/libye-delegation-russe", "guid": f"random-{n}"}]))
    publish(1)
    poll(settings)
    publish(2)
    report = poll(settings)
    assert report.new == 0
    assert Store(settings.db).counts()["articles"] == 1


def test_changed_entry_is_updated_in_place_and_not_rematched_twice(
        settings: Settings, site: FixtureServer) -> None:
    poll(settings)
    page = article_page("Libye : une délégation militaire russe à Benghazi",
                        ["Mise à jour : la délégation a quitté Benghazi mardi soir, après "
                         "avoir rencontré le maréchal Haftar une seconde fois."] * 3)
    site.set("/afrique/libye-delegation-russe", page)
    site.set("/afrique/rss.xml", rss([
        {"title": "Libye : une délégation militaire russe à Benghazi (mise à jour)",
         "link": "{{BASE}}/afrique/libye-delegation-russe", "guid": "rfi-1"}]))
    report = poll(settings)
    assert (report.new, report.updated) == (0, 1)
    store = Store(settings.db)
    row = store.query("SELECT * FROM articles WHERE guid='rfi-1'")[0]
    assert row["title"].endswith("(mise à jour)") and "seconde fois" in row["body"]
    assert row["updated_at"] is not None
    assert store.query("SELECT count(*) FROM matches WHERE article_id=? AND rule_id="
                       "'russie-libye'", (row["id"],))[0][0] == 1


def test_page_failure_falls_back_to_the_feed_text(settings: Settings,
                                                  site: FixtureServer) -> None:
    site.route("/afrique/libye-delegation-russe", status(404))
    poll(settings)
    row = Store(settings.db).query(
        "SELECT extraction, summary FROM articles WHERE guid='rfi-1'")[0]
    assert row["extraction"] == "summary"
    assert row["summary"] == "Une délégation russe est arrivée."
