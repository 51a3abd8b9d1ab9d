"""The whole path from feed to rows in SQLite, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from watchdesk.app import Watchdesk
from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer, redirect, status
from watchdesk.pipeline import CycleReport
from watchdesk.schedule import CEILING
from watchdesk.store import Store

from conftest import NOT_LIBYA, article_page, rfi_paragraphs, rss, write_feeds


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
    warning = feed_row(settings)["last_warning"]
    assert warning.startswith("1 article page(s) not used")
    assert "/afrique/libye-delegation-russe: HTTPStatusError: HTTP 404" in warning


# -- scheduling ------------------------------------------------------------------------------

def feed_row(settings: Settings, name: str = "afrique") -> Any:
    return Store(settings.db).query("SELECT * FROM feeds WHERE name = ?", (name,))[0]


def seconds_until(ts: str) -> float:
    return (datetime.fromisoformat(ts.replace("Z", "+00:00")) - datetime.now(UTC)
            ).total_seconds()


def test_quiet_feed_is_polled_less_often_and_304_keeps_the_interval(
        settings: Settings) -> None:
    poll(settings)  # the site's items date from 2023: a quiet feed
    row = feed_row(settings)
    assert row["poll_interval_s"] == CEILING
    assert CEILING - 5 <= seconds_until(row["next_poll_at"]) <= CEILING * 1.1 + 5
    poll(settings)  # 304: nothing to estimate from, the interval stays
    row = feed_row(settings)
    assert row["last_status"] == 304 and row["poll_interval_s"] == CEILING


def test_busy_feed_is_polled_more_often_and_ttl_is_a_floor(settings: Settings,
                                                           site: FixtureServer) -> None:
    now = datetime.now(UTC)
    items = "".join(
        f"<item><title>Dépêche {i}</title><link>{{{{BASE}}}}/d/{i}</link><guid>d{i}</guid>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=2 * i + 2))}</pubDate></item>"
        for i in range(15))
    feed = f"<rss version='2.0'><channel><title>Fil</title>{{ttl}}{items}</channel></rss>"
    site.set("/afrique/rss.xml", feed.replace("{ttl}", ""))
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/rss.xml"))],
                fetch_articles="false")
    poll(settings)
    assert feed_row(settings)["poll_interval_s"] == 450  # the floor for 30 min
    site.set("/afrique/rss.xml", feed.replace("{ttl}", "<ttl>60</ttl>"))
    poll(settings)
    assert feed_row(settings)["poll_interval_s"] == 3600
    site.set("/afrique/rss.xml", feed.replace("{ttl}", ""),
             headers={"Cache-Control": "public, max-age=5400"})
    poll(settings)
    assert feed_row(settings)["poll_interval_s"] == 5400


@pytest.mark.parametrize(("code", "retry_after", "wait"), [
    (429, "7200", 7200),
    (503, "RFC1123", 5400),
    (503, None, 1800),           # no Retry-After: first backoff step is the interval
])
def test_retry_after_sets_the_next_poll(settings: Settings, site: FixtureServer, code: int,
                                        retry_after: str | None, wait: int) -> None:
    headers = {}
    if retry_after == "RFC1123":
        headers["Retry-After"] = format_datetime(datetime.now(UTC) + timedelta(seconds=wait),
                                                 usegmt=True)
    elif retry_after:
        headers["Retry-After"] = retry_after
    site.route("/afrique/rss.xml", status(code, headers=headers))
    report = poll(settings)
    assert report.failed[0].status == code
    row = feed_row(settings)
    assert row["last_status"] == code and row["error_count"] == 1
    assert wait - 5 <= seconds_until(row["next_poll_at"]) <= wait * 1.1 + 5


# -- moves and failures ------------------------------------------------------------------------

def test_permanent_redirect_updates_the_feed_url(settings: Settings,
                                                 site: FixtureServer) -> None:
    site.route("/old.xml", redirect("/afrique/rss.xml", status=308))
    write_feeds(settings.feeds, [("afrique", site.url("/old.xml"))])
    assert poll(settings).new == 2
    row = feed_row(settings)
    assert row["url"] == site.url("/afrique/rss.xml")
    assert row["redirected_from"] == site.url("/old.xml")
    site.clear_log()
    poll(settings)
    assert site.hits("/old.xml") == 0 and site.hits("/afrique/rss.xml") == 1


def test_gone_disables_the_feed_with_a_reason(settings: Settings, site: FixtureServer) -> None:
    site.route("/afrique/rss.xml", status(410))
    poll(settings)
    row = feed_row(settings)
    assert "410 Gone" in row["disabled_reason"] and "feeds.yaml" in row["disabled_reason"]
    site.clear_log()
    assert poll(settings).results == []  # no longer polled
    assert site.requests == []


RSS_OK = rss([{"title": "Benghazi : le port rouvre", "link": "{{BASE}}/p/1", "guid": "p1",
               "summary": "Le port de Benghazi rouvre après des travaux."}])


@pytest.mark.parametrize(("why", "body", "ctype", "encoding", "error"), [
    ("HTML page", article_page("Accueil", ["Bienvenue."]), "text/html", None,
     "ContentError: an HTML page without a feed link"),
    ("empty body", b"", "application/rss+xml", None, "ContentError: empty body"),
    ("binary garbage", b"\x00\x01\x02garbage\xff" * 50, "application/rss+xml", None,
     "ContentError: not a feed (SAXParseException"),
    ("truncated gzip", gzip.compress(RSS_OK.encode() * 20)[:300], "application/rss+xml",
     "gzip", "ContentError: truncated compressed body"),
    ("unknown coding", b"xxxx", "application/rss+xml", "zstd-ish",
     "ContentError: unsupported Content-Encoding"),
])
def test_feeds_that_are_not_feeds_fail_with_the_reason(
        settings: Settings, site: FixtureServer, why: str, body: str | bytes, ctype: str,
        encoding: str | None, error: str) -> None:
    headers = {"Content-Encoding": encoding} if encoding else {}
    site.set("/afrique/rss.xml", body, content_type=ctype, headers=headers)
    report = poll(settings)
    assert [r.feed_name for r in report.failed] == ["afrique"], why
    row = feed_row(settings)
    assert row["last_error"].startswith(error), (why, row["last_error"])
    assert row["error_count"] == 1 and Store(settings.db).counts()["articles"] == 0


@pytest.mark.parametrize(("why", "body", "ctype", "warning"), [
    ("invalid UTF-8", RSS_OK.encode().replace(b"port", b"p\xf4rt"),
     "application/rss+xml; charset=utf-8", "CharacterEncodingOverride"),
    ("wrong content-type", RSS_OK, "text/plain; charset=utf-8", "NonXMLContentType"),
    ("bozo: an unescaped &", RSS_OK.replace("Le port", "Le port & la ville"),
     "application/rss+xml", "SAXParseException"),
])
def test_malformed_feeds_with_entries_are_stored_with_a_warning(
        settings: Settings, site: FixtureServer, why: str, body: str | bytes, ctype: str,
        warning: str) -> None:
    site.set("/afrique/rss.xml", body, content_type=ctype)
    site.set("/p/1", article_page("Benghazi : le port rouvre", NOT_LIBYA))
    report = poll(settings)
    assert report.new == 1 and not report.failed, why
    row = feed_row(settings)
    assert row["last_error"] is None
    assert warning in row["last_warning"], (why, row["last_warning"])
    # a clean poll (new content, not a 304) clears the warning
    site.set("/afrique/rss.xml", RSS_OK.replace("travaux", "travaux de six mois"))
    poll(settings)
    assert feed_row(settings)["last_warning"] is None


def test_a_page_url_is_followed_to_its_feed(settings: Settings, site: FixtureServer) -> None:
    page = article_page("Afrique", ["Toute l'actualité."]).replace(
        "<title>", '<link rel="alternate" type="application/rss+xml" title="RSS" '
        'href="/afrique/rss.xml"><title>')
    site.set("/afrique/", page)
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/"))])
    assert poll(settings).new == 2
    row = feed_row(settings)
    assert row["url"] == site.url("/afrique/rss.xml") and row["last_error"] is None
    assert row["redirected_from"] == site.url("/afrique/")
    site.clear_log()
    poll(settings)
    assert site.hits("/afrique/") == 0


def test_a_page_whose_feed_link_is_broken_fails_cleanly(settings: Settings,
                                                        site: FixtureServer) -> None:
    site.set("/afrique/", '<html><head><link rel="alternate" type="application/atom+xml"'
             ' href="/nothing.xml"></head><body>x</body></html>', content_type="text/html")
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/"))])
    poll(settings)
    row = feed_row(settings)
    assert "HTTP 404" in row["last_error"] and row["url"] == site.url("/afrique/")


# -- events (stories) ---------------------------------------------------------------------------

def test_the_same_story_from_two_feeds_is_linked(settings: Settings,
                                                 site: FixtureServer) -> None:
    paragraphs = rfi_paragraphs()
    reworded = [paragraphs[0].replace("conduit une délégation", "a mené une délégation"),
                *paragraphs[1:-1], "Avec AFP."]
    site.set("/fil/rss.xml", rss([
        {"title": "Le vice-ministre russe de la Défense reçu à Benghazi par Haftar",
         "link": "{{BASE}}/fil/2023/08/22/evkourov-benghazi", "guid": "fil-1"}], title="Fil"))
    site.set("/fil/2023/08/22/evkourov-benghazi", article_page(
        "Le vice-ministre russe de la Défense reçu à Benghazi par Haftar", reworded))
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/rss.xml")),
                                 ("fil", site.url("/fil/rss.xml"))])
    poll(settings)
    rows = Store(settings.db).query("SELECT id, url, story_id FROM articles ORDER BY id")
    assert len(rows) == 3  # two articles, not merged
    story = {r["url"].rsplit("/", 1)[-1]: r["story_id"] for r in rows}
    assert story["evkourov-benghazi"] == story["libye-delegation-russe"]
    assert story["senegal-pluies"] != story["libye-delegation-russe"]


def test_only_matched_articles_get_a_story_until_a_rule_matches_them(
        settings: Settings, site: FixtureServer) -> None:
    # Stories serve the digest, which shows matched articles: an article no rule wants is
    # not signed. Once a new rule matches it (backfill), it gets its story, linked to the
    # same story told by another feed.
    senegal = [p.replace("pluies", "averses") if i == 0 else p
               for i, p in enumerate(NOT_LIBYA)] + ["Avec AFP."]
    site.set("/fil/rss.xml", rss([{"title": "Sénégal : des averses précoces",
                                   "link": "{{BASE}}/fil/senegal", "guid": "fil-1"}],
                                 title="Fil"))
    site.set("/fil/senegal", article_page("Sénégal : des averses précoces", senegal))
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/rss.xml")),
                                 ("fil", site.url("/fil/rss.xml"))])
    poll(settings)
    store = Store(settings.db)

    def articles() -> dict[str, Any]:
        return {r["url"].rsplit("/", 1)[-1]: r for r in store.query(
            "SELECT a.url, a.story_id, s.terms IS NOT NULL AS signed,"
            " (SELECT count(*) FROM matches m WHERE m.article_id = a.id) AS n FROM articles a"
            " LEFT JOIN event_docs s ON s.article_id = a.id")}

    rows = articles()
    assert rows["libye-delegation-russe"]["n"] and rows["libye-delegation-russe"]["signed"]
    for name in ("senegal-pluies", "senegal"):
        assert (rows[name]["n"], rows[name]["signed"], rows[name]["story_id"]) == (0, 0, None)

    (settings.rules / "senegal.yaml").write_text(
        "rules:\n  - id: senegal\n    query: sénégal AND (pluies OR averses)\n",
        encoding="utf-8")

    async def start() -> None:
        async with Watchdesk(settings):  # loading the rules backfills the new one
            pass
    asyncio.run(start())
    rows = articles()
    for name in ("senegal-pluies", "senegal"):
        assert (rows[name]["n"], rows[name]["signed"]) == (1, 1)
    assert rows["senegal"]["story_id"] == rows["senegal-pluies"]["story_id"] is not None
    assert rows["senegal"]["story_id"] != rows["libye-delegation-russe"]["story_id"]


def test_an_update_that_makes_an_article_match_gives_it_its_story(
        settings: Settings, site: FixtureServer) -> None:
    poll(settings)
    store = Store(settings.db)
    assert store.query("SELECT count(*) FROM event_docs s JOIN articles a ON a.id ="
                       " s.article_id WHERE a.guid = 'rfi-2'")[0][0] == 0
    site.set("/afrique/senegal-pluies", article_page(
        "Sénégal : les pluies arrivent tôt", [
            *NOT_LIBYA, "Des instructeurs russes liés à Wagner ont été vus à Benghazi, en "
            "Libye, auprès des forces du maréchal Haftar."]))
    site.set("/afrique/rss.xml", rss([
        {"title": "Sénégal : les pluies arrivent tôt (mise à jour)",
         "link": "{{BASE}}/afrique/senegal-pluies", "guid": "rfi-2"}]))
    assert poll(settings).updated == 1
    row = store.query("SELECT a.id, a.story_id, s.story_id AS sig_story FROM articles a"
                      " JOIN event_docs s ON s.article_id = a.id WHERE a.guid = 'rfi-2'")[0]
    assert row["story_id"] == row["sig_story"] == row["id"]
