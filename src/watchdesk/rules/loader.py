"""Rule files (``rules/*.yaml``, ``*.yml``) and the hot-reloading :class:`RuleBook`.

A rule file holds ``rules:``, a list of rules (format: ``schemas/rules.schema.json`` and
``docs/rules.md``). Every mistake is a :class:`ConfigError` with file, line and, where known,
column: YAML syntax, schema violations (unknown key, wrong type, bad id), query syntax errors
(pointing inside the query, also in folded ``>`` blocks) and duplicate ids. A file with any
error contributes no rules; the other files still load.

:class:`RuleBook` keeps the rules of a directory up to date. Each ``reload()``:

- reads every ``*.yaml``/``*.yml`` file (hidden files and editor back-ups skipped) and re-parses
  those whose content hash changed. Content, not mtime, decides: rule files are small, and an
  mtime can stay the same across two quick saves on coarse-grained file systems;
- a file that is now broken keeps its last good rules running; its errors are in ``.errors``;
- a removed file's rules go away; a missing directory is an error and changes nothing;
- an id defined in two files: the rule already running keeps it, the newcomer is rejected
  (first file in name order wins when neither was running), with an error naming both places;
- ``.changed_rule_ids``: enabled rules that are new, or whose :attr:`Rule.version` changed
  (what they match may differ), since the previous reload; on the first load, every enabled
  rule. The daemon backfills these. ``.removed_rule_ids``: ids no longer running.
  ``.generation`` grows by one each time ``.ruleset`` is replaced.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..yamlsource import YamlDocument, parse_yaml, schema_errors
from .matcher import RuleSet
from .model import AlertWhen, Rule
from .query import Query, compile_query

__all__ = ["RuleBook", "load_rule_file", "load_rules", "parse_rule_file"]

SCHEMA = "rules.schema.json"
SUFFIXES = (".yaml", ".yml")


def _locator(lines: list[str], line: int | None, col: int | None,
             value: str) -> Callable[[int], tuple[int, int]] | None:
    """Map an offset in a YAML string ``value`` to (line, column) in the file.

    Exact for one-line and block (``>``, ``|``) values written plainly; approximate (right
    line, column within a few characters) for quoted values with escapes.
    """
    if line is None or col is None or line > len(lines):
        return None
    head = lines[line - 1][col - 1:]
    segments: list[tuple[int, int, int]] = []  # (offset in value, line, column)
    if head[:1] in (">", "|"):
        indent = None
        for ln in range(line + 1, len(lines) + 1):
            text = lines[ln - 1]
            if not text.strip():
                continue
            lead = len(text) - len(text.lstrip(" "))
            if indent is None:
                indent = lead
            elif lead < indent:
                break
            segments.append((0, ln, indent + 1))
    else:
        quoted = head[:1] in ("'", '"')
        segments.append((0, line, col + (1 if quoted else 0)))
        for ln in range(line + 1, len(lines) + 1):
            text = lines[ln - 1]
            if not text.strip():
                continue
            segments.append((0, ln, len(text) - len(text.lstrip()) + 1))
    # give each segment its offset in the value: lines are joined by one character
    offset, placed = 0, []
    for _, ln, c in segments:
        if offset > len(value):
            break
        placed.append((offset, ln, c))
        offset += len(lines[ln - 1].rstrip()) - (c - 1) + 1
    if not placed:
        return None

    def locate(off: int) -> tuple[int, int]:
        best = placed[0]
        for seg in placed:
            if seg[0] <= off:
                best = seg
        return best[1], best[2] + off - best[0]

    return locate


@dataclass
class _Parsed:
    rules: list[Rule] = field(default_factory=list)
    errors: list[ConfigError] = field(default_factory=list)
    id_marks: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)


def _compile(doc: YamlDocument, lines: list[str], where: tuple[str | int, ...],
             text: str, errors: list[ConfigError]) -> Query | None:
    line, col = doc.locate(where)
    try:
        return compile_query(text, path=doc.path, line=line,
                             locate=_locator(lines, line, col, text))
    except ConfigError as e:
        errors.append(e)
        return None


def _parse_text(text: str, path: str) -> _Parsed:
    out = _Parsed()
    try:
        doc = parse_yaml(text, path)
    except ConfigError as e:
        out.errors.append(_hint_quoted_query(e, text))
        return out
    if doc.data is None:  # an empty file: no rules, not an error
        return out
    out.errors.extend(schema_errors(doc, SCHEMA))
    if out.errors:
        return out
    lines = text.splitlines()
    seen: dict[str, int | None] = {}
    for i, item in enumerate(doc.data["rules"]):
        base: tuple[str | int, ...] = ("rules", i)
        rid = item["id"]
        id_line, id_col = doc.locate((*base, "id"))
        if rid in seen:
            out.errors.append(ConfigError(path, id_line, id_col,
                                          f"duplicate rule id {rid!r}: already used at line "
                                          f"{seen[rid]}; give one of them another id"))
            continue
        seen[rid] = id_line
        out.id_marks[rid] = (id_line, id_col)
        query = _compile(doc, lines, (*base, "query"), item["query"], out.errors)
        exclude = None
        if item.get("exclude"):
            exclude = _compile(doc, lines, (*base, "exclude"), item["exclude"], out.errors)
        if query is None or (item.get("exclude") and exclude is None):
            continue
        out.rules.append(_rule(item, path, doc.locate(base)[0], query, exclude))
    if out.errors:
        out.rules = []
    return out


_QUOTED_QUERY = re.compile(r"""^\s*(?:-\s*)?(query|exclude)\s*:\s*["']""")


def _hint_quoted_query(err: ConfigError, text: str) -> ConfigError:
    """YAML takes `query: "africa corps" OR wagner` for a quoted string followed by junk."""
    lines = text.splitlines()
    if err.line is None or not 0 < err.line <= len(lines):
        return err
    m = _QUOTED_QUERY.match(lines[err.line - 1])
    if not m:
        return err
    return ConfigError(err.path, err.line, err.column,
                       f"{err.message} — a {m.group(1)} that starts with a quote must be put "
                       f"in single quotes ({m.group(1)}: '\"africa corps\" OR wagner') or "
                       f"written on the next lines after '{m.group(1)}: >'")


def _rule(item: dict[str, Any], path: str, line: int | None, query: Query,
          exclude: Query | None) -> Rule:
    return Rule(
        id=item["id"], title=item.get("title") or item["id"], query=item["query"],
        exclude=item.get("exclude") or None, priority=item.get("priority", "digest"),
        feeds=tuple(item.get("feeds") or ()), enabled=item.get("enabled", True),
        recipients=tuple(item.get("recipients") or ()), path=path, line=line,
        compiled=query, compiled_exclude=exclude,
        alert_when=AlertWhen.parse(item.get("alert_when")),
    )


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(str(path), None, None, f"not UTF-8 text ({e.reason}); save the "
                                                 "file as UTF-8") from e
    except OSError as e:
        raise ConfigError(str(path), None, None, f"cannot read: {e.strerror}") from e


def parse_rule_file(path: str | Path) -> tuple[list[Rule], list[ConfigError]]:
    """The rules of one file and all its errors (no rules at all if there is any error)."""
    p = Path(path)
    try:
        text = _read(p)
    except ConfigError as e:
        return [], [e]
    parsed = _parse_text(text, str(p))
    return parsed.rules, parsed.errors


def load_rule_file(path: str | Path) -> list[Rule]:
    """The rules of one file; raise its first :class:`ConfigError`."""
    rules, errors = parse_rule_file(path)
    if errors:
        raise errors[0]
    return rules


def load_rules(directory: str | Path) -> tuple[RuleSet, list[ConfigError]]:
    """All valid rules of ``directory`` as one RuleSet, and the errors of the others."""
    book = RuleBook(directory)
    return book.ruleset, book.errors


@dataclass
class _FileState:
    digest: str
    good: _Parsed  # last version without errors (empty if there never was one)
    errors: list[ConfigError]


def _rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir()
                  if p.suffix in SUFFIXES and not p.name.startswith((".", "#"))
                  and p.is_file())


class RuleBook:
    """The rules of a directory, reloaded on demand (see the module docstring)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.ruleset = RuleSet()
        self.errors: list[ConfigError] = []
        self.changed_rule_ids: frozenset[str] = frozenset()
        self.removed_rule_ids: frozenset[str] = frozenset()
        self.generation = 0
        self._files: dict[Path, _FileState] = {}
        self.reload()

    def reload(self) -> list[ConfigError]:
        """Re-read the directory; return (and keep in ``.errors``) every current error."""
        if not self.directory.is_dir():
            self.errors = [ConfigError(str(self.directory), None, None,
                                       "rules directory not found: create it or fix the path "
                                       "(the rules loaded before keep running)")]
            self.changed_rule_ids = self.removed_rule_ids = frozenset()
            return self.errors
        files: dict[Path, _FileState] = {}
        for p in _rule_files(self.directory):
            old = self._files.get(p)
            try:
                text = _read(p)
            except ConfigError as e:
                files[p] = _FileState("", old.good if old else _Parsed(), [e])
                continue
            digest = hashlib.sha256(text.encode()).hexdigest()
            if old is not None and old.digest == digest:
                files[p] = old
                continue
            parsed = _parse_text(text, str(p))
            if parsed.errors:
                files[p] = _FileState(digest, old.good if old else _Parsed(), parsed.errors)
            else:
                files[p] = _FileState(digest, parsed, [])
        self._files = files
        self._assemble()
        return self.errors

    def _assemble(self) -> None:
        running = {r.id: r.path for r in self.ruleset.rules}
        claims: dict[str, list[tuple[Path, Rule]]] = {}
        for p, state in self._files.items():
            for r in state.good.rules:
                claims.setdefault(r.id, []).append((p, r))
        accepted: set[int] = set()
        dup_errors: list[ConfigError] = []
        for rid, lst in claims.items():
            winner = next((c for c in lst if str(c[0]) == running.get(rid)), lst[0])
            accepted.add(id(winner[1]))
            for p, r in lst:
                if r is winner[1]:
                    continue
                line, col = self._files[p].good.id_marks.get(rid, (r.line, None))
                dup_errors.append(ConfigError(
                    str(p), line, col,
                    f"duplicate rule id {rid!r}: already defined at "
                    f"{winner[1].path}:{winner[1].line}; rename one of them "
                    "(this one is not loaded)"))
        rules = [r for st in self._files.values() for r in st.good.rules if id(r) in accepted]
        errors = [e for st in self._files.values() for e in st.errors] + dup_errors
        self.errors = sorted(errors, key=lambda e: (e.path, e.line or 0, e.column or 0))
        if [id(r) for r in rules] != [id(r) for r in self.ruleset.rules]:
            old = {r.id: r.version for r in self.ruleset.rules if r.enabled}
            new = {r.id: r.version for r in rules if r.enabled}
            self.changed_rule_ids = frozenset(k for k, v in new.items() if old.get(k) != v)
            self.removed_rule_ids = frozenset(set(old) - set(new))
            self.ruleset = RuleSet(rules)
            self.generation += 1
        else:
            self.changed_rule_ids = self.removed_rule_ids = frozenset()
