"""Rule files (``rules/*.yaml``, ``*.yml``) and the hot-reloading :class:`RuleBook`.

A rule file holds ``rules:``, a list of rules, and optionally ``lists:``, named query
fragments shared by every file of the folder (format: ``schemas/rules.schema.json`` and
``docs/rules.md``). Every mistake is a :class:`ConfigError` with file, line and, where known,
column, and all the mistakes of a file are reported together: YAML syntax, schema violations
(unknown key, wrong type, bad id), query syntax errors (pointing inside the query, also in
folded ``>`` blocks), a quoted phrase YAML unquoted, list errors (:mod:`.lists`), failing
examples (:mod:`.examples`) and duplicate ids, all of them in one pass (a file with a YAML
syntax error reports that one: PyYAML reads no further). A file with any error contributes no
rules; the other files still load. Likely mistakes that are valid queries (lower-case ``or``
between two words) are *warnings*: reported, not errors.

:class:`RuleBook` keeps the rules of a directory up to date. Each ``reload()``:

- reads every ``*.yaml``/``*.yml`` file (hidden files and editor back-ups skipped); when any
  content hash changed (content, not mtime, decides: rule files are small, and an mtime can
  stay the same across two quick saves), every file is compiled again, since a list defined
  in one file may be used in all of them;
- a file that is now broken keeps its last good rules running; its errors are in ``.errors``.
  Its lists are the last good ones too, when its new version cannot be read. A file broken
  at the first load runs the last good text given as ``stored`` (the daemon keeps it in the
  database, so that a restart does not lose it); ``.from_stored`` names those files, and
  ``.good_texts()`` gives the text of each file whose current version loads, to store;
- a removed file's rules go away; a missing directory is an error and changes nothing;
- an id defined in two files: the rule already running keeps it, the newcomer is rejected
  (first file in name order wins when neither was running), with an error naming both places;
  a broken file's ids are checked too, so its duplicates show with its other mistakes;
- ``.changed_rule_ids``: enabled rules that are new, or whose :attr:`Rule.version` changed
  (what they match may differ: a list they use changed, for instance), since the previous
  reload; on the first load, every enabled rule. The daemon backfills these.
  ``.removed_rule_ids``: ids no longer running. ``.generation`` grows by one each time
  ``.ruleset`` is replaced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.yamlsource import YamlDocument, parse_yaml, read_text, schema_errors
from ..errors import ConfigError, RuleSyntaxError
from .examples import check_examples
from .lists import ListDef, ResolvedLists, resolve_lists, scan_list_names, unloaded_reason
from .matcher import RuleSet
from .model import AlertWhen, Rule
from .query import Query, compile_query
from .source import locator, quoted_phrase

__all__ = ["RuleBook", "load_lists", "load_rule_file", "load_rules", "parse_rule_file"]

SCHEMA = "rules.schema.json"
SUFFIXES = (".yaml", ".yml")
JsonPath = tuple[str | int, ...]


@dataclass
class _Source:
    """A rule file read and checked against the schema (stage 1), with its list definitions."""

    path: str
    doc: YamlDocument | None = None
    lines: list[str] = field(default_factory=list)
    errors: list[ConfigError] = field(default_factory=list)
    lists: dict[str, ListDef] = field(default_factory=dict)


@dataclass
class _Parsed:
    rules: list[Rule] = field(default_factory=list)
    errors: list[ConfigError] = field(default_factory=list)
    warnings: list[ConfigError] = field(default_factory=list)
    id_marks: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    lists: dict[str, ListDef] = field(default_factory=dict)


def _read_source(text: str, path: str) -> _Source:
    src = _Source(path)
    try:
        src.doc = parse_yaml(text, path)
    except ConfigError as e:
        src.errors.append(e)
        return src
    src.lines = text.splitlines()
    if src.doc.data is None:  # an empty file: no rules, not an error
        return src
    src.errors.extend(schema_errors(src.doc, SCHEMA))
    data = src.doc.data
    lists = data.get("lists") if isinstance(data, dict) else None
    for name, value in (lists.items() if isinstance(lists, dict) else ()):
        if not isinstance(value, str) or not value.strip() or not src.doc.is_valid(
                ("lists", name)):
            continue  # the schema reported it
        line, col = src.doc.locate(("lists", name))
        fix = quoted_phrase(src.lines, line, col, value, name)
        if fix:
            src.errors.append(ConfigError(path, line, col, fix))
        key_line, key_col = src.doc.key_marks.get(("lists", name), (line, col))
        src.lists[name] = ListDef(name, value, path, key_line, key_col,
                                  locator(src.lines, line, col, value))
    return src


def _compile(src: _Source, where: JsonPath, text: str, key: str, lists: ResolvedLists,
             out: _Parsed) -> Query | None:
    assert src.doc is not None
    line, col = src.doc.locate(where)
    fix = quoted_phrase(src.lines, line, col, text, key)
    if fix:
        out.errors.append(ConfigError(src.path, line, col, fix))
    try:
        q = compile_query(text, path=src.path, line=line,
                          locate=locator(src.lines, line, col, text), lists=lists.lists,
                          broken_lists=lists.broken)
    except ConfigError as e:
        out.errors.append(e)
        if isinstance(e, RuleSyntaxError):
            out.errors.extend(e.also)  # an unknown list does not hide the other mistakes
        return None
    out.warnings.extend(q.warnings)
    return q


def _compile_source(src: _Source, lists: ResolvedLists,
                    targets: Collection[str] | None = None) -> _Parsed:
    """Stage 2: compile the rules of a file against the folder's lists, check examples and
    (when ``targets`` is given) that each ``notify`` name is a configured target."""
    out = _Parsed(errors=list(src.errors) + lists.errors.get(src.path, []),
                  warnings=list(lists.warnings.get(src.path, [])), lists=dict(src.lists))
    data = src.doc.data if src.doc is not None else None
    items = data.get("rules") if isinstance(data, dict) else None
    seen: dict[str, int | None] = {}
    with_examples: list[tuple[Rule, Any, JsonPath]] = []
    for i, item in enumerate(items if isinstance(items, list) else ()):
        base: JsonPath = ("rules", i)
        if not isinstance(item, dict):
            continue  # the schema reported it
        assert src.doc is not None
        doc = src.doc
        # every check runs on every value the schema let through: all mistakes at once
        value = item.get("id") if doc.is_valid((*base, "id")) else None
        rid = value if isinstance(value, str) else None
        id_line, id_col = doc.locate((*base, "id"))
        duplicate = rid is not None and rid in seen
        if rid is not None and duplicate:
            out.errors.append(ConfigError(src.path, id_line, id_col,
                                          f"duplicate rule id {rid!r}: already used at line "
                                          f"{seen[rid]}; give one of them another id"))
        elif rid is not None:
            seen[rid] = id_line
            out.id_marks[rid] = (id_line, id_col)
        if targets is not None and doc.is_valid((*base, "notify")):
            out.errors.extend(_unknown_targets(item.get("notify"), targets, src.path,
                                               doc, base))
        queries: dict[str, Query | None] = {}
        for key in ("query", "exclude"):
            text = item.get(key)
            if isinstance(text, str) and text.strip() and doc.is_valid((*base, key)):
                queries[key] = _compile(src, (*base, key), text, key, lists, out)
        if duplicate or rid is None or queries.get("query") is None or (
                "exclude" in queries and not queries["exclude"]) or not doc.is_valid(base):
            continue
        try:
            rule = _rule(item, src.path, src.doc.locate(base)[0], queries["query"],
                         queries.get("exclude"))
        except (TypeError, ValueError):
            continue  # a wrong type or value the schema reported
        out.rules.append(rule)
        if isinstance(item.get("examples"), dict) and doc.is_valid((*base, "examples")):
            with_examples.append((rule, item["examples"], base))
    if with_examples:
        assert src.doc is not None
        out.errors.extend(check_examples(with_examples, src.path, src.doc.locate))
    if out.errors:
        out.rules = []
    return out


def _unknown_targets(names: object, targets: Collection[str], path: str, doc: YamlDocument,
                     base: JsonPath) -> list[ConfigError]:
    """An error, at its place, for each name of ``notify:`` that no target has."""
    out = []
    for j, name in enumerate(names if isinstance(names, list) else ()):
        if isinstance(name, str) and name not in targets:
            line, col = doc.locate((*base, "notify", j))
            known = (f"the targets are: {', '.join(sorted(targets))}" if targets else
                     "no target has a name: define it as `name = Apprise URL` in the file "
                     "named by WATCHDESK_NOTIFY_FILE")
            out.append(ConfigError(path, line, col,
                                   f"notify: unknown target {name!r}; {known}"))
    return out


def _rule(item: dict[str, Any], path: str, line: int | None, query: Query | None,
          exclude: Query | None) -> Rule:
    assert query is not None
    return Rule(
        id=item["id"], title=item.get("title") or item["id"], query=item["query"],
        exclude=item.get("exclude") or None, priority=item.get("priority", "digest"),
        feeds=tuple(item.get("feeds") or ()), enabled=item.get("enabled", True),
        recipients=tuple(item.get("recipients") or ()), notify=tuple(item.get("notify") or ()),
        path=path, line=line,
        compiled=query, compiled_exclude=exclude,
        alert_when=AlertWhen.parse(item.get("alert_when")),
    )


def _read(path: Path) -> str:
    return read_text(path)


def _unloaded(sources: Iterable[tuple[_Source, str]]) -> dict[str, str]:
    """The list names defined in files that do not load (with the text of each), and why
    they cannot be used: named in the error of a query that uses them."""
    out: dict[str, str] = {}
    for src, text in sources:
        names = list(src.lists) if src.doc is not None else scan_list_names(text)
        for name in names:
            out.setdefault(name, unloaded_reason(src.path, src.errors))
    return out


def _parse_text(text: str, path: str) -> _Parsed:
    """One file on its own (its lists only)."""
    src = _read_source(text, path)
    return _compile_source(src, resolve_lists([(path, src.lists)]))


def parse_rule_file(path: str | Path) -> tuple[list[Rule], list[ConfigError]]:
    """The rules of one file and all its errors (no rules at all if there is any error).
    The file is read on its own: its ``@lists`` must be defined in it."""
    p = Path(path)
    try:
        text = _read(p)
    except ConfigError as e:
        return [], [e]
    parsed = _parse_text(text, str(p))
    return parsed.rules, _sorted(parsed.errors)


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


def load_lists(directory: str | Path | None) -> tuple[dict[str, ListDef], dict[str, str]]:
    """The named lists of a rules folder (for queries typed on the command line): the valid
    definitions and the broken ones (name -> where the error is). No folder: none."""
    if directory is None or not Path(directory).is_dir():
        return {}, {}
    sources, texts = [], []
    for p in _rule_files(Path(directory)):
        try:
            text = _read(p)
        except ConfigError:
            continue
        sources.append(_read_source(text, str(p)))
        texts.append(text)
    unloaded = _unloaded((s, t) for s, t in zip(sources, texts, strict=True)
                         if s.doc is None)
    resolved = resolve_lists(((s.path, s.lists) for s in sources), unloaded)
    return resolved.lists, resolved.broken


def _sorted(errors: Iterable[ConfigError]) -> list[ConfigError]:
    """Sorted by place, each once."""
    unique = {(e.path, e.line, e.column, e.message): e for e in errors}
    return sorted(unique.values(), key=lambda e: (e.path, e.line or 0, e.column or 0))


@dataclass
class _FileState:
    digest: str
    good: _Parsed  # last version without errors (empty if there never was one)
    errors: list[ConfigError]
    warnings: list[ConfigError] = field(default_factory=list)
    ids: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # if broken
    good_text: str | None = None  # the text of ``good`` (None: none, or never read)


def _duplicate(path: Path, line: int | None, col: int | None, rid: str,
               winner: Rule) -> ConfigError:
    return ConfigError(str(path), line, col,
                       f"duplicate rule id {rid!r}: already defined at {winner.path}:"
                       f"{winner.line}; rename one of them (this one is not loaded)")


def _rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir()
                  if p.suffix in SUFFIXES and not p.name.startswith((".", "#"))
                  and p.is_file())


class RuleBook:
    """The rules of a directory, reloaded on demand (see the module docstring).

    ``extra`` files are loaded as if they were in the directory (``rules test FILE`` on a
    draft kept elsewhere): same lists, same duplicate checks, same errors. ``without`` files
    of the directory are left out (the draft replaces them). ``targets``: the names of the
    configured chat targets; a rule's ``notify:`` naming another is an error (None: not
    checked).
    """

    def __init__(self, directory: str | Path, extra: Iterable[str | Path] = (),
                 without: Iterable[str | Path] = (),
                 targets: Collection[str] | None = None,
                 stored: Mapping[str, str] | None = None) -> None:
        self.directory = Path(directory)
        self.targets = frozenset(targets) if targets is not None else None
        self.stored = dict(stored or {})   # resolved path -> last good text (from the database)
        self.extra = [Path(p) for p in extra]
        self.without = {Path(p).resolve() for p in without}
        self.ruleset = RuleSet()
        self.errors: list[ConfigError] = []
        self.warnings: list[ConfigError] = []
        self.lists: Mapping[str, ListDef] = {}
        self.broken_lists: Mapping[str, str] = {}
        self.changed_rule_ids: frozenset[str] = frozenset()
        self.removed_rule_ids: frozenset[str] = frozenset()
        self.generation = 0
        self._files: dict[Path, _FileState] = {}
        self.reload()

    def _paths(self) -> list[Path]:
        paths = [p for p in _rule_files(self.directory) if p.resolve() not in self.without]
        known = {p.resolve() for p in paths}
        return paths + [p for p in self.extra if p.resolve() not in known]

    def reload(self) -> list[ConfigError]:
        """Re-read the directory; return (and keep in ``.errors``) every current error."""
        if not self.directory.is_dir():
            self.errors = [ConfigError(str(self.directory), None, None,
                                       "rules directory not found: create it or fix the path "
                                       "(the rules loaded before keep running)")]
            self.changed_rule_ids = self.removed_rule_ids = frozenset()
            return self.errors
        texts: dict[Path, str | ConfigError] = {}
        for p in self._paths():
            try:
                texts[p] = _read(p)
            except ConfigError as e:
                texts[p] = e
        digests = {p: hashlib.sha256(t.encode()).hexdigest() if isinstance(t, str) else ""
                   for p, t in texts.items()}
        if self._files and digests == {p: st.digest for p, st in self._files.items()} \
                and all(isinstance(t, str) for t in texts.values()):
            self.changed_rule_ids = self.removed_rule_ids = frozenset()
            return self.errors
        sources = {p: _read_source(t, str(p)) for p, t in texts.items() if isinstance(t, str)}
        old = self._files

        # a file broken at its first load runs its stored last good text, if any
        stored = {p: _read_source(self.stored[str(p.resolve())], str(p)) for p in texts
                  if p not in old and str(p.resolve()) in self.stored}

        def lists_of(p: Path) -> dict[str, ListDef]:
            src = sources.get(p)
            if src is not None and src.doc is not None and not src.errors:
                return src.lists
            if p in old:
                return old[p].good.lists
            return stored[p].lists if p in stored else {}

        def last_good(p: Path) -> tuple[_Parsed, str | None]:
            if p in old:
                return old[p].good, old[p].good_text
            if p in stored:
                parsed = _compile_source(stored[p], resolved)
                if not parsed.errors:  # (a list it used may be gone since)
                    return parsed, self.stored[str(p.resolve())]
            return _Parsed(), None

        # a file that does not load, with no good version to fall back on: its lists are
        # not there for the others, who are told so (not "unknown list")
        broken = {p: src for p, src in sources.items()
                  if (src.doc is None or src.errors) and not lists_of(p)}
        unloaded = _unloaded((src, str(texts[p])) for p, src in broken.items())
        resolved = resolve_lists(((str(p), lists_of(p)) for p in texts), unloaded)
        self.lists, self.broken_lists = resolved.lists, resolved.broken
        files: dict[Path, _FileState] = {}
        for p, t in texts.items():
            if isinstance(t, ConfigError):
                good, good_text = last_good(p)
                files[p] = _FileState("", good, [t], good_text=good_text)
                continue
            parsed = _compile_source(sources[p], self._own_view(p, sources[p], texts,
                                                                lists_of, unloaded, resolved),
                                     self.targets)
            if parsed.errors:
                good, good_text = last_good(p)
                files[p] = _FileState(digests[p], good, parsed.errors, parsed.warnings,
                                      parsed.id_marks, good_text=good_text)
            else:
                files[p] = _FileState(digests[p], parsed, [], parsed.warnings, good_text=t)
        self._files = files
        self.warnings = _sorted(w for st in files.values() for w in st.warnings)
        self._assemble()
        return self.errors

    @staticmethod
    def _own_view(p: Path, src: _Source, texts: Mapping[Path, object],
                  lists_of: Callable[[Path], dict[str, ListDef]], unloaded: Mapping[str, str],
                  resolved: ResolvedLists) -> ResolvedLists:
        """The lists a file is checked with: the folder's, except that a file that does
        not load is checked with its own lists as written, so that all its mistakes show
        (its lists' included), not "unknown list"."""
        if src.doc is None or src.lists == lists_of(p):
            return resolved
        mine = {n: why for n, why in unloaded.items() if n not in src.lists}
        return resolve_lists(((str(q), src.lists if q == p else lists_of(q)) for q in texts),
                             mine)

    def _assemble(self) -> None:
        running = {r.id: r.path for r in self.ruleset.rules}
        claims: dict[str, list[tuple[Path, Rule]]] = {}
        for p, state in self._files.items():
            for r in state.good.rules:
                claims.setdefault(r.id, []).append((p, r))
        accepted: set[int] = set()
        dup_errors: list[ConfigError] = []
        winners: dict[str, tuple[Path, Rule]] = {}
        for rid, lst in claims.items():
            winner = winners[rid] = next((c for c in lst if str(c[0]) == running.get(rid)),
                                         lst[0])
            accepted.add(id(winner[1]))
            for p, r in lst:
                if r is winner[1]:
                    continue
                line, col = self._files[p].good.id_marks.get(rid, (r.line, None))
                dup_errors.append(_duplicate(p, line, col, rid, winner[1]))
        # a broken file's ids too, so that one run reports all of its mistakes
        for p, state in self._files.items():
            for rid, (line, col) in state.ids.items():
                if rid in winners and winners[rid][0] != p:
                    dup_errors.append(_duplicate(p, line, col, rid, winners[rid][1]))
        rules = [r for st in self._files.values() for r in st.good.rules if id(r) in accepted]
        self.errors = _sorted([e for st in self._files.values() for e in st.errors]
                              + dup_errors)
        if [id(r) for r in rules] != [id(r) for r in self.ruleset.rules]:
            old = {r.id: r.version for r in self.ruleset.rules if r.enabled}
            new = {r.id: r.version for r in rules if r.enabled}
            self.changed_rule_ids = frozenset(k for k, v in new.items() if old.get(k) != v)
            self.removed_rule_ids = frozenset(set(old) - set(new))
            self.ruleset = RuleSet(rules)
            self.generation += 1
        else:
            self.changed_rule_ids = self.removed_rule_ids = frozenset()

    @property
    def from_stored(self) -> dict[str, int]:
        """Broken files running the stored last good text given at the first load:
        path -> how many rules it runs."""
        return {str(p): len(st.good.rules) for p, st in self._files.items()
                if st.errors and st.good_text is not None
                and st.good_text == self.stored.get(str(p.resolve()))}

    def good_texts(self) -> dict[str, str]:
        """Resolved path -> text, for each file whose current version loads."""
        return {str(p.resolve()): st.good_text for p, st in self._files.items()
                if not st.errors and st.good_text is not None}

    def rules_of(self, path: str | Path) -> list[Rule]:
        """The rules running from one file (after the duplicate-id checks)."""
        want = Path(path).resolve()
        return [r for r in self.ruleset.rules if Path(r.path).resolve() == want]
