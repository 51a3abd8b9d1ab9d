"""The syntax tree of a compiled query (see :mod:`.query` for the language)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ALL_FIELDS", "FIELDS", "And", "Leaf", "Near", "Node", "Not", "Or", "Term", "field_names",
    "is_positional", "leaves",
]

FIELDS = {"title": 1, "summary": 2, "body": 4}
ALL_FIELDS = 7


@dataclass(frozen=True, slots=True)
class Term:
    """One folded word to look up: exactly, or as a prefix."""

    text: str
    prefix: bool = False

    def __str__(self) -> str:
        return self.text + ("*" if self.prefix else "")


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
        body = " ".join(map(str, self.seq))
        body = f'"{body}"' if len(self.seq) > 1 else body
        return body if self.fields == ALL_FIELDS else f"{field_names(self.fields)}:{body}"


@dataclass(eq=False, slots=True)
class Near:
    left: Node
    right: Node
    distance: int

    def __str__(self) -> str:
        return f"({self.left} NEAR/{self.distance} {self.right})"


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


Node = Leaf | Near | And | Or | Not


def field_names(mask: int) -> str:
    return "+".join(name for name, bit in FIELDS.items() if mask & bit)


def is_positional(node: Node) -> bool:
    """True when the node has word positions (can be a NEAR operand)."""
    if isinstance(node, Leaf | Near):
        return True
    if isinstance(node, Or):
        return all(is_positional(c) for c in node.children)
    return False


def leaves(node: Node) -> list[Leaf]:
    """Every leaf under ``node``, in query order."""
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, Near):
        return leaves(node.left) + leaves(node.right)
    if isinstance(node, Not):
        return leaves(node.child)
    return [leaf for c in node.children for leaf in leaves(c)]
