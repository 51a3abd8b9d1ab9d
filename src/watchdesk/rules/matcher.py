"""RuleSet: every rule compiled into one term index, so a document is read once for all rules.

How a document is matched (cost grows with the text and with the rules it *mentions*, not with
the number of rules):

1. Each field is split on whitespace (``str.split``). The distinct chunks, minus those known
   to hold no term and take one position (a set difference, in C), are looked up in a
   per-RuleSet cache giving their number of word positions and the query terms they contain
   (exact words via a dict, prefixes via a dict per prefix length). A cache miss folds and
   tokenises the chunk (:mod:`.text`); news text repeats its chunks, so misses are rare.
2. Each rule has up to 30 *required groups* of terms (a necessary condition derived from its
   query: ``(a OR b) AND c`` needs one of {a, b} and {c}; a phrase counts as its longest
   word). Posting lists from term to (rule, group) mark the groups the present terms
   satisfy; only rules with every group satisfied are evaluated. A query with no required
   group (``NOT x``) is always evaluated.
3. A candidate's boolean tree is evaluated on term presence per field. Word positions are
   computed, once per field and only if needed (phrases, NEAR, and the hits of a match), by
   one walk over the chunk list.
4. For a match, hits are mapped back to character offsets for the snippets.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import accumulate

from .model import Document, Match, Rule
from .query import ALL_FIELDS, And, Leaf, Near, Node, Or, Term, leaves
from .snippet import make_snippet
from .text import analyse_chunk, chunk_layout

__all__ = ["RuleSet"]

FIELD_BITS = (("title", 1), ("summary", 2), ("body", 4))
MAX_GROUPS = 30
CACHE_LIMIT = 300_000

Hit = tuple[int, int, int]  # leaf index, first position, last position
Span = tuple[int, int, tuple[Hit, ...]]
ChunkHits = tuple[int, tuple[tuple[int, int, int], ...], tuple[int, ...]]
_PLAIN: ChunkHits = (1, (), ())


def _bits(mask: int) -> Iterable[int]:
    return (bit for _, bit in FIELD_BITS if mask & bit)


# ------------------------------------------------------------------------------- per document

class _Scan:
    """One document, read for one RuleSet: chunks, present terms, lazily positions."""

    def __init__(self, rs: RuleSet, doc: Document) -> None:
        self.rs = rs
        self.texts = {1: doc.title, 2: doc.summary, 4: doc.body}
        self.present: dict[int, int] = {}  # atom -> mask of fields it occurs in
        self.chunks: dict[int, list[str]] = {}
        self.hit_chunks: dict[int, set[str]] = {}
        self.irregular: dict[int, set[str]] = {}  # chunks of 0 or 2+ positions
        self._occ: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._atom_chunk_map: dict[int, dict[int, list[str]]] = {}
        self._bases: dict[tuple[int, str], list[int]] = {}
        self._owners: dict[int, dict[int, tuple[str, int, int]]] = {}
        self._irr: dict[int, tuple[list[int], list[int]]] = {}
        self._by_start: dict[tuple[int, int], dict[int, list[int]]] = {}
        self._offsets: dict[tuple[int, str], list[int]] = {}
        self.memo: dict[tuple[int, int], list[Span]] = {}
        for bit, text in self.texts.items():
            if text:
                self._scan(bit, text)

    def _scan(self, bit: int, text: str) -> None:
        """The hot loop: one cache look-up per distinct whitespace-separated chunk."""
        rs = self.rs
        cache = rs._cache
        present = self.present
        chunks = text.split()
        hit: set[str] = set()
        irregular: set[str] = set()
        # set difference runs in C: only chunks holding a term, irregular ones (0 or 2+
        # positions) and never-seen ones are looked at in Python
        for c in set(chunks).difference(rs._plain):
            info = cache.get(c)
            if info is None:
                info = rs._chunk_hits(c)
                if info is _PLAIN:
                    continue
            if info[0] != 1:
                irregular.add(c)
            if info[1]:
                hit.add(c)
                for a in info[2]:
                    present[a] = present.get(a, 0) | bit
        self.chunks[bit] = chunks
        self.hit_chunks[bit] = hit
        self.irregular[bit] = irregular

    def occ(self, bit: int, atom: int) -> list[tuple[int, int]]:
        """Sorted (first, last) positions of ``atom`` in the field."""
        key = (bit, atom)
        got = self._occ.get(key)
        if got is None:
            cache = self.rs._cache
            got = []
            for c in self._atom_chunks(bit).get(atom, ()):
                rel = [(s, e) for a, s, e in cache[c][1] if a == atom]
                for base in self._chunk_bases(bit, c):
                    got.extend((base + s, base + e) for s, e in rel)
            got.sort()
            self._occ[key] = got
        return got

    def _atom_chunks(self, bit: int) -> dict[int, list[str]]:
        """For each term present in the field, the distinct chunks holding it."""
        got = self._atom_chunk_map.get(bit)
        if got is None:
            got = self._atom_chunk_map[bit] = defaultdict(list)
            cache = self.rs._cache
            for c in self.hit_chunks.get(bit, ()):
                for a in cache[c][2]:
                    got[a].append(c)
        return got

    def _chunk_bases(self, bit: int, chunk: str) -> list[int]:
        """Positions of the first word of each occurrence of ``chunk`` in the field.

        Chunk i starts at position i + (sum of npos - 1 over the irregular chunks before it).
        Occurrences are found with list.index (C speed); only the irregular chunks (0 or 2+
        positions: lone punctuation, compounds) are listed once per field, for the sums. Each
        occurrence is also recorded by position, to map positions back to characters.
        """
        key = (bit, chunk)
        got = self._bases.get(key)
        if got is not None:
            return got
        irr_idx, irr_sum = self._irregular_sums(bit)
        chunks = self.chunks[bit]
        owners = self._owners.setdefault(bit, {})
        npos = self.rs._cache[chunk][0]
        got = []
        i = -1
        try:
            while True:
                i = chunks.index(chunk, i + 1)
                j = bisect.bisect_left(irr_idx, i)
                base = i + (irr_sum[j - 1] if j else 0)
                for p in range(base, base + npos):
                    owners[p] = (chunk, len(got), base)
                got.append(base)
        except ValueError:
            pass
        self._bases[key] = got
        return got

    def _irregular_sums(self, bit: int) -> tuple[list[int], list[int]]:
        got = self._irr.get(bit)
        if got is None:
            irregular = self.irregular[bit]
            chunks = self.chunks[bit]
            idx = [i for i, c in enumerate(chunks) if c in irregular] if irregular else []
            cache = self.rs._cache
            got = self._irr[bit] = (idx, list(accumulate(cache[chunks[i]][0] - 1 for i in idx)))
        return got

    def by_start(self, bit: int, atom: int) -> dict[int, list[int]]:
        key = (bit, atom)
        d = self._by_start.get(key)
        if d is None:
            d = defaultdict(list)
            for s, e in self.occ(bit, atom):
                d[s].append(e)
            self._by_start[key] = d
        return d

    def char_span(self, bit: int, first: int, last: int) -> tuple[int, int]:
        """Character offsets in the field's text of word positions ``first``..``last``.

        Both are positions of terms, so :meth:`occ` has recorded the chunk occurrence that
        holds them; the chunk's offset is found by searching the text for its k-th occurrence
        as a whole chunk (str.find, no regex pass over the text).
        """
        return self._char(bit, first)[0], self._char(bit, last)[1]

    def _char(self, bit: int, pos: int) -> tuple[int, int]:
        chunk, k, base = self._owners[bit][pos]
        key = (bit, chunk)
        offsets = self._offsets.get(key)
        if offsets is None:
            offsets = self._offsets[key] = _whole_chunk_offsets(self.texts[bit], chunk)
        a, b = chunk_layout(chunk)[pos - base]
        return offsets[k] + a, offsets[k] + b


def _whole_chunk_offsets(text: str, chunk: str) -> list[int]:
    """Offsets of ``chunk`` in ``text`` where it stands between whitespace (or the ends)."""
    out: list[int] = []
    n, size = len(chunk), len(text)
    j = text.find(chunk)
    while j >= 0:
        if (j == 0 or text[j - 1].isspace()) and (j + n == size or text[j + n].isspace()):
            out.append(j)
            j = text.find(chunk, j + n)
        else:
            j = text.find(chunk, j + 1)
    return out


# ------------------------------------------------------------------------------ compiled tree

class _N:
    """A compiled query node. ``fields``: where it can match at all."""

    fields: int = ALL_FIELDS

    def test(self, d: _Scan) -> bool:
        raise NotImplementedError

    def collect(self, d: _Scan, out: list[tuple[int, int, int, int]]) -> None:
        """Append (leaf index, field bit, first, last) of every hit; call only when true."""

    def might(self, d: _Scan) -> int:
        """Fields where this positional node may match (from term presence alone)."""
        raise NotImplementedError

    def spans(self, d: _Scan, bit: int) -> list[Span]:
        raise NotImplementedError


class _Positional(_N):
    def spans(self, d: _Scan, bit: int) -> list[Span]:
        key = (id(self), bit)
        got = d.memo.get(key)
        if got is None:
            got = d.memo[key] = self._spans(d, bit) if self.might(d) & bit else []
        return got

    def _spans(self, d: _Scan, bit: int) -> list[Span]:
        raise NotImplementedError

    def test(self, d: _Scan) -> bool:
        return any(self.spans(d, bit) for bit in _bits(self.might(d)))

    def collect(self, d: _Scan, out: list[tuple[int, int, int, int]]) -> None:
        for bit in _bits(self.might(d)):
            for _, _, hits in self.spans(d, bit):
                out.extend((i, bit, s, e) for i, s, e in hits)


class _Leaf(_Positional):
    def __init__(self, leaf: Leaf, atoms: tuple[int, ...]) -> None:
        self.index = leaf.index
        self.atoms = atoms
        self.fields = leaf.fields
        # for candidate selection, a phrase is represented by its longest word (likely the
        # rarest: "conseil de sécurité" -> sécurité, not "de")
        longest = max(range(len(atoms)), key=lambda i: len(leaf.seq[i].text))
        self.key_atom = atoms[longest]

    def might(self, d: _Scan) -> int:
        m = self.fields
        for a in self.atoms:
            m &= d.present.get(a, 0)
        return m

    def test(self, d: _Scan) -> bool:
        if len(self.atoms) == 1:
            return bool(d.present.get(self.atoms[0], 0) & self.fields)
        return super().test(d)

    def _spans(self, d: _Scan, bit: int) -> list[Span]:
        idx = self.index
        if len(self.atoms) == 1:
            return [(s, e, ((idx, s, e),)) for s, e in d.occ(bit, self.atoms[0])]
        cur = d.occ(bit, self.atoms[0])
        for a in self.atoms[1:]:
            nxt = d.by_start(bit, a)
            cur = [(s, e2) for s, e in cur for e2 in nxt.get(e + 1, ())]
            if not cur:
                return []
        return [(s, e, ((idx, s, e),)) for s, e in sorted(set(cur))]


class _Near(_Positional):
    def __init__(self, left: _N, right: _N, distance: int) -> None:
        self.left, self.right, self.distance = left, right, distance
        self.fields = left.fields & right.fields

    def might(self, d: _Scan) -> int:
        return self.left.might(d) & self.right.might(d)

    def _spans(self, d: _Scan, bit: int) -> list[Span]:
        right = self.right.spans(d, bit)
        found: dict[tuple[int, int], set[Hit]] = {}
        limit = self.distance + 1
        for s1, e1, h1 in self.left.spans(d, bit):
            for s2, e2, h2 in right:
                if s2 - e1 <= limit and s1 - e2 <= limit:
                    found.setdefault((min(s1, s2), max(e1, e2)), set()).update(h1, h2)
        return [(s, e, tuple(sorted(h))) for (s, e), h in sorted(found.items())]


class _Or(_Positional):
    def __init__(self, children: list[_N], positional: bool) -> None:
        self.children = children
        self.positional = positional
        self.fields = 0
        for c in children:
            self.fields |= c.fields

    def might(self, d: _Scan) -> int:
        m = 0
        for c in self.children:
            m |= c.might(d)
        return m

    def test(self, d: _Scan) -> bool:
        return any(c.test(d) for c in self.children)

    def _spans(self, d: _Scan, bit: int) -> list[Span]:
        return sorted(sp for c in self.children for sp in c.spans(d, bit))

    def collect(self, d: _Scan, out: list[tuple[int, int, int, int]]) -> None:
        for c in self.children:
            if c.test(d):
                c.collect(d, out)


class _And(_N):
    def __init__(self, children: list[_N]) -> None:
        self.children = children

    def test(self, d: _Scan) -> bool:
        return all(c.test(d) for c in self.children)

    def collect(self, d: _Scan, out: list[tuple[int, int, int, int]]) -> None:
        for c in self.children:
            c.collect(d, out)


class _Not(_N):
    def __init__(self, child: _N) -> None:
        self.child = child

    def test(self, d: _Scan) -> bool:
        return not self.child.test(d)


# ----------------------------------------------------------------------------------- RuleSet

class _Compiled:
    __slots__ = ("exclude", "feeds", "full", "labels", "order", "root", "rule")

    def __init__(self, rule: Rule, order: int, root: _N, exclude: _N | None,
                 labels: dict[int, str]) -> None:
        self.rule, self.order, self.root, self.exclude = rule, order, root, exclude
        self.labels = labels
        self.feeds = frozenset(rule.feeds)
        self.full = 0


class RuleSet:
    """All rules, compiled together. ``match`` reads a document once for every rule."""

    def __init__(self, rules: Sequence[Rule] = ()) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_id: dict[str, Rule] = {}
        for r in self.rules:
            if r.id in self._by_id:
                raise ValueError(f"duplicate rule id {r.id!r}")
            self._by_id[r.id] = r
        self._exact: dict[str, int] = {}
        self._prefix: dict[str, int] = {}
        self._prefix_lengths: list[int] = []
        self._cache: dict[str, ChunkHits] = {}  # chunks with terms or not one position
        self._plain: set[str] = set()  # chunks of one position and no term
        self._postings: dict[int, list[tuple[int, int]]] = {}
        self._always: list[int] = []
        self._compiled: list[_Compiled] = []
        for r in self.rules:
            if r.enabled:
                self._add(r)
        self._prefix_lengths.sort()

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    # -- compiling
    def _atom(self, term: Term) -> int:
        table = self._prefix if term.prefix else self._exact
        a = table.get(term.text)
        if a is None:
            a = table[term.text] = len(self._exact) + len(self._prefix)
            if term.prefix and len(term.text) not in self._prefix_lengths:
                self._prefix_lengths.append(len(term.text))
        return a

    def _build(self, node: Node) -> _N:
        if isinstance(node, Leaf):
            return _Leaf(node, tuple(self._atom(t) for t in node.seq))
        if isinstance(node, Near):
            return _Near(self._build(node.left), self._build(node.right), node.distance)
        if isinstance(node, Or):
            kids = [self._build(c) for c in node.children]
            return _Or(kids, all(isinstance(k, _Positional) for k in kids))
        if isinstance(node, And):
            return _And([self._build(c) for c in node.children])
        return _Not(self._build(node.child))

    def _add(self, rule: Rule) -> None:
        assert rule.compiled is not None
        order = len(self._compiled)
        root = self._build(rule.compiled.root)
        exclude = self._build(rule.compiled_exclude.root) if rule.compiled_exclude else None
        labels = {leaf.index: leaf.label for leaf in leaves(rule.compiled.root)}
        c = _Compiled(rule, order, root, exclude, labels)
        self._compiled.append(c)
        groups = sorted(set(_required(root)), key=len)[:MAX_GROUPS]
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

    def _chunk_hits(self, chunk: str) -> ChunkHits:
        info = analyse_chunk(chunk)
        hits: list[tuple[int, int, int]] = []
        exact, prefix = self._exact, self._prefix
        for text, s, e in info.tokens:
            a = exact.get(text)
            if a is not None:
                hits.append((a, s, e))
            for n in self._prefix_lengths:
                if n > len(text):
                    break
                a = prefix.get(text[:n])
                if a is not None:
                    hits.append((a, s, e))
        if info.npos == 1 and not hits:
            self._plain.add(chunk)
            return _PLAIN
        result = self._cache[chunk] = (info.npos, tuple(hits), tuple({a for a, _, _ in hits}))
        return result

    # -- matching
    def match(self, doc: Document, feed_name: str | None = None,
              feed_tags: Iterable[str] = ()) -> list[Match]:
        """Every enabled rule matching ``doc``, in rule order.

        A rule restricted to ``feeds`` matches only when ``feed_name`` or one of ``feed_tags``
        is listed; when neither is given (ad-hoc text), the restriction is not applied.
        """
        if len(self._cache) + len(self._plain) > CACHE_LIMIT:
            self._cache.clear()
            self._plain.clear()
        d = _Scan(self, doc)
        sat: dict[int, int] = {}
        for a in d.present:
            for order, bits in self._postings.get(a, ()):
                sat[order] = sat.get(order, 0) | bits
        compiled = self._compiled
        candidates = [o for o, m in sat.items() if m == compiled[o].full]
        candidates.extend(self._always)
        candidates.sort()
        feed_keys = set(feed_tags)
        if feed_name is not None:
            feed_keys.add(feed_name)
        out: list[Match] = []
        for o in candidates:
            c = compiled[o]
            if c.feeds and feed_keys and not (c.feeds & feed_keys):
                continue
            if not c.root.test(d) or (c.exclude is not None and c.exclude.test(d)):
                continue
            out.append(self._make_match(c, d))
        return out

    def _make_match(self, c: _Compiled, d: _Scan) -> Match:
        hits: list[tuple[int, int, int, int]] = []
        c.root.collect(d, hits)
        terms = tuple(dict.fromkeys(c.labels[i] for i in sorted({h[0] for h in hits})))
        snippets = {}
        for name, bit in FIELD_BITS:
            spans = [d.char_span(bit, s, e) for _, b, s, e in hits if b == bit]
            if spans:
                snippets[name] = make_snippet(d.texts[bit], spans)
        return Match(c.rule.id, c.rule.priority, terms, snippets)


def _required(node: _N) -> list[frozenset[int]]:
    """Groups of atoms such that a match needs at least one atom of every group."""
    if isinstance(node, _Leaf):
        return [frozenset([node.key_atom])]
    if isinstance(node, _Near):
        return _required(node.left) + _required(node.right)
    if isinstance(node, _And):
        return [g for c in node.children for g in _required(c)]
    if isinstance(node, _Or):
        union: set[int] = set()
        for c in node.children:
            groups = _required(c)
            if not groups:
                return []
            union |= min(groups, key=len)
        return [frozenset(union)]
    return []
