"""The rules the daemon runs, as recorded in ``rule_state.definition``.

``rules test`` compares a draft with the version the daemon last ran; the definition kept is
enough to compile that version again without its files. Kept apart from ``app`` so that a
reading command does not import the fetcher and the workers.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..errors import WatchdeskError
from ..rules import Rule

if TYPE_CHECKING:
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
