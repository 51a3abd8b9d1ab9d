"""A realistic day (tests/notify/sample.py): size and content of the digest."""

from __future__ import annotations

from dataclasses import replace

from watchdesk.config.settings import Settings
from watchdesk.notify.outbox import preview_digest
from watchdesk.store import Store

from .sample import NOW, TITLES, populate


def test_typical_digest_stays_small(store: Store, settings: Settings) -> None:
    populate(store)
    d, r = preview_digest(store, settings, NOW, titles=TITLES)
    assert (d.n_stories, d.n_rules) == (15, 4)
    assert r.subject == "watchdesk — 15 sujets pour 4 règles — jeu. 26 nov."
    # Gmail clips HTML bodies over 102 KB behind a "message clipped" link
    assert len(r.html.encode()) < 40 * 1024
    assert d.groups[0].rule_id == "haftar-russie"                        # the alert rule
    first = d.groups[0].items[0]
    # the four-language event: a French digest shows its French headline (not the earlier
    # English one), then every other report, linked, with its outlet and language
    assert first.title.startswith("Libye : le maréchal Haftar reçu à Moscou")
    assert first.sources == ("RFI - Afrique", "Reuters - Africa", "بوابة الوسط",
                             "РИА Новости - В мире", "France 24 - Afrique",
                             "Le Monde.fr - Afrique")
    assert first.langs == ("fr", "en", "ar", "ru")
    assert [(x.feed, x.lang) for x in first.reports] == [
        ("Reuters - Africa", "en"), ("بوابة الوسط", "ar"), ("РИА Новости - В мире", "ru"),
        ("France 24 - Afrique", "fr"), ("Le Monde.fr - Afrique", "fr")]
    assert "6 sources · fr en ar ru" in r.text
    assert "fr en ar ru</span>" in r.html
    assert 'href="https://ria.example/20261126/khaftar.html"' in r.html
    assert r.html.count('style="font-size: 18px;font-weight: 600') == 2  # the Arabic titles
    assert "javascript:" not in r.html and "<script>" not in r.html
    assert "mar. 22 août 2023" in r.text                                 # another year
    assert [g.rule_id for g in d.week] == ["haftar-russie", "africa-corps", "bases", "petrole"]


def test_an_english_digest_shows_the_english_headline(store: Store, settings: Settings) -> None:
    populate(store)
    d, r = preview_digest(store, replace(settings, digest_lang="en"), NOW, titles=TITLES)
    first = d.groups[0].items[0]
    assert first.title == "Libya's Haftar in Moscow for talks on military cooperation"
    assert first.langs == ("en", "fr", "ar", "ru") and first.snippet == ()
    assert "6 sources · en fr ar ru" in r.text


def test_huge_digest_is_bounded_below_gmail_clipping(store: Store, settings: Settings) -> None:
    """First digest after a week of backfill: 12 rules, 400 matches."""
    from .conftest import World
    w = World(store)
    feed = w.feed("RFI Afrique")
    long = "Le maréchal Haftar a reçu une délégation russe à Benghazi " * 3
    for i in range(400):
        w.story(feed, f"Article {i} : Haftar, Wagner et l'Africa Corps en Libye orientale",
                f"rule-{i % 12}", NOW.replace(hour=1), snippet_text=long, spans=[[12, 18]])
    d, r = preview_digest(store, settings, NOW)
    assert d.n_stories == 400 and d.n_rules == 12
    # 25 + 25 + 25 + 5, then every other rule still shows its newest story
    assert [len(g.items) for g in d.groups] == [25, 25, 25, 5, 1, 1, 1, 1, 1, 1, 1, 1]
    assert len(r.html.encode()) < 102 * 1000
    assert "… et" in r.text
