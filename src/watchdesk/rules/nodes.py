"""The syntax tree of a compiled query (see :mod:`.query` for the language)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ALL_FIELDS", "FIELDS", "LEAD", "META_KINDS", "And", "AtLeast", "Leaf", "Meta", "Near",
    "Node", "Not", "NotNear", "Or", "Term", "field_names", "is_positional", "leaves",
]

LEAD = 8  # the part of the body (or summary) in the lead: see matcher.lead_text
FIELDS = {"title": 1, "summary": 2, "body": 4, "lead": 1 | LEAD}
ALL_FIELDS = 7
META_KINDS = ("lang", "feed", "tag", "site")


@dataclass(frozen=True, slots=True)
class Term:
    """One folded word to look up: exactly, as a prefix, by its stem (``~``), with its
    capitals (``case``: the word folded without case folding, see ``text.fold_case``), or as
    a name in any script (``name``: see :mod:`watchdesk.names`)."""

    text: str
    prefix: bool = False
    stem: bool = False
    case: str | None = None
    name: bool = False

    def __str__(self) -> str:
        if self.name:
            return "name:" + self.text
        if self.case is not None:
            return "case:" + self.case + ("*" if self.prefix else "")
        return ("~" if self.stem else "") + self.text + ("*" if self.prefix else "")


@dataclass(eq=False, slots=True)
class Leaf:
    """A word, prefix or phrase (``seq`` of one or more terms) restricted to ``fields``.

    ``label`` is the term as written in the query (reported in matches); ``index`` numbers the
    leaves of a query in reading order.
    """

    label: str
    seq: tuple[Term, ...]
    fields: int = ALL_FIELDS
    index: int = 0

    def __str__(self) -> str:
        if all(t.name for t in self.seq):
            body = " ".join(t.text for t in self.seq)
            body = "name:" + (f'"{body}"' if len(self.seq) > 1 else body)
        else:
            body = " ".join(map(str, self.seq))
            body = f'"{body}"' if len(self.seq) > 1 else body
        return body if self.fields == ALL_FIELDS else f"{field_names(self.fields)}:{body}"


@dataclass(eq=False, slots=True)
class Meta:
    """A filter on the article rather than its text: ``lang:ar``, ``feed:rfi-afrique``,
    ``tag:afrique``, ``site:rfi.fr``."""

    kind: str
    value: str
    label: str = ""
    index: int = 0

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass(eq=False, slots=True)
class Near:
    """``a NEAR/n b`` (either order) or, ``ordered``, ``a ONEAR/n b`` (b after a)."""

    left: Node
    right: Node
    distance: int
    ordered: bool = False

    def __str__(self) -> str:
        op = "ONEAR" if self.ordered else "NEAR"
        return f"({self.left} {op}/{self.distance} {self.right})"


@dataclass(eq=False, slots=True)
class NotNear:
    """``a NOT NEAR/n b``: the occurrences of a with no b within n words."""

    left: Node
    right: Node
    distance: int

    def __str__(self) -> str:
        return f"({self.left} NOT NEAR/{self.distance} {self.right})"


@dataclass(eq=False, slots=True)
class AtLeast:
    """``ATLEAST/n (…)``: the occurrences of what is inside number at least n."""

    child: Node
    count: int

    def __str__(self) -> str:
        return f"ATLEAST/{self.count} {self.child}"


@dataclass(eq=False, slots=True)
class And:
    children: list[Node] = field(default_factory=list)

    def __str__(self) -> str:
        return "(" + " AND ".join(map(str, self.children)) + ")"


@dataclass(eq=False, slots=True)
class Or:
    children: list[Node] = field(default_factory=list)

    def __str__(self) -> str:
        return "(" + " OR ".join(map(str, self.children)) + ")"


@dataclass(eq=False, slots=True)
class Not:
    child: Node

    def __str__(self) -> str:
        return f"NOT {self.child}"


Node = Leaf | Meta | Near | NotNear | AtLeast | And | Or | Not


def field_names(mask: int) -> str:
    if mask & LEAD:
        return "lead"
    return "+".join(name for name, bit in FIELDS.items() if mask & bit and name != "lead")


def is_positional(node: Node) -> bool:
    """True when the node has word positions (can be a NEAR operand)."""
    if isinstance(node, Leaf | Near | NotNear):
        return True
    if isinstance(node, Or):
        return all(is_positional(c) for c in node.children)
    return False


def leaves(node: Node) -> list[Leaf | Meta]:
    """Every leaf (terms and filters) under ``node``, in query order."""
    if isinstance(node, Leaf | Meta):
        return [node]
    if isinstance(node, Near | NotNear):
        return leaves(node.left) + leaves(node.right)
    if isinstance(node, Not | AtLeast):
        return leaves(node.child)
    return [leaf for c in node.children for leaf in leaves(c)]
