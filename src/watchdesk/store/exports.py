"""What leaves watchdesk as files: the rows of ``watchdesk export`` (articles with their
event, sources and matches) and of the Atom feeds (a rule's matches, the urgent ones).

Read-only queries; the shaping into CSV, JSON Lines and Atom is in ``notify.export`` and
``notify.atom`` (pure).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from .base import StoreBase

# the event's sources: every feed that carried an article of the story (the article's own
# entries when it has no story)
_SOURCES = """
(SELECT json_group_array(DISTINCT coalesce(f2.title, f2.name))
   FROM articles a2 JOIN entries e2 ON e2.article_id = a2.id JOIN feeds f2 ON f2.id = e2.feed_id
  WHERE a2.story_id = coalesce(a.story_id, -1) OR a2.id = a.id) AS sources
"""

_FEED_SELECT = f"""
SELECT m.id AS match_id, m.rule_id, m.priority, m.terms, m.snippet, m.created_at,
       a.id AS article_id, coalesce(a.story_id, a.id) AS story_id, a.title, a.summary,
       a.url, a.canonical_url, a.published_at, a.fetched_at, a.lang,
       f.name AS feed_name, coalesce(f.title, f.name) AS feed_title, {_SOURCES}
FROM matches m JOIN articles a ON a.id = m.article_id JOIN feeds f ON f.id = a.feed_id
"""


class ExportsMixin(StoreBase):
    def export_articles(self, since: str, *, rule_id: str | None = None,
                        everything: bool = False) -> Iterator[sqlite3.Row]:
        """Articles fetched since ``since``, oldest first: those with a match (of ``rule_id``
        if given), or with ``everything`` all of them. Streams: a month is read row by row."""
        where = "a.fetched_at >= :since"
        if not everything:
            where += (" AND EXISTS (SELECT 1 FROM matches m WHERE m.article_id = a.id"
                      " AND (:rule IS NULL OR m.rule_id = :rule))")
        cur = self.conn.execute(
            "SELECT a.id AS article_id, coalesce(a.story_id, a.id) AS story_id, a.title,"
            " a.url, a.canonical_url, a.lang, a.published_at, a.fetched_at, a.extraction,"
            f" f.name AS feed_name, coalesce(f.title, f.name) AS feed_title, {_SOURCES}"
            " FROM articles a JOIN feeds f ON f.id = a.feed_id"
            f" WHERE {where} ORDER BY a.fetched_at, a.id", {"since": since, "rule": rule_id})
        yield from cur

    def matches_of(self, article_ids: Sequence[int]) -> list[sqlite3.Row]:
        """The matches of these articles, in match order."""
        out: list[sqlite3.Row] = []
        for i in range(0, len(article_ids), 500):
            chunk = list(article_ids[i:i + 500])
            out += self.query(
                "SELECT article_id, rule_id, priority, terms, snippet, backfill, created_at"
                f" FROM matches WHERE article_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY id", chunk)
        return out

    def rule_feed_rows(self, rule_id: str, limit: int = 50) -> list[sqlite3.Row]:
        """A rule's newest matches (for its Atom feed), newest first."""
        return self.query(_FEED_SELECT + " WHERE m.rule_id = ? ORDER BY m.id DESC LIMIT ?",
                          (rule_id, limit))

    def urgent_feed_rows(self, limit: int = 50) -> list[sqlite3.Row]:
        """The newest urgent matches: of ``priority: alert`` rules, or of an event that
        raised a breaking-story alert for the rule; not found by backfill; newest first."""
        return self.query(
            _FEED_SELECT + " WHERE m.backfill = 0 AND (m.priority = 'alert' OR EXISTS"
            " (SELECT 1 FROM event_alerts ea WHERE ea.rule_id = m.rule_id"
            "  AND ea.story_id = a.story_id)) ORDER BY m.id DESC LIMIT ?", (limit,))

    def feed_rule_ids(self) -> list[str]:
        """Every rule that has a match (a feed is written for each running rule anyway)."""
        return [str(r[0]) for r in self.conn.execute(
            "SELECT DISTINCT rule_id FROM matches ORDER BY rule_id")]
