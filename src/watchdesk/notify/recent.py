"""What `watchdesk alerts` shows: recent matches, one entry per article with all its rules.

Pure: takes the rows ``Store.matches_since`` returns (one per (article, rule), newest match
first) and groups them; the CLI only prints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..rules import Snippet

FIELDS = ("body", "summary", "title")  # the snippet shown: the first field that has one


@dataclass(frozen=True)
class RuleHit:
    rule_id: str
    priority: str
    terms: tuple[str, ...]
    snippet: Snippet
    backfill: bool
    matched_at: str


@dataclass
class RecentArticle:
    article_id: int
    title: str
    url: str | None
    feed: str
    published_at: str | None
    fetched_at: str
    hits: list[RuleHit] = field(default_factory=list)

    @property
    def urgent(self) -> bool:
        return any(h.priority == "alert" for h in self.hits)

    @property
    def date(self) -> tuple[str, str]:
        """(when, what): the publication date, else the time it was fetched."""
        if self.published_at:
            return self.published_at, "published"
        return self.fetched_at, "fetched"


def best_snippet(snippets: Mapping[str, Any] | str | None, fallback: str) -> Snippet:
    """The stored snippet of the first field among body, summary, title, with its highlight
    spans; the plain ``fallback`` text when none was stored."""
    data = json.loads(snippets) if isinstance(snippets, str) else (snippets or {})
    for f in FIELDS:
        s = data.get(f)
        if s and s.get("text"):
            return Snippet(s["text"], tuple((int(a), int(b)) for a, b in s.get("spans", [])))
    return Snippet(fallback, ())


def recent_articles(rows: Iterable[Any]) -> list[RecentArticle]:
    """Rows of ``matches_since`` (named columns) grouped by article, in the order of each
    article's newest match; within an article, urgent rules first, then by rule id."""
    out: dict[int, RecentArticle] = {}
    for r in rows:
        a = out.get(r["article_id"])
        if a is None:
            a = out[r["article_id"]] = RecentArticle(
                article_id=r["article_id"], title=r["title"], url=r["url"],
                feed=r["feed_name"], published_at=r["published_at"],
                fetched_at=r["fetched_at"])
        a.hits.append(RuleHit(r["rule_id"], r["priority"], tuple(json.loads(r["terms"])),
                              best_snippet(r["snippets"], r["snippet"]), bool(r["backfill"]),
                              r["created_at"]))
    for a in out.values():
        a.hits.sort(key=lambda h: (h.priority != "alert", h.rule_id))
    return list(out.values())
