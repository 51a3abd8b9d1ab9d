"""Extraction cannot stall or bloat: size and tree bounds, worker time and memory limits.

Figures on the 2-core test machine (see docs/fetch.md): a 19 MB page is cut to 3 MB and
extracted in ~1.5 s; 400,000 empty paragraphs (3 MB, ~10 minutes unbounded) are cut to
12,000 elements and take ~2 s (~0.5 s when a long menu would call for the balanced pass,
which is not run over so many elements); a worker over its time or memory bound is replaced and the
next page is extracted normally.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from watchdesk.errors import ExtractError
from watchdesk.extract.page import MAX_ELEMENTS, MAX_HTML, bound_html, decode_html
from watchdesk.workers import Workers, _ping

from conftest import article_page, rfi_paragraphs

NORMAL = article_page("Libye : une délégation militaire russe à Benghazi",
                      rfi_paragraphs()).encode()


def huge_page(size: int = 19 * 1024 * 1024) -> bytes:
    """A real-looking article whose body goes on for ``size`` bytes."""
    paragraphs = rfi_paragraphs()
    one = sum(len(p.encode()) + 7 for p in paragraphs)
    return article_page("Libye : un très long article",
                        paragraphs * (size // one + 1)).encode()


def many_elements(n: int = 400_000) -> bytes:
    return b"<html><body><article>" + b"<p>a</p>" * n + b"</article></body></html>"


def with_workers(fn: Callable[[Workers], Awaitable[Any]], **kw: Any) -> Any:
    async def go() -> Any:
        w = Workers(1, **kw)
        try:
            await w.warm_up()
            return await fn(w)
        finally:
            w.close()
    return asyncio.run(go())


def test_a_19_mb_page_is_capped_and_extracted_quickly() -> None:
    page = huge_page()
    assert len(page) > 19 * 1024 * 1024

    async def go(w: Workers) -> tuple[float, Any]:
        t0 = time.monotonic()
        ex = await w.extract(page, "http://a.example/long", "text/html; charset=utf-8")
        return time.monotonic() - t0, ex

    seconds, ex = with_workers(go, timeout=20)
    assert seconds < 8, seconds
    assert ex is not None and "Evkourov" in ex.body
    assert len(ex.body.encode()) < MAX_HTML


def test_a_page_of_many_tiny_elements_is_cut_to_the_element_bound() -> None:
    cut = bound_html(many_elements().decode())
    assert cut.count("<p>") == MAX_ELEMENTS - 3  # html, body, article come first

    async def go(w: Workers) -> float:
        t0 = time.monotonic()
        await w.extract(many_elements(), "http://a.example/tiny", "text/html")
        return time.monotonic() - t0

    assert with_workers(go, timeout=20) < 8


def test_a_page_of_many_short_paragraphs_is_not_read_twice() -> None:
    # a menu longer than the article makes the recall text look short, which calls for the
    # balanced pass; its jusText fallback takes ~12 s of CPU over 12,000 tiny paragraphs (the
    # square of their number): above SECOND_PASS_MAX_ELEMENTS elements it is not run
    page = (b"<html><body><nav>" + b"menu " * 30_000 + b"</nav><article>"
            + b"<p>a</p>" * 400_000 + b"</article></body></html>")

    async def go(w: Workers) -> tuple[float, Any]:
        t0 = time.monotonic()
        ex = await w.extract(page, "http://a.example/menu", "text/html")
        return time.monotonic() - t0, ex

    seconds, ex = with_workers(go, timeout=20)
    assert seconds < 5, seconds
    assert ex is not None and ex.body.startswith("a\na\n")


def test_a_cut_in_the_middle_of_a_character_does_not_spoil_the_page() -> None:
    text = "Benghazi, l’été : " * 10
    cut = text.encode()[:-1]  # the last character's bytes are incomplete
    assert decode_html(cut).startswith("Benghazi, l’été")  # not mojibake (cp1252)


def test_a_worker_over_its_time_bound_is_killed_and_replaced() -> None:
    async def go(w: Workers) -> tuple[int, int, float, Any]:
        before = await w._run(_ping)
        t0 = time.monotonic()
        with pytest.raises(ExtractError, match=r"took more than 0\.3s"):
            await w.extract(many_elements(), "http://a.example/slow", "text/html")
        elapsed = time.monotonic() - t0
        ex = await w.extract(NORMAL, "http://a.example/ok", "text/html; charset=utf-8")
        after = await w._run(_ping)
        return before, after, elapsed, ex

    before, after, elapsed, ex = with_workers(go, timeout=0.3)
    assert elapsed < 2
    assert after != before and not _alive(before)  # killed, and a new worker took over
    assert ex is not None and "Evkourov" in ex.body


def test_a_worker_over_its_memory_bound_fails_alone_and_is_replaced() -> None:
    # feedparser's loose parser needs ~65 MB per MB of entity references: a 4 MB document
    # would take ~260 MB; the worker may only have 150 MB of address space.
    bomb = (b'<rss version="2.0"><channel><title>m</title><item><title>t</title>'
            b"<description>" + b"&a;" * 1_300_000 + b"</description></item></channel></rss>")

    async def go(w: Workers) -> tuple[Any, Any]:
        with pytest.raises(ExtractError) as e:
            await w.parse(bomb, {"content-type": "application/rss+xml"}, "http://a.example/")
        ok = await w.parse(b"<rss version='2.0'><channel><title>T</title><item><title>x"
                           b"</title><link>http://a.example/1</link></item></channel></rss>",
                           {}, "http://a.example/")
        return e.value, ok

    err, ok = with_workers(go, timeout=60, memory_mb=150)
    assert "memory" in str(err) or "died" in str(err), err
    assert [x.title for x in ok.entries] == ["x"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting to be reaped is dead too
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False
