"""The readers of each kind, as pure functions of bytes: golden pages in tests/sources/data,
and the hostile and broken variants."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchdesk.errors import HTTPStatusError
from watchdesk.models import Entry, ParsedFeed
from watchdesk.sources import follow
from watchdesk.sources.dates import iso_date
from watchdesk.sources.jsonfeed import is_json_feed
from watchdesk.sources.listing import parse_listing
from watchdesk.sources.opml import ExportFeed, read_opml, write_opml
from watchdesk.sources.parse import parse_feed
from watchdesk.sources.sitemap import MAX_CHILDREN, parse_sitemap
from watchdesk.sources.telegram import parse_channel, preview_url

DATA = Path(__file__).parent / "data"
BASE = "http://news.example"


def page(name: str) -> bytes:
    return (DATA / name).read_bytes().replace(b"{{BASE}}", BASE.encode())


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-06-07T09:15:00+02:00", "2025-06-07T07:15:00Z"),
    ("2025-06-07T09:15:00Z", "2025-06-07T09:15:00Z"),
    ("2025-06-07", "2025-06-07T00:00:00Z"),
    ("2025-06-07T09:15", "2025-06-07T09:15:00Z"),             # no zone: UTC
    ("Sat, 07 Jun 2025 09:15:00 +0200", "2025-06-07T07:15:00Z"),
    ("7 juin 2025", None), ("le 6 juin", None), ("", None), (None, None),
    ("0001-01-01T00:00:00Z", None),                           # CMS placeholders
    ("2025-13-45", None),
])
def test_dates(text: str | None, expected: str | None) -> None:
    assert iso_date(text) == expected


@given(st.text(max_size=80))
def test_dates_never_raise(text: str) -> None:
    out = iso_date(text)
    assert out is None or (len(out) == 20 and out.endswith("Z"))


# -- telegram ---------------------------------------------------------------------------------

def test_telegram_messages_their_text_links_and_forwards() -> None:
    p = parse_channel(page("telegram-latest.html"), f"{BASE}/s/sahel_monitor")
    assert p.is_feed and p.title == "Sahel Monitor"
    assert [e.link for e in p.entries] == [f"https://t.me/sahel_monitor/{i}"
                                           for i in (1204, 1203, 1202, 1201)]
    reply, photo, fwd, first = p.entries
    # the quoted message a reply answers is not part of the reply's text
    assert reply.content == "Update: the convoy reached Gao. No clashes reported so far."
    assert photo.title == "(message without text)" and photo.published_at is None
    assert fwd.content == (
        "Forwarded from Libya Observer (https://t.me/libya_observer_en/8812)\n\n"
        "Russian military cargo flights land at Al-Khadim airbase, east of Benghazi, for the "
        "third time this week.\nFull report: libyaobserver.ly "
        "(https://www.libyaobserver.ly/news/russian-cargo-flights-al-khadim)")
    assert fwd.title.startswith("Russian military cargo flights")
    # paragraphs kept; hashtags are words, not links
    assert first.content == ("Mali: convoy of the Africa Corps seen leaving Bamako towards "
                             "Kidal this morning.\n\nSeveral trucks and two helicopters, "
                             "according to local sources. #Mali #AfricaCorps")
    assert first.title == ("Mali: convoy of the Africa Corps seen leaving Bamako towards "
                           "Kidal this morning.")
    assert first.published_at == "2025-06-07T08:02:00Z" and first.author == "Sahel Monitor"
    assert p.more == [f"{BASE}/s/sahel_monitor?before=1201"]
    assert p.warnings == ["1 message date(s) missing or unreadable (kept, undated)"]


def test_telegram_long_first_line_is_cut_at_a_word_and_addresses() -> None:
    text = "Wagner " * 80
    body = (f'<html><body><div class="tgme_widget_message js-widget_message" data-post="c/1">'
            f'<div class="tgme_widget_message_text js-message_text">{text}</div></div>'
            "</body></html>").encode()
    [e] = parse_channel(body, f"{BASE}/s/c").entries
    assert e.title.endswith("Wagner…") and len(e.title) <= 201
    assert e.link == "https://t.me/c/1"                       # from data-post
    assert preview_url("https://t.me/sahel_monitor") == "https://t.me/s/sahel_monitor"
    assert preview_url("https://t.me/s/sahel_monitor") == "https://t.me/s/sahel_monitor"
    assert preview_url(f"{BASE}/s/x") == f"{BASE}/s/x"


def test_telegram_page_without_messages_is_not_a_source() -> None:
    p = parse_channel(b"<html><body><div class='tgme_page'>Contact</div></body></html>", BASE)
    assert not p.is_feed and "no Telegram messages" in (p.bozo or "")


def _entry(n: int) -> Entry:
    return Entry(guid=f"g{n}", link=f"https://t.me/c/{n}", title=str(n), summary="",
                 content=str(n), author=None, published_at=None)


def test_channel_pages_are_read_back_to_what_is_stored_within_bounds() -> None:
    pages = {f"p{i}": ParsedFeed(title="c", link=None, entries=[_entry(100 - 10 * i - k)
                                                                for k in range(10)],
                                 more=[f"p{i + 1}"]) for i in range(1, 50)}
    asked: list[str] = []

    async def read(url: str) -> ParsedFeed:
        asked.append(url)
        if url == "p4":
            raise HTTPStatusError("HTTP 500", status=500)
        return pages[url]

    stored: set[str] = set()

    def known(entries: Sequence[Entry]) -> bool:
        return any(e.guid in stored for e in entries)

    latest = ParsedFeed(title="c", link=None, entries=[_entry(100)], more=["p1"])
    # the first poll: nothing stored, back to the bound
    out = asyncio.run(follow("telegram", latest, read, known=known, limit=25))
    assert [e.guid for e in out.entries][:3] == ["g100", "g90", "g89"]
    assert len(out.entries) == 25 and asked == ["p1", "p2", "p3"]
    # a later poll whose latest page holds a stored message reads nothing more
    stored.add("g100")
    assert asyncio.run(follow("telegram", latest, read, known=known, limit=25)) is latest
    # a gap: back to the page that holds a stored message
    stored.clear()
    stored.add("g65")  # on p3
    asked.clear()
    out = asyncio.run(follow("telegram", latest, read, known=known, limit=1000))
    assert asked == ["p1", "p2", "p3"] and len(out.entries) == 31
    # the page fails halfway: what was read is kept, with a warning
    stored.clear()
    asked.clear()
    out = asyncio.run(follow("telegram", latest, read, known=known, limit=1000))
    assert asked == ["p1", "p2", "p3", "p4"] and len(out.entries) == 31
    assert out.warnings == ["older messages not read: HTTPStatusError: HTTP 500"]
    # a "before" link that goes round stops at once
    loop = ParsedFeed(title="c", link=None, entries=[_entry(1)], more=["self"])

    async def same(url: str) -> ParsedFeed:
        return loop

    assert len(asyncio.run(follow("telegram", loop, same, known=known, limit=99)).entries
               ) == 1


# -- sitemaps ---------------------------------------------------------------------------------

def test_sitemap_index_gives_its_most_recent_children() -> None:
    p = parse_sitemap(page("sitemap-index.xml"), f"{BASE}/sitemap_index.xml")
    assert p.is_feed and p.entries == [] and len(p.more) == MAX_CHILDREN == 3
    assert p.more == [f"{BASE}/post-sitemap3.xml", f"{BASE}/post-sitemap2.xml",
                      f"{BASE}/post-sitemap1.xml"]


def test_news_sitemap_newest_first_with_titles_dates_and_language() -> None:
    p = parse_sitemap(page("news-sitemap.xml"), f"{BASE}/news-sitemap.xml")
    assert [(e.title, e.published_at) for e in p.entries] == [
        ("Libye : une délégation militaire russe à Benghazi", "2025-06-07T09:02:00Z"),
        ("Mali : l\u2019Africa Corps russe prend le relais de Wagner", "2025-06-07T07:15:00Z"),
        ("Sénégal : les pluies arrivent tôt", "2025-06-06T16:40:00Z")]
    assert p.language == "fr" and p.warnings == []


def test_hostile_sitemaps_are_refused_not_expanded() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "' + b"x" * 100_000 +
            b'">]><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>' +
            b"&a;" * 50_000 + b"</loc></url></urlset>")
    p = parse_sitemap(bomb, BASE)
    assert not p.is_feed and "not well-formed" in (p.bozo or "")
    xxe = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc>'
           b"</url></urlset>")
    p = parse_sitemap(xxe, BASE)
    assert not p.is_feed and "root:" not in (p.bozo or "")
    assert not parse_sitemap(b"", BASE).is_feed
    assert not parse_sitemap(b"<urlset><url><loc>http://a/</loc>", BASE).is_feed


# -- html listing -----------------------------------------------------------------------------

SELECT = {"item": "article.post", "link": "h2.entry-title a", "title": "h2.entry-title",
          "date": "time.entry-date.published", "summary": "div.entry-summary"}


def test_listing_reads_headlines_with_relative_links() -> None:
    p = parse_listing(page("wordpress-listing.html"), f"{BASE}/category/actualites/", SELECT)
    assert p.title == "Actualités \u2013 Sahel Hebdo" and p.language == "fr-FR"
    assert [e.link for e in p.entries] == [
        f"{BASE}/2025/06/07/mali-africa-corps-prend-le-relais-de-wagner/",
        f"{BASE}/2025/06/06/senegal-les-pluies-arrivent-tot/",
        f"{BASE}/2025/06/05/libye-delegation-russe-benghazi/"]
    assert p.entries[0].summary == "Les instructeurs russes restent, sous un autre nom. [\u2026]"
    assert p.warnings == ["1 date(s) could not be read (entries kept, undated)"]


def test_listing_without_links_or_matches_warns() -> None:
    body = (b"<html><body><ul class='news'><li><span>Sans lien</span></li>"
            b"<li><a href='javascript:void(0)'>JS</a></li></ul></body></html>")
    p = parse_listing(body, BASE, {"item": "ul.news li", "link": "a"})
    assert p.entries == [] and p.warnings == ["select.link 'a' found no link in any of the 2 "
                                              "items"]
    p = parse_listing(body, BASE, {"item": "div.gone", "link": "a"})
    assert p.warnings[0].startswith("select.item 'div.gone' matched nothing on the page")
    p = parse_listing(body, BASE, {"item": "li[", "link": "a"})
    assert not p.is_feed and "select.item" in (p.bozo or "")


def test_listing_items_are_bounded() -> None:
    items = "".join(f'<li><a href="/a/{i}">{i}</a></li>' for i in range(2000))
    p = parse_listing(f"<html><body><ul>{items}</ul></body></html>".encode(), BASE,
                      {"item": "li", "link": "a"})
    assert len(p.entries) == 500 and "2000 items on the page: only the first 500" in p.warnings[0]


# -- JSON Feed --------------------------------------------------------------------------------

def test_json_feed_detection() -> None:
    feed = page("feed.json")
    assert is_json_feed(feed, {"content-type": "application/json"})
    assert is_json_feed(feed, {})
    assert is_json_feed(b"{}", {"Content-Type": "application/feed+json"})
    assert not is_json_feed(b'{"version": "1.0", "items": []}',
                            {"content-type": "application/json"})
    assert not is_json_feed(b"<rss/>", {"content-type": "application/rss+xml"})


def test_json_feed_1_0_author_and_broken_bodies() -> None:
    body = (b'{"version": "https://jsonfeed.org/version/1", "title": "Old", "author": '
            b'{"name": "R\\u00e9daction"}, "items": [{"id": 7, "url": "https://a.example/7", '
            b'"title": "<b>Haftar</b> \\u00e0 Moscou", "date_published": "hier"}]}')
    p = parse_feed(body, {}, "https://a.example/feed.json")
    [e] = p.entries
    assert (e.guid, e.title, e.author, e.published_at) == ("7", "Haftar à Moscou",
                                                           "Rédaction", None)
    broken = parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}',
                        {"content-type": "application/feed+json"}, "https://a.example/")
    assert not broken.is_feed and "no 'items' list" in (broken.bozo or "")


# -- OPML -------------------------------------------------------------------------------------

_TAG = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)


@given(st.lists(st.tuples(st.text(max_size=40), _TAG, st.lists(_TAG, max_size=3, unique=True)),
                max_size=8))
def test_opml_round_trip(feeds: list[tuple[str, str, list[str]]]) -> None:
    """Whatever the titles hold (quotes, &, <, Arabic, control characters), what is written
    reads back: the same URLs, titles (less what XML cannot hold) and tags."""
    out = [ExportFeed(name=f"n{i}", url=f"https://a.example/{i}?x=1&y=<{tag}>", title=title,
                      tags=tuple(tags)) for i, (title, tag, tags) in enumerate(feeds)]
    back, skipped = read_opml(write_opml(out).encode())
    assert skipped == []
    # (grouped in folders by first tag: the order may change, not the content)
    assert {b.url: b.categories for b in back} == {f.url: list(f.tags) for f in out}
    titles = {b.url: b.title for b in back}
    for f in out:
        kept = "".join(c for c in f.title or "" if c in "\t\n\r" or " " <= c <= "\ud7ff"
                       or "\ue000" <= c <= "\ufffd" or c >= "\U00010000")
        assert titles[f.url] == (kept.strip() or f.name)
