"""Golden pages: each outlet's article markup, around it the site (menus, "most read",
footers) and inside it read-also links, all naming Libya, Haftar and Wagner; the body must be
the article's paragraphs exactly (``<page>.expected.txt`` beside ``<page>.html``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchdesk.extract.page import extract_page

PAGES = Path(__file__).parent / "pages"
OUTLETS = sorted(p.stem for p in PAGES.glob("*.html"))
# words that appear on every page only in its menus, read-also links, asides and footer
SITE_ONLY = ("Haftar", "Wagner", "Libye", "Libya", "ليبيا", "حفتر", "فاغنر", "Africa Corps",
             "Lire aussi", "Read more", "Most Read", "plus lus", "اقرأ", "الأكثر")


def test_every_outlet_of_the_desk_has_a_golden_page() -> None:
    assert OUTLETS == ["aljazeera-ar", "aljazeera-en", "france24", "jeuneafrique", "lemonde",
                       "libyaobserver", "rfi"]


@pytest.mark.parametrize("outlet", OUTLETS)
def test_body_is_exactly_the_article(outlet: str) -> None:
    ex = extract_page((PAGES / f"{outlet}.html").read_bytes(),
                      f"https://{outlet}.example/article", "text/html; charset=utf-8")
    assert ex is not None
    expected = (PAGES / f"{outlet}.expected.txt").read_text(encoding="utf-8").strip()
    assert ex.body == expected


@pytest.mark.parametrize("outlet", OUTLETS)
def test_nothing_from_the_site_around_reaches_the_body(outlet: str) -> None:
    html = (PAGES / f"{outlet}.html").read_text(encoding="utf-8")
    ex = extract_page(html.encode(), "https://x.example/a", "text/html; charset=utf-8")
    assert ex is not None
    for word in SITE_ONLY:
        if word in html:  # the page has it (menus, boxes), the article does not
            assert word not in ex.body, word
    # and the title is stored apart, not repeated as the body's first line
    assert ex.title and not ex.body.startswith(ex.title)


def test_metadata_comes_from_the_head() -> None:
    ex = extract_page((PAGES / "lemonde.html").read_bytes(), "https://www.lemonde.fr/a",
                      "text/html; charset=utf-8")
    assert ex is not None
    assert (ex.title, ex.author, ex.date, ex.lang) == (
        "Au Soudan, la guerre vide les camps du Darfour", "Eliott Brachet", "2024-05-14", "fr")
    assert ex.description and ex.description.startswith("Les combats entre l'armée")


@pytest.mark.parametrize(("outlet", "lang"), [("aljazeera-ar", "ar"), ("libyaobserver", "en"),
                                              ("rfi", "fr")])
def test_lang_is_the_pages_declared_language(outlet: str, lang: str) -> None:
    ex = extract_page((PAGES / f"{outlet}.html").read_bytes(), "https://x.example/a")
    assert ex is not None and ex.lang == lang
