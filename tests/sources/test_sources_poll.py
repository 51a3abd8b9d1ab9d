"""Each kind of source polled through the real pipeline into articles and rule matches, from
a real HTTP server on 127.0.0.1 serving pages in the shape of the real ones (a t.me/s
channel, a Google News sitemap and a Yoast sitemap index, a WordPress category page, a JSON
Feed), and their broken and hostile variants."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from watchdesk.app import Watchdesk
from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureRequestHandler, FixtureServer
from watchdesk.pipeline import CycleReport
from watchdesk.store import Store

from conftest import NOT_LIBYA, article_page, cli_env, paths, rfi_paragraphs, watchdesk

DATA = Path(__file__).parent / "data"

LIBYA = "/2025/06/07/libye-delegation-russe-benghazi/"
MALI = "/2025/06/07/mali-africa-corps-prend-le-relais-de-wagner/"
SENEGAL = "/2025/06/06/senegal-les-pluies-arrivent-tot/"
LIBYA_OLD = "/2025/06/05/libye-delegation-russe-benghazi/"
TUNISIA = "/2024/12/30/tunisie-record-huile-olive/"

HTML = "text/html; charset=utf-8"
WORDPRESS_SELECT = {"item": "article.post", "link": "h2.entry-title a",
                    "title": "h2.entry-title", "date": "time.entry-date.published",
                    "summary": "div.entry-summary"}


def data(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def serve_articles(srv: FixtureServer) -> None:
    libya = article_page("Libye : une délégation militaire russe à Benghazi", rfi_paragraphs())
    srv.set(LIBYA, libya)
    srv.set(LIBYA_OLD, libya)
    srv.set(MALI, article_page("Mali : l'Africa Corps russe prend le relais de Wagner", [
        "À Bamako, les instructeurs russes de l'Africa Corps ont remplacé ceux de Wagner.",
        "Le changement de nom ne change guère la présence militaire russe au Mali, selon des "
        "diplomates en poste dans la capitale malienne depuis plusieurs années."]))
    srv.set(SENEGAL, article_page("Sénégal : les pluies arrivent tôt", NOT_LIBYA))
    srv.set(TUNISIA, article_page("Tunisie : une saison record pour l'huile d'olive", [
        "La Tunisie attend une récolte d'huile d'olive record cette année, selon l'ONH.",
        "Les prix à l'export restent élevés malgré la hausse de la production nationale."]))


@pytest.fixture
def news_site() -> FixtureServer:
    with FixtureServer() as srv:
        serve_articles(srv)
        yield srv  # type: ignore[misc]


def channel(srv: FixtureServer, path: str = "/s/sahel_monitor") -> None:
    """The channel's preview page, and its older pages by ``?before=``, as t.me serves them."""
    pages = {None: data("telegram-latest.html"), "1201": data("telegram-before-1201.html"),
             "1196": data("telegram-before-1196.html")}

    def handler(req: FixtureRequestHandler) -> None:
        before = parse_qs(urlsplit(req.path).query).get("before", [None])[0]
        page = pages.get(before)
        if page is None:
            req.send_body(404, b"not found")
            return
        req.send_body(200, page.encode(), "text/html; charset=utf-8")

    srv.route(path, handler)


def feeds_yaml(path: Path, sources: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"feeds": sources}, ensure_ascii=False), encoding="utf-8")
    return path  # JSON is YAML


def settings_for(tmp_path: Path, rules_dir: Path, sources: list[dict[str, object]],
                 **kw: object) -> Settings:
    return Settings(feeds=feeds_yaml(tmp_path / "feeds.yaml", sources), rules=rules_dir,
                    db=tmp_path / "watchdesk.db", workers=2, timeout=10.0, **kw)  # type: ignore[arg-type]


def poll(settings: Settings) -> CycleReport:
    async def go() -> CycleReport:
        async with Watchdesk(settings) as wd:
            return await wd.poll()
    return asyncio.run(go())


def articles(settings: Settings) -> dict[str, dict[str, object]]:
    store = Store(settings.db)
    try:
        return {r["url"]: dict(r) for r in store.query("SELECT * FROM articles")}
    finally:
        store.close()


def matched(settings: Settings) -> set[tuple[str, str]]:
    store = Store(settings.db)
    try:
        return {(r["url"], r["rule_id"]) for r in store.query(
            "SELECT a.url, m.rule_id FROM matches m JOIN articles a ON a.id = m.article_id")}
    finally:
        store.close()


def feed_row(settings: Settings, name: str) -> dict[str, object]:
    store = Store(settings.db)
    try:
        return dict(store.query("SELECT * FROM feeds WHERE name = ?", (name,))[0])
    finally:
        store.close()


# -- telegram ---------------------------------------------------------------------------------

def test_telegram_channel_messages_become_articles_matched_by_rules(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    channel(news_site)
    s = settings_for(tmp_path, rules_dir, [{"name": "sahel-monitor", "kind": "telegram",
                                            "url": news_site.url("/s/sahel_monitor"),
                                            "max_entries": 10}])
    report = poll(s)
    assert not report.failed, report.failed
    rows = articles(s)
    # the first poll walked back through the "before" pages, up to max_entries
    assert len(rows) == 10 and report.new == 10
    assert "https://t.me/sahel_monitor/1194" not in rows       # the 11th: over the bound
    assert "https://t.me/sahel_monitor/1195" in rows
    haftar = rows["https://t.me/sahel_monitor/1198"]
    assert haftar["title"] == ("Libya: Haftar meets the Russian deputy defence minister "
                               "Yevkurov in Benghazi.")
    assert haftar["extraction"] == "feed" and haftar["published_at"] == "2025-06-06T07:45:00Z"
    fwd = rows["https://t.me/sahel_monitor/1202"]
    assert str(fwd["body"]).startswith("Forwarded from Libya Observer "
                                       "(https://t.me/libya_observer_en/8812)")
    assert "(https://www.libyaobserver.ly/news/russian-cargo-flights-al-khadim)" in str(
        fwd["body"])
    assert fwd["title"].startswith("Russian military cargo flights")  # type: ignore[union-attr]
    assert ("https://t.me/sahel_monitor/1198", "russie-libye") in matched(s)
    assert ("https://t.me/sahel_monitor/1198", "haftar") in matched(s)
    # no message page was fetched: only the channel's preview pages were asked for
    assert {urlsplit(r.path).path for r in news_site.requests} == {"/s/sahel_monitor"}
    assert news_site.hits("/s/sahel_monitor") == 3
    # later polls read the latest page only
    news_site.clear_log()
    again = poll(s)
    assert again.new == 0 and not again.failed
    assert news_site.hits("/s/sahel_monitor") == 1
    assert feed_row(s, "sahel-monitor")["kind"] == "telegram"


def test_a_busy_hour_between_two_polls_is_read_back_to_the_last_poll(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    oldest = data("telegram-before-1196.html")
    served = {"latest": oldest}
    pages = {"1201": data("telegram-before-1201.html"), "1196": oldest}

    def handler(req: FixtureRequestHandler) -> None:
        before = parse_qs(urlsplit(req.path).query).get("before", [None])[0]
        body = served["latest"] if before is None else pages[before]
        req.send_body(200, body.encode(), "text/html; charset=utf-8")

    news_site.route("/s/sahel_monitor", handler)
    s = settings_for(tmp_path, rules_dir, [{"name": "sahel-monitor", "kind": "telegram",
                                            "url": news_site.url("/s/sahel_monitor")}])
    assert poll(s).new == 2                        # the channel had two messages
    served["latest"] = data("telegram-latest.html")  # then nine more before the next poll
    news_site.clear_log()
    report = poll(s)
    assert report.new == 9 and not report.failed
    assert [r.path for r in news_site.requests] == [
        "/s/sahel_monitor", "/s/sahel_monitor?before=1201", "/s/sahel_monitor?before=1196"]
    assert len(articles(s)) == 11


def test_a_channel_without_a_public_preview_is_a_failing_source(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    # t.me answers a private or unknown channel with its generic page
    news_site.set("/s/private_channel", '<!DOCTYPE html><html><head><meta property="og:title"'
                  ' content="Telegram: Contact @private_channel"></head><body><div class='
                  '"tgme_page"><div class="tgme_page_title">Private</div></div></body></html>')
    channel(news_site)
    s = settings_for(tmp_path, rules_dir, [
        {"name": "private", "kind": "telegram", "url": news_site.url("/s/private_channel")},
        {"name": "sahel-monitor", "kind": "telegram", "url": news_site.url("/s/sahel_monitor"),
         "max_entries": 4}])
    report = poll(s)
    [failed] = report.failed
    assert failed.feed_name == "private" and "no Telegram messages" in (failed.error or "")
    assert len(articles(s)) == 4          # the other channel was read (its latest page only)
    assert news_site.hits("/s/sahel_monitor") == 1


# -- sitemaps ---------------------------------------------------------------------------------

def test_news_sitemap_pages_are_fetched_extracted_and_matched(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    news_site.set("/news-sitemap.xml", data("news-sitemap.xml"))
    s = settings_for(tmp_path, rules_dir, [{"name": "sahel-hebdo", "kind": "sitemap",
                                            "url": news_site.url("/news-sitemap.xml")}])
    report = poll(s)
    assert not report.failed and report.new == 3
    rows = articles(s)
    libya = rows[news_site.url(LIBYA)]
    assert libya["extraction"] == "page" and "Evkourov" in str(libya["body"])
    assert libya["title"] == "Libye : une délégation militaire russe à Benghazi"
    assert libya["published_at"] == "2025-06-07T09:02:00Z"   # news:publication_date, in UTC
    assert rows[news_site.url(MALI)]["lang"] == "fr"
    assert (news_site.url(LIBYA), "russie-libye") in matched(s)
    assert (news_site.url(SENEGAL), "russie-libye") not in matched(s)
    # the sitemap is polled with a conditional GET like a feed
    news_site.clear_log()
    again = poll(s)
    assert again.not_modified == 1 and again.new == 0
    assert news_site.hits(LIBYA) == 0


def test_sitemap_index_reads_its_most_recent_children(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    news_site.set("/sitemap_index.xml", data("sitemap-index.xml"))
    news_site.set("/post-sitemap3.xml", data("post-sitemap3.xml"))
    news_site.set("/post-sitemap2.xml", data("post-sitemap2.xml"))
    # post-sitemap1.xml (third most recent) is missing: a warning, not a failure
    s = settings_for(tmp_path, rules_dir, [{"name": "yoast", "kind": "sitemap",
                                            "url": news_site.url("/sitemap_index.xml")}])
    report = poll(s)
    assert not report.failed, report.failed
    assert set(articles(s)) == {news_site.url(LIBYA), news_site.url(SENEGAL),
                                news_site.url(TUNISIA)}
    assert news_site.hits("/page-sitemap.xml") == 0          # older than the 3 most recent
    assert news_site.hits("/category-sitemap.xml") == 0      # undated: after the dated ones
    warning = str(feed_row(s, "yoast")["last_warning"])
    assert "post-sitemap1.xml" in warning and "HTTP 404" in warning
    assert "1 date(s) could not be read" in warning
    assert (news_site.url(LIBYA), "russie-libye") in matched(s)


def test_sitemap_failures_are_values(tmp_path: Path, rules_dir: Path,
                                     news_site: FixtureServer) -> None:
    news_site.set("/not-a-sitemap.xml", "<html><body><p>Bienvenue</p></body></html>",
                  content_type="text/html")
    news_site.set("/empty-sitemap.xml", '<?xml version="1.0"?><urlset xmlns='
                  '"http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>')
    decls = ['<!ENTITY l0 "lol">'] + [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">'
                                      for i in range(1, 10)]
    news_site.set("/bomb-sitemap.xml", '<?xml version="1.0"?><!DOCTYPE urlset [' +
                  "".join(decls) + ']><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/'
                  '0.9"><url><loc>{{BASE}}/&l9;</loc></url></urlset>')
    news_site.set("/index-of-nothing.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://'
                  'www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{{BASE}}/gone.xml</loc>'
                  "</sitemap></sitemapindex>")
    s = settings_for(tmp_path, rules_dir, [
        {"name": "html", "kind": "sitemap", "url": news_site.url("/not-a-sitemap.xml")},
        {"name": "empty", "kind": "sitemap", "url": news_site.url("/empty-sitemap.xml")},
        {"name": "bomb", "kind": "sitemap", "url": news_site.url("/bomb-sitemap.xml")},
        {"name": "index", "kind": "sitemap", "url": news_site.url("/index-of-nothing.xml")}])
    report = poll(s)
    errors = {r.feed_name: r.error or "" for r in report.failed}
    assert set(errors) == {"html", "bomb", "index"}
    assert "not a sitemap" in errors["html"]
    assert "Entity" in errors["bomb"] or "entity" in errors["bomb"]   # refused, not expanded
    assert "no sitemap of the index could be read" in errors["index"]
    assert feed_row(s, "empty")["last_warning"] == "the sitemap lists no URLs"
    assert articles(s) == {}


def test_a_sitemap_or_channel_configured_as_a_feed_says_which_kind_to_write(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    news_site.set("/news-sitemap.xml", data("news-sitemap.xml"))
    channel(news_site)
    s = settings_for(tmp_path, rules_dir, [
        {"name": "sitemap", "url": news_site.url("/news-sitemap.xml")},
        {"name": "channel", "url": news_site.url("/s/sahel_monitor")}])
    errors = {r.feed_name: r.error for r in poll(s).failed}
    assert errors == {
        "sitemap": "ContentError: not a feed but a sitemap source: write 'kind: sitemap' on "
                   "feeds[sitemap] in feeds.yaml",
        "channel": "ContentError: not a feed but a telegram source: write 'kind: telegram' on "
                   "feeds[channel] in feeds.yaml"}


# -- html listing ------------------------------------------------------------------------------

def test_wordpress_listing_headlines_become_articles(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    news_site.set("/category/actualites/", data("wordpress-listing.html"), content_type=HTML)
    s = settings_for(tmp_path, rules_dir, [{"name": "sahel-hebdo", "kind": "html",
                                            "url": news_site.url("/category/actualites/"),
                                            "select": WORDPRESS_SELECT}])
    report = poll(s)
    assert not report.failed and report.new == 3
    rows = articles(s)
    assert set(rows) == {news_site.url(MALI), news_site.url(SENEGAL), news_site.url(LIBYA_OLD)}
    mali = rows[news_site.url(MALI)]
    assert mali["title"] == "Mali : l\u2019Africa Corps russe prend le relais de Wagner"
    assert mali["summary"] == "Les instructeurs russes restent, sous un autre nom. [\u2026]"
    assert mali["published_at"] == "2025-06-07T07:15:00Z" and mali["extraction"] == "page"
    assert rows[news_site.url(SENEGAL)]["published_at"] is None   # "le 6 juin": unreadable
    assert (news_site.url(LIBYA_OLD), "russie-libye") in matched(s)
    assert "1 date(s) could not be read" in str(feed_row(s, "sahel-hebdo")["last_warning"])
    assert json.loads(str(feed_row(s, "sahel-hebdo")["selectors"])) == WORDPRESS_SELECT


def test_a_selector_that_matches_nothing_is_a_warning_not_a_failure(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    news_site.set("/category/actualites/", data("wordpress-listing.html"), content_type=HTML)
    news_site.set("/category/sahel/", data("wordpress-listing.html"), content_type=HTML)
    s = settings_for(tmp_path, rules_dir, [
        {"name": "redesigned", "kind": "html", "url": news_site.url("/category/sahel/"),
         "select": {"item": "div.td-module-container", "link": "h3 a"}},
        {"name": "no-dates", "kind": "html", "url": news_site.url("/category/actualites/"),
         "select": {**WORDPRESS_SELECT, "date": "span.td-post-date"}}])
    report = poll(s)
    assert not report.failed
    assert "select.item 'div.td-module-container' matched nothing on the page" in str(
        feed_row(s, "redesigned")["last_warning"])
    assert "select.date 'span.td-post-date' matched nothing in any item" in str(
        feed_row(s, "no-dates")["last_warning"])
    assert len(articles(s)) == 3       # the second source still read its items


def test_a_huge_listing_page_is_cut_by_the_fetch_bound(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    item = ('<article class="post"><h2 class="entry-title"><a href="/a">x</a></h2></article>'
            * 2000)
    news_site.set("/huge/", f"<html><body>{item * 20}</body></html>", content_type="text/html")
    s = settings_for(tmp_path, rules_dir, [{"name": "huge", "kind": "html",
                                            "url": news_site.url("/huge/"),
                                            "select": WORDPRESS_SELECT}],
                     max_feed_bytes=1_000_000)
    [failed] = poll(s).failed
    assert failed.error_kind == "TooLarge"


# -- JSON Feed ---------------------------------------------------------------------------------

def test_json_feed_is_read_wherever_a_feed_is_expected(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    news_site.set("/feed.json", data("feed.json"), content_type="application/feed+json")
    # a page that announces it: discovery finds it too
    news_site.set("/", '<html><head><link rel="alternate" type="application/feed+json" '
                  'title="JSON Feed" href="/feed.json"></head><body></body></html>',
                  content_type="text/html")
    s = settings_for(tmp_path, rules_dir, [
        {"name": "json", "url": news_site.url("/feed.json"), "fetch_articles": False},
        {"name": "site", "url": news_site.url("/"), "fetch_articles": False}])
    report = poll(s)
    assert not report.failed and report.new == 2  # the site's entries are the same articles
    rows = articles(s)
    libya = rows[news_site.url(LIBYA_OLD)]
    assert libya["body"] == "Une délégation russe est arrivée à Benghazi."
    assert libya["author"] == "Rédaction" and libya["published_at"] == "2025-06-05T16:30:00Z"
    assert (news_site.url(LIBYA_OLD), "russie-libye") in matched(s)
    assert feed_row(s, "site")["url"] == news_site.url("/feed.json")
    assert "1 item(s) that are not objects were skipped" in str(
        feed_row(s, "json")["last_warning"])


# -- through the command line ------------------------------------------------------------------

def test_watchdesk_poll_and_feeds_show_each_kind(
        tmp_path: Path, rules_dir: Path, news_site: FixtureServer) -> None:
    channel(news_site)
    news_site.set("/news-sitemap.xml", data("news-sitemap.xml"))
    s = settings_for(tmp_path, rules_dir, [
        {"name": "channel", "kind": "telegram", "url": news_site.url("/s/sahel_monitor"),
         "max_entries": 4},
        {"name": "sitemap", "kind": "sitemap", "url": news_site.url("/news-sitemap.xml")}])
    r = watchdesk("poll", *paths(s), env=cli_env())
    assert r.returncode == 0, r.stderr
    assert "7 new articles" in r.stdout and "0 failed" in r.stdout
    r = watchdesk("feeds", *paths(s), env=cli_env())
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:2] == ["FEED", "KIND"]
    assert any(line.split()[:2] == ["channel", "telegram"] for line in lines)
    assert any(line.split()[:2] == ["sitemap", "sitemap"] for line in lines)
    r = watchdesk("feeds", "--json", *paths(s), env=cli_env())
    assert {f["name"]: f["kind"] for f in json.loads(r.stdout)} == {
        "channel": "telegram", "sitemap": "sitemap"}
