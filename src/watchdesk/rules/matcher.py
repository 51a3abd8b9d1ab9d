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
3. A candidate's boolean tree (:mod:`.tree`) is evaluated on term presence per field. Word
   positions are computed only when needed (phrases, NEAR, the hits of a match) and only for
   the terms needed (:mod:`.scan`).
4. For a match, hits are mapped back to character offsets for the snippets (:mod:`.snippet`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from .model import Document, Match, Rule
from .query import And, Leaf, Near, Node, Or, Term, leaves
from .scan import FIELD_BITS, PLAIN, ChunkHits, Scan
from .snippet import make_snippet
from .text import analyse_chunk
from .tree import AndNode, CNode, LeafNode, NearNode, NotNode, OrNode, Positional, required

__all__ = ["RuleSet"]

MAX_GROUPS = 30
CACHE_LIMIT = 300_000


class _Compiled:
    __slots__ = ("exclude", "feeds", "full", "labels", "order", "root", "rule")

    def __init__(self, rule: Rule, order: int, root: CNode, exclude: CNode | None,
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

    def _build(self, node: Node) -> CNode:
        if isinstance(node, Leaf):
            return LeafNode(node, tuple(self._atom(t) for t in node.seq))
        if isinstance(node, Near):
            return NearNode(self._build(node.left), self._build(node.right), node.distance)
        if isinstance(node, Or):
            kids = [self._build(c) for c in node.children]
            return OrNode(kids, all(isinstance(k, Positional) for k in kids))
        if isinstance(node, And):
            return AndNode([self._build(c) for c in node.children])
        return NotNode(self._build(node.child))

    def _add(self, rule: Rule) -> None:
        assert rule.compiled is not None
        order = len(self._compiled)
        root = self._build(rule.compiled.root)
        exclude = self._build(rule.compiled_exclude.root) if rule.compiled_exclude else None
        labels = {leaf.index: leaf.label for leaf in leaves(rule.compiled.root)}
        c = _Compiled(rule, order, root, exclude, labels)
        self._compiled.append(c)
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
            return PLAIN
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
        d = Scan(self, doc)
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

    def _make_match(self, c: _Compiled, d: Scan) -> Match:
        hits: list[tuple[int, int, int, int]] = []
        c.root.collect(d, hits)
        terms = tuple(dict.fromkeys(c.labels[i] for i in sorted({h[0] for h in hits})))
        snippets = {}
        for name, bit in FIELD_BITS:
            spans = [d.char_span(bit, s, e) for _, b, s, e in hits if b == bit]
            if spans:
                snippets[name] = make_snippet(d.texts[bit], spans)
        return Match(c.rule.id, c.rule.priority, terms, snippets)
