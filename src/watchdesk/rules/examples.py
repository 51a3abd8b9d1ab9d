"""A rule's own examples: texts it must match and texts it must not, checked on every load.

::

    examples:
      match:
        - "Le maréchal Haftar a reçu à Benghazi une délégation russe."
        - {title: "Wagner en Libye", body: "…", lang: fr}
      no_match:
        - "Tannhäuser de Richard Wagner à l'opéra de Bayreuth."

An example is a text (matched as the body of an article, without a title) or a mapping of
``title``, ``summary``, ``body`` and, for filters, ``lang``, ``url``, ``feed``, ``tags``. A rule
whose examples fail makes its file broken like a syntax error would (the last good version
keeps running), with the file and line of the example and what did or did not match.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ..errors import ConfigError
from .matcher import RuleSet, Verdict
from .model import Document, Rule

__all__ = ["check_examples", "example_document"]

Locate = Callable[[tuple[str | int, ...]], tuple[int | None, int | None]]


def example_document(value: Any) -> tuple[Document, str | None, tuple[str, ...]]:
    """The document, feed name and feed tags of one example (a string or a mapping)."""
    if isinstance(value, str):
        return Document(body=value), None, ()
    return (Document(value.get("title", ""), value.get("summary", ""), value.get("body", ""),
                     value.get("lang"), value.get("url")),
            value.get("feed"), tuple(value.get("tags") or ()))


SHOWN = 12


def _some(terms: Sequence[str]) -> str:
    """The terms, the first SHOWN of them when there are more (a rule built on long lists
    has hundreds: the message must stay readable)."""
    if len(terms) <= SHOWN:
        return ", ".join(terms) or "none"
    return f"{', '.join(terms[:SHOWN])} and {len(terms) - SHOWN} more"


def _why_not(v: Verdict, rule: Rule) -> str:
    if v.feed_skipped:
        return (f"the rule's feeds ({', '.join(rule.feeds)}) leave out the example's feed; "
                "give the example a listed feed: or tags:")
    if v.excluded_by:
        return f"the exclusion removes it (exclude terms found: {', '.join(v.excluded_by)})"
    found = _some(v.found)
    if not v.missing:
        return (f"all its terms occur ({found}) but not as the query combines them: check "
                "the distances, the order (ONEAR), the counts (ATLEAST) and what is under NOT")
    return f"query terms found: {found}; not found: {_some(v.missing)}"


def check_examples(rules: Sequence[tuple[Rule, Any, tuple[str | int, ...]]], path: str,
                   locate: Locate) -> list[ConfigError]:
    """Errors for the failing examples of ``rules``: (rule, its ``examples`` value, the JSON
    path of the rule in the file)."""
    with_examples = [(r, ex, base) for r, ex, base in rules if ex]
    if not with_examples:
        return []
    # a disabled rule's examples are checked too: they must hold when it is switched on
    rs = RuleSet([r if r.enabled else replace(r, enabled=True) for r, _, _ in with_examples])
    errors = []
    for rule, examples, base in with_examples:
        for kind in ("match", "no_match"):
            for k, value in enumerate(examples.get(kind) or ()):
                doc, feed, tags = example_document(value)
                v = rs.explain(rule.id, doc, feed, tags)
                line, col = locate((*base, "examples", kind, k))
                if kind == "match" and v.match is None:
                    errors.append(ConfigError(path, line, col,
                                              f"example {k + 1} under match: does not match "
                                              f"rule '{rule.id}': {_why_not(v, rule)}"))
                elif kind == "no_match" and v.match is not None:
                    errors.append(ConfigError(path, line, col,
                                              f"example {k + 1} under no_match: matches rule "
                                              f"'{rule.id}' (terms: {', '.join(v.match.terms)})"
                                              "; narrow the query or add an exclusion"))
    return errors
