"""The watch-rule query language: syntax, semantics and the parser.

A query is a boolean combination of terms, matched against the title, summary and body of an
article. Words are compared after folding (see :mod:`watchdesk.rules.text`): case, accents,
Arabic short vowels and tatweel, typographic apostrophes and ligatures do not matter.

Terms
    ``libye``            the whole word: matches "Libye", "LIBYE", "libye" — not "libyen".
    ``delegation``       matches "délégation" (accents are ignored on both sides).
    ``libyen*``          prefix: any word starting with "libyen" (libyen, libyenne, libyennes).
                         At least two letters before the ``*``.
    ``~délégation``      word forms: any word with the same Snowball stem (délégation,
                         délégations); French, English or Russian by script and article
                         language (:mod:`.stem`). ``~`` also goes before a phrase or a group.
    ``case:GUN``         with these capitals only ("GUN", not "gun" or "Gun"); accents are
                         still folded. Also before a phrase or a group.
    ``name:haftar``      the name in every script: its Latin spellings (Hafter, Heftar),
                         Arabic (حفتر, وحفتر) and Cyrillic with case endings (Хафтаром);
                         ``name:"khalifa haftar"`` is a phrase of names. See
                         :mod:`watchdesk.names` and docs/rules.md.
    ``"africa corps"``   phrase: these words, consecutive, in this order. « … » and “ … ” work
                         too. A ``*`` right after a word inside a phrase makes it a prefix
                         (``"armée* libyenne"``), a ``~`` right before it a word form.
    ``iounous-bek``      a hyphenated (or apostrophised) word matches the compound as written
                         ("Iounous-bek", "Iounous bek") and glued ("Iounousbek"). In a document
                         "Iounous-bek" is also found by ``iounous``, ``bek`` and ``iounousbek``.
    ``l'armée``          a French elided particle is dropped: same as ``armée``.
    ``ليبيا``            any script; Arabic harakat and tatweel are ignored, and ``روسيا``
                         also matches ``وروسيا`` (proclitics, see :mod:`.text`).
    ``@lieux-libye``     a named list: the query fragment defined under ``lists:``, as if
                         written here in parentheses.

Filters (true or false for the whole article; combine with AND, OR, NOT like terms)
    ``lang:ar``          the article's language (``lang:fr`` also matches fr-CA).
    ``feed:rfi-afrique`` the feed's name; ``tag:afrique`` one of the feed's tags.
    ``site:rfi.fr``      the article URL's host is rfi.fr or one of its subdomains.

Operators, from the loosest to the tightest binding
    ``a OR b``           either.
    ``a AND b``, ``a b`` both (juxtaposition means AND).
    ``NOT a``            a does not occur. ``a NOT b`` is ``a AND NOT b``.
    ``a NEAR/n b``       a and b in the same field, in either order, with at most n words between
                         them (``NEAR/0``: side by side). Operands are words, prefixes,
                         phrases, NEAR expressions, or parenthesised OR-groups of these:
                         ``(haftar OR hafter) NEAR/5 (russie OR russe*)``.
    ``a ONEAR/n b``      ordered: b comes after a, at most n words between them.
    ``a NOT NEAR/n b``   scoped exclusion: an occurrence of a with no b within n words (in the
                         same field). Same operands and binding as NEAR.
    ``ATLEAST/n x``      x (a term, or a parenthesised OR-group) occurs at least n times in
                         total, in its fields (all three without a field).
    ``( … )``            grouping.
    Operators are upper case only: ``and``, ``or``, ``not``, ``near`` are ordinary words.

Fields
    ``title:haftar``, ``summary:"africa corps"``, ``body:(wagner OR prigojine)`` restrict a
    term, phrase or group to one field; ``lead:`` to the title and the lead paragraph (the
    first paragraph of the body, its first 60 words when it has no paragraphs, the summary
    when there is no body). Unrestricted terms search title, summary and body. A phrase or
    NEAR never spans two fields.

A rule's ``exclude`` is a second query: the rule matches when ``query`` matches and ``exclude``
does not.

Errors are :class:`~watchdesk.errors.RuleSyntaxError` with the file, line and column of the
offending token and what was expected (``expected ')' to close '(' opened at column 3``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import ConfigError, RuleSyntaxError
from .language import normalize_lang
from .lexer import Tok, describe, lex, lowercase_operators
from .nodes import (
    ALL_FIELDS,
    FIELDS,
    And,
    AtLeast,
    Leaf,
    Meta,
    Near,
    Node,
    Not,
    NotNear,
    Or,
    Term,
    field_names,
    is_positional,
    leaves,
)
from .stem import term_keys
from .text import fold_case, raw_tokens

if TYPE_CHECKING:
    from . import Document, Match, RuleSet
    from .lists import ListDef

__all__ = [
    "ALL_FIELDS", "FIELDS", "And", "Leaf", "Near", "Node", "Not", "Or", "Query", "Term",
    "compile_query", "is_positional", "leaves",
]

Where = Callable[[int], tuple[int, int]]
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")


@dataclass
class _Shared:
    """What the parser of a query and those of the lists it uses have in common."""

    lists: Mapping[str, ListDef]
    broken: Mapping[str, str]       # name -> why it cannot be used ("has an error (…)")
    leaf_count: int = 0
    notes: dict[tuple[str, int, int, str], ConfigError] = field(default_factory=dict)
    expanding: list[str] = field(default_factory=list)
    # errors of list references that did not stop the parse (the rest is checked too)
    deferred: list[RuleSyntaxError] = field(default_factory=list)


class _Parser:
    def __init__(self, text: str, path: str, where: Where, shared: _Shared) -> None:
        self.text = text
        self.path = path
        self.where = where
        self.shared = shared
        self.toks = lex(text, self.error)
        self.i = 0
        self.stem = False
        self.case = False
        self.name = False
        self.subst: list[tuple[int, int, str]] = []  # @name references, for expanded()

    # -- parsing
    @property
    def tok(self) -> Tok:
        return self.toks[self.i]

    def _next(self) -> Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self, fields: int = ALL_FIELDS) -> Node:
        if self.tok.kind == "end":
            raise self.error(0, "empty query: write at least one word, e.g. libye")
        node = self._or(fields)
        if self.tok.kind == ")":
            raise self.error(self.tok.offset, "unexpected ')': there is no '(' to close")
        if self.tok.kind != "end":  # pragma: no cover - the grammar consumes everything else
            raise self.error(self.tok.offset, f"unexpected {describe(self.tok)}")
        return node

    def _or(self, fields: int) -> Node:
        children = [self._and(fields)]
        while self.tok.kind == "OR":
            self._next()
            children.append(self._and(fields, after="OR"))
        return children[0] if len(children) == 1 else Or(children)

    def _and(self, fields: int, after: str | None = None) -> Node:
        children = [self._not(fields, after)]
        while self.tok.kind in ("AND", "NOT", "word", "phrase", "(", "field", "case", "meta",
                                "ref", "~", "ATLEAST"):
            op = None
            if self.tok.kind == "AND":
                op = self._next().kind
            children.append(self._not(fields, op))
        return children[0] if len(children) == 1 else And(children)

    def _not(self, fields: int, after: str | None) -> Node:
        if self.tok.kind == "NOT":
            if self.toks[self.i + 1].kind == "NEAR":
                raise self.error(self.tok.offset, "NOT NEAR needs a term before it: "
                                                  "wagner NOT NEAR/5 opéra")
            self._next()
            return Not(self._not(fields, "NOT"))
        return self._near(fields, after)

    def _near(self, fields: int, after: str | None) -> Node:
        start = self.tok
        node = self._primary(fields, after)
        while True:
            kind = self.tok.kind
            scoped = kind == "NOT" and self.toks[self.i + 1].kind == "NEAR"
            if kind not in ("NEAR", "ONEAR") and not scoped:
                return node
            if scoped:
                self._next()
            op = self._next()
            name = ("NOT NEAR" if scoped else op.kind) + f"/{op.number}"
            right_tok = self.tok
            right = self._primary(fields, name)
            for side, t in ((node, start), (right, right_tok)):
                if not is_positional(side):
                    raise self.error(t.offset, f"{name.split('/')[0]} works on words, "
                                               "prefixes, phrases or (… OR …) groups of them; "
                                               "AND, NOT, ATLEAST and filters are not allowed "
                                               "in its operands")
            if scoped:
                node = NotNear(node, right, op.number)
            else:
                node = Near(node, right, op.number, ordered=op.kind == "ONEAR")

    def _primary(self, fields: int, after: str | None) -> Node:
        tok = self.tok
        if tok.kind == "field":
            self._next()
            inner = FIELDS[tok.text] if fields == ALL_FIELDS else fields & FIELDS[tok.text]
            if not inner:
                raise self.error(tok.offset, f"'{tok.text}:' inside '{field_names(fields)}:' "
                                             "can never match")
            return self._primary(inner, f"'{tok.text}:'")
        if tok.kind in ("case", "~"):
            return self._modified(tok, fields)
        if tok.kind == "ATLEAST":
            self._next()
            inner_tok = self.tok
            child = self._primary(fields, f"ATLEAST/{tok.number}")
            if not is_positional(child):
                raise self.error(inner_tok.offset, "ATLEAST counts words, prefixes, phrases "
                                                   "or (… OR …) groups of them; AND, NOT and "
                                                   "filters are not allowed inside")
            return AtLeast(child, tok.number)
        if tok.kind == "meta":
            self._next()
            return self._meta(tok)
        if tok.kind == "ref":
            self._next()
            return self._ref(tok, fields)
        if tok.kind == "(":
            self._next()
            if self.tok.kind == ")":
                raise self.error(self.tok.offset, "empty parentheses: put a term inside")
            node = self._or(fields)
            if self.tok.kind != ")":
                where = self._where(tok.offset)
                raise self.error(self.tok.offset, f"expected ')' to close '(' opened at "
                                                  f"{where}, found {describe(self.tok)}")
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
                                     f"found {describe(tok)}")

    def _modified(self, tok: Tok, fields: int) -> Node:
        """``case:``, ``name:`` or ``~`` before a word, phrase, group or list."""
        self._next()
        what = "~" if tok.kind == "~" else tok.text + ":"
        if self.stem or self.case or self.name:
            if self.name or tok.text == "name":
                raise self.error(tok.offset, "'name:' does not combine with '~' or 'case:': "
                                             "a name already matches its spellings and forms")
            raise self.error(tok.offset, "'case:' and '~' do not combine: a word form has no "
                                         "capitals to compare")
        nxt = self.tok
        if nxt.kind not in ("word", "phrase", "(", "ref", "~", "case"):
            raise self.error(nxt.offset, f"'{what}' goes before a word, a phrase or a "
                                         f"(group), found {describe(nxt)}")
        if tok.kind == "~":
            self.stem = True
        elif tok.text == "name":
            self.name = True
        else:
            self.case = True
        try:
            return self._primary(fields, None)
        finally:
            self.stem = self.case = self.name = False

    def _meta(self, tok: Tok) -> Meta:
        value = tok.value
        if tok.text == "lang":
            norm = normalize_lang(value)
            if norm is None or norm != value.lower().replace("_", "-"):
                raise self.error(tok.offset, f"lang: takes a language code like ar, fr or "
                                             f"en-GB (found {value!r})")
            value = norm
        elif tok.text == "site":
            value = value.lower().rstrip(".")
            if not _HOST.match(value):
                raise self.error(tok.offset, f"site: takes a host name like rfi.fr (found "
                                             f"{tok.value!r}; no https:// and no path)")
        meta = Meta(tok.text, value, f"{tok.text}:{tok.value}", self.shared.leaf_count)
        self.shared.leaf_count += 1
        return meta

    def _ref(self, tok: Tok, fields: int) -> Node:
        name, sh = tok.text, self.shared
        if name in sh.broken:
            return self._unusable(tok, fields, f"list '@{name}' {sh.broken[name]}")
        ld = sh.lists.get(name)
        if ld is None:
            close = difflib.get_close_matches(name, list(sh.lists), n=1)
            hint = f"; did you mean @{close[0]}?" if close else (
                "; define it under lists: in a rule file" if not sh.lists else
                f"; known lists: {', '.join('@' + n for n in sorted(sh.lists))}")
            return self._unusable(tok, fields, f"unknown list '@{name}'{hint}")
        if name in sh.expanding:
            cycle = " -> ".join("@" + n for n in [*sh.expanding[sh.expanding.index(name):],
                                                   name])
            raise self.error(tok.offset, f"list '@{name}' refers back to itself ({cycle}); "
                                         "a list cannot contain itself")
        sh.expanding.append(name)
        try:
            sub = _Parser(ld.text, ld.path, ld.locate, sh)
            sub.stem, sub.case, sub.name = self.stem, self.case, self.name
            node = sub.parse(fields)
        finally:
            sh.expanding.pop()
        self.subst.append((tok.offset, len(name) + 1, f"({sub.expanded()})"))
        return node

    def _unusable(self, tok: Tok, fields: int, message: str) -> Node:
        """A list that cannot be used: its error is kept, and the parse goes on with a
        stand-in term, so that the query's other mistakes are reported with it."""
        self.shared.deferred.append(self.error(tok.offset, message))
        return self._leaf("@" + tok.text, [Term(tok.text)], fields)

    def finish(self, fields: int = ALL_FIELDS) -> Node:
        """``parse()``, then raise every error found: the first, with the others in its
        ``also`` (in the order of the text)."""
        try:
            root = self.parse(fields)
        except RuleSyntaxError as e:
            errors = [*self.shared.deferred, e]
        else:
            errors = list(self.shared.deferred)
        if not errors:
            return root
        errors.sort(key=lambda x: (x.line or 0, x.column or 0))
        errors[0].also = tuple(errors[1:])
        raise errors[0]

    def expanded(self) -> str:
        """The text with each ``@name`` replaced by its list, in parentheses."""
        out = self.text
        for offset, size, text in sorted(self.subst, reverse=True):
            out = out[:offset] + text + out[offset + size:]
        return " ".join(out.split()) if self.subst else out

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
        leaf = Leaf(label, tuple(seq), fields, self.shared.leaf_count)
        self.shared.leaf_count += 1
        return leaf

    def _term(self, part: str, raw: str, prefix: bool = False, stem: bool = False,
              offset: int = 0, alone: bool = True) -> Term:
        if self.name:
            # the names' tables (stopwords of every language…): only for a name: term
            from .. import names  # (a cycle: its keys fold words with .text)

            reason = names.name_warning(part, alone)
            if reason:
                self._note(offset, f"name:{raw}: {reason}")
            return Term(part, name=True)  # without a key: this spelling only
        if self.case:
            return Term(part, prefix, case=fold_case(raw))
        if (stem or self.stem) and term_keys(part):
            return Term(part, stem=True)
        return Term(part, prefix)

    def _label(self, written: str) -> str:
        return ("name:" if self.name else "case:" if self.case else "~" if self.stem
                else "") + written

    def _note(self, offset: int, message: str) -> None:
        """A warning: the query is valid but likely not what was meant."""
        line, col = self.where(offset)
        key = (self.path, line, col, message)
        self.shared.notes.setdefault(key, ConfigError(self.path, line, col,
                                                      f"warning: {message}"))

    def _word(self, tok: Tok, fields: int) -> Node:
        word, prefix = tok.text, tok.text.endswith("*")
        base = word[:-1] if prefix else word
        if "*" in base:
            raise self.error(tok.offset + word.index("*"),
                             f"'*' can only end a word, e.g. libyen* (found {word!r})")
        if prefix and (self.stem or self.case or self.name):
            what = "~" if self.stem else "case:" if self.case else "name:"
            raise self.error(tok.offset, f"'{what}' and a prefix '*' do not combine: write "
                                         f"{what}{base} or {base}*")
        rts = raw_tokens(base)
        if not rts:
            what = "'*' must follow a word, e.g. libyen*" if base == "" else (
                f"{word!r} has no letters or digits to search for; remove it or quote it")
            raise self.error(tok.offset, what)
        parts = [(p, base[a:b]) for rt in rts for p, (a, b) in zip(rt.parts, rt.spans,
                                                                   strict=True)]
        if prefix and len(parts[-1][0]) < 2:
            raise self.error(tok.offset, f"prefix {word!r} is too short: give at least two "
                                         "letters before '*'")
        seq = [self._term(p, raw, offset=tok.offset, alone=len(parts) == 1)
               for p, raw in parts]
        seq[-1] = Term(parts[-1][0], True) if prefix else seq[-1]
        phrase = self._leaf(self._label(word), seq, fields)
        if len(rts) == 1 and rts[0].joined is not None and not (self.stem or self.case):
            glued = rts[0].joined
            term = Term(glued, name=True) if self.name else Term(glued, prefix)
            joined = self._leaf(self._label(word), [term], fields)
            return Or([phrase, joined])
        return phrase

    def _phrase(self, tok: Tok, fields: int) -> Node:
        content = tok.text
        seq: list[Term] = []
        alone = sum(len(rt.parts) for rt in raw_tokens(content)) == 1
        for rt in raw_tokens(content):
            star = rt.end < len(content) and content[rt.end] == "*"
            tilde = rt.start > 0 and content[rt.start - 1] == "~"
            if (star or tilde) and (self.case or self.name):
                what = "case:" if self.case else "name:"
                raise self.error(tok.offset, f"'{what}' takes whole words: no '*' or '~' "
                                             "inside")
            for k, (p, (a, b)) in enumerate(zip(rt.parts, rt.spans, strict=True)):
                last = k == len(rt.parts) - 1
                seq.append(self._term(p, content[a:b], prefix=star and last, stem=tilde,
                                      offset=tok.offset, alone=alone))
        if not seq:
            raise self.error(tok.offset, "empty phrase: put words between the quotes")
        written = " ".join(content.split())
        quoted = self.stem or self.case or self.name
        label = self._label(f'"{written}"' if quoted else written)
        return self._leaf(label, seq, fields)


# ------------------------------------------------------------------------------------- public

class Query:
    """A compiled query. ``str(q)`` is its canonical form (whitespace and case do not matter).

    ``warnings``: likely mistakes that are still valid queries (a lower-case ``or`` between
    two words), as :class:`ConfigError` values. ``expanded``: the text with every ``@list``
    written out (what compiles the same without the lists).
    """

    def __init__(self, text: str, root: Node, warnings: list[ConfigError] | None = None,
                 expanded: str | None = None) -> None:
        self.text = text
        self.root = root
        self.warnings = warnings or []
        self.expanded = text if expanded is None else expanded
        self._matcher: object | None = None

    def __str__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"Query({self.text!r})"

    def leaves(self) -> list[Leaf | Meta]:
        return leaves(self.root)

    def _ruleset(self) -> RuleSet:
        from . import Rule, RuleSet  # the matcher imports this module

        if self._matcher is None:
            rule = Rule("query", "query", self.text, None, compiled=self)
            self._matcher = RuleSet([rule])
        assert isinstance(self._matcher, RuleSet)
        return self._matcher

    def matches(self, doc: Document, feed_name: str | None = None,
                feed_tags: tuple[str, ...] = ()) -> Match | None:
        """Match one document (``rule_id`` of the result is ``"query"``)."""
        found = self._ruleset().match(doc, feed_name, feed_tags)
        return found[0] if found else None

    def test(self, doc: Document, feed_name: str | None = None,
             feed_tags: tuple[str, ...] = ()) -> bool:
        """Whether the query matches ``doc``, without working out terms and snippets."""
        return bool(self._ruleset().matching_ids(doc, feed_name, feed_tags))


def compile_query(text: str, *, path: str = "<query>", line: int | None = None,
                  locate: Where | None = None, lists: Mapping[str, ListDef] | None = None,
                  broken_lists: Mapping[str, str] | None = None) -> Query:
    """Parse ``text``; raise :class:`RuleSyntaxError` pointing at the offending token.

    Positions are reported as ``line`` (default 1) plus the line within ``text``. When the
    query comes from a YAML file, pass ``locate``: it maps an offset in ``text`` to the
    (line, column) in the file and takes precedence over ``line``. ``lists`` are the named
    lists ``@name`` may refer to; ``broken_lists`` names those that cannot be used, and why
    (a clause: "has an error (…)"). An unknown or unusable list does not stop the parse: the
    rest of the query is checked too, and every error is raised together (the first, with
    the others in its ``also``).
    """

    def where(offset: int) -> tuple[int, int]:
        if locate is not None:
            return locate(offset)
        nl = text.rfind("\n", 0, offset)
        return (line or 1) + text.count("\n", 0, offset), offset - nl

    parser = _Parser(text, path, where, _Shared(lists or {}, broken_lists or {}))
    root = parser.finish()
    warnings = [ConfigError(path, *where(off), f"warning: {msg}")
                for off, msg in lowercase_operators(parser.toks)]
    warnings.extend(parser.shared.notes.values())
    return Query(text, root, warnings, parser.expanded())

