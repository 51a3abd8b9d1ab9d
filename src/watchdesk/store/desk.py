"""What the desk's web pages read and the two things they write: verdicts and rule history.

Reads work on a read-only store (``Store(path, mode="read")``); ``add_verdict`` and
``record_rule_save`` need one opened for writing, and are the web's only writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence

from .base import StoreBase
from .outbox import _MATCH_SELECT

VERDICTS = ("relevant", "off_topic")

_ARTICLE = (
    "SELECT a.*, f.name AS feed_name, coalesce(f.title, f.name) AS feed_title, f.tags"
    " FROM articles a JOIN feeds f ON f.id = a.feed_id")


class DeskMixin(StoreBase):
    # -- reads ------------------------------------------------------------------------------

    def recent_match_rows(self, since: str | None, limit: int = 400) -> list[sqlite3.Row]:
        """Match rows (as the digest reads them) created since ``since`` (None: the latest
        ``limit``), newest first."""
        where = " WHERE m.created_at >= ?" if since else ""
        return self.query(_MATCH_SELECT + where + " ORDER BY m.created_at DESC, m.id DESC"
                          f" LIMIT {int(limit)}", (since,) if since else ())

    def story_match_rows(self, story_id: int) -> list[sqlite3.Row]:
        """Every match of the articles of one event (as the digest reads them)."""
        return self.query(_MATCH_SELECT + " WHERE coalesce(a.story_id, a.id) = ?"
                          " ORDER BY a.id, m.rule_id", (story_id,))

    def articles_by_id(self, ids: Iterable[int]) -> list[sqlite3.Row]:
        wanted = sorted(set(ids))
        out: list[sqlite3.Row] = []
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            out += self.query(_ARTICLE + f" WHERE a.id IN ({','.join('?' * len(chunk))})",
                              chunk)
        return out

    def article_match_rows(self, article_id: int) -> list[sqlite3.Row]:
        return self.query("SELECT m.*, a.title, a.url, a.published_at, a.fetched_at,"
                          " f.name AS feed_name FROM matches m"
                          " JOIN articles a ON a.id = m.article_id"
                          " JOIN feeds f ON f.id = a.feed_id"
                          " WHERE m.article_id = ? ORDER BY m.rule_id", (article_id,))

    def other_feeds(self, article_id: int) -> list[str]:
        """The feeds that carried the same article besides its own."""
        return [r[0] for r in self.conn.execute(
            "SELECT coalesce(f.title, f.name) FROM entries e JOIN feeds f ON f.id = e.feed_id"
            " JOIN articles a ON a.id = e.article_id"
            " WHERE e.article_id = ? AND e.feed_id != a.feed_id", (article_id,))]

    # -- verdicts ---------------------------------------------------------------------------

    def verdicts(self, *, rule_ids: Sequence[str] | None = None,
                 article_id: int | None = None) -> list[sqlite3.Row]:
        """Verdict rows (article_id, rule_id, verdict, who, created_at), oldest first."""
        sql, params = "SELECT * FROM verdicts WHERE 1", list[object]()
        if rule_ids is not None:
            sql += f" AND rule_id IN ({','.join('?' * len(rule_ids))})"
            params += list(rule_ids)
        if article_id is not None:
            sql += " AND article_id = ?"
            params.append(article_id)
        return self.query(sql + " ORDER BY created_at, who", params)

    def add_verdict(self, article_id: int, rule_id: str, verdict: str, who: str,
                    now: str) -> None:
        """Record ``who``'s verdict; it replaces their earlier one on the same article and
        rule."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        with self.transaction() as c:
            c.execute("INSERT INTO verdicts(article_id, rule_id, verdict, who, created_at)"
                      " VALUES (?,?,?,?,?) ON CONFLICT(article_id, rule_id, who) DO UPDATE"
                      " SET verdict = excluded.verdict, created_at = excluded.created_at",
                      (article_id, rule_id, verdict, who, now))

    # -- rule history -----------------------------------------------------------------------

    def rule_history(self, file: str) -> list[sqlite3.Row]:
        """The saves of one rule file, newest first."""
        return self.query("SELECT * FROM rule_history WHERE file = ?"
                          " ORDER BY created_at DESC, id DESC", (file,))

    def rule_history_entry(self, entry_id: int) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM rule_history WHERE id = ?", (entry_id,))
        return rows[0] if rows else None

    def record_rule_save(self, file: str, who: str, now: str, diff: str,
                         previous: str | None, saved_hash: str,
                         write: Callable[[], None] = lambda: None) -> int:
        """Record a save of ``file`` (``previous``: the text it replaced, None when there was
        no file) and call ``write``, which writes or removes the file, in one transaction:
        if ``write`` raises, no entry is kept (and the file was not touched)."""
        with self.transaction() as c:
            cur = c.execute("INSERT INTO rule_history(file, who, created_at, diff, previous,"
                            " saved_hash) VALUES (?,?,?,?,?,?)",
                            (file, who, now, diff, previous, saved_hash))
            write()
            return int(cur.lastrowid or 0)
