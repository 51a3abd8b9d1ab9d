"""Consent walls and paywalls, decided from the page (``extract.walls``): golden pages in
``walls/`` (written for these tests), one per platform or language, and the pages that must
stay articles: a banner over a full article, an article *about* cookies, the desk's outlets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_extract_golden import OUTLETS, PAGES

from watchdesk.extract import walls
from watchdesk.extract.page import extract_page

WALLS = Path(__file__).parent / "walls"


def extract(name: str) -> object:
    ex = extract_page((WALLS / name).read_bytes(), f"https://site.example/{name}",
                      "text/html; charset=utf-8")
    assert ex is not None
    return ex


@pytest.mark.parametrize(("page", "kind", "says"), [
    ("consent-didomi-fr.html", "consent", "Didomi"),
    ("consent-usercentrics-de.html", "consent", "wir und unsere 163 partner"),
    ("paywall-fr.html", "paywall", "réservé aux abonnés"),
    ("paywall-ru.html", "paywall", "подпишитесь, чтобы читать"),
    ("paywall-ar.html", "paywall", "هذا المحتوى للمشتركين"),
    ("paywall-de.html", "paywall", "dieser artikel ist nur für abonnenten"),
])
def test_a_wall_is_told_with_its_reason(page: str, kind: str, says: str) -> None:
    ex = extract(page)
    assert ex.wall is not None, page  # type: ignore[attr-defined]
    assert ex.wall.startswith(f"{kind}: "), ex.wall  # type: ignore[attr-defined]
    assert says in ex.wall, ex.wall  # type: ignore[attr-defined]


def test_an_article_behind_a_consent_overlay_is_read_without_the_banner() -> None:
    ex = extract("onetrust-overlay-en.html")
    assert ex.wall is None  # type: ignore[attr-defined]
    body = ex.body  # type: ignore[attr-defined]
    assert body.startswith("Libya's crude production rose above 1.3 million barrels")
    assert body.endswith("says it has already met.")
    # the banner's text is not the article's
    assert "cookies" not in body.lower() and "partners" not in body


def test_an_article_about_cookie_banners_is_an_article() -> None:
    ex = extract("cookies-article-fr.html")   # quotes « Tout accepter », names partners
    assert ex.wall is None  # type: ignore[attr-defined]
    assert "Conseil d'État" in ex.body  # type: ignore[attr-defined]


@pytest.mark.parametrize("outlet", OUTLETS)
def test_no_golden_article_is_a_wall(outlet: str) -> None:
    ex = extract_page((PAGES / f"{outlet}.html").read_bytes(), "https://x.example/a",
                      "text/html; charset=utf-8")
    assert ex is not None and ex.wall is None


def test_markup_names_each_platform() -> None:
    pages = {
        "OneTrust": '<div id="onetrust-banner-sdk"></div>',
        "Didomi": '<script src="https://sdk.privacy-center.org/x/loader.js"></script>',
        "Quantcast/InMobi Choice": '<div id="qc-cmp2-container"></div>',
        "Sourcepoint": '<div id="sp_message_container_123"></div>',
        "Cookiebot": '<div id="CybotCookiebotDialog"></div>',
        "Usercentrics": '<div id="usercentrics-root"></div>',
        "TrustArc": '<div id="truste-consent-track"></div>',
        "Google Funding Choices": '<div class="fc-consent-root"></div>',
    }
    assert set(pages) == set(walls.PLATFORMS)
    for name, html in pages.items():
        assert walls.markup(f"<html><body>{html}<p>x</p></body></html>").platforms == (name,)
    assert walls.markup("<html><body><p>Trusted sources</p></body></html>").platforms == ()
    assert walls.markup('<script>{"isAccessibleForFree": "False"}</script>').not_free
    assert not walls.markup('<script>{"isAccessibleForFree": true}</script>').not_free


ARTICLE = " ".join(["Les autorités de Tripoli ont annoncé une reprise de la production."] * 40)


@pytest.mark.parametrize(("text", "found", "kind"), [
    # a consent interstitial without known markup: its wording and its density
    ("Nous et nos 842 partenaires utilisons des cookies et technologies similaires pour "
     "stocker et accéder à des informations sur votre appareil, traiter des données "
     "personnelles et vous proposer des publicités personnalisées. Accepter et fermer. "
     "Continuer sans accepter.", walls.Markup(), "consent"),
    ("We and our 212 partners store and/or access information on a device, such as cookies,"
     " and process personal data for personalised ads and content, ad measurement. Accept "
     "all cookies. Manage preferences.", walls.Markup(), "consent"),
    ("Мы используем файлы cookie для персонализации рекламы и анализа данных. Нажимая "
     "«Принять все», вы даёте согласие на обработку персональных данных.", walls.Markup(),
     "consent"),
    ("نستخدم ملفات تعريف الارتباط لتخصيص الإعلانات وتحليل البيانات. قبول الكل أو رفض.",
     walls.Markup(), "consent"),
    # consent markup over a page with no text of its own
    ("Accepter", walls.Markup(("Didomi",)), "consent"),
    # the same banner over a full article: the article
    (ARTICLE + "\nNous et nos partenaires utilisons des cookies. Tout accepter.",
     walls.Markup(("Didomi",)), None),
    # a paywall's teaser, and a full article that carries the subscribers' label
    ("Le convoi a quitté Kidal à l'aube.\nCet article est réservé aux abonnés.", walls.Markup(),
     "paywall"),
    ("Article réservé aux abonnés\n" + ARTICLE, walls.Markup(), None),
    ("To continue reading, subscribe now.\nThe convoy left at dawn.", walls.Markup(),
     "paywall"),
    # marked not free, with nothing to read
    ("Abonnez-vous", walls.Markup((), True), "paywall"),
    (ARTICLE, walls.Markup((), True), None),
    ("", walls.Markup(), None),
])
def test_judge(text: str, found: walls.Markup, kind: str | None) -> None:
    wall = walls.judge(text, found)
    assert (wall.kind if wall else None) == kind, wall


def test_a_paywall_phrase_in_the_paywall_box_counts() -> None:
    teaser = "Le convoi a quitté la ville à l'aube, en direction de Gao."
    assert walls.judge(teaser, walls.Markup()) is None
    wall = walls.judge(teaser, walls.Markup(), ["Il vous reste 82 % de cet article à lire."])
    assert wall is not None and wall.kind == "paywall"


def test_body_key_ignores_spacing_case_and_numbers() -> None:
    a = walls.body_key("Nous et nos 842 partenaires\nutilisons des cookies")
    assert a == walls.body_key("nous et nos 843   partenaires utilisons des cookies")
    assert a != walls.body_key("Nous et nos partenaires utilisons des traceurs")


@pytest.mark.parametrize(("keys", "seen", "expected"), [
    # one body on two URLs of one site, in one batch: both
    ([("s", "k", "u1"), ("s", "k", "u2")], {}, {0, 1}),
    # the same body on two sites: neither
    ([("s", "k", "u1"), ("t", "k", "u2")], {}, set()),
    # seen before on another URL of the site: the new one (the store demotes the other)
    ([("s", "k", "u2")], {("s", "k"): "u1"}, {0}),
    # seen before on the same URL (an update of the same article): not repeated
    ([("s", "k", "u1")], {("s", "k"): "u1"}, set()),
    ([("s", "k", "u1"), ("s", "j", "u2")], {}, set()),
])
def test_repeated(keys: list[tuple[str, str, str]], seen: dict[tuple[str, str], str],
                  expected: set[int]) -> None:
    assert walls.repeated(keys, seen) == expected


def test_a_paywalls_teaser_is_kept_without_its_lines_when_it_says_more_than_the_feed() -> None:
    ex = extract("paywall-fr.html")
    body = ex.body  # type: ignore[attr-defined]
    assert body.startswith("Les combattants du groupe paramilitaire russe")
    assert "abonnés" not in body and "82 %" not in body
    wall = ex.wall  # type: ignore[attr-defined]
    assert walls.keeps_teaser(wall, body, "Les combattants ont évacué la ville.")
    assert not walls.keeps_teaser(wall, body, body + " Et la suite de l'article.")
    # a consent wall's text is never the article's
    consent = extract("consent-usercentrics-de.html")
    assert not walls.keeps_teaser(consent.wall, consent.body, "")  # type: ignore[attr-defined]


keys_st = st.lists(st.tuples(st.sampled_from("st"), st.sampled_from("kj"),
                             st.sampled_from(["u1", "u2", "u3"])), max_size=6)
seen_st = st.dictionaries(st.tuples(st.sampled_from("st"), st.sampled_from("kj")),
                          st.sampled_from(["u1", "u2", "u4"]), max_size=3)


@given(keys_st, seen_st)
def test_repeated_is_exactly_a_body_on_two_urls_of_a_site(
        keys: list[tuple[str, str, str]], seen: dict[tuple[str, str], str]) -> None:
    marked = walls.repeated(keys, seen)
    for i, (site, key, _) in enumerate(keys):
        urls = {u for s, k, u in keys if (s, k) == (site, key)}
        if (site, key) in seen:
            urls.add(seen[(site, key)])
        assert (i in marked) == (len(urls) > 1), (i, keys, seen)
