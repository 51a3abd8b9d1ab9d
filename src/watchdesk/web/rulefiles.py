"""Editing a rule file from the browser: check a draft, test it, save it, restore it.

The editable rules live in the folder ``WATCHDESK_RULES`` names; the web writes there, so on
a service install it is a folder the unit may write (docs/ops.md: ``/var/lib/watchdesk/rules``
rather than the read-only ``/etc``). What a save guarantees:

- **checked as the daemon would load it**: the draft is loaded with the folder in place of
  the file (``RuleBook(folder, extra=[draft], without=[file])``, as ``rules test DRAFT
  --replaces FILE``); it is written only when the *whole folder* then loads without error;
- **atomic**: written to a hidden temporary file in the same folder (the loader ignores
  dot-files), flushed to disk, then renamed over the file, keeping its permissions; the
  daemon's hot reload (every 2 s) sees the new file whole or not at all;
- **nothing lost**: the text it replaces goes to ``rule_history`` (who, when, the diff) in
  the transaction that writes the file, and any entry can be restored (a restore is a save);
  an entry of a save that created the file (``previous`` NULL) is restored by removing the
  file, checked like a save (the folder must load without it), not by writing it empty;
- **no silent overwrite**: the form carries the hash of the text it was opened on; if the
  file changed since (another analyst saved), the save is refused with both texts shown, the
  draft kept in the form. Saves of one folder are serialised by a lock on the folder.

Text is saved exactly as typed (comments and layout are the analyst's): nothing is
re-serialised. ``add_examples`` is the one structured edit (the verdicts as ``examples:``),
done with ruamel.yaml's round-trip mode, which keeps the file's comments and layout.
"""

from __future__ import annotations

import difflib
import fcntl
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..files import sync_folder, write_atomic
from ..rules import Rule, RuleBook

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.ya?ml$")
NEW = "new"          # the version hash of a file that does not exist yet


class BadName(ValueError):
    """Not a rule file name (only ``name.yaml`` directly in the folder)."""


class Conflict(Exception):
    """The file changed since the form was opened; ``current`` is its text now."""

    def __init__(self, current: str | None) -> None:
        super().__init__("the file was changed by someone else since you opened it")
        self.current = current


class Refused(Exception):
    """The folder would not load with the draft: nothing was written."""

    def __init__(self, draft: Draft) -> None:
        super().__init__(f"{len(draft.errors)} error(s): nothing was written")
        self.draft = draft


def path_of(folder: Path, name: str) -> Path:
    if not NAME.match(name):
        raise BadName(f"{name!r} is not a rule file name (letters, digits, . _ -, ending in "
                      ".yaml)")
    return folder / name


def version(text: str | None) -> str:
    """What the form carries to detect a concurrent save."""
    return NEW if text is None else hashlib.sha256(text.encode()).hexdigest()[:20]


def read(folder: Path, name: str) -> str | None:
    p = path_of(folder, name)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def files(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir()
                  if p.is_file() and NAME.match(p.name) and not p.name.startswith("."))


@dataclass
class Draft:
    """A draft of one file, loaded with the folder."""

    name: str
    text: str
    rules: list[Rule] = field(default_factory=list)       # the draft's rules that load
    errors: list[ConfigError] = field(default_factory=list)       # the draft's own
    others: list[ConfigError] = field(default_factory=list)       # other files' errors
    warnings: list[ConfigError] = field(default_factory=list)     # the draft's warnings

    @property
    def ok(self) -> bool:
        return not self.errors and not self.others

    def by_line(self) -> dict[int, list[ConfigError]]:
        """The draft's errors and warnings by line (0: no line), to place under it."""
        out: dict[int, list[ConfigError]] = {}
        for e in [*self.errors, *self.warnings]:
            out.setdefault(e.line or 0, []).append(e)
        return out


def _renamed(e: ConfigError, tmp: str, name: str) -> ConfigError:
    return ConfigError(name, e.line, e.column, e.message.replace(tmp, name))


def check(folder: Path, name: str, text: str) -> Draft:
    """Load ``text`` as the file ``name`` of ``folder``, with the rest of the folder."""
    target = path_of(folder, name)
    draft = Draft(name, text)
    with tempfile.TemporaryDirectory(prefix="watchdesk-draft-") as tmp:
        p = Path(tmp) / name
        p.write_text(text, encoding="utf-8")
        book = RuleBook(folder, extra=[p], without=[target])
        mine = str(p)
        for e in book.errors:
            if Path(e.path) == p:
                draft.errors.append(_renamed(e, mine, name))
            else:
                draft.others.append(e)
        draft.warnings = [_renamed(w, mine, name) for w in book.warnings if Path(w.path) == p]
        draft.rules = book.rules_of(p)
    return draft


def check_removal(folder: Path, name: str) -> Draft:
    """The folder loaded without the file ``name`` (what removing it would give)."""
    draft = Draft(name, "")
    book = RuleBook(folder, without=[path_of(folder, name)])
    draft.others = list(book.errors)
    return draft


def diff(old: str | None, new: str | None, name: str) -> str:
    """Unified diff, ``None`` being no file (created, or removed by a restore)."""
    return "".join(difflib.unified_diff((old or "").splitlines(keepends=True),
                                        (new or "").splitlines(keepends=True),
                                        f"{name} (before)",
                                        f"{name} (saved)" if new is not None else
                                        f"{name} (removed)"))


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # releases the lock


def _write_atomic(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o640
    write_atomic(path, text, mode, durable=True)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    sync_folder(path.parent)


# record(previous text or None (no file), diff, version of the saved text, write) stores
# the history entry and calls write() inside the same transaction
# (``Store.record_rule_save``).
Recorder = Callable[[str | None, str, str, Callable[[], None]], int]


def save(folder: Path, name: str, text: str | None, base: str, record: Recorder) -> Draft:
    """Write ``text`` as ``name`` if the file is still at version ``base`` and the folder
    loads with it; raises Conflict or Refused otherwise (nothing written). ``text`` None
    removes the file (restoring the entry of the save that created it), on the same terms:
    the folder must load without it."""
    path = path_of(folder, name)
    if text is not None and not text.endswith("\n"):
        text += "\n"
    with _locked(folder):
        current = read(folder, name)
        if version(current) != base:
            raise Conflict(current)
        draft = check(folder, name, text) if text is not None else check_removal(folder, name)
        if not draft.ok:
            raise Refused(draft)
        if text is None:
            record(current, diff(current, None, name), version(None), lambda: _remove(path))
        else:
            saved = text
            record(current, diff(current, saved, name), version(saved),
                   lambda: _write_atomic(path, saved))
    return draft


def add_examples(text: str, rule_id: str, examples: dict[str, Any]) -> str:
    """``text`` with ``examples`` merged into the rule ``rule_id`` (its ``examples:`` lists
    extended), through ruamel.yaml's round trip: comments and layout elsewhere are kept."""
    from ruamel.yaml import YAML

    y = YAML()   # round-trip mode
    y.preserve_quotes = True
    y.width = 100
    doc = y.load(text)
    rules = doc.get("rules") if hasattr(doc, "get") else None
    rule = next((r for r in rules or () if hasattr(r, "get") and r.get("id") == rule_id),
                None)
    if rule is None:
        raise KeyError(rule_id)
    block = rule.setdefault("examples", {})
    for key in ("match", "no_match"):
        if examples.get(key):
            block.setdefault(key, [])
            block[key].extend(examples[key])
    out = io.StringIO()
    y.dump(doc, out)
    return out.getvalue()
