"""The watch-rule query language: syntax, semantics and the parser.

A query is a boolean combination of terms, matched against the title, summary and body of an
article. Words are compared after folding (see :mod:`watchdesk.rules.text`): case, accents,
Arabic short vowels and tatweel, typographic apostrophes and ligatures do not matter.

Terms
    ``libye``            the whole word: matches "Libye", "LIBYE", "libye" — not "libyen".
    ``delegation``       matches "délégation" (accents are ignored on both sides).
    ``libyen*``          prefix: any word starting with "libyen" (libyen, libyenne, libyennes).
                         At least two letters before the ``*``.
    ``"africa corps"``   phrase: these words, consecutive, in this order. « … » and “ … ” work
                         too. A ``*`` right after a word inside a phrase makes it a prefix:
                         ``"armée* libyenne"``.
    ``iounous-bek``      a hyphenated (or apostrophised) word matches the compound as written
                         ("Iounous-bek", "Iounous bek") and glued ("Iounousbek"). In a document
                         "Iounous-bek" is also found by ``iounous``, ``bek`` and ``iounousbek``.
    ``l'armée``          a French elided particle is dropped: same as ``armée``.
    ``ليبيا``            any script; Arabic harakat and tatweel are ignored.

Operators, from the loosest to the tightest binding
    ``a OR b``           either.
    ``a AND b``, ``a b`` both (juxtaposition means AND).
    ``NOT a``            a does not occur. ``a NOT b`` is ``a AND NOT b``.
    ``a NEAR/n b``       a and b in the same field, in either order, with at most n words between
                         them (``NEAR/0``: side by side). Operands are words, prefixes,
                         phrases, NEAR expressions, or parenthesised OR-groups of these:
                         ``(haftar OR hafter) NEAR/5 (russie OR russe*)``.
    ``( … )``            grouping.
    Operators are upper case only: ``and``, ``or``, ``not``, ``near`` are ordinary words.

Fields
    ``title:haftar``, ``summary:"africa corps"``, ``body:(wagner OR prigojine)`` restrict a
    term, phrase or group to one field. Unrestricted terms search title, summary and body. A
    phrase or NEAR never spans two fields.

A rule's ``exclude`` is a second query: the rule matches when ``query`` matches and ``exclude``
does not.

Errors are :class:`~watchdesk.errors.RuleSyntaxError` with the file, line and column of the
offending token and what was expected (``expected ')' to close '(' opened at column 3``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..errors import RuleSyntaxError
from .nodes import (
    ALL_FIELDS,
    FIELDS,
    And,
    Leaf,
    Near,
    Node,
    Not,
    Or,
    Term,
    field_names,
    is_positional,
    leaves,
)
from .text import raw_tokens

if TYPE_CHECKING:
    from . import Document, Match

__all__ = [
    "ALL_FIELDS", "FIELDS", "And", "Leaf", "Near", "Node", "Not", "Or", "Query", "Term",
    "compile_query", "is_positional", "leaves",
]

MAX_NEAR = 1000

# -------------------------------------------------------------------------------------- lexer

TokKind = Literal["word", "phrase", "(", ")", "AND", "OR", "NOT", "NEAR", "field", "end"]
_QUOTES = {'"': '"”', "“": '”"', "«": "»"}
_BREAK = set("()") | set(_QUOTES)
_FIELD_RE = re.compile(r"([^\W\d_]+):")


@dataclass(slots=True)
class _Tok:
    kind: TokKind
    text: str  # as written (word or phrase content, field name)
    offset: int  # in the query text
    number: int = 0  # NEAR distance; for a phrase, offset of its content


def _describe(tok: _Tok) -> str:
    if tok.kind == "end":
        return "the end of the query"
    if tok.kind == "phrase":
        return f"the phrase {tok.text!r}"
    if tok.kind == "word":
        return f"the word {tok.text!r}"
    if tok.kind == "field":
        return f"'{tok.text}:'"
    if tok.kind == "NEAR":
        return f"NEAR/{tok.number}"
    return tok.kind if tok.kind.isalpha() else f"'{tok.kind}'"


class _Parser:
    def __init__(self, text: str, path: str, where: Callable[[int], tuple[int, int]]) -> None:
        self.text = text
        self.path = path
        self.where = where
        self.toks = self._lex()
        self.i = 0
        self.leaf_count = 0

    # -- lexing
    def _lex(self) -> list[_Tok]:
        text, i, n = self.text, 0, len(self.text)
        toks: list[_Tok] = []
        while i < n:
            c = text[i]
            if c.isspace():
                i += 1
            elif c in "()":
                toks.append(_Tok(c, c, i))  # type: ignore[arg-type]
                i += 1
            elif c in _QUOTES:
                close = min((j for q in _QUOTES[c] if (j := text.find(q, i + 1)) >= 0),
                            default=-1)
                if close < 0:
                    raise self.error(i, f"unterminated phrase: add the closing quote for the "
                                        f"{c} opened here")
                toks.append(_Tok("phrase", text[i + 1:close], i, i + 1))
                i = close + 1
            else:
                j = i
                while j < n and not text[j].isspace() and text[j] not in _BREAK:
                    j += 1
                word = text[i:j]
                m = _FIELD_RE.match(word)
                if m:
                    name = m.group(1).lower()
                    if name not in FIELDS:
                        raise self.error(i, f"unknown field '{m.group(1)}:'; use title:, "
                                            "summary: or body: (quote the text to search "
                                            "for a colon)")
                    toks.append(_Tok("field", name, i))
                    i += m.end()
                    continue
                toks.append(self._classify(word, i))
                i = j
        toks.append(_Tok("end", "", len(text.rstrip())))  # just after the last character
        return toks

    def _classify(self, word: str, offset: int) -> _Tok:
        if word in ("AND", "OR", "NOT"):
            return _Tok(word, word, offset)  # type: ignore[arg-type]
        if word == "NEAR" or word.startswith("NEAR/"):
            digits = word[5:]
            if not digits.isascii() or not digits.isdigit():
                raise self.error(offset, "NEAR needs a distance like NEAR/5 (at most that many "
                                         "words between the two terms)")
            if int(digits) > MAX_NEAR:
                raise self.error(offset, f"NEAR distance {digits} is too large (at most "
                                         f"{MAX_NEAR})")
            return _Tok("NEAR", word, offset, int(digits))
        return _Tok("word", word, offset)

    # -- parsing
    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def _next(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error(0, "empty query: write at least one word, e.g. libye")
        node = self._or(ALL_FIELDS)
        if self.tok.kind == ")":
            raise self.error(self.tok.offset, "unexpected ')': there is no '(' to close")
        if self.tok.kind != "end":  # pragma: no cover - the grammar consumes everything else
            raise self.error(self.tok.offset, f"unexpected {_describe(self.tok)}")
        return node

    def _or(self, fields: int) -> Node:
        children = [self._and(fields)]
        while self.tok.kind == "OR":
            self._next()
            children.append(self._and(fields, after="OR"))
        return children[0] if len(children) == 1 else Or(children)

    def _and(self, fields: int, after: str | None = None) -> Node:
        children = [self._not(fields, after)]
        while self.tok.kind in ("AND", "NOT", "word", "phrase", "(", "field"):
            op = None
            if self.tok.kind == "AND":
                op = self._next().kind
            children.append(self._not(fields, op))
        return children[0] if len(children) == 1 else And(children)

    def _not(self, fields: int, after: str | None) -> Node:
        if self.tok.kind == "NOT":
            self._next()
            return Not(self._not(fields, "NOT"))
        return self._near(fields, after)

    def _near(self, fields: int, after: str | None) -> Node:
        start = self.tok
        node = self._primary(fields, after)
        while self.tok.kind == "NEAR":
            op = self._next()
            right_tok = self.tok
            right = self._primary(fields, f"NEAR/{op.number}")
            for side, t in ((node, start), (right, right_tok)):
                if not is_positional(side):
                    raise self.error(t.offset, "NEAR works on words, prefixes, phrases or "
                                               "(… OR …) groups of them; AND and NOT are not "
                                               "allowed in its operands")
            node = Near(node, right, op.number)
        return node

    def _primary(self, fields: int, after: str | None) -> Node:
        tok = self.tok
        if tok.kind == "field":
            self._next()
            inner = fields & FIELDS[tok.text]
            if not inner:
                raise self.error(tok.offset, f"'{tok.text}:' inside '{field_names(fields)}:' "
                                             "can never match")
            return self._primary(inner, f"'{tok.text}:'")
        if tok.kind == "(":
            self._next()
            if self.tok.kind == ")":
                raise self.error(self.tok.offset, "empty parentheses: put a term inside")
            node = self._or(fields)
            if self.tok.kind != ")":
                where = self._where(tok.offset)
                raise self.error(self.tok.offset, f"expected ')' to close '(' opened at "
                                                  f"{where}, found {_describe(self.tok)}")
            self._next()
            return node
        if tok.kind == "word":
            self._next()
            return self._word(tok, fields)
        if tok.kind == "phrase":
            self._next()
            return self._phrase(tok, fields)
        context = f" after {after}" if after else ""
        raise self.error(tok.offset, f"expected a word, phrase or '('{context}, "
                                     f"found {_describe(tok)}")

    def error(self, offset: int, message: str) -> RuleSyntaxError:
        line, col = self.where(offset)
        return RuleSyntaxError(self.path, line, col, message)

    def _where(self, offset: int) -> str:
        """'column C' (or 'line L, column C' when not on the current token's line)."""
        line, col = self.where(offset)
        if line == self.where(self.tok.offset)[0]:
            return f"column {col}"
        return f"line {line}, column {col}"

    def _leaf(self, label: str, seq: list[Term], fields: int) -> Leaf:
        leaf = Leaf(label, tuple(seq), fields, self.leaf_count)
        self.leaf_count += 1
        return leaf

    def _word(self, tok: _Tok, fields: int) -> Node:
        word, prefix = tok.text, tok.text.endswith("*")
        base = word[:-1] if prefix else word
        if "*" in base:
            raise self.error(tok.offset + word.index("*"),
                             f"'*' can only end a word, e.g. libyen* (found {word!r})")
        rts = raw_tokens(base)
        if not rts:
            what = "'*' must follow a word, e.g. libyen*" if base == "" else (
                f"{word!r} has no letters or digits to search for; remove it or quote it")
            raise self.error(tok.offset, what)
        parts = [p for rt in rts for p in rt.parts]
        if prefix and len(parts[-1]) < 2:
            raise self.error(tok.offset, f"prefix {word!r} is too short: give at least two "
                                         "letters before '*'")
        seq = [Term(p) for p in parts]
        seq[-1] = Term(parts[-1], prefix)
        phrase = self._leaf(word, seq, fields)
        if len(rts) == 1 and rts[0].joined is not None:
            joined = self._leaf(word, [Term(rts[0].joined, prefix)], fields)
            return Or([phrase, joined])
        return phrase

    def _phrase(self, tok: _Tok, fields: int) -> Node:
        content = tok.text
        seq: list[Term] = []
        for rt in raw_tokens(content):
            star = rt.end < len(content) and content[rt.end] == "*"
            seq.extend(Term(p) for p in rt.parts)
            if star:
                seq[-1] = Term(seq[-1].text, True)
        if not seq:
            raise self.error(tok.offset, "empty phrase: put words between the quotes")
        return self._leaf(" ".join(content.split()), seq, fields)


# ------------------------------------------------------------------------------------- public

class Query:
    """A compiled query. ``str(q)`` is its canonical form (whitespace and case do not matter)."""

    def __init__(self, text: str, root: Node) -> None:
        self.text = text
        self.root = root
        self._matcher: object | None = None

    def __str__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"Query({self.text!r})"

    def leaves(self) -> list[Leaf]:
        return leaves(self.root)

    def matches(self, doc: Document) -> Match | None:
        """Match one document (``rule_id`` of the result is ``"query"``)."""
        from . import Rule, RuleSet  # the matcher imports this module

        if self._matcher is None:
            rule = Rule("query", "query", self.text, None, compiled=self)
            self._matcher = RuleSet([rule])
        assert isinstance(self._matcher, RuleSet)
        found = self._matcher.match(doc)
        return found[0] if found else None


def compile_query(text: str, *, path: str = "<query>", line: int | None = None,
                  locate: Callable[[int], tuple[int, int]] | None = None) -> Query:
    """Parse ``text``; raise :class:`RuleSyntaxError` pointing at the offending token.

    Positions are reported as ``line`` (default 1) plus the line within ``text``. When the
    query comes from a YAML file, pass ``locate``: it maps an offset in ``text`` to the
    (line, column) in the file and takes precedence over ``line``.
    """

    def where(offset: int) -> tuple[int, int]:
        if locate is not None:
            return locate(offset)
        nl = text.rfind("\n", 0, offset)
        return (line or 1) + text.count("\n", 0, offset), offset - nl

    return Query(text, _Parser(text, path, where).parse())
