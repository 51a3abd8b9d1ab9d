"""Narrowing stored articles for a query before the rule matcher decides (search, rules test).

The condition built here is always a *superset* of what the query matches: the matcher then
decides on the candidates, so results are exactly what the daemon would have matched.

- Text: an FTS5 expression over ``articles_fts``. A phrase, NEAR and ONEAR of plain words
  become an FTS5 ``NEAR(…, N)`` group with a distance twice ours plus two (FTS counts the
  elided ``l’`` we skip as a word, so its distances are at most that), OR-ed over the words
  of OR groups (at most 16 groups; beyond, both operands are simply required); NOT NEAR and
  ATLEAST need their (left) operand; NOT gives no condition. A plain
  ASCII word FTS5 indexes as we fold it is looked up directly (``"haftar"``, ``"libyen" *``).
  Every other term — word forms ``~délégation``, Arabic words with proclitics, Cyrillic, words
  folding can change (``ss``/``ß``, ``oe``/``œ``) — is looked up in the index's vocabulary
  (``fts5vocab``): the indexed words our folding and tokenising make match the term, OR-ed.
  A name ``name:haftar`` is looked up there too, under every first letter one of its
  spellings may have in any script (:func:`watchdesk.names.keys.initials`, plus the Arabic
  proclitics): the indexed words that spell it (Haftar, حفتر, وحفتر, Хафтаром…).
- Filters: ``lang:``, ``feed:``, ``tag:``, ``site:`` among the query's top-level AND terms (and
  ``NOT feed:``) become SQL conditions on the article and its feed; an article whose language
  was never recorded is kept (the matcher detects it).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from .rules.nodes import And, AtLeast, Leaf, Meta, Near, Node, Not, NotNear, Or, Term
from .rules.stem import stem_keys, term_keys
from .rules.text import analyse_chunk

__all__ = ["Prefilter", "Vocabulary", "fts_expression", "prefilter"]

# Words FTS5's unicode61 tokenizer (remove_diacritics 2) indexes exactly as our folding does:
# plain ASCII letters and digits, and no ligature our folding expands (œ → oe, æ → ae, ß → ss).
_FTS_SAFE = re.compile(r"^[a-z0-9]+$")
_LIGATURE = re.compile(r"oe|ae|ss")  # œ, æ, ß: unicode61 keeps them whole
# First letters of indexed words that fold to another first letter (unicode61 lower-cases and
# removes Latin diacritics, but keeps these letters whole).
_FIRST = {"o": "œø", "a": "æ", "l": "ł", "d": "đ", "i": "ı", "е": "ё",
          "ا": "أإآ", "ي": "ى", "ه": "ة"}
_ARABIC_CLITICS = "وفبكلا"  # first letters of the proclitics (text.arabic_readings)
MAX_WORDS = 2000  # more vocabulary words than this: no condition for that term
NOTHING = '"wdx0nomatch0x"'  # an FTS term no article contains: the leaf cannot match


class Vocabulary:
    """The words of ``articles_fts``, read by first letter (through a TEMP fts5vocab table,
    so a read-only database works and nothing is written)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._ready = False
        self._ranges: dict[str, list[str]] = {}

    def starting_with(self, first: str) -> list[str]:
        """The indexed words that start with ``first`` (a letter or a few). fts5vocab
        reads the lists of every word of the range to count them: over a year of archive
        a letter's range costs ~0.3-0.9 s, two letters' a tenth of that."""
        got = self._ranges.get(first)
        if got is None:
            if not self._ready:
                self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.watchdesk_vocab "
                                  "USING fts5vocab(main, articles_fts, row)")
                self._ready = True
            got = self._ranges[first] = [r[0] for r in self.conn.execute(
                "SELECT term FROM temp.watchdesk_vocab WHERE term >= ? AND term < ?",
                (first, first[:-1] + chr(ord(first[-1]) + 1)))]
        return got


def _matches(term: Term, word: str) -> bool:
    """Does an indexed word hold a token that ``term`` matches (ignoring capitals and the
    article's language: a superset)?"""
    keys = set(term_keys(term.text)) if term.stem else None
    for text, s, e in analyse_chunk(word).tokens:
        if keys is not None:
            if s == e and keys.intersection(stem_keys(text, "*")):
                return True
        elif text == term.text or (term.prefix and text.startswith(term.text)):
            return True
    return False


def _name_matches(term: Term, word: str) -> bool:
    """Does an indexed word hold a spelling of the name ``term`` (ignoring capitals and
    common words: a superset)?"""
    from . import names  # its tables: only for a name: term

    keys = names.name_keys(term.text)
    for text, _, _ in analyse_chunk(word).tokens:
        if text == term.text or (keys & names.name_keys(text)
                                 and names.same_name(term.text, text)):
            return True
    return False


def _name_fts(term: Term, vocab: Vocabulary | None) -> str | None:
    """The indexed words that spell the name, looked up under every letter a spelling (or
    an Arabic proclitic, or the article) may start with."""
    if vocab is None:
        return None
    from .names.keys import initials

    inits = initials(term.text)
    inits += "".join(_FIRST.get(c, "") for c in inits)
    clitics = "".join(c for c in _ARABIC_CLITICS + _FIRST["ا"] if c not in inits)
    shortest, longest = len(term.text) // 2, 2 * len(term.text) + 5  # endings, proclitics
    words = set()
    for f in dict.fromkeys(inits + clitics):
        after_clitic = f not in inits  # the name can only start after a proclitic
        for w in vocab.starting_with(f):
            if not shortest <= len(w) <= longest:
                continue
            if after_clitic and not any(c in inits for c in w[1:5]):
                continue
            if _name_matches(term, w):
                words.add(w)
    if _FTS_SAFE.match(term.text):
        words.add(term.text)
    if len(words) > MAX_WORDS:
        return None
    if not words:
        return NOTHING
    return "(" + " OR ".join('"' + w.replace('"', '""') + '"' for w in sorted(words)) + ")"


# Characters FTS5's unicode61 (remove_diacritics 2) indexes whole where our folding makes
# plain letters of them: the Latin and Cyrillic letters, ligatures included, for which the two
# disagree (tests/test_search_counted.py finds them again in the SQLite this runs on). An
# indexed word may hold one where a term has the letters it folds to. (Compatibility forms,
# fullwidth or mathematical letters, are left out: a word set in them is set in them whole,
# and the first-letter reading, below, does not find those either.)
KEPT_WHOLE = {
    "ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ı": "i", "ĳ": "ij", "ł": "l", "œ": "oe",
    "ǆ": "dz", "ǉ": "lj", "ǌ": "nj", "ǡ": "a", "ǣ": "ae", "ǳ": "dz", "ǽ": "ae", "ǿ": "o",
    "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
    "ѐ": "е", "ё": "е", "ѓ": "г", "ќ": "к", "ѝ": "и", "ў": "у", "ӂ": "ж", "ӑ": "а",
    "ӓ": "а", "ӗ": "е", "ӝ": "ж", "ӟ": "з", "ӣ": "и", "ӥ": "и", "ӧ": "о", "ӯ": "у",
    "ӱ": "у", "ӳ": "у", "ӵ": "ч", "ӹ": "ы", "ӭ": "э",
}
_WHOLE_BY_FIRST: dict[str, list[tuple[str, str]]] = {}
for _c, _f in KEPT_WHOLE.items():
    _WHOLE_BY_FIRST.setdefault(_f[0], []).append((_c, _f))
# Letters FTS5 indexes as our folding leaves them (a lead is made of these only)
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789"
                   + "".join(chr(c) for c in range(0x430, 0x450)))
MAX_LEAD = 5     # letters of a term (of each stem, for word forms) a range starts with
# Letters at the end of a stem the stemmer may have written otherwise than the word does
# (English happy → happi, possibility → possibl; French application → appliqu, chevaux →
# cheval): the words of a stem start with all of it but these. Russian only cuts endings.
_CHANGED_TAIL = {"fr": 2, "en": 2, "ru": 0}
MAX_RANGES = 32  # spellings of a lead read (each its own range of the vocabulary)


def _spellings(lead: str) -> list[str]:
    """Every start an indexed word that our folding makes begin with ``lead`` may have: the
    lead itself and its letters written as a character FTS5 keeps whole (``dełeg``,
    ``œuvr``; one that folds to more than the lead's rest ends the start: ``ﬁ`` for ``f``)."""
    if not lead:
        return [""]
    out = [lead[0] + rest for rest in _spellings(lead[1:])]
    for c, f in _WHOLE_BY_FIRST.get(lead[0], ()):
        if f.startswith(lead):
            out.append(c)
        elif lead.startswith(f):
            out += [c + rest for rest in _spellings(lead[len(f):])]
    return out


def _leads(t: str, keys: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """The starts of the vocabulary's words a term may match, each read as its own range:
    the term's first letters (at most ``MAX_LEAD``; for word forms, only those every stem
    keeps but its last two, which Snowball may have written otherwise: ``_CHANGED_TAIL``)
    in every spelling FTS5 may index them
    (``_spellings``), as many letters as keep those spellings at most ``MAX_RANGES``. [] when
    not even two letters qualify (then the first letter's range, as before).

    fts5vocab reads the list of every word of a range to count it, and the short words are
    the frequent ones: over a year of archive the range ``d`` costs ~0.9 s, ``de`` ~0.3 s
    (de, des…), ``del`` and its three other spellings (đ, ł) almost nothing."""
    n = 0
    while n < min(MAX_LEAD, len(t)) and t[n] in _PLAIN:
        n += 1
    for lang, st in keys:
        m = 0
        limit = min(n, len(st) - _CHANGED_TAIL.get(lang, 0))
        while m < limit and st[m] == t[m]:
            m += 1
        n = m
    while n >= 2:
        got = list(dict.fromkeys(_spellings(t[:n])))
        if len(got) <= MAX_RANGES:
            return got
        n -= 1
    return []


def _term_fts(term: Term, vocab: Vocabulary | None) -> str | None:
    t = term.text
    if term.name:
        return _name_fts(term, vocab)
    if not term.stem and _FTS_SAFE.match(t) and not _LIGATURE.search(t):
        return f'"{t}"' + (" *" if term.prefix else "")
    if vocab is None or not t:
        return None
    leads = _leads(t, term_keys(t) if term.stem else ())
    if leads:   # the ranges of those letters, in every spelling FTS5 may index them
        words = [w for f in leads for w in vocab.starting_with(f) if _matches(term, w)]
        if len(words) > MAX_WORDS:
            return None
        if not words:
            return NOTHING
        return "(" + " OR ".join('"' + w.replace('"', '""') + '"' for w in words) + ")"
    firsts = t[0] + _FIRST.get(t[0], "")
    if "\u0600" <= t[0] <= "\u06ff":
        firsts += _ARABIC_CLITICS
    words = [w for f in dict.fromkeys(firsts) for w in vocab.starting_with(f)
             if _matches(term, w)]
    if len(words) > MAX_WORDS:
        return None
    if not words:
        return NOTHING
    return "(" + " OR ".join('"' + w.replace('"', '""') + '"' for w in words) + ")"


MAX_NEAR_GROUPS = 16


def _simple(term: Term) -> str | None:
    """The FTS phrase of a term FTS5 indexes as we do (usable inside NEAR), else None."""
    t = term.text
    if term.stem or term.name or not _FTS_SAFE.match(t) or _LIGATURE.search(t):
        return None
    return f'"{t}"' + (" *" if term.prefix else "")


def _near_groups(node: Node) -> list[tuple[list[str], int]] | None:
    """Alternatives for an FTS5 NEAR: each (phrases, words they span), or None."""
    if isinstance(node, Leaf):
        words = [_simple(t) for t in node.seq]
        if any(w is None for w in words):
            return None
        return [([w for w in words if w], len(words))]
    if isinstance(node, Or):
        out: list[tuple[list[str], int]] = []
        for c in node.children:
            got = _near_groups(c)
            if got is None:
                return None
            out += got
        return out if len(out) <= MAX_NEAR_GROUPS else None
    return None


def _near(groups: list[tuple[list[str], int]], distance: int) -> str:
    alts = [f"NEAR({' '.join(phrases)}, {2 * (distance + span) + 2})"
            for phrases, span in groups]
    return _join(alts, "OR") or NOTHING


def fts_expression(node: Node, vocab: Vocabulary | None = None) -> str | None:
    """An FTS5 expression true of every article that ``node`` matches, or None."""
    if isinstance(node, Leaf):
        if len(node.seq) > 1 and (groups := _near_groups(node)):
            return _near(groups, 0)
        kept = [c for t in node.seq if (c := _term_fts(t, vocab))]
        if NOTHING in kept:
            return NOTHING
        return _join(kept, "AND")
    if isinstance(node, Meta | Not):
        return None
    if isinstance(node, NotNear):
        return fts_expression(node.left, vocab)
    if isinstance(node, AtLeast):
        return fts_expression(node.child, vocab)
    if isinstance(node, Near):
        left, right = _near_groups(node.left), _near_groups(node.right)
        if left and right and len(left) * len(right) <= MAX_NEAR_GROUPS:
            return _near([(a + b, n + m) for a, n in left for b, m in right], node.distance)
        return _join([c for c in (fts_expression(node.left, vocab),
                                  fts_expression(node.right, vocab)) if c], "AND")
    children = [fts_expression(c, vocab) for c in node.children]
    if isinstance(node, Or):
        if any(c is None for c in children):
            return None
        kept = [c for c in children if c and c != NOTHING]
        return _join(kept, "OR") or NOTHING
    return _join([c for c in children if c], "AND")


def _join(parts: Sequence[str], op: str) -> str | None:
    parts = list(dict.fromkeys(parts))
    if not parts:
        return None
    if NOTHING in parts and op == "AND":
        return NOTHING
    return parts[0] if len(parts) == 1 else "(" + f" {op} ".join(parts) + ")"


@dataclass
class Prefilter:
    """SQL for ``WHERE``: ``sql`` (joined with AND) and its ``params``; ``fts`` for
    information (the FTS5 expression, or None)."""

    sql: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    fts: str | None = None


def _meta_sql(node: Node, out: Prefilter) -> None:
    negated = isinstance(node, Not)
    m = node.child if isinstance(node, Not) else node
    if not isinstance(m, Meta):
        return
    if negated:
        if m.kind == "feed":
            out.sql.append("f.name != ?")
            out.params.append(m.value)
        return
    if m.kind == "lang":
        out.sql.append("(a.lang IS NULL OR a.lang LIKE ? OR a.lang LIKE ?)")
        out.params += [m.value, m.value + "_%"]
    elif m.kind == "feed":
        out.sql.append("f.name = ?")
        out.params.append(m.value)
    elif m.kind == "tag":
        out.sql.append("EXISTS (SELECT 1 FROM json_each(f.tags) WHERE json_each.value = ?)")
        out.params.append(m.value)
    elif m.kind == "site":
        out.sql.append("instr(lower(a.url), ?) > 0")
        out.params.append(m.value)


def prefilter(roots: Sequence[Node], vocab: Vocabulary | None = None, *,
              first_id: int | None = None) -> Prefilter:
    """The narrowing condition for articles matching any of ``roots`` (queries).
    ``first_id``: no article below this id is wanted; the index is asked only from there
    (FTS5 seeks each word's list to it instead of reading it whole)."""
    out = Prefilter()
    exprs = [fts_expression(r, vocab) for r in roots]
    if exprs and all(e is not None for e in exprs):
        kept = [e for e in exprs if e and e != NOTHING]
        out.fts = _join(kept, "OR") or NOTHING
        bound = "" if first_id is None else " AND rowid >= ?"
        out.sql.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
                       f"{bound})")
        out.params += [out.fts] if first_id is None else [out.fts, first_id]
    if len(roots) == 1:
        root = roots[0]
        for child in (root.children if isinstance(root, And) else [root]):
            _meta_sql(child, out)
    return out
