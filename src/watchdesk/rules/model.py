"""The values the rule engine takes and gives: documents, rules, matches, snippets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

from ..durations import parse_duration
from .query import Query, compile_query

__all__ = ["PRIORITIES", "AlertWhen", "Document", "Match", "Priority", "Rule", "Snippet"]

Priority = Literal["alert", "digest"]
PRIORITIES: tuple[str, ...] = ("alert", "digest")


@dataclass(frozen=True, slots=True)
class Document:
    """The text of one article to match: plain text, no markup.

    ``lang`` (a language tag such as ``fr`` or ``ar``; detected from the text when None) and
    ``url`` (for ``site:``) are what the ``lang:`` and ``site:`` filters look at.
    """

    title: str = ""
    summary: str = ""
    body: str = ""
    lang: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Snippet:
    """Keyword in context: ``text`` with ``spans``, the highlighted ``[start, end)`` in it."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def as_json(self) -> dict[str, object]:
        """``{"text": ..., "spans": [[start, end], ...]}``: as stored in ``matches.snippets``."""
        return {"text": self.text, "spans": [list(sp) for sp in self.spans]}

    def highlighted(self, before: str = "[", after: str = "]") -> str:
        """``text`` with each span wrapped in ``before``/``after`` (for terminals and tests)."""
        out, last = [], 0
        for a, b in self.spans:
            out += [self.text[last:a], before, self.text[a:b], after]
            last = b
        out.append(self.text[last:])
        return "".join(out)


@dataclass(frozen=True, slots=True)
class Match:
    """One rule matching one document.

    ``terms``: the query terms that matched, as written in the rule, deduplicated, in query
    order. ``snippets``: one per field that had a hit, keys among title, summary, body.
    ``spellings``: for each ``name:`` term that matched, the words of the document it found
    (``name:haftar`` → ``("Хафтаром", "حفتر")``), at most five, in order of appearance.
    """

    rule_id: str
    priority: str
    terms: tuple[str, ...]
    snippets: dict[str, Snippet] = field(default_factory=dict)
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlertWhen:
    """``alert_when: {sources: 3, within: 60m}``: one urgent alert when an event under the
    rule has been reported by at least ``sources`` distinct feeds within ``within`` seconds
    (docs/digest.md)."""

    sources: int
    within: int

    @classmethod
    def parse(cls, value: dict[str, object] | None) -> AlertWhen | None:
        """From the rule file's mapping, already checked against the schema."""
        if not value:
            return None
        within = value.get("within", "60m")
        if not isinstance(within, int | str):
            raise ValueError(f"alert_when.within: not a duration: {within!r}")
        # a bare number is seconds in a rule file, as in feeds.yaml (``durations``)
        return cls(int(str(value["sources"])), parse_duration(within))


@dataclass(frozen=True, eq=False)
class Rule:
    """A watch rule. ``query`` and ``exclude`` are compiled on creation (RuleSyntaxError).

    ``version`` is a short hash of what decides which articles match (the canonical compiled
    query and exclude, the feeds, ``enabled``): re-wrapping or re-casing a query does not
    change it; editing a term does. The daemon uses it to know which rules to backfill.
    """

    id: str
    title: str
    query: str
    exclude: str | None = None
    priority: str = "digest"
    feeds: tuple[str, ...] = ()
    enabled: bool = True
    recipients: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()          # chat/push target names (WATCHDESK_NOTIFY_FILE)
    path: str = "<rule>"
    line: int | None = None
    compiled: Query | None = field(default=None, repr=False)
    compiled_exclude: Query | None = field(default=None, repr=False)
    alert_when: AlertWhen | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "feeds", tuple(self.feeds))
        set_(self, "recipients", tuple(self.recipients))
        set_(self, "notify", tuple(self.notify))
        if self.priority not in PRIORITIES:
            raise ValueError(f"rule {self.id}: priority must be one of {PRIORITIES}")
        if self.compiled is None:
            set_(self, "compiled", compile_query(self.query, path=self.path, line=self.line))
        if self.compiled_exclude is None and self.exclude:
            set_(self, "compiled_exclude",
                 compile_query(self.exclude, path=self.path, line=self.line))

    @property
    def version(self) -> str:
        h = hashlib.sha256()
        for part in (str(self.compiled), str(self.compiled_exclude or ""),
                     "\x1f".join(sorted(self.feeds)), str(self.enabled)):
            h.update(part.encode())
            h.update(b"\x1e")
        return h.hexdigest()[:16]
