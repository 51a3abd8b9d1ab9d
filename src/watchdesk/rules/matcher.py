"""RuleSet: every rule compiled into one term index, so a document is read once for all rules.

How a document is matched (cost grows with the text and with the rules it *mentions*, not with
the number of rules):

1. Each field is split on whitespace (``str.split``). The distinct chunks, minus those known
   to hold no term and take one position (a set difference, in C), are looked up in a
   per-RuleSet cache giving their number of word positions and the query terms they contain
   (exact words via a dict, prefixes via a dict per prefix length, word forms ``~x`` via a
   dict of (language, stem), case-sensitive words via their folded form then their capitals).
   A cache miss folds and tokenises the chunk (:mod:`.text`) and stems its words
   (:mod:`.stem`); news text repeats its chunks, so misses are rare. When rules stem Latin
   words, what a chunk holds depends on the article's language (French, English, or both
   when unknown): there is one cache per such *mode*.
2. Each rule has up to 30 *required groups* of terms (a necessary condition derived from its
   query: ``(a OR b) AND c`` needs one of {a, b} and {c}; a phrase counts as its longest
   word). Posting lists from term to (rule, group) mark the groups the present terms
   satisfy; only rules with every group satisfied are evaluated. A query with no required
   group (``NOT x``) is always evaluated.
3. A candidate's boolean tree (:mod:`.tree`) is evaluated on term presence per field. Word
   positions are computed only when needed (phrases, NEAR, the hits of a match) and only for
   the terms needed (:mod:`.scan`). Trees are compiled by :mod:`.build`: a subtree used by
   several rules (a named list) is one node, evaluated once per document, and the words of
   an OR are one set.
   Filters (``lang:``, ``feed:``, ``tag:``, ``site:``) are evaluated there too, from the
   article's metadata; they need no term and never make a rule a candidate on their own.
4. For a match, hits are mapped back to character offsets for the snippets (:mod:`.snippet`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .build import Builder, Built
from .language import primary
from .model import Document, Match, Rule
from .nodes import LEAD, Term
from .scan import FIELD_BITS, PLAIN, ChunkHits, Scan
from .snippet import WIDTH, make_snippet
from .stem import stem_keys, term_keys
from .text import analyse_chunk, cased_tokens, script_of
from .tree import required

__all__ = ["RuleSet", "Verdict"]

MAX_GROUPS = 30
CACHE_LIMIT = 300_000


@dataclass(frozen=True)
class Verdict:
    """Why one rule does or does not match one document (for examples and ``rules test``).

    ``match``: the match, or None. ``excluded_by``: the exclusion's terms when the query
    matched but the exclusion removed the article. ``found``/``missing``: the query's terms
    (and filters) that are / are not true of the document, in query order.
    """

    rule_id: str
    match: Match | None
    excluded_by: tuple[str, ...]
    found: tuple[str, ...]
    missing: tuple[str, ...]
    feed_skipped: bool = False


class _Compiled:
    __slots__ = ("exclude", "feeds", "full", "order", "query", "root", "rule")

    def __init__(self, rule: Rule, order: int, query: Built, exclude: Built | None) -> None:
        self.rule, self.order, self.query, self.exclude = rule, order, query, exclude
        self.root = query.root
        self.feeds = frozenset(rule.feeds)
        self.full = 0


class RuleSet:
    """All rules, compiled together. ``match`` reads a document once for every rule.

    ``share=False`` compiles each query on its own, as written (no shared nodes, no word
    sets: see :mod:`.build`); it matches the same, more slowly, and is what tests compare
    the shared compilation with."""

    def __init__(self, rules: Sequence[Rule] = (), *, share: bool = True) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_id: dict[str, Rule] = {}
        for r in self.rules:
            if r.id in self._by_id:
                raise ValueError(f"duplicate rule id {r.id!r}")
            self._by_id[r.id] = r
        self._natoms = 0
        self._exact: dict[str, int] = {}
        self._prefix: dict[str, int] = {}
        self._prefix_lengths: list[int] = []
        self._stem_atoms: dict[frozenset[tuple[str, str]], int] = {}
        self._stems: dict[tuple[str, str], list[int]] = {}
        self._latin_stems = False
        self._case_atoms: dict[str, int] = {}
        self._case: dict[str, list[tuple[str, int]]] = {}
        self._name_atoms: dict[str, int] = {}
        self._names: dict[str, list[tuple[str, int]]] = {}  # name key -> (query word, atom)
        self._name_words: dict[int, str] = {}  # name atom -> its query word
        self._spelled: dict[str, tuple[int, ...]] = {}  # document word -> name atoms it spells
        self._name_initials: set[str] = set()  # letters a spelling of a name may start with
        # per mode: chunks with terms or not one position; chunks of one position, no term
        self._tables: dict[str, tuple[dict[str, ChunkHits], set[str]]] = {}
        self._postings: dict[int, list[tuple[int, int]]] = {}
        self._always: list[int] = []
        self._compiled: list[_Compiled] = []
        builder = Builder(self._atom, share)  # its tables go once the rules are compiled
        for r in self.rules:
            if r.enabled:
                self._add(r, builder)
        self._prefix_lengths.sort()
        self.uses_lead = builder.uses_lead

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    # -- compiling
    def _new_atom(self) -> int:
        self._natoms += 1
        return self._natoms - 1

    def _atom(self, term: Term) -> int:
        if term.name:
            a = self._name_atoms.get(term.text)
            if a is None:
                from .. import names  # (a cycle: its keys fold words with .text)

                a = self._name_atoms[term.text] = self._new_atom()
                self._name_words[a] = term.text
                self._name_initials.update(names.keys.initials(term.text))
                for name_key in names.name_keys(term.text):
                    self._names.setdefault(name_key, []).append((term.text, a))
            return a
        if term.stem:
            keys = frozenset(term_keys(term.text))
            a = self._stem_atoms.get(keys)
            if a is None:
                a = self._stem_atoms[keys] = self._new_atom()
                for key in keys:
                    self._stems.setdefault(key, []).append(a)
                    self._latin_stems |= key[0] != "ru"
            return a
        if term.case is not None:
            a = self._case_atoms.get(term.case)
            if a is None:
                a = self._case_atoms[term.case] = self._new_atom()
                self._case.setdefault(term.text, []).append((term.case, a))
            return a
        table = self._prefix if term.prefix else self._exact
        a = table.get(term.text)
        if a is None:
            a = table[term.text] = self._new_atom()
            if term.prefix and len(term.text) not in self._prefix_lengths:
                self._prefix_lengths.append(len(term.text))
        return a

    def _add(self, rule: Rule, builder: Builder) -> None:
        assert rule.compiled is not None
        order = len(self._compiled)
        query = builder.build(rule.compiled.root)
        exclude = builder.build(rule.compiled_exclude.root) if rule.compiled_exclude else None
        c = _Compiled(rule, order, query, exclude)
        self._compiled.append(c)
        root = query.root
        groups = sorted(set(required(root)), key=len)[:MAX_GROUPS]
        if not groups:
            self._always.append(order)
            return
        per_atom: dict[int, int] = defaultdict(int)
        for g, atoms in enumerate(groups):
            for a in atoms:
                per_atom[a] |= 1 << g
        for a, bits in per_atom.items():
            self._postings.setdefault(a, []).append((order, bits))
        c.full = (1 << len(groups)) - 1

    # -- reading documents
    def mode_for(self, d: Scan) -> str:
        """How Latin words are stemmed in this document: "" (no rule stems them), "fr",
        "en", or "*" (both: language unknown or another one)."""
        if not self._latin_stems:
            return ""
        lang = primary(d.lang)
        return lang if lang in ("fr", "en") else "*"

    def tables(self, mode: str) -> tuple[dict[str, ChunkHits], set[str]]:
        got = self._tables.get(mode)
        if got is None:
            got = self._tables[mode] = ({}, set())
        return got

    def chunk_hits(self, chunk: str, mode: str) -> ChunkHits:
        """The terms of one chunk, read in ``mode``; remembered in that mode's tables."""
        info = analyse_chunk(chunk)
        hits: list[tuple[int, int, int]] = []
        exact, prefix, stems, case = self._exact, self._prefix, self._stems, self._case
        name_atoms = self._name_atoms
        cased: tuple[str | None, ...] | None = None
        word = ""  # the word an Arabic reading (same position, after it) comes from
        prev = (-1, -1)
        for k, (text, s, e) in enumerate(info.tokens):
            if (s, e) != prev:
                word, prev = text, (s, e)
            a = exact.get(text)
            if a is not None:
                hits.append((a, s, e))
            for n in self._prefix_lengths:
                if n > len(text):
                    break
                a = prefix.get(text[:n])
                if a is not None:
                    hits.append((a, s, e))
            if stems and s == e and (mode or script_of(text) == "cyrillic"):
                for key in stem_keys(text, mode or "*"):
                    hits.extend((a, s, e) for a in stems.get(key, ()))
            if case and text in case:
                cased = cased or cased_tokens(chunk)
                hits.extend((a, s, e) for form, a in case[text] if form == cased[k])
            if name_atoms:
                spelled = self._spelled.get(text)
                if spelled is None:
                    spelled = self._spell(text)
                if spelled or text in name_atoms:
                    hits.extend((a, s, e) for a in self._name_hits(chunk, k, text, word,
                                                                     spelled))
        cache, plain = self.tables(mode)
        if info.npos == 1 and not hits:
            plain.add(chunk)
            return PLAIN
        if len(hits) > 1:
            hits = list(dict.fromkeys(hits))
        result = cache[chunk] = (info.npos, tuple(hits), tuple({a for a, _, _ in hits}))
        return result

    def _spell(self, text: str) -> tuple[int, ...]:
        """The ``name:`` atoms a document word spells (remembered; capitals and common words
        aside). A word that starts with no letter a spelling of the names may start with
        spells none (its reading without proclitics, a token of its own, may): its keys are
        not computed."""
        if text[:1] not in self._name_initials:
            self._spelled[text] = ()
            return ()
        from .. import names  # loaded by the name: term this matcher compiled

        candidates = {(w, a) for key in names.name_keys(text)
                      for w, a in self._names.get(key, ())}
        spelled = self._spelled[text] = tuple(
            a for w, a in candidates if names.same_name(w, text))
        return spelled

    def _name_hits(self, chunk: str, k: int, text: str, word: str,
                   spelled: tuple[int, ...]) -> set[int]:
        """The ``name:`` atoms token ``k`` (``text``, a reading of ``word`` or the word
        itself) of ``chunk`` is a spelling of: the query word itself, or a word that spells
        it, may be a name there, and is not a known spelling of another name (decided on
        the whole word, not the reading: ليندا is Linda's, بليندا Belinda's), nor a reading
        without the article that the whole word does not spell (``names.reading_spells``:
        البعيدين is not ال + ب + عيدين)."""
        exact = self._name_atoms.get(text)
        found = set() if exact is None else {exact}
        if not spelled:
            return found
        from .. import names

        if names.may_be_name(word, _written(chunk, k)) \
                and not names.indefinite(chunk):  # (the chunk as written: its diacritics)
            found.update(a for a in spelled
                         if not names.explained_away(self._name_words[a], word)
                         and names.reading_spells(self._name_words[a], word, text))
        return found

    # -- matching
    def _scan(self, doc: Document, feed_name: str | None, feed_tags: Iterable[str]) -> Scan:
        if sum(len(c) + len(p) for c, p in self._tables.values()) > CACHE_LIMIT:
            for c, p in self._tables.values():
                c.clear()
                p.clear()
            self._spelled.clear()
        return Scan(self, doc, feed_name, feed_tags)

    def match(self, doc: Document, feed_name: str | None = None,
              feed_tags: Iterable[str] = (),
              excluded: list[tuple[str, tuple[str, ...]]] | None = None) -> list[Match]:
        """Every enabled rule matching ``doc``, in rule order.

        A rule restricted to ``feeds`` matches only when ``feed_name`` or one of ``feed_tags``
        is listed; when neither is given (ad-hoc text), the restriction is not applied.
        ``feed:`` and ``tag:`` filters are false when no feed is given. When ``excluded`` is
        a list, (rule id, exclusion terms) is appended to it for each rule whose query
        matched but whose exclusion removed the article.
        """
        d = self._scan(doc, feed_name, feed_tags)
        out: list[Match] = []
        for c in self._true(d):
            if c.exclude is not None and c.exclude.root.test(d):
                if excluded is not None:
                    excluded.append((c.rule.id, _terms(c.exclude, d)))
                continue
            out.append(self._make_match(c, d))
        return out

    def matching_ids(self, doc: Document, feed_name: str | None = None,
                     feed_tags: Iterable[str] = ()) -> list[str]:
        """The ids of the rules that match, as :meth:`match` finds them, without their terms
        and snippets (counting is then a fraction of matching)."""
        d = self._scan(doc, feed_name, feed_tags)
        return [c.rule.id for c in self._true(d)
                if c.exclude is None or not c.exclude.root.test(d)]

    def _true(self, d: Scan) -> Iterator[_Compiled]:
        """The candidates, in rule order, whose feeds allow the document and query is true."""
        sat: dict[int, int] = {}
        for a in d.present:
            for order, bits in self._postings.get(a, ()):
                sat[order] = sat.get(order, 0) | bits
        compiled = self._compiled
        candidates = [o for o, m in sat.items() if m == compiled[o].full]
        candidates.extend(self._always)
        candidates.sort()
        feed_keys = set(d.feed_tags)
        if d.feed_name is not None:
            feed_keys.add(d.feed_name)
        for o in candidates:
            c = compiled[o]
            if c.feeds and feed_keys and not (c.feeds & feed_keys):
                continue
            if c.root.test(d):
                yield c

    def explain(self, rule_id: str, doc: Document, feed_name: str | None = None,
                feed_tags: Iterable[str] = ()) -> Verdict:
        """Whether the enabled rule ``rule_id`` matches ``doc``, and why (see Verdict)."""
        c = next((c for c in self._compiled if c.rule.id == rule_id), None)
        if c is None:
            raise KeyError(rule_id)
        d = self._scan(doc, feed_name, feed_tags)
        leaf_nodes = c.query.leaves
        found = tuple(dict.fromkeys(lb for lb, n in leaf_nodes if n.test(d)))
        missing = tuple(lb for lb in dict.fromkeys(lb for lb, _ in leaf_nodes)
                        if lb not in found)
        keys = set(feed_tags) | ({feed_name} if feed_name is not None else set())
        if c.feeds and keys and not (c.feeds & keys):
            return Verdict(rule_id, None, (), found, missing, feed_skipped=True)
        if not c.root.test(d):
            return Verdict(rule_id, None, (), found, missing)
        if c.exclude is not None and c.exclude.root.test(d):
            return Verdict(rule_id, None, _terms(c.exclude, d), found, missing)
        return Verdict(rule_id, self._make_match(c, d), (), found, missing)

    def _make_match(self, c: _Compiled, d: Scan) -> Match:
        hits: list[tuple[int, int, int, int]] = []
        c.root.collect(d, hits)
        terms = c.query.terms({h[0] for h in hits})
        # Only the hits that can fall in a snippet's window are mapped to characters: a word
        # position takes at least two characters (a letter and a separator), so nothing
        # starting more than WIDTH/2 + 1 positions after a field's first hit can be shown.
        first: dict[int, int] = {}
        for _, b, s, _e in hits:
            if b and s < first.get(b, s + 1):
                first[b] = s
        by_field: dict[int, list[tuple[int, int]]] = defaultdict(list)
        reach = WIDTH // 2 + 1
        for _, b, s, e in hits:
            if b and s <= first[b] + reach:  # b 0: a filter, no text
                by_field[d.lead_bit if b == LEAD else b].append(d.char_span(b, s, e))
        snippets = {}
        for name, bit in FIELD_BITS:
            if by_field.get(bit):
                snippets[name] = make_snippet(d.texts[bit], by_field[bit])
        return Match(c.rule.id, c.rule.priority, terms, snippets, _spellings(c.query, d, hits))


def _spellings(built: Built, d: Scan, hits: list[tuple[int, int, int, int]]
               ) -> dict[str, tuple[str, ...]]:
    """The words each ``name:`` term of a match found, as the document writes them."""
    found: dict[str, dict[str, None]] = {}
    for idx, b, s, e in sorted(hits, key=lambda h: (h[1], h[2])):
        label = built.labels.get(idx, "")
        if b and label.startswith("name:"):
            words = found.setdefault(label, {})
            if len(words) < 5:
                bit = d.lead_bit if b == LEAD else b
                start, end = d.char_span(b, s, e)
                words[d.texts[bit][start:end]] = None
    return {label: tuple(words) for label, words in found.items()}


def _written(chunk: str, k: int) -> str | None:
    """Token ``k`` of ``chunk`` as written, capitals kept (None for a joined form or an
    Arabic reading, which are read without capitals)."""
    return cased_tokens(chunk)[k]


def _terms(built: Built, d: Scan) -> tuple[str, ...]:
    """The terms of a true query (an exclusion), as written, in query order."""
    hits: list[tuple[int, int, int, int]] = []
    built.root.collect(d, hits)
    return built.terms({h[0] for h in hits})
