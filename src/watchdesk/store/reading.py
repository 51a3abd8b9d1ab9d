"""Reading what was stored, for people: the matches ``watchdesk alerts`` lists (by the date it
shows, with its filters) and one article whole for ``watchdesk show``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from .base import StoreBase

# The date an article is shown with, and what `alerts --since/--until` read: its
# publication date, else when it was fetched (some feeds give none). Indexed as written
# (``articles_shown``, migration m019): SQLite uses an expression index only for the same
# expression.
SHOWN_DATE = "coalesce(a.published_at, a.fetched_at)"


@dataclass(frozen=True)
class MatchFilter:
    """What `watchdesk alerts` asks for. Times are stored ISO strings (UTC, with a Z)."""

    since: str | None = None          # shown date >= since
    until: str | None = None          # shown date < until
    matched_since: str | None = None  # match time >= matched_since
    rule_id: str | None = None
    feed: str | None = None           # one of the article's feeds, by name


def matches_sql(f: MatchFilter) -> tuple[str, list[object]]:
    """The query of :meth:`ReadingMixin.matches_where` and its parameters."""
    sql = ("SELECT m.*, a.title, a.url, a.published_at, a.fetched_at, a.extraction,"
           " a.story_id, a.lang, f.name AS feed_name FROM matches m"
           " JOIN articles a ON a.id = m.article_id JOIN feeds f ON f.id = a.feed_id"
           " WHERE 1")
    params: list[object] = []
    for cond, value in ((f" AND {SHOWN_DATE} >= ?", f.since),
                        (f" AND {SHOWN_DATE} < ?", f.until),
                        (" AND m.created_at >= ?", f.matched_since),
                        (" AND m.rule_id = ?", f.rule_id)):
        if value is not None:
            sql += cond
            params.append(value)
    if f.feed is not None:
        sql += (" AND EXISTS (SELECT 1 FROM entries e JOIN feeds fe ON fe.id = e.feed_id"
                " WHERE e.article_id = a.id AND fe.name = ?)")
        params.append(f.feed)
    sql += f" ORDER BY {SHOWN_DATE} DESC, a.id DESC, m.created_at DESC, m.id DESC"
    return sql, params


class ReadingMixin(StoreBase):
    def matches_where(self, f: MatchFilter) -> list[sqlite3.Row]:
        """One row per (article, rule) matching ``f``: the match and its article, newest
        shown date first (then by article, then newest match)."""
        return self.query(*matches_sql(f))

    def feed_names(self) -> set[str]:
        """Every feed name the database knows (feeds since removed from feeds.yaml too)."""
        return {r[0] for r in self.conn.execute("SELECT name FROM feeds")}

    def article(self, article_id: int) -> dict[str, Any] | None:
        """One stored article, every column, with its first feed's name, title, site and tags
        and the names of all the feeds that carried it (``feeds``); None when there is none.
        What `watchdesk show` and the web's article page read."""
        row = self.conn.execute(
            "SELECT a.*, f.name AS feed_name, f.title AS feed_title, f.site_url AS feed_site,"
            " f.tags AS feed_tags"
            " FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?",
            (article_id,)).fetchone()
        if row is None:
            return None
        out = dict(row)
        out["feeds"] = [r[0] for r in self.conn.execute(
            "SELECT f.name FROM entries e JOIN feeds f ON f.id = e.feed_id"
            " WHERE e.article_id = ? ORDER BY e.first_seen_at, f.name", (article_id,))]
        return out

    def article_matches(self, article_id: int) -> list[sqlite3.Row]:
        """The rules an article matched: one row each, urgent first, then by rule id."""
        return self.query("SELECT * FROM matches WHERE article_id = ?"
                          " ORDER BY priority != 'alert', rule_id", (article_id,))

    def story_now(self, story_id: int) -> int | None:
        """The story that the article ``story_id`` is in now, when no story has that id any
        more (a story is named after its oldest article, and regrouping may move that
        article into an older story: a link to the story shown before still finds its
        event); None when the id names a story, or no matched article."""
        row = self.query("SELECT a.story_id FROM articles a WHERE a.id = ?"
                         " AND NOT EXISTS (SELECT 1 FROM articles b WHERE b.story_id = a.id)",
                         (story_id,))
        return int(row[0][0]) if row and row[0][0] is not None else None

    def story_articles(self, story_id: int, *, limit: int = 20) -> list[sqlite3.Row]:
        """The articles of one story (event), by shown date: what else told it."""
        return self.query(
            "SELECT a.id, a.title, a.published_at, a.fetched_at, f.name AS feed_name"
            " FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.story_id = ?"
            f" ORDER BY {SHOWN_DATE}, a.id LIMIT ?", (story_id, limit))
