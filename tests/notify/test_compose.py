"""Digest composition and rendering: pure functions, no I/O."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchdesk.notify.digest import clean_text, compose, safe_url, segments
from watchdesk.notify.render import render, sanitize_subject

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)          # 07:00 in Paris
START = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def row(mid: int, article: int, rule: str, *, priority: str = "digest", title: str = "T",
        url: str | None = "https://a.example/x", feed: str = "RFI", story: int | None = None,
        published: str = "2026-11-26T04:00:00Z", other_feeds: tuple[str, ...] = (),
        snippets: dict[str, Any] | None = None, backfill: int = 0,
        feed_title: str | None = None) -> dict[str, Any]:
    return {"id": mid, "article_id": article, "rule_id": rule, "priority": priority,
            "terms": json.dumps([rule]), "snippet": "", "backfill": backfill,
            "snippets": json.dumps(snippets or {}), "created_at": "2026-11-26T05:00:00Z",
            "title": title, "url": url, "canonical_url": url, "published_at": published,
            "fetched_at": published, "story_id": story or article, "feed_name": feed,
            "feed_title": feed_title or feed, "other_feeds": json.dumps(list(other_feeds)),
            "other_feed_titles": json.dumps(list(other_feeds))}


def digest(rows: list[dict[str, Any]], **kw: Any) -> Any:
    return compose(rows, now=NOW, window_start=START, window_end=NOW, timezone="Europe/Paris",
                   **kw)


def test_alert_rules_first_then_by_count() -> None:
    rows = [row(1, 1, "wagner", url="https://a.example/1"),
            row(2, 2, "wagner", url="https://a.example/2"),
            row(3, 3, "wagner", url="https://a.example/3"),
            row(4, 4, "haftar", priority="alert", url="https://a.example/4"),
            row(5, 5, "petrole", url="https://a.example/5"),
            row(6, 6, "petrole", url="https://a.example/6")]
    d = digest(rows, titles={"haftar": "Haftar"})
    assert [g.rule_id for g in d.groups] == ["haftar", "wagner", "petrole"]
    assert [g.count for g in d.groups] == [1, 3, 2]
    assert d.groups[0].title == "Haftar" and d.groups[1].title == "wagner"
    assert (d.n_stories, d.n_rules, d.n_matches) == (6, 3, 6)


def test_one_event_from_several_outlets_is_shown_once_with_its_sources() -> None:
    rows = [row(1, 1, "wagner", feed="rfi-afrique", feed_title="RFI - Afrique", story=1,
                url="https://rfi.example/a", published="2026-11-26T03:00:00Z"),
            row(2, 2, "wagner", feed="lemonde", feed_title="Le Monde Afrique", story=1,
                url="https://lemonde.example/a", published="2026-11-26T04:00:00Z",
                other_feeds=("Al Wasat",))]
    g = digest(rows).groups[0]
    assert len(g.items) == 1 and g.count == 1
    item = g.items[0]
    # the earliest report gives the headline; sources are feed titles, not slugs
    assert item.feed == "RFI - Afrique" and item.url == "https://rfi.example/a"
    assert item.sources == ("RFI - Afrique", "Le Monde Afrique", "Al Wasat")
    r = render(digest(rows))
    assert "3 sources : RFI - Afrique, Le Monde Afrique, Al Wasat · 04:00" in r.text
    assert "rfi-afrique" not in r.text and "rfi-afrique" not in r.html
    assert render(digest(rows), "en").text.count("3 sources: RFI - Afrique") == 1


def test_sources_include_the_events_earlier_reports() -> None:
    # Yesterday's digest showed RFI's report; today France 24 carries it too.
    rows = [row(1, 7, "haftar", feed="France 24", story=3)]
    reports = [{"story_id": 3, "feed_title": "RFI - Afrique",
                "published_at": "2026-11-25T08:00:00Z", "fetched_at": "2026-11-25T08:05:00Z"},
               {"story_id": 3, "feed_title": "France 24", "published_at": "2026-11-26T04:00:00Z",
                "fetched_at": "2026-11-26T04:00:00Z"},
               {"story_id": 99, "feed_title": "Other story", "published_at": None,
                "fetched_at": "2026-11-26T04:00:00Z"}]
    item = digest(rows, reports=reports).groups[0].items[0]
    assert item.sources == ("France 24", "RFI - Afrique")


def test_each_event_is_shown_once_under_its_most_urgent_rule_with_every_rule_as_label(
        ) -> None:
    rows = [row(1, 1, "wagner", title="Haftar à Moscou"),
            row(2, 1, "haftar", priority="alert", title="Haftar à Moscou"),
            row(3, 2, "wagner", url="https://a.example/2", title="Wagner au Mali"),
            row(4, 3, "wagner", url="https://a.example/3", title="Wagner en Syrie")]
    d = digest(rows, titles={"haftar": "Haftar", "wagner": "Wagner"})
    assert [g.rule_id for g in d.groups] == ["haftar", "wagner"]   # urgent first
    assert (d.n_stories, d.n_rules) == (3, 2)
    haftar, wagner = d.groups
    assert [i.title for i in haftar.items] == ["Haftar à Moscou"]
    assert [lb.title for lb in haftar.items[0].labels] == ["Haftar", "Wagner"]
    assert [i.title for i in wagner.items] == ["Wagner au Mali", "Wagner en Syrie"]
    r = render(d)
    assert r.text.count("Haftar à Moscou") == 1 and r.html.count("Haftar à Moscou") == 1
    assert "[Haftar · Wagner]" in r.text
    assert "déjà présenté" not in r.text and "déjà présenté" not in r.html


def test_a_rule_whose_events_all_went_elsewhere_has_no_section() -> None:
    rows = [row(1, 1, "haftar", priority="alert"), row(2, 1, "wagner")]
    d = digest(rows)
    assert [g.rule_id for g in d.groups] == ["haftar"] and d.n_rules == 2


def test_newest_first_within_a_rule_and_bounded() -> None:
    rows = [row(i, i, "r", url=f"https://a.example/{i}", title=f"n{i}",
                published=f"2026-11-26T0{i}:00:00Z") for i in range(1, 8)]
    g = digest(rows, max_items=5).groups[0]
    assert [i.title for i in g.items] == ["n7", "n6", "n5", "n4", "n3"]
    assert (g.count, g.more) == (7, 2)
    assert "… et 2 autres, non affichés." in render(digest(rows, max_items=5)).text


@pytest.mark.parametrize(("url", "kept"), [
    ("https://a.example/x?y=1", True), ("http://a.example", True), ("HTTPS://A.example/", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), ("data:text/html,x", False),
    ("//a.example/x", False), ("/relative", False), ("ftp://a.example/f", False),
    ("https://a.example/\nx", False), ("https://", False), ("", False), (None, False),
    ("https://a.example/a b", False),
])
def test_safe_url(url: str | None, kept: bool) -> None:
    assert (safe_url(url) is not None) is kept


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)),
                                      max_size=6))
def test_segments_rebuild_the_text(text: str, spans: list[tuple[int, int]]) -> None:
    segs = segments(text, spans)
    assert "".join(s.text for s in segs) == text
    hits = [s for s in segs if s.hit]
    assert all(s.text for s in hits)
    # no two highlighted runs touch: overlapping spans were merged
    assert all(not (a.hit and b.hit) for a, b in pairwise(segs))


def test_snippet_spans_highlight_and_bad_spans_are_ignored() -> None:
    snip = {"body": {"text": "Le maréchal Haftar reçoit Wagner", "spans": [[12, 18], [99, 120],
                                                                           "bad", [26, 32]]}}
    item = digest([row(1, 1, "r", snippets=snip)]).groups[0].items[0]
    assert [s.text for s in item.snippet if s.hit] == ["Haftar", "Wagner"]


@given(st.text())
def test_clean_text_is_one_bounded_line(text: str) -> None:
    out = clean_text(text, 50)
    assert "\n" not in out and "\r" not in out and len(out) <= 50


def test_subject_french_and_english() -> None:
    rows = [row(1, 1, "a", url="https://a.example/1"), row(2, 2, "b", url="https://a.example/2"),
            row(3, 3, "b", url="https://a.example/3")]
    assert render(digest(rows)).subject == "watchdesk — 3 sujets pour 2 règles — jeu. 26 nov."
    assert render(digest(rows), "en").subject == "watchdesk — 3 stories for 2 rules — Thu 26 Nov"
    one = render(digest(rows[:1])).subject
    assert one == "watchdesk — 1 sujet pour 1 règle — jeu. 26 nov."


def test_empty_digest() -> None:
    r = render(digest([]))
    assert r.subject == "watchdesk — rien de nouveau — jeu. 26 nov."
    assert "Aucun article n’a correspondu aux règles depuis le mer. 25 nov. 07:00." in r.text
    assert "rien de nouveau" in r.html


def test_feed_content_is_escaped_and_unsafe_links_dropped() -> None:
    rows = [row(1, 1, "r<b>", title="<script>alert(1)</script>", feed="<img src=x onerror=y>",
                url="javascript:alert(1)")]
    d = digest(rows, titles={"r<b>": "<i>règle</i>"},
               health=[{"name": "<script>bad()</script>", "enabled": 1,
                        "disabled_reason": None, "last_success_at": None,
                        "last_error": "<b>boom</b>"}])
    html = render(d).html
    assert "<script" not in html and "<img" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html
    assert "&lt;b&gt;boom&lt;/b&gt;" in html


def test_title_with_crlf_gives_a_clean_subject() -> None:
    rows = [row(1, 1, "r", title="Haftar\r\nBcc: victim@example.org\x07", priority="alert")]
    d = compose(rows, kind="alert", now=NOW, window_start=START, window_end=NOW,
                timezone="Europe/Paris")
    subject = render(d).subject
    assert subject == "watchdesk ALERTE — r — Haftar Bcc: victim@example.org"
    assert sanitize_subject("a\r\nb" * 200).count("\n") == 0
    assert len(sanitize_subject("x" * 1000)) == 160


def test_arabic_title_is_marked_for_direction() -> None:
    rows = [row(1, 1, "r", title="حفتر يستقبل وفدا روسيا في بنغازي")]
    html = render(digest(rows)).html
    assert "حفتر يستقبل وفدا روسيا في بنغازي" in html
    assert 'dir="auto"' in html


def test_html_is_inlined_and_fluid() -> None:
    html = render(digest([row(1, 1, "r")])).html
    assert "<style" not in html                 # styles moved into the elements
    assert "max-width: 640px" in html and 'style="' in html
    assert 'name="viewport"' in html


def test_feed_health_in_footer() -> None:
    health = [
        {"name": "Libya Observer", "enabled": 1, "disabled_reason": None,
         "last_success_at": "2026-11-20T10:00:00Z", "last_error": "HTTP 503"},
        {"name": "Al Wasat", "enabled": 1, "disabled_reason": "410 Gone", "last_success_at": None},
        {"name": "Old feed", "enabled": 0, "disabled_reason": None, "last_success_at": None},
    ]
    text = render(digest([], health=health)).text
    assert "Libya Observer — aucune récupération réussie depuis le ven. 20 nov. 11:00" in text
    assert "Al Wasat — arrêtée : 410 Gone" in text
    assert "Old feed — désactivée dans feeds.yaml" in text


def test_what_is_left_out_is_counted_from_what_was_shown() -> None:
    # 15.1: a rule's "… et N autres" counted against the cap instead of what the earlier
    # rules showed: with 22 shown it said "1 autres" under a rule that had room.
    def rule(name: str, n: int, start: int) -> list[dict[str, Any]]:
        return [row(start + i, start + i, name, url=f"https://a.example/{start + i}")
                for i in range(n)]
    rows = rule("a", 3, 100) + rule("b", 3, 200) + rule("c", 6, 300)
    d = digest(rows, max_items=4, max_total=10)
    assert [(g.rule_id, len(g.items), g.more) for g in d.groups] == [
        ("c", 4, 2), ("a", 3, 0), ("b", 3, 0)]
    d = digest(rule("a", 3, 100) + rule("b", 3, 200) + rule("c", 5, 300), max_items=4,
               max_total=10)
    text = render(d).text
    assert [(g.rule_id, len(g.items), g.more) for g in d.groups] == [
        ("c", 4, 1), ("a", 3, 0), ("b", 3, 0)]
    assert "… et 1 autre, non affiché." in text and "autres" not in text
    assert "… and 1 more, not shown." in render(d, "en").text


def test_the_budget_left_goes_to_the_later_rules() -> None:
    rows = ([row(i, i, "a", url=f"https://a.example/{i}") for i in range(1, 4)]
            + [row(10 + i, 10 + i, "b", url=f"https://b.example/{i}") for i in range(30)])
    d = digest(rows, max_items=25, max_total=27)
    assert [(g.rule_id, len(g.items), g.more) for g in d.groups] == [("b", 25, 5), ("a", 2, 1)]


@pytest.mark.parametrize(("published", "shown"), [
    ("2026-11-26T04:00:00Z", "05:00"),                       # today: the time
    ("2026-11-24T04:00:00Z", "mar. 24 nov. 05:00"),          # this year: no year
    ("2025-11-24T04:00:00Z", "lun. 24 nov. 2025 05:00"),     # another year: the year
])
def test_dates_show_the_year_when_it_is_not_this_one(published: str, shown: str) -> None:
    text = render(digest([row(1, 1, "r", published=published)])).text
    assert f"RFI · {shown}" in text


def test_right_to_left_text_is_isolated_in_both_parts() -> None:
    # The 0.1 digest showed « déjà présenté sous « Russie en — حفتر… ↑ « Libye »: Arabic
    # reordered the French around it. Feed names, rule titles and titles are isolated.
    rows = [row(1, 1, "libye", title="حفتر يستقبل وفدا روسيا", feed="الجزيرة", story=1),
            row(2, 2, "libye", title="Haftar reçoit une délégation", feed="RFI", story=1,
                published="2026-11-26T05:00:00Z"),
            row(3, 2, "russie", title="Haftar reçoit une délégation", feed="RFI", story=1)]
    d = digest(rows, titles={"libye": "ليبيا", "russie": "Russie en Libye"})
    r = render(d)
    assert "<bdi>الجزيرة</bdi>, <bdi>RFI</bdi>" in r.html
    assert '<bdi>ليبيا</bdi>' in r.html and 'dir="auto"' in r.html
    assert "2 sources : \u2068الجزيرة\u2069, RFI" in r.text
    assert "[Russie en Libye · \u2068ليبيا\u2069]" in r.text
    assert "\u2068حفتر يستقبل وفدا روسيا\u2069" in r.text


def test_webhook_payload_carries_the_event() -> None:
    from watchdesk.notify.webhook import payload

    rows = [row(1, 1, "haftar", priority="alert", story=5, feed="RFI", title="Haftar"),
            row(2, 2, "haftar", priority="alert", story=5, feed="France 24", title="Haftar",
                url="https://b.example/y", published="2026-11-26T05:00:00Z")]
    d = compose(rows, kind="alert", now=NOW, window_start=START, window_end=NOW,
                timezone="Europe/Paris")
    p = payload(d, render(d).subject)
    (item,) = p["watchdesk"]["items"]
    assert (item["story_id"], item["sources"], item["rules"]) == (5, ["RFI", "France 24"],
                                                                 ["haftar"])
    assert "RFI, France 24" in p["text"]


def test_week_at_a_glance_bars_and_words() -> None:
    daily = {"haftar": [1, 0, 2, 1, 0, 0, 3, 1, 0, 1, 2, 0, 1, 9],
             "wagner": [0] * 13 + [2], "quiet": [0] * 14}
    d = digest([row(1, 1, "haftar")], daily=daily,
               titles={"haftar": "Haftar", "wagner": "Wagner", "quiet": "Calme"})
    assert [g.rule_id for g in d.week] == ["haftar", "wagner", "quiet"]
    haftar, wagner, quiet = d.week
    assert (haftar.today, round(haftar.average, 2), haftar.level) == (9, 1.5, "far")
    assert (wagner.level, quiet.level) == ("new", "none")
    assert haftar.height(13, 30) == 30 and haftar.height(1, 30) == 0
    assert haftar.height(0, 30) == 3 and haftar.ends[-1] == NOW
    r = render(d)
    assert "9 sur les dernières 24 h, pour 1,5 par jour en moyenne — 6 fois plus" in r.text
    assert "par jour : 1 0 2 1 0 0 3 1 0 1 2 0 1 9" in r.text and "█" in r.text
    assert "rien en 14 jours" in r.text and "rien les 13 jours d’avant" in r.text
    html = r.html
    assert "border-bottom:30px solid #b91c1c" in html           # today's bar, a table cell
    assert html.count("border-bottom:") >= 3 * 14
    assert "<script" not in html and "<img" not in html
    assert "9 sur les dernières 24 h" in html
    en = render(d, "en").text
    assert "9 in the last 24 h, against an average of 1.5 a day — 6 times the usual" in en


@pytest.mark.parametrize(("counts", "level"), [
    ([2] * 14, "usual"), ([4] * 13 + [5], "usual"), ([2] * 13 + [4], "above"),
    ([2] * 13 + [0], "below"), ([1] * 13 + [5], "far"), ([0] * 14, "none"),
    ([0] * 13 + [1], "new"),
])
def test_how_today_compares(counts: list[int], level: str) -> None:
    from watchdesk.notify.glance import glance

    (g,) = glance({"r": counts}, {}, ["r"], NOW)
    assert g.level == level
