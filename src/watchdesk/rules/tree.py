"""Compiled query trees: evaluation on a :class:`~.scan.Scan`, hits, required terms.

``test`` answers from term presence where it can (words, AND, OR, NOT, filters) and asks for
positions only for phrases, NEAR, ONEAR, NOT NEAR and ATLEAST. ``collect`` lists the hits of
a node known to be true, for the terms and snippets of a match. :func:`required` gives the
necessary terms used to pick candidates.

Nodes are shared between rules and within a rule (:mod:`.build`), so what a node computes
for a document is remembered on its Scan, keyed by the node: where it may match (``might``),
whether it is true (``test``), its spans per field. A node is thus evaluated once per
document however many queries use it.
"""

from __future__ import annotations

from collections.abc import Collection

from .language import lang_matches
from .nodes import ALL_FIELDS, Leaf, Meta
from .scan import Hit, Scan, Span, field_bits

__all__ = ["AndNode", "AtLeastNode", "CNode", "LeafNode", "MetaNode", "NearNode", "NotNearNode",
           "NotNode", "OrNode", "Positional", "TermsNode", "required"]


class CNode:
    """A compiled query node. ``fields``: where it can match at all."""

    fields: int = ALL_FIELDS

    def test(self, d: Scan) -> bool:
        """Whether the node is true of the document (remembered on ``d``)."""
        key = id(self)
        got = d.tests.get(key)
        if got is None:
            got = d.tests[key] = self._test(d)
        return got

    def _test(self, d: Scan) -> bool:
        raise NotImplementedError

    def collect(self, d: Scan, out: list[tuple[int, int, int, int]]) -> None:
        """Append (leaf index, field bit, first, last) of every hit; call only when true."""

    def might(self, d: Scan) -> int:
        """Fields where this positional node may match (from term presence alone;
        remembered on ``d``)."""
        key = id(self)
        got = d.mights.get(key)
        if got is None:
            got = d.mights[key] = self._might(d)
        return got

    def _might(self, d: Scan) -> int:
        raise NotImplementedError

    def spans(self, d: Scan, bit: int) -> list[Span]:
        raise NotImplementedError


class Positional(CNode):
    def spans(self, d: Scan, bit: int) -> list[Span]:
        key = (id(self), bit)
        got = d.memo.get(key)
        if got is None:
            got = d.memo[key] = self._spans(d, bit) if self.might(d) & bit else []
        return got

    def _spans(self, d: Scan, bit: int) -> list[Span]:
        raise NotImplementedError

    def _test(self, d: Scan) -> bool:
        return any(self.spans(d, bit) for bit in field_bits(self.might(d)))

    def collect(self, d: Scan, out: list[tuple[int, int, int, int]]) -> None:
        for bit in field_bits(self.might(d)):
            for _, _, hits in self.spans(d, bit):
                out.extend((i, bit, s, e) for i, s, e in hits)


class LeafNode(Positional):
    """A word, prefix or phrase; ``index`` numbers it in its RuleSet (for the terms of a
    match). One word answers from presence alone, without the memo of other nodes (a
    look-up costs what remembering it would)."""

    def __init__(self, leaf: Leaf, atoms: tuple[int, ...], index: int) -> None:
        self.index = index
        self.atoms = atoms
        self.fields = leaf.fields
        # for candidate selection, a phrase is represented by its longest word (likely the
        # rarest: "conseil de sécurité" -> sécurité, not "de")
        longest = max(range(len(atoms)), key=lambda i: len(leaf.seq[i].text))
        self.key_atom = atoms[longest]

    def might(self, d: Scan) -> int:
        m = self.fields
        for a in self.atoms:
            m &= d.present.get(a, 0)
        return m

    def test(self, d: Scan) -> bool:
        if len(self.atoms) == 1:
            return bool(d.present.get(self.atoms[0], 0) & self.fields)
        return super().test(d)

    def _spans(self, d: Scan, bit: int) -> list[Span]:
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


class NearNode(Positional):
    """NEAR/n (either order) and ONEAR/n (``ordered``: the right operand after the left)."""

    def __init__(self, left: CNode, right: CNode, distance: int, ordered: bool = False
                 ) -> None:
        self.left, self.right, self.distance, self.ordered = left, right, distance, ordered
        self.fields = left.fields & right.fields

    def _might(self, d: Scan) -> int:
        return self.left.might(d) & self.right.might(d)

    def _spans(self, d: Scan, bit: int) -> list[Span]:
        right = self.right.spans(d, bit)
        found: dict[tuple[int, int], set[Hit]] = {}
        limit = self.distance + 1
        ordered = self.ordered
        for s1, e1, h1 in self.left.spans(d, bit):
            for s2, e2, h2 in right:
                if ordered:
                    if not 0 < s2 - e1 <= limit:
                        continue
                elif s2 - e1 > limit or s1 - e2 > limit:
                    continue
                found.setdefault((min(s1, s2), max(e1, e2)), set()).update(h1, h2)
        return [(s, e, tuple(sorted(h))) for (s, e), h in sorted(found.items())]


class NotNearNode(Positional):
    """``a NOT NEAR/n b``: the spans of a with no span of b within n words in that field."""

    def __init__(self, left: CNode, right: CNode, distance: int) -> None:
        self.left, self.right, self.distance = left, right, distance
        self.fields = left.fields

    def _might(self, d: Scan) -> int:
        return self.left.might(d)

    def _test(self, d: Scan) -> bool:
        if not self.left.might(d) & self.right.might(d):
            return self.left.test(d)  # no b in a's fields: a alone decides, no positions
        return super()._test(d)

    def _spans(self, d: Scan, bit: int) -> list[Span]:
        right = self.right.spans(d, bit) if self.right.might(d) & bit else []
        limit = self.distance + 1
        return [(s1, e1, h1) for s1, e1, h1 in self.left.spans(d, bit)
                if not any(s2 - e1 <= limit and s1 - e2 <= limit for s2, e2, _ in right)]


class OrNode(Positional):
    def __init__(self, children: list[CNode], positional: bool) -> None:
        self.children = children
        self.positional = positional
        self.fields = 0
        for c in children:
            self.fields |= c.fields

    def _might(self, d: Scan) -> int:
        m = 0
        for c in self.children:
            m |= c.might(d)
        return m

    def _test(self, d: Scan) -> bool:
        return any(c.test(d) for c in self.children)

    def _spans(self, d: Scan, bit: int) -> list[Span]:
        return sorted(sp for c in self.children for sp in c.spans(d, bit))

    def collect(self, d: Scan, out: list[tuple[int, int, int, int]]) -> None:
        for c in self.children:
            if c.test(d):
                c.collect(d, out)


class TermsNode(Positional):
    """An OR of terms (words, prefixes, phrases) in the same fields, as one set. A word is
    present where its index entry is; a phrase is looked at only when its key word (its
    longest) is present. So the node's presence starts with one set intersection with the
    document's terms, and its spans are those of the terms present. Built by :mod:`.build`
    from the terms of an OR and of its nested ORs."""

    def __init__(self, leaves: list[LeafNode]) -> None:
        self.leaves = leaves
        self.fields = leaves[0].fields
        words: dict[int, list[int]] = {}
        phrases: dict[int, list[LeafNode]] = {}
        for leaf in leaves:
            assert leaf.fields == self.fields
            if len(leaf.atoms) == 1:
                words.setdefault(leaf.atoms[0], []).append(leaf.index)
            else:
                phrases.setdefault(leaf.key_atom, []).append(leaf)
        self.words = {a: tuple(idx) for a, idx in words.items()}
        self.phrases = {a: tuple(p) for a, p in phrases.items()}
        self.keys = frozenset(words) | frozenset(phrases)

    def _present(self, d: Scan) -> Collection[int]:
        """The node's key terms present in the document (remembered on ``d``)."""
        key = id(self)
        got = d.present_keys.get(key)
        if got is None:
            present = d.present
            got = d.present_keys[key] = (
                self.keys.intersection(present) if len(present) < len(self.keys)
                else [a for a in self.keys if a in present])
        return got

    def _might(self, d: Scan) -> int:
        m = 0
        present, words, phrases = d.present, self.words, self.phrases
        for a in self._present(d):
            if a in words:
                m |= present[a]
            for p in phrases.get(a, ()):
                m |= p.might(d)
        return m & self.fields

    def _test(self, d: Scan) -> bool:
        """A word present decides; a phrase needs its words in sequence, not just present."""
        present, words, phrases, fields = d.present, self.words, self.phrases, self.fields
        keys = self._present(d)
        if any(a in words and present[a] & fields for a in keys):
            return True
        return any(p.test(d) for a in keys for p in phrases.get(a, ()))

    def _spans(self, d: Scan, bit: int) -> list[Span]:
        present, words, phrases = d.present, self.words, self.phrases
        out: list[Span] = []
        for a in self._present(d):
            if a in words and present[a] & bit:
                idx = words[a]
                out.extend((s, e, ((i, s, e),)) for s, e in d.occ(bit, a) for i in idx)
            for p in phrases.get(a, ()):
                out.extend(p.spans(d, bit))
        out.sort()
        return out


class AndNode(CNode):
    def __init__(self, children: list[CNode]) -> None:
        self.children = children

    def _test(self, d: Scan) -> bool:
        return all(c.test(d) for c in self.children)

    def collect(self, d: Scan, out: list[tuple[int, int, int, int]]) -> None:
        for c in self.children:
            c.collect(d, out)


class NotNode(CNode):
    def __init__(self, child: CNode) -> None:
        self.child = child

    def _test(self, d: Scan) -> bool:
        return not self.child.test(d)


class AtLeastNode(CNode):
    """``ATLEAST/n x``: x's distinct spans, over its fields, number at least n."""

    def __init__(self, child: Positional, count: int) -> None:
        self.child, self.count = child, count
        self.fields = child.fields

    def _test(self, d: Scan) -> bool:
        if self.count == 1:
            return self.child.test(d)
        total = 0
        for bit in field_bits(self.child.might(d)):
            total += len({(s, e) for s, e, _ in self.child.spans(d, bit)})
            if total >= self.count:
                return True
        return False

    def collect(self, d: Scan, out: list[tuple[int, int, int, int]]) -> None:
        self.child.collect(d, out)


class MetaNode(CNode):
    """A filter on the article (``lang:``, ``feed:``, ``tag:``, ``site:``), not its text."""

    def __init__(self, meta: Meta, index: int) -> None:
        self.kind, self.value, self.index = meta.kind, meta.value, index

    def test(self, d: Scan) -> bool:
        kind, value = self.kind, self.value
        if kind == "lang":
            return lang_matches(d.lang, value)
        if kind == "feed":
            return d.feed_name == value
        if kind == "tag":
            return value in d.feed_tags
        host = d.host
        return host is not None and (host == value or host.endswith("." + value))

    def collect(self, d: Scan, out: list[tuple[int, int, int, int]]) -> None:
        out.append((self.index, 0, 0, 0))  # field 0: a term without a snippet


def required(node: CNode) -> list[frozenset[int]]:
    """Groups of atoms such that a match needs at least one atom of every group."""
    if isinstance(node, LeafNode):
        return [frozenset([node.key_atom])]
    if isinstance(node, TermsNode):
        return [node.keys]
    if isinstance(node, NearNode):
        return required(node.left) + required(node.right)
    if isinstance(node, NotNearNode):
        return required(node.left)
    if isinstance(node, AtLeastNode):
        return required(node.child)
    if isinstance(node, AndNode):
        return [g for c in node.children for g in required(c)]
    if isinstance(node, OrNode):
        union: set[int] = set()
        for c in node.children:
            groups = required(c)
            if not groups:
                return []
            union |= min(groups, key=len)
        return [frozenset(union)]
    return []
