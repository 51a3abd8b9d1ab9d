"""Cutting a query into tokens (the language is described in :mod:`.query`).

Also the lint of :func:`lowercase_operators`: ``and``, ``or``, ``not`` and ``near`` written in
lower case between two terms are ordinary words by design, but almost always a mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..errors import RuleSyntaxError
from .nodes import FIELDS, META_KINDS

__all__ = ["MAX_COUNT", "MAX_NEAR", "Tok", "describe", "lex", "lowercase_operators"]

MAX_NEAR = 1000
MAX_COUNT = 1000

TokKind = Literal["word", "phrase", "(", ")", "~", "AND", "OR", "NOT", "NEAR", "ONEAR",
                  "ATLEAST", "field", "case", "meta", "ref", "end"]
QUOTES = {'"': '"”', "“": '”"', "«": "»"}
_BREAK = set("()") | set(QUOTES)
_PREFIX_RE = re.compile(r"([^\W\d_]+):")
_NUMBERED = {"NEAR": "NEAR", "ONEAR": "ONEAR", "ATLEAST": "ATLEAST"}
_LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MODIFIERS = ("case", "name")
PREFIXES = (*FIELDS, *MODIFIERS, *META_KINDS)


@dataclass(slots=True)
class Tok:
    kind: TokKind
    text: str  # as written (word or phrase content, field or filter name, list name)
    offset: int  # in the query text
    number: int = 0  # NEAR/ONEAR/ATLEAST count; for a phrase, offset of its content
    value: str = ""  # a filter's value (lang:ar -> "ar")


def describe(tok: Tok) -> str:
    if tok.kind == "end":
        return "the end of the query"
    if tok.kind == "phrase":
        return f"the phrase {tok.text!r}"
    if tok.kind == "word":
        return f"the word {tok.text!r}"
    if tok.kind in ("field", "case"):
        return f"'{tok.text}:'"
    if tok.kind == "meta":
        return f"'{tok.text}:{tok.value}'"
    if tok.kind == "ref":
        return f"'@{tok.text}'"
    if tok.kind in _NUMBERED:
        return f"{tok.kind}/{tok.number}"
    return tok.kind if tok.kind.isalpha() else f"'{tok.kind}'"


Error = Callable[[int, str], RuleSyntaxError]


def lex(text: str, error: Error) -> list[Tok]:
    """The tokens of ``text``, ending with an ``end`` token; raise ``error(offset, message)``."""
    i, n = 0, len(text)
    toks: list[Tok] = []
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            toks.append(Tok(c, c, i))  # type: ignore[arg-type]
            i += 1
        elif c == "~":
            if i + 1 >= n or text[i + 1].isspace() or text[i + 1] in "~)":
                raise error(i, "'~' goes right before a word, e.g. ~russie (its word forms)")
            toks.append(Tok("~", c, i))
            i += 1
        elif c in QUOTES:
            close = min((j for q in QUOTES[c] if (j := text.find(q, i + 1)) >= 0), default=-1)
            if close < 0:
                raise error(i, f"unterminated phrase: add the closing quote for the {c} "
                               "opened here")
            toks.append(Tok("phrase", text[i + 1:close], i, i + 1))
            i = close + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in _BREAK:
                j += 1
            word = text[i:j]
            m = _PREFIX_RE.match(word)
            if m:
                i = _prefixed(word, m, i, toks, error)
                continue
            toks.append(_classify(word, i, error))
            i = j
    toks.append(Tok("end", "", len(text.rstrip())))  # just after the last character
    return toks


def _prefixed(word: str, m: re.Match[str], i: int, toks: list[Tok], error: Error) -> int:
    """A ``prefix:`` token: a field, a modifier (``case:``, ``name:``; both of kind "case",
    told apart by their text) or a filter (which takes the rest of the word)."""
    name = m.group(1).lower()
    if name in META_KINDS:
        value = word[m.end():]
        if not value:
            raise error(i, f"'{name}:' needs a value right after the colon, e.g. "
                           f"{_EXAMPLES[name]}")
        toks.append(Tok("meta", name, i, value=value))
        return i + len(word)
    if name not in FIELDS and name not in MODIFIERS:
        raise error(i, f"unknown field '{m.group(1)}:'; use title:, summary:, body:, lead:, "
                       "case:, name:, lang:, feed:, tag: or site: (quote the text to search "
                       "for a colon)")
    toks.append(Tok("case" if name in MODIFIERS else "field", name, i))
    return i + m.end()


_EXAMPLES = {"lang": "lang:ar", "feed": "feed:rfi-afrique", "tag": "tag:afrique",
             "site": "site:rfi.fr"}


def _classify(word: str, offset: int, error: Error) -> Tok:
    if word in ("AND", "OR", "NOT"):
        return Tok(word, word, offset)  # type: ignore[arg-type]
    if word.startswith("@"):
        name = word[1:]
        if not _LIST_NAME.match(name):
            raise error(offset, f"{word!r} is not a list reference: write @ and a list name "
                                "(lower-case letters, digits and hyphens), e.g. @lieux-libye")
        return Tok("ref", name, offset)
    head = word.split("/", 1)[0]
    if head in _NUMBERED:
        digits = word[len(head) + 1:] if "/" in word else ""
        if not digits.isascii() or not digits.isdigit():
            if head == "ATLEAST":
                raise error(offset, "ATLEAST needs a count like ATLEAST/3 (that many "
                                    "occurrences in total)")
            raise error(offset, f"{head} needs a distance like {head}/5 (at most that many "
                                "words between the two terms)")
        number, limit = int(digits), (MAX_COUNT if head == "ATLEAST" else MAX_NEAR)
        if number > limit:
            what = "count" if head == "ATLEAST" else "distance"
            raise error(offset, f"{head} {what} {digits} is too large (at most {limit})")
        if head == "ATLEAST" and number == 0:
            raise error(offset, "ATLEAST/0 is always true: give a count of 1 or more")
        return Tok(head, word, offset, number)  # type: ignore[arg-type]
    return Tok("word", word, offset)


_LOWER_OPS = re.compile(r"^(and|or|not|near(/\d+)?)$")
_TERM_END = ("word", "phrase", ")", "ref", "meta")
_TERM_START = ("word", "phrase", "(", "ref", "~", "field", "case", "meta")


def lowercase_operators(toks: list[Tok]) -> list[tuple[int, str]]:
    """(offset, message) for each lower-case and/or/not/near standing between two terms."""
    out = []
    for k in range(1, len(toks) - 1):
        t = toks[k]
        if t.kind != "word" or not _LOWER_OPS.match(t.text):
            continue
        if toks[k - 1].kind in _TERM_END and toks[k + 1].kind in _TERM_START:
            op = t.text.upper()
            out.append((t.offset, f"lower-case {t.text!r} between two terms is searched as a "
                                  f"word; write {op} for the operator, or quote the phrase "
                                  f"(\"… {t.text} …\") to keep the word"))
    return out
