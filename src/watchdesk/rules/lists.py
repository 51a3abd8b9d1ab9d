"""Named lists: ``lists:`` in any rule file, ``@name`` in any query.

A list maps a name to a query fragment (``lieux-libye: tripoli OR benghazi OR misrata``);
``@lieux-libye`` in a query, an exclusion, another list, ``watchdesk search`` or ``rules test
--query`` stands for that fragment in parentheses. Names are shared by all the rule files of a
folder and must be unique across them. :func:`resolve_lists` checks them all: a name defined
twice (the later file, in name order, is in error), a fragment that does not parse, a reference
to an unknown list, and a loop (``@a`` using ``@b`` using ``@a``) are errors at the file, line
and column of the definition or reference. A list with an error is *broken*: queries that use
it get an error pointing at it. So is a list defined in a file that does not load (a YAML
syntax error, a schema error): queries that use it are told which file to fix, not that the
list is unknown (:func:`scan_list_names` finds its names when the YAML cannot be parsed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..errors import ConfigError
from .lexer import lowercase_operators
from .query import Query, _Parser, _Shared

__all__ = ["ListDef", "ResolvedLists", "compile_list", "resolve_lists", "scan_list_names",
           "unloaded_reason"]

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
    """The lists of a folder: ``lists`` (all definitions kept), ``broken`` (name -> why it
    cannot be used, a clause such as "has an error (FILE:LINE:COL); fix the list first"),
    ``errors`` and ``warnings`` (per path)."""

    def __init__(self) -> None:
        self.lists: dict[str, ListDef] = {}
        self.broken: dict[str, str] = {}
        self.errors: dict[str, list[ConfigError]] = {}
        self.warnings: dict[str, list[ConfigError]] = {}

    def _error(self, e: ConfigError) -> None:
        got = self.errors.setdefault(e.path, [])
        if e not in got:
            got.append(e)


def _has_error(e: ConfigError) -> str:
    return f"has an error ({e.path}:{e.line}:{e.column}); fix the list first"


def unloaded_reason(path: str, errors: list[ConfigError]) -> str:
    """Why a list of a file that does not load cannot be used (a clause after its name)."""
    first = min(errors, key=lambda e: (e.line or 0, e.column or 0), default=None)
    where = f" (its error: line {first.line})" if first and first.line else ""
    return f"is defined in {path}, which does not load{where}; fix that file first"


def resolve_lists(per_file: Iterable[tuple[str, Mapping[str, ListDef]]],
                  unloaded: Mapping[str, str] | None = None) -> ResolvedLists:
    """Check the lists of every file (in file order) against each other. ``unloaded``: the
    names defined in files that do not load, and why (see :func:`unloaded_reason`)."""
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
    for name, why in (unloaded or {}).items():
        if name not in out.lists:
            out.broken[name] = why
    for name, ld in out.lists.items():
        try:
            q = compile_list(ld, out.lists)
        except ConfigError as e:
            out._error(e)
            out.broken[name] = _has_error(e)
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
                out.broken[name] = _has_error(e)
                changed = True
    return out


def compile_list(ld: ListDef, lists: Mapping[str, ListDef],
                 broken: Mapping[str, str] | None = None) -> Query:
    """Parse the fragment of a named list (errors and warnings where the list is defined)."""
    shared = _Shared(lists, broken or {}, expanding=[ld.name])
    parser = _Parser(ld.text, ld.path, ld.locate, shared)
    root = parser.finish()
    warnings = [ConfigError(ld.path, *ld.locate(off), f"warning: {msg}")
                for off, msg in lowercase_operators(parser.toks)]
    return Query(ld.text, root, warnings, parser.expanded())


_TOP_KEY = re.compile(r"^(?P<key>[^\s#-][^:#]*?)\s*:(?:\s|$)")
_SUB_KEY = re.compile(r"^(?P<indent>[ \t]+)(?P<key>['\"]?[\w.-]+['\"]?)\s*:(?:\s|$)")


def scan_list_names(text: str) -> list[str]:
    """The names under a top-level ``lists:`` of a rule file YAML cannot parse: the keys of
    the first indentation found below it, until the next top-level key. Best effort, only to
    say "defined in a file that does not load" rather than "unknown list"."""
    names: list[str] = []
    inside, indent = False, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        top = _TOP_KEY.match(line)
        if top:
            inside, indent = top["key"].strip() == "lists", None
            continue
        sub = _SUB_KEY.match(line) if inside else None
        if sub is None:
            continue
        if indent is None:
            indent = sub["indent"]
        if sub["indent"] == indent:
            names.append(sub["key"].strip("'\""))
    return names
