"""Named lists: ``lists:`` in any rule file, ``@name`` in any query.

A list maps a name to a query fragment (``lieux-libye: tripoli OR benghazi OR misrata``);
``@lieux-libye`` in a query, an exclusion, another list, ``watchdesk search`` or ``rules test
--query`` stands for that fragment in parentheses. Names are shared by all the rule files of a
folder and must be unique across them. :func:`resolve_lists` checks them all: a name defined
twice (the later file, in name order, is in error), a fragment that does not parse, a reference
to an unknown list, and a loop (``@a`` using ``@b`` using ``@a``) are errors at the file, line
and column of the definition or reference. A list with an error is *broken*: queries that use
it get an error pointing at it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..errors import ConfigError
from .lexer import lowercase_operators
from .query import Query, _Parser, _Shared

__all__ = ["ListDef", "ResolvedLists", "compile_list", "resolve_lists"]

Where = Callable[[int], tuple[int, int]]


@dataclass(frozen=True)
class ListDef:
    """A named list: ``name`` stands for the query fragment ``text``, defined at ``path``;
    ``where`` maps an offset in ``text`` to its (line, column) in that file."""

    name: str
    text: str
    path: str = "<lists>"
    line: int | None = None
    column: int | None = None
    where: Where | None = None

    def locate(self, offset: int) -> tuple[int, int]:
        if self.where is not None:
            return self.where(offset)
        nl = self.text.rfind("\n", 0, offset)
        return (self.line or 1) + self.text.count("\n", 0, offset), offset - nl




class ResolvedLists:
    """The lists of a folder: ``lists`` (all definitions kept), ``broken`` (name -> where its
    error is), ``errors`` and ``warnings`` (per path)."""

    def __init__(self) -> None:
        self.lists: dict[str, ListDef] = {}
        self.broken: dict[str, str] = {}
        self.errors: dict[str, list[ConfigError]] = {}
        self.warnings: dict[str, list[ConfigError]] = {}

    def _error(self, e: ConfigError) -> None:
        got = self.errors.setdefault(e.path, [])
        if e not in got:
            got.append(e)


def resolve_lists(per_file: Iterable[tuple[str, Mapping[str, ListDef]]]) -> ResolvedLists:
    """Check the lists of every file (in file order) against each other."""
    out = ResolvedLists()
    for path, lists in per_file:
        for name, ld in lists.items():
            first = out.lists.get(name)
            if first is not None:
                out._error(ConfigError(path, ld.line, ld.column,
                                       f"duplicate list name '{name}': already defined at "
                                       f"{first.path}:{first.line}; list names are shared by "
                                       "all rule files, rename one of them"))
                continue
            out.lists[name] = ld
    for name, ld in out.lists.items():
        try:
            q = compile_list(ld, out.lists)
        except ConfigError as e:
            out._error(e)
            out.broken[name] = f"{e.path}:{e.line}:{e.column}"
            continue
        out.warnings.setdefault(ld.path, []).extend(q.warnings)
    # a list using a broken list is broken too (its own text may be fine)
    changed = True
    while changed:
        changed = False
        for name, ld in out.lists.items():
            if name in out.broken:
                continue
            try:
                compile_list(ld, out.lists, out.broken)
            except ConfigError as e:
                out._error(e)
                out.broken[name] = f"{e.path}:{e.line}:{e.column}"
                changed = True
    return out


def compile_list(ld: ListDef, lists: Mapping[str, ListDef],
                 broken: Mapping[str, str] | None = None) -> Query:
    """Parse the fragment of a named list (errors and warnings where the list is defined)."""
    shared = _Shared(lists, broken or {}, expanding=[ld.name])
    parser = _Parser(ld.text, ld.path, ld.locate, shared)
    root = parser.parse()
    warnings = [ConfigError(ld.path, *ld.locate(off), f"warning: {msg}")
                for off, msg in lowercase_operators(parser.toks)]
    return Query(ld.text, root, warnings, parser.expanded())
