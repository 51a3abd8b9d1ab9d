"""Where a query stands in its YAML file, and what YAML did to it.

:func:`locator` maps an offset inside a query string to the (line, column) of the file, so an
error inside a folded ``query: >`` block points at the right character. :func:`quoted_phrase`
recognises ``query: "africa corps"``: YAML takes the quotes, and the rule would search the two
words anywhere instead of the phrase.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import RuleSyntaxError
from .lexer import lex

__all__ = ["locator", "quoted_phrase"]


def locator(lines: list[str], line: int | None, col: int | None,
             value: str) -> Callable[[int], tuple[int, int]] | None:
    """Map an offset in a YAML string ``value`` to (line, column) in the file.

    Exact for one-line and block (``>``, ``|``) values written plainly; approximate (right
    line, column within a few characters) for quoted values with escapes.
    """
    if line is None or col is None or line > len(lines):
        return None
    head = lines[line - 1][col - 1:]
    segments: list[tuple[int, int, int]] = []  # (offset in value, line, column)
    if head[:1] in (">", "|"):
        indent = None
        for ln in range(line + 1, len(lines) + 1):
            text = lines[ln - 1]
            if not text.strip():
                continue
            lead = len(text) - len(text.lstrip(" "))
            if indent is None:
                indent = lead
            elif lead < indent:
                break
            segments.append((0, ln, indent + 1))
    else:
        quoted = head[:1] in ("'", '"')
        segments.append((0, line, col + (1 if quoted else 0)))
        for ln in range(line + 1, len(lines) + 1):
            text = lines[ln - 1]
            if not text.strip():
                continue
            segments.append((0, ln, len(text) - len(text.lstrip()) + 1))
    # give each segment its offset in the value: lines are joined by one character
    offset, placed = 0, []
    for _, ln, c in segments:
        if offset > len(value):
            break
        placed.append((offset, ln, c))
        offset += len(lines[ln - 1].rstrip()) - (c - 1) + 1
    if not placed:
        return None

    def locate(off: int) -> tuple[int, int]:
        best = placed[0]
        for seg in placed:
            if seg[0] <= off:
                best = seg
        return best[1], best[2] + off - best[0]

    return locate


def quoted_phrase(lines: list[str], line: int | None, col: int | None, value: str,
                  key: str) -> str | None:
    """The fix for a quoted YAML scalar holding a bare phrase (``query: "africa corps"``),
    or None. Only plain words count: an operator, a parenthesis, a field or an inner quote
    means the author wrote a query and YAML quoting was needed for it."""
    if line is None or col is None or line > len(lines):
        return None
    quote = lines[line - 1][col - 1:col]
    if quote not in ("'", '"'):
        return None
    try:
        toks = lex(value, lambda offset, msg: RuleSyntaxError("", None, offset, msg))
    except RuleSyntaxError:
        return None
    words = [t for t in toks if t.kind != "end"]
    if len(words) < 2 or any(t.kind != "word" for t in words):
        return None
    phrase = " ".join(t.text for t in words)
    return (f"YAML takes the quotes around {quote}{phrase}{quote}: this {key} searches the "
            f"{len(words)} words anywhere, not the phrase. For the phrase, write "
            f"{key}: '\"{phrase}\"' (single quotes around the double-quoted phrase); for the "
            f"words anywhere, write {key}: {phrase} without quotes")

