"""Over the element bound, comments and menus go before the cut, so the article keeps its
end; a cut that loses article text is recorded (``extract.bounds``)."""

from __future__ import annotations

import re

from long_page import LAST, long_page

from watchdesk.extract.bounds import MAX_ELEMENTS, MAX_HTML, bound
from watchdesk.extract.page import extract_page


def _plain_cut(html: str) -> str:
    """The page cut before its MAX_ELEMENTS-th start tag, as it was before comments and
    menus were dropped first."""
    for i, m in enumerate(re.finditer(r"<[A-Za-z]", html)):
        if i == MAX_ELEMENTS:
            return html[:m.start()]
    return html


def test_the_page_is_long_enough_that_a_plain_cut_loses_the_articles_end() -> None:
    html = long_page().decode()
    assert len(html.encode()) > MAX_HTML and LAST in html
    assert LAST not in _plain_cut(html)


def test_comments_and_menus_go_first_and_the_article_keeps_its_end() -> None:
    b = bound(long_page().decode())
    assert LAST in b.text
    assert "Rubrique 10" not in b.text and "Commentaire 5 " not in b.text
    assert b.truncated is None   # what was cut was comments, not the article

    ex = extract_page(long_page(), "https://site.example/long", "text/html; charset=utf-8")
    assert ex is not None and ex.body.endswith(LAST) and ex.truncated is None


def test_an_article_longer_than_the_bound_is_cut_and_says_so() -> None:
    b = bound(long_page(menu=10, paragraphs=15_000, comments=10).decode())
    assert LAST not in b.text
    assert b.truncated == f"cut at the {MAX_ELEMENTS:,}th start tag"


def test_a_page_under_the_bound_is_left_alone() -> None:
    html = long_page(menu=100, paragraphs=20, comments=50).decode()
    b = bound(html)
    assert b.truncated is None and "Commentaire 49 " in b.text and "Rubrique 99<" in b.text


def test_a_byte_cut_in_the_article_is_recorded() -> None:
    html = "<html><body><article>" + "<p>a</p>" * 100 + "</article></body></html>"
    assert bound(html, cut_bytes=True).truncated == "cut at 3 MB"
