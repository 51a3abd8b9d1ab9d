"""Keyword-in-context snippets: a window of text around the first hits, cut at word boundaries.

The window starts about :data:`BEFORE` characters before the first hit and is about
:data:`WIDTH` characters long (longer if the first hit itself is longer). It is shifted left
near the end of the text so short texts show whole. Its edges are moved inwards to the nearest
whitespace, so no word is cut, and ``…`` marks each side where text was left out. Runs of
whitespace (newlines included) become one space. Every hit lying entirely inside the window is
highlighted: ``Snippet.spans`` are offsets into ``Snippet.text``.
"""

from __future__ import annotations

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
        nxt = min((i for i in range(a, first_a) if text[i].isspace()), default=None)
        a = nxt + 1 if nxt is not None else first_a
    if b < len(text) and not text[b].isspace():
        prev = max((i for i in range(first_b, b) if text[i].isspace()), default=None)
        b = prev if prev is not None else first_b
    return _render(text, a, b, [s for s in spans if s[0] >= a and s[1] <= b])


def _render(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> Snippet:
    """Cut ``text[a:b]``, collapse whitespace, add ellipses, and move ``spans`` along."""
    out: list[str] = []
    where: dict[int, int] = {}  # offset in text -> offset in snippet, at span edges
    edges = {x for s in spans for x in s}
    if a > 0:
        out.append(ELLIPSIS + " ")
    n = sum(map(len, out))
    i = a
    # skip leading whitespace inside the window
    while i < b and text[i].isspace():
        i += 1
    in_space = False
    while i < b:
        if i in edges:
            where[i] = n
        c = text[i]
        if c.isspace():
            in_space = True
        else:
            if in_space:
                out.append(" ")
                n += 1
                if i in edges:
                    where[i] = n
                in_space = False
            out.append(c)
            n += 1
        i += 1
    if b in edges:
        where[b] = n
    if b < len(text):
        out.append(" " + ELLIPSIS)
    snippet_spans = tuple((where[s], where[e]) for s, e in spans if s in where and e in where)
    return Snippet("".join(out), snippet_spans)
