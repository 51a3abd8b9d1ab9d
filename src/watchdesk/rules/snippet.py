"""Keyword-in-context snippets: a window of text around the first hits, cut at word boundaries.

The window starts about :data:`BEFORE` characters before the first hit and is about
:data:`WIDTH` characters long (longer if the first hit itself is longer). It is shifted left
near the end of the text so short texts show whole. Its edges are moved inwards to the nearest
whitespace, so no word is cut, and ``…`` marks each side where text was left out. Runs of
whitespace (newlines included) become one space. Every hit lying entirely inside the window is
highlighted: ``Snippet.spans`` are offsets into ``Snippet.text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import Snippet

__all__ = ["BEFORE", "WIDTH", "make_snippet"]

WIDTH = 240
BEFORE = 80
ELLIPSIS = "…"


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


_WS = re.compile(r"\s+")
_LAST_WS = re.compile(r".*\s", re.S)


def make_snippet(text: str, hits: Iterable[tuple[int, int]], width: int = WIDTH,
                 before: int = BEFORE) -> Snippet:
    """The snippet of ``text`` around ``hits`` (``[start, end)`` character offsets)."""
    spans = _merge(hits)
    if not spans:
        raise ValueError("a snippet needs at least one hit")
    first_a, first_b = spans[0]
    a = max(0, min(first_a - before, len(text) - width))
    b = min(len(text), max(a + width, first_b))
    if a > 0 and not text[a - 1].isspace():
        # move right to the start of the next word, never past the first hit
        m = _WS.search(text, a, first_a)
        a = m.end() if m else first_a
    if b < len(text) and not text[b].isspace():
        # move left to the end of the previous word, never before the end of the first hit
        m = _LAST_WS.match(text, first_b, b)
        b = m.end() - 1 if m else first_b
    return _render(text, a, b, [sp for sp in spans if sp[0] >= a and sp[1] <= b])


def _render(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> Snippet:
    """Cut ``text[a:b]``, collapse whitespace, add ellipses, and move ``spans`` along."""
    out: list[str] = ["… "] if a > 0 else []
    n = len(out[0]) if out else 0
    edges = sorted({x for sp in spans for x in sp} | {b})
    where: dict[int, int] = {}
    last = a
    for e in edges:
        piece = _WS.sub(" ", text[last:e])
        if last == a:
            piece = piece.lstrip()
        if e == b:
            piece = piece.rstrip()
        out.append(piece)
        n += len(piece)
        where[e] = n
        last = e
    if b < len(text):
        out.append(" …")
    # where[x]: offset in the snippet of text offset x (a span starts where a piece ended)
    return Snippet("".join(out), tuple((where[s], where[e]) for s, e in spans))
