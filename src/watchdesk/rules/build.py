"""Compiling query trees (:mod:`.nodes`) into evaluation nodes (:mod:`.tree`), once for a RuleSet.

Two things make a rule book built on named lists cheap to evaluate:

- **Identical subtrees are one node.** A list used in three rules (``@russie``), or twice in
  one rule, expands to the same syntax each time; the builder interns every compiled node by
  its content (the same words in the same fields, the same operator over the same operands),
  so the node is evaluated once per document whatever the number of places that use it: its
  presence, truth and word spans are remembered on the document's :class:`~.scan.Scan`.
- **An OR of terms is a set.** The words and phrases of an OR (its nested ORs flattened:
  ``@libye`` is ``@libye-nom OR @libyen OR …``) restricted to the same fields become one
  :class:`~.tree.TermsNode`, whose presence starts with a set intersection with the
  document's terms and whose spans come from the terms present only, instead of one call
  per term.

Both preserve what a query means and what a match reports (terms, in query order, and
snippets): the leaves keep their labels, and each rule keeps its own order of first
appearance of the leaves (:class:`Built`). ``share=False`` compiles every node afresh and keeps
ORs as written: the reference the shared compilation is tested against.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .nodes import LEAD, And, AtLeast, Leaf, Meta, Near, Node, NotNear, Or, Term
from .tree import (
    AndNode,
    AtLeastNode,
    CNode,
    LeafNode,
    MetaNode,
    NearNode,
    NotNearNode,
    NotNode,
    OrNode,
    Positional,
    TermsNode,
)

__all__ = ["Builder", "Built"]


@dataclass
class Built:
    """One compiled query: its root, and its leaves as the rule wrote them.

    ``leaves``: (label, node) of every term and filter in query order (repeats included);
    ``labels``: leaf index -> label; ``order``: label -> rank of its first appearance in
    *this* query, so a match reports its terms in query order even when its nodes are
    shared with other rules (a term written in several places ranks where it first is).
    """

    root: CNode
    leaves: list[tuple[str, CNode]] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    def terms(self, indexes: set[int]) -> tuple[str, ...]:
        """The labels of these leaf indexes, each once, in the order they first appear in
        the query."""
        return tuple(sorted({self.labels[i] for i in indexes}, key=self.order.__getitem__))


class Builder:
    """Compiles the queries of one RuleSet; ``atom`` gives the index entry of a term."""

    def __init__(self, atom: Callable[[Term], int], share: bool = True) -> None:
        self.atom = atom
        self.share = share
        self.uses_lead = False
        self._nodes: dict[tuple[object, ...], CNode] = {}
        self._leaves = 0

    def build(self, node: Node) -> Built:
        built = Built(root=_placeholder)
        built.root = self._build(node, built)
        return built

    def _intern(self, key: tuple[object, ...], make: Callable[[], CNode]) -> CNode:
        if not self.share:
            return make()
        got = self._nodes.get(key)
        if got is None:
            got = self._nodes[key] = make()
        return got

    def _index(self) -> int:
        self._leaves += 1
        return self._leaves - 1

    def _found(self, built: Built, label: str, node: LeafNode | MetaNode) -> None:
        built.leaves.append((label, node))
        built.labels[node.index] = label
        built.order.setdefault(label, len(built.order))

    def _build(self, node: Node, built: Built) -> CNode:
        if isinstance(node, Leaf):
            self.uses_lead |= bool(node.fields & LEAD)
            atoms = tuple(self.atom(t) for t in node.seq)
            leaf = self._intern(("leaf", node.label, atoms, node.fields),
                                lambda: LeafNode(node, atoms, self._index()))
            assert isinstance(leaf, LeafNode)
            self._found(built, node.label, leaf)
            return leaf
        if isinstance(node, Meta):
            meta = self._intern(("meta", node.kind, node.value, node.label),
                                lambda: MetaNode(node, self._index()))
            assert isinstance(meta, MetaNode)
            self._found(built, node.label, meta)
            return meta
        if isinstance(node, Near | NotNear):
            left, right = self._build(node.left, built), self._build(node.right, built)
            if isinstance(node, NotNear):
                return self._intern(("notnear", id(left), id(right), node.distance),
                                    lambda: NotNearNode(left, right, node.distance))
            return self._intern(("near", id(left), id(right), node.distance, node.ordered),
                                lambda: NearNode(left, right, node.distance, node.ordered))
        if isinstance(node, AtLeast):
            child = self._build(node.child, built)
            assert isinstance(child, Positional)
            counted = child
            return self._intern(("atleast", id(child), node.count),
                                lambda: AtLeastNode(counted, node.count))
        if isinstance(node, Or):
            return self._or([self._build(c, built) for c in node.children])
        if isinstance(node, And):
            kids = [self._build(c, built) for c in node.children]
            return self._intern(("and", *map(id, kids)), lambda: AndNode(kids))
        child = self._build(node.child, built)
        return self._intern(("not", id(child)), lambda: NotNode(child))

    def _or(self, kids: list[CNode]) -> CNode:
        if self.share:
            kids = _flatten(kids)
            terms: dict[int, list[LeafNode]] = {}
            rest: list[CNode] = []
            for k in kids:
                if isinstance(k, LeafNode):
                    terms.setdefault(k.fields, []).append(k)
                else:
                    rest.append(k)
            kids = [self._terms(group) for group in terms.values()] + rest
            kids = list({id(k): k for k in kids}.values())  # an operand given twice
            if len(kids) == 1:
                return kids[0]
        positional = all(isinstance(k, Positional) for k in kids)
        key = ("or", *sorted(map(id, kids)))
        return self._intern(key, lambda: OrNode(kids, positional))

    def _terms(self, leaves: list[LeafNode]) -> CNode:
        leaves = list({id(leaf): leaf for leaf in leaves}.values())
        if len(leaves) == 1:
            return leaves[0]
        return self._intern(("terms", *sorted(map(id, leaves))), lambda: TermsNode(leaves))


def _flatten(kids: list[CNode]) -> list[CNode]:
    """The operands of an OR, with those of the ORs among them (OR is associative)."""
    out: list[CNode] = []
    for k in kids:
        if isinstance(k, OrNode):
            out.extend(k.children)
        elif isinstance(k, TermsNode):
            out.extend(k.leaves)
        else:
            out.append(k)
    return out


class _Placeholder(CNode):
    pass


_placeholder = _Placeholder()
