"""What `watchdesk alerts` shows: recent matches, one entry per article with all its rules.

Pure: takes the rows ``Store.matches_where`` returns (one per (article, rule)) and groups them,
newest date shown first (the publication date, else when the article was fetched: the date
printed beside it, so the list reads in order); picks the few terms a snippet shows out of the
dozens a rule may have matched. The CLI only prints.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError
from ..rules import Document, Query, Snippet, compile_query

SHOWN_TERMS = 6  # at most this many terms per rule on the terminal; the others are counted

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
    """Rows of ``matches_where`` (named columns) grouped by article, newest date shown first
    (ties: the newest article first); within an article, urgent rules first, then by rule
    id."""
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
    return sorted(out.values(), key=lambda a: (a.date[0], a.article_id), reverse=True)


@functools.lru_cache(maxsize=4096)
def _term_query(term: str) -> Query | None:
    """A term as the matcher reports it (``libyen*``, ``~libyan``, ``case:ANL``, ``armée
    nationale libyenne``), as a query of its own."""
    bare = term.removeprefix("~").removeprefix("case:")
    text = f'"{term}"' if " " in term and not bare.startswith('"') else term
    try:
        return compile_query(text)
    except ConfigError:
        return None


def snippet_terms(terms: Sequence[str], snippet: Snippet, lang: str | None = None,
                  most: int = SHOWN_TERMS) -> tuple[list[str], int]:
    """The terms to print beside a snippet, and how many more matched: those the snippet
    shows (at most ``most``, in the rule's order), else the first three. A rule with dozens
    of terms reads ``terms: haftar, benghazi (+12 more)``."""
    doc = Document(body=snippet.text, lang=lang)
    seen = []
    for t in terms:
        q = _term_query(t)
        if q is not None and q.test(doc):
            seen.append(t)
    shown = (seen or list(terms[:3]))[:most]
    return shown, len(terms) - len(shown)
