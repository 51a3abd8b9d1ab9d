"""How the body is read: a recall pass, a balanced pass only when the first covers little of
the page, and the page read as a browser reads it."""

from __future__ import annotations

import pytest

from watchdesk.extract.page import (
    SECOND_PASS_MAX_ELEMENTS,
    bound_html,
    extract_page,
    needs_second_pass,
    pick,
)

PARAGRAPHS = [
    "Le maréchal Haftar a reçu lundi à Benghazi une délégation du ministère russe de la "
    "Défense, conduite par le vice-ministre Iounous-Bek Evkourov.",
    "Les deux parties ont évoqué la coopération militaire et la situation dans le sud du "
    "pays, où opèrent des éléments de l'Africa Corps.",
    "Selon un communiqué de l'Armée nationale libyenne, la visite a duré deux jours et "
    "s'est achevée par une inspection de la base d'Al-Khadim.",
]


@pytest.mark.parametrize(("first", "page", "expected"), [
    (0, 10_000, True),        # nothing found: try the balanced mode
    (2_999, 10_000, True),    # under 30 % of the page's text
    (3_000, 10_000, False),
    (9_000, 10_000, False),
    (0, 0, False),            # an empty page: nothing more to find
])
def test_needs_second_pass(first: int, page: int, expected: bool) -> None:
    assert needs_second_pass(first, page) is expected
    assert needs_second_pass(first, page, SECOND_PASS_MAX_ELEMENTS) is expected


def test_no_second_pass_over_too_many_elements() -> None:
    # its jusText fallback costs the square of the number of short paragraphs
    assert needs_second_pass(0, 10_000, SECOND_PASS_MAX_ELEMENTS) is True
    assert needs_second_pass(0, 10_000, SECOND_PASS_MAX_ELEMENTS + 1) is False


@pytest.mark.parametrize(("first", "second", "expected"), [
    ("a" * 100, "b" * 100, "a" * 100),   # as long: the recall text
    ("a" * 95, "b" * 100, "a" * 95),     # nearly as long: still the recall text
    ("a" * 80, "b" * 100, "b" * 100),    # the balanced text is clearly longer
    ("", "b" * 10, "b" * 10),
    ("a" * 10, "", "a" * 10),
])
def test_pick(first: str, second: str, expected: str) -> None:
    assert pick(first, second) == expected


def test_end_tags_of_the_document_are_dropped_as_a_browser_drops_them() -> None:
    assert bound_html("<p>a</p></body></HTML >\n<p>b</p></body></html>") == \
        "<p>a</p>\n<p>b</p>"


def test_an_article_after_an_early_end_of_document_is_read() -> None:
    # some sites close <body> and <html> after their header, then print the article: lxml
    # alone drops everything after </html>, a browser shows it
    html = ("<html lang='fr'><head><title>Libye : Haftar reçoit Moscou</title></head><body>"
            "<header><nav><a href='/'>Accueil</a> <a href='/monde'>Monde</a></nav></header>"
            "</body></html>\n<main><article><h1>Libye : Haftar reçoit Moscou</h1>"
            + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article></main>")
    ex = extract_page(html.encode(), "https://x.example/a", "text/html; charset=utf-8")
    assert ex is not None
    assert ex.body == "\n".join(PARAGRAPHS)
