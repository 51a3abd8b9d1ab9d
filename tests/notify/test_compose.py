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
        snippets: dict[str, Any] | None = None, backfill: int = 0) -> dict[str, Any]:
    return {"id": mid, "article_id": article, "rule_id": rule, "priority": priority,
            "terms": json.dumps([rule]), "snippet": "", "backfill": backfill,
            "snippets": json.dumps(snippets or {}), "created_at": "2026-11-26T05:00:00Z",
            "title": title, "url": url, "canonical_url": url, "published_at": published,
            "fetched_at": published, "story_id": story or article, "feed_name": feed,
            "feed_title": feed, "other_feeds": json.dumps(list(other_feeds))}


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


def test_same_story_in_two_feeds_shown_once_with_also_in() -> None:
    rows = [row(1, 1, "wagner", feed="RFI", story=1, url="https://rfi.example/a",
                published="2026-11-26T03:00:00Z"),
            row(2, 2, "wagner", feed="Le Monde", story=1, url="https://lemonde.example/a",
                published="2026-11-26T04:00:00Z", other_feeds=("Al Wasat",))]
    g = digest(rows).groups[0]
    assert len(g.items) == 1 and g.count == 1
    item = g.items[0]
    assert item.feed == "RFI" and item.url == "https://rfi.example/a"   # earliest is shown
    assert item.also_in == ("Le Monde", "Al Wasat")


def test_same_url_is_the_same_story_even_without_story_id() -> None:
    rows = [row(1, 1, "r", story=1, url="https://x.example/a", feed="A"),
            row(2, 2, "r", story=2, url="https://x.example/a", feed="B")]
    assert digest(rows).n_stories == 1


def test_story_matching_two_rules_is_shown_in_full_once() -> None:
    rows = [row(1, 1, "haftar", priority="alert", title="Haftar à Moscou"),
            row(2, 1, "wagner", title="Haftar à Moscou"),
            row(3, 2, "wagner", url="https://a.example/2")]
    d = digest(rows, titles={"haftar": "Haftar"})
    assert d.n_stories == 2
    wagner = d.groups[1]
    refs = [i for i in wagner.items if i.shown_under]
    assert [(i.title, i.shown_under) for i in refs] == [("Haftar à Moscou", "Haftar")]
    r = render(d)
    assert r.text.count("Haftar à Moscou") == 2      # once in full, once as a reference
    assert "déjà présenté sous « Haftar »" in r.text


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
    assert render(digest(rows)).subject == "watchdesk — 3 articles pour 2 règles — jeu. 26 nov."
    assert render(digest(rows), "en").subject == "watchdesk — 3 articles for 2 rules — Thu 26 Nov"
    one = render(digest(rows[:1])).subject
    assert one == "watchdesk — 1 article pour 1 règle — jeu. 26 nov."


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
