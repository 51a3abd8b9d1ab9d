"""Retention's storage: drop old bodies in small batches, give pages back, sample the size.

What to keep is decided by ``watchdesk.retention`` (cut-off times from the settings); this
module only does it, in transactions of at most ``limit`` articles or fetch-log rows, so that
a poll waiting for the database never waits long.

A *pruned* article keeps its row: id, feed, GUID, link and canonical URL, headline, dates,
``content_hash``, its ``entries`` rows and its matches. Its ``body`` and ``summary`` become
empty and ``pruned_at`` says when. That is everything deduplication looks at
(``identity.plan`` reads ``entries`` and ``articles.canonical_url``), so an entry seen once is
never stored again as new. The full-text index follows through its triggers: a pruned
article stays findable by its headline only. (The row is deleted and inserted again under
its id, see ``_strip``: that is what gives its pages back.)

The articles are walked in id order (the order they were stored, so of ``fetched_at``) from a
cursor kept in ``meta``, one per class (matched, unmatched): each batch reads the next
``limit`` rows by primary key, never the whole table, and never twice.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .base import StoreBase

CURSOR = "retention.{}.after"       # meta key: last article id looked at, per class
SIZE_SAMPLE_DAYS = 7                # growth per day is measured over up to this many days


@dataclass(frozen=True)
class Batch:
    pruned: int        # articles whose bodies were dropped
    done: bool         # nothing older than the cut-off left to look at


@dataclass(frozen=True)
class SizeInfo:
    bytes: int                      # the file (pages x page size)
    free_bytes: int                 # free pages inside it
    auto_vacuum: str                # none | full | incremental
    growth_per_day: float | None    # bytes of used space per day, from the daily samples
    over_days: float = 0.0          # how many days that was measured over


class RetentionMixin(StoreBase):
    def prune_articles(self, *, matched: bool, cutoff: str, now: str,
                       limit: int = 500) -> Batch:
        """Drop body and summary of the next articles (matched, or matched by no rule)
        fetched before ``cutoff``: one transaction, at most ``limit`` rows looked at."""
        key = CURSOR.format("matched" if matched else "unmatched")
        with self.transaction() as c:
            row = c.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            after = int(row[0]) if row else 0
            rows = c.execute(
                "SELECT a.id, a.fetched_at, a.pruned_at,"
                " EXISTS(SELECT 1 FROM matches m WHERE m.article_id = a.id)"
                " FROM articles a WHERE a.id > ? ORDER BY a.id LIMIT ?",
                (after, limit)).fetchall()
            done = len(rows) < limit
            ids: list[int] = []
            for article_id, fetched_at, pruned_at, has_match in rows:
                if fetched_at >= cutoff:
                    done = True
                    break
                after = article_id
                if pruned_at is None and bool(has_match) == matched:
                    ids.append(article_id)
            if ids:
                self._strip(c, ids, now)
            self.set_meta(key, str(after), c)
        return Batch(len(ids), done)

    @staticmethod
    def _strip(c: sqlite3.Connection, ids: list[int], now: str) -> None:
        """Rewrite these articles without body and summary, under the same ids.

        Deleted and inserted again rather than updated: SQLite rebalances (and so frees)
        the pages a DELETE leaves half empty, never those an UPDATE shrinks in place, so an
        update would keep a year's pages of short rows. The foreign keys of ``entries`` and
        ``matches`` are checked at COMMIT (``defer_foreign_keys``), when the rows are back;
        the full-text triggers drop the old text and index the headline again."""
        cols = [r[1] for r in c.execute("PRAGMA table_info(articles)")]
        marks = ",".join("?" * len(ids))
        rows = c.execute(f"SELECT {','.join(cols)} FROM articles WHERE id IN ({marks})",
                         ids).fetchall()
        blank = {"body": "", "summary": "", "pruned_at": now}
        kept = [tuple(blank.get(col, v) for col, v in zip(cols, row, strict=True))
                for row in rows]
        c.execute("PRAGMA defer_foreign_keys = ON")   # (reset at COMMIT)
        c.execute(f"DELETE FROM articles WHERE id IN ({marks})", ids)
        c.executemany(f"INSERT INTO articles({','.join(cols)})"
                      f" VALUES ({','.join('?' * len(cols))})", kept)

    def prune_fetches(self, *, cutoff: str, limit: int = 500) -> Batch:
        """Delete the oldest rows of the fetch log started before ``cutoff``."""
        with self.transaction() as c:
            rows = c.execute("SELECT id, started_at FROM fetches ORDER BY id LIMIT ?",
                             (limit,)).fetchall()
            ids = [r[0] for r in rows if r[1] < cutoff]
            c.executemany("DELETE FROM fetches WHERE id = ?", [(i,) for i in ids])
        return Batch(len(ids), len(ids) < limit)

    def vacuum_step(self, pages: int = 256) -> int:
        """Give up to ``pages`` free pages back to the file system (``auto_vacuum`` must be
        incremental); returns how many were freed."""
        if self.conn.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
            return 0
        before = int(self.conn.execute("PRAGMA freelist_count").fetchone()[0])
        if before:
            # (executescript steps the pragma to the end; execute frees a single page)
            self.conn.executescript(f"PRAGMA incremental_vacuum({int(pages)});")
        return before - int(self.conn.execute("PRAGMA freelist_count").fetchone()[0])

    def _sizes(self, c: sqlite3.Connection) -> tuple[int, int]:
        size = int(c.execute("PRAGMA page_size").fetchone()[0])
        count = int(c.execute("PRAGMA page_count").fetchone()[0])
        free = int(c.execute("PRAGMA freelist_count").fetchone()[0])
        return count * size, free * size

    def record_size(self, now: str) -> None:
        """Today's size sample (the latest of the day wins)."""
        with self.transaction() as c:
            total, free = self._sizes(c)
            c.execute("INSERT INTO db_sizes(day, at, bytes, free_bytes) VALUES (?,?,?,?)"
                      " ON CONFLICT(day) DO UPDATE SET at = excluded.at,"
                      " bytes = excluded.bytes, free_bytes = excluded.free_bytes",
                      (now[:10], now, total, free))

    def size_info(self) -> SizeInfo:
        """The file's size now, and how fast its used space grew over the last samples."""
        from .base import parse_iso

        total, free = self._sizes(self.conn)
        mode = {0: "none", 1: "full", 2: "incremental"}.get(
            int(self.conn.execute("PRAGMA auto_vacuum").fetchone()[0]), "none")
        samples = self.conn.execute(
            "SELECT at, bytes - free_bytes FROM db_sizes ORDER BY day DESC LIMIT ?",
            (SIZE_SAMPLE_DAYS + 1,)).fetchall()
        growth, days = None, 0.0
        if len(samples) >= 2:
            (last_at, last), (first_at, first) = samples[0], samples[-1]
            t1, t0 = parse_iso(last_at), parse_iso(first_at)
            assert t1 is not None and t0 is not None
            days = (t1 - t0).total_seconds() / 86400
            if days >= 0.5:
                growth = (last - first) / days
        return SizeInfo(total, free, mode, growth, days)
