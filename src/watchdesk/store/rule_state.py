"""The rules the daemon runs, as recorded in ``rule_state.definition``, and the last good
text of each rule file (``rule_files``).

``rules test`` compares a draft with the version the daemon last ran; the definition kept is
enough to compile that version again without its files. ``rule_files`` keeps each file's
whole text as last applied (titles, recipients, ``alert_when``, lists and all): a daemon that
starts while a file is broken runs that text (``RuleBook(stored=...)``). Kept apart from
``app`` so that a reading command does not import the fetcher and the workers.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from ..errors import WatchdeskError

if TYPE_CHECKING:
    from ..rules import Rule
    from . import Store


def rule_definition(rule: Rule) -> str:
    """What is kept of a running rule (``rule_state.definition``): its queries with their
    ``@lists`` written out, so the running version compiles again without the files."""
    query = rule.compiled.expanded if rule.compiled else rule.query
    exclude = rule.compiled_exclude.expanded if rule.compiled_exclude else rule.exclude
    return json.dumps({"id": rule.id, "title": rule.title, "query": query,
                       "exclude": exclude, "priority": rule.priority,
                       "feeds": list(rule.feeds), "enabled": rule.enabled,
                       "path": rule.path}, ensure_ascii=False)


def running_rules(store: Store) -> dict[str, Rule]:
    """The rules the daemon last ran, as recorded in the database."""
    from ..rules import Rule  # the rule compiler: not for `status`, which reads the files

    out = {}
    for r in store.query("SELECT rule_id, definition FROM rule_state WHERE definition IS NOT NULL"):
        d = json.loads(r["definition"])
        try:
            out[r["rule_id"]] = Rule(d["id"], d["title"], d["query"], d["exclude"],
                                     d["priority"], tuple(d["feeds"]), d["enabled"],
                                     path=d.get("path", "<running>"))
        except WatchdeskError:
            continue
    return out


def stored_rule_files(store: Store) -> dict[str, tuple[str, str]]:
    """Resolved path -> (last good text, when it was first applied); none in a database
    not yet upgraded to hold them (``status`` reads without upgrading)."""
    if not store.query("SELECT 1 FROM sqlite_master WHERE type='table' AND name='rule_files'"):
        return {}
    return {r["path"]: (r["text"], r["saved_at"])
            for r in store.query("SELECT path, text, saved_at FROM rule_files")}


def save_rule_files(store: Store, texts: dict[str, str], now: str) -> list[str]:
    """Record the text of each file that loads (path -> text) where it differs from the one
    stored; return the paths written. A removed or broken file keeps its stored text."""
    known = {r["path"]: r["digest"] for r in store.query("SELECT path, digest FROM rule_files")}
    rows = []
    for path, text in texts.items():
        digest = hashlib.sha256(text.encode()).hexdigest()
        if known.get(path) != digest:
            rows.append((path, digest, text, now))
    if rows:
        with store.transaction() as c:
            c.executemany(
                "INSERT INTO rule_files(path, digest, text, saved_at) VALUES (?,?,?,?) "
                "ON CONFLICT(path) DO UPDATE SET digest=excluded.digest, text=excluded.text, "
                "saved_at=excluded.saved_at", rows)
    return [r[0] for r in rows]
