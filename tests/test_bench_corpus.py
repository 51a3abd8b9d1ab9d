"""The benchmark's page corpora: sizes, determinism, and that extraction finds the article.

The ``news`` corpus is calibrated for extraction cost (benchmarks/README.md); these checks
keep it honest about content: the extracted body is the article's paragraphs, not the
comments, cards or boxes around them.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
import corpus_news  # noqa: E402
import farm  # noqa: E402

from watchdesk.extract.page import extract_page  # noqa: E402

SEED = 20240101
# two pages per template, French and English sites among them
PAGES = [(0, 0), (4, 19), (1, 3), (5, 11), (2, 7), (6, 2), (3, 0), (7, 15)]


@pytest.mark.parametrize(("feed", "entry"), PAGES)
def test_news_page_size_and_extracted_body(feed: int, entry: int) -> None:
    html = corpus.page(SEED, feed, entry, "news")
    assert 20 * 1024 <= len(html) <= 200 * 1024
    body = corpus.entry_text(SEED, feed, entry)[2]
    ex = extract_page(html, f"http://bench.invalid/a/{feed}/{entry}.html",
                      "text/html; charset=utf-8")
    assert ex is not None
    assert body[0][:40] in ex.body and body[-1][:40] in ex.body
    comments = corpus.FR_COMMENTS + corpus.EN_COMMENTS
    assert not [c for c in comments if c in ex.body]
    # nothing much besides the paragraphs: no cards, menus, consent text or comments
    assert len(ex.body) <= 1.15 * len(" ".join(body)) + 300


def test_all_templates_and_languages_covered() -> None:
    sites = [corpus.site(SEED, f) for f, _ in PAGES]
    assert {s.template for s in sites} == set(corpus.TEMPLATES)
    assert {s.lang for s in sites} == {"fr", "en"}


def test_news_pages_deterministic() -> None:
    first = corpus.page(SEED, 9, 4)
    corpus_news.chrome.cache_clear()
    corpus_news._kit.cache_clear()
    assert corpus.page(SEED, 9, 4) == first
    assert corpus.page(SEED, 9, 5) != first


def test_light_corpus_unchanged() -> None:
    """``--corpus light`` serves the pages the benchmark served before the news corpus."""
    h = hashlib.sha256()
    for f, e in ((0, 0), (1, 3), (2, 7), (3, 19), (17, 4)):
        h.update(corpus.page(7, f, e, "light"))
    assert h.hexdigest() == "b6651a0cf2c3160a6c5af5d908c78e8dbd1c7d56816e8af5cc7e87520f667630"
    with pytest.raises(ValueError):
        corpus.page(7, 0, 0, "heavy")


def test_pregenerated_store_serves_the_same_pages(tmp_path: Path) -> None:
    cfg = farm.FarmConfig(seed=SEED, feeds=3, entries=2)
    index, info = farm.pregenerate(cfg, tmp_path, extra={1: 1}, workers=1)
    assert info["pages"] == 7
    store = farm.PageStore(str(index))
    assert store.get(1, 2) == corpus.page(SEED, 1, 2)
    assert store.get(2, 1) == corpus.page(SEED, 2, 1)
    assert store.get(2, 2) is None
    store.close()
    farm.remove_store(index)
    assert not list(tmp_path.iterdir())
