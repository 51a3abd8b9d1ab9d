"""The outbox: what the notifier reads (matches to report, feed health) and what it writes
(messages waiting to be sent, their delivery attempts, the digest bookkeeping).

Exactly-once rests on three rules kept here:

- a message is stored (``outbox`` row, status ``pending``) before anything is sent, and is
  marked ``sent`` only after the server accepted it; a crash in between resends the same row;
- the urgent matches an alert carries are marked with its outbox id in the transaction that
  inserts it, so they are never queued twice; so are the breaking events it announces
  (``event_alerts``, one row per rule and event);
- each digest records, in the transaction that inserts it, the end of its window and the highest
  match id it could see (``meta``), and the next digest starts exactly there (see
  ``digest_matches``), so no match is reported twice or never.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from .base import StoreBase, dumps, iso, parse_iso

DIGEST_END_KEY = "digest.window_end"
DIGEST_HW_KEY = "digest.match_hw"
DIGEST_BASELINE_KEY = "digest.baseline"


def _days_before(end: str, days: int) -> str:
    """``end`` (ISO, UTC) minus ``days`` days, one more for safety: a lower bound for
    ``fetched_at`` that lets SQLite read its index's range, not every older row."""
    when = parse_iso(end)
    assert when is not None
    return iso(when - timedelta(days=days + 1))


_MATCH_SELECT = """
SELECT m.id, m.article_id, m.rule_id, m.priority, m.terms, m.snippet, m.snippets, m.backfill,
       m.created_at, m.alert_outbox_id,
       a.title, a.url, a.canonical_url, a.published_at, a.fetched_at, a.lang,
       coalesce(a.story_id, a.id) AS story_id,
       f.name AS feed_name, coalesce(f.title, f.name) AS feed_title,
       (SELECT json_group_array(f2.name) FROM entries e JOIN feeds f2 ON f2.id = e.feed_id
         WHERE e.article_id = a.id AND e.feed_id != a.feed_id) AS other_feeds,
       (SELECT json_group_array(coalesce(f2.title, f2.name)) FROM entries e
         JOIN feeds f2 ON f2.id = e.feed_id
         WHERE e.article_id = a.id AND e.feed_id != a.feed_id) AS other_feed_titles
FROM matches m JOIN articles a ON a.id = m.article_id JOIN feeds f ON f.id = a.feed_id
"""

# the candidates of a digest after the first, from two index ranges (see digest_matches)
_SINCE_LAST = (" AND m.id IN (SELECT id FROM matches WHERE created_at > :start"
               " UNION ALL SELECT id FROM matches WHERE id > :prev_hw)")


@dataclass(frozen=True)
class OutboxWrite:
    """A message to store in the outbox, fully rendered."""

    kind: str                       # digest | alert | webhook | chat
    message_id: str
    recipients: tuple[str, ...]
    subject: str
    body_text: str
    body_html: str | None = None
    payload: str | None = None      # JSON: webhook body; chat: target NAME, title, body
    window_start: str | None = None
    window_end: str | None = None


@dataclass(frozen=True)
class AlertBatch:
    """An alert message and what it carries: urgent match ids, and breaking events as
    ``(rule id, story id, distinct sources)``."""

    message: OutboxWrite
    matches: Sequence[int] = ()
    events: Sequence[tuple[str, int, int]] = ()


class DigestState(NamedTuple):
    """Where the last digest (sent, queued or skipped as empty) stopped."""

    window_end: str | None    # None: no digest yet
    match_hw: int | None      # highest match id the last digest could see
    baseline: str | None      # when the notifier first ran (the first digest is due after it)


class OutboxMixin(StoreBase):
    # -- digest -----------------------------------------------------------------------------

    def digest_state(self) -> DigestState:
        end = self.get_meta(DIGEST_END_KEY)
        if end is None:  # bookkeeping lost: fall back on the outbox itself
            row = self.conn.execute(
                "SELECT max(window_end) FROM outbox WHERE kind = 'digest'").fetchone()
            end = row[0] if row else None
        hw = self.get_meta(DIGEST_HW_KEY)
        return DigestState(end, int(hw) if hw is not None else None,
                           self.get_meta(DIGEST_BASELINE_KEY))

    def ensure_digest_baseline(self, now: str) -> str:
        """Record (once) when digests started being scheduled; returns the recorded value."""
        with self.transaction() as c:
            c.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
                      (DIGEST_BASELINE_KEY, now))
            return str(c.execute("SELECT value FROM meta WHERE key = ?",
                                 (DIGEST_BASELINE_KEY,)).fetchone()[0])

    def max_match_id(self) -> int:
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM matches").fetchone()[0])

    def digest_matches(self, window_start: str | None, window_end: str, *,
                       prev_hw: int | None, hw: int) -> list[sqlite3.Row]:
        """Matches for the digest whose window is (window_start, window_end], backfill included.

        ``hw`` is the highest match id at the time of reading (``max_match_id()``, read
        first); ``prev_hw`` the one recorded by the previous digest. A match is taken when
        ``id <= hw`` and ``created_at <= window_end`` and (``created_at > window_start`` or
        ``id > prev_hw``): the last clause catches a match committed after the previous digest
        was composed but stamped with an earlier time (the pipeline takes its clock before its
        transaction). Each match thus lands in exactly one digest.

        The matches are found from both ends (``_SINCE_LAST``): those made since the window's
        start, by the ``created_at`` index, and those committed since ``prev_hw``, by id.
        The condition alone reads the index from its first entry: a year of matches.
        """
        if prev_hw is None:  # no record: rely on times alone
            prev_hw = hw
        return self.query(
            _MATCH_SELECT
            + " WHERE m.id <= :hw AND m.created_at <= :end"
            "   AND (:start IS NULL OR m.created_at > :start OR m.id > :prev_hw)"
            + ("" if window_start is None else _SINCE_LAST)
            + " ORDER BY m.created_at, m.id",
            {"hw": hw, "end": window_end, "start": window_start, "prev_hw": prev_hw})

    def event_reports(self, story_ids: Iterable[int]) -> list[sqlite3.Row]:
        """Every report of these events: (story_id, feed_title, published_at, fetched_at,
        article_id, title, url, lang), one per article and feed that carried it (the same
        URL from two feeds is two reports), whenever it came: a digest names all the sources
        and lists all the reports of an event."""
        ids = sorted(set(story_ids))
        out: list[sqlite3.Row] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out += self.query(
                "SELECT a.story_id, f.name AS feed_name, coalesce(f.title, f.name) AS feed_title,"
                " a.published_at, a.fetched_at, a.id AS article_id, a.title, a.url, a.lang"
                " FROM articles a"
                " JOIN entries e ON e.article_id = a.id"
                " JOIN feeds f ON f.id = e.feed_id"
                f" WHERE a.story_id IN ({','.join('?' * len(chunk))})", chunk)
        return out

    def daily_matches(self, end: str, days: int = 14) -> dict[str, list[int]]:
        """rule id -> matches per 24-hour period, oldest first, the last ending at ``end``
        (by when the article was fetched: a backfilled match counts on its article's day)."""
        out: dict[str, list[int]] = {}
        for rule, ago, n in self.conn.execute(
                "SELECT m.rule_id, CAST((julianday(:end) - julianday(a.fetched_at)) AS INTEGER),"
                " count(*) FROM matches m JOIN articles a ON a.id = m.article_id"
                " WHERE a.fetched_at <= :end AND a.fetched_at >= :since"   # (the index's range)
                " AND julianday(:end) - julianday(a.fetched_at) < :days"
                " GROUP BY 1, 2", {"end": end, "days": days, "since": _days_before(end, days)}):
            out.setdefault(rule, [0] * days)[days - 1 - int(ago)] = int(n)
        return out

    def queue_digest_row(self, msg: OutboxWrite | None, *, expect_end: str | None,
                         window_end: str, match_hw: int, now: str) -> int | None:
        """Store a digest and move the digest window to ``window_end``, atomically.

        ``msg`` None records an empty digest that is not sent (the window still moves).
        Returns the outbox id, or None if nothing was inserted: the message was None, or the
        window had already moved past ``expect_end`` (another process queued this digest).
        """
        with self.transaction() as c:
            row = c.execute("SELECT value FROM meta WHERE key = ?", (DIGEST_END_KEY,)).fetchone()
            current = row[0] if row else None
            if current is None:
                r = c.execute("SELECT max(window_end) FROM outbox WHERE kind = 'digest'"
                              ).fetchone()
                current = r[0] if r else None
            if current != expect_end:
                return None
            outbox_id = self._insert_outbox(c, msg, now) if msg is not None else None
            self.set_meta(DIGEST_END_KEY, window_end, c)
            self.set_meta(DIGEST_HW_KEY, str(match_hw), c)
            return outbox_id

    # -- alerts -----------------------------------------------------------------------------

    def pending_alert_matches(self, since: str) -> list[sqlite3.Row]:
        """Urgent matches not yet queued in an alert, created after ``since`` (older ones are
        left to the digest). Backfill matches never alert."""
        return self.query(
            _MATCH_SELECT
            + " WHERE m.priority = 'alert' AND m.backfill = 0 AND m.alert_outbox_id IS NULL"
            "   AND m.created_at > ? ORDER BY m.id", (since,))

    def breaking_candidates(self, rule_ids: Sequence[str], since: str,
                            ) -> list[tuple[str, int]]:
        """(rule, story) of the events these rules matched since ``since`` (not by backfill)
        that have not had their breaking-story alert yet."""
        if not rule_ids:
            return []
        return [(str(r[0]), int(r[1])) for r in self.conn.execute(
            "SELECT DISTINCT m.rule_id, a.story_id FROM matches m"
            " JOIN articles a ON a.id = m.article_id"
            f" WHERE m.rule_id IN ({','.join('?' * len(rule_ids))}) AND m.backfill = 0"
            "   AND m.created_at > ? AND a.story_id IS NOT NULL AND NOT EXISTS"
            "   (SELECT 1 FROM event_alerts e WHERE e.rule_id = m.rule_id"
            "    AND e.story_id = a.story_id) ORDER BY a.story_id", (*rule_ids, since))]

    def event_matches(self, story_ids: Iterable[int]) -> list[sqlite3.Row]:
        """Every match of these events' articles (what an alert about them shows)."""
        ids = sorted(set(story_ids))
        out: list[sqlite3.Row] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out += self.query(_MATCH_SELECT + f" WHERE a.story_id IN"
                              f" ({','.join('?' * len(chunk))}) ORDER BY m.id", chunk)
        return out

    def recent_alert_recipients(self, since: str) -> set[str]:
        """Every recipient of an alert (email, webhook or chat target ``notify:<name>``)
        queued after ``since``."""
        return {r[0] for r in self.conn.execute(
            "SELECT DISTINCT j.value FROM outbox o, json_each(o.recipients) j"
            " WHERE o.kind IN ('alert', 'webhook', 'chat') AND o.created_at > ?", (since,))}

    def queue_alert_rows(self, batches: Sequence[AlertBatch], now: str) -> list[int]:
        """Insert alert messages and mark what each carries, in ONE transaction.

        Each batch is a message with the urgent match ids and the breaking events
        ``(rule, story, sources)`` it carries; a match or event may be in several batches
        (an email and a webhook post), it keeps the first outbox id. If one was already
        queued by someone else meanwhile, nothing is written and [] is returned.
        """
        ids: list[int] = []
        try:
            with self.transaction() as c:
                claimed: set[int] = set()
                broke: set[tuple[str, int]] = set()
                for batch in batches:
                    outbox_id = self._insert_outbox(c, batch.message, now)
                    ids.append(outbox_id)
                    todo = [m for m in batch.matches if m not in claimed]
                    for m in todo:
                        cur = c.execute("UPDATE matches SET alert_outbox_id = ?"
                                        " WHERE id = ? AND alert_outbox_id IS NULL",
                                        (outbox_id, m))
                        if cur.rowcount != 1:
                            raise _AlreadyQueued
                    claimed.update(todo)
                    for rule, story, sources in batch.events:
                        if (rule, story) in broke:
                            continue
                        broke.add((rule, story))
                        cur = c.execute("INSERT OR IGNORE INTO event_alerts(rule_id, story_id,"
                                        " outbox_id, sources, created_at) VALUES (?,?,?,?,?)",
                                        (rule, story, outbox_id, sources, now))
                        if cur.rowcount != 1:
                            raise _AlreadyQueued
        except _AlreadyQueued:
            return []
        return ids

    # -- delivery ---------------------------------------------------------------------------

    def due_outbox(self, now: str) -> list[sqlite3.Row]:
        """Messages to (re)try now, oldest first."""
        return self.query(
            "SELECT * FROM outbox WHERE status IN ('pending', 'failed')"
            " AND coalesce(next_attempt_at, '') <= ? ORDER BY id", (now,))

    def outbox_rows(self, status: str | None = None, limit: int = 50) -> list[sqlite3.Row]:
        """Newest first; ``status`` one of pending, sent, failed (None: all)."""
        where, params = ("WHERE status = ?", [status]) if status else ("", [])
        return self.query(f"SELECT * FROM outbox {where} ORDER BY id DESC LIMIT ?",
                          [*params, limit])

    def outbox_row(self, outbox_id: int) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
        return row

    def retry_now(self, now: str) -> int:
        """Make every failed row due now (after the operator fixed the mail settings)."""
        with self.transaction() as c:
            return c.execute("UPDATE outbox SET next_attempt_at = ? WHERE status = 'failed'",
                             (now,)).rowcount

    def outbox_counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute(
            "SELECT status, count(*) FROM outbox GROUP BY status")}

    def mark_sent(self, outbox_id: int, now: str, note: str | None = None) -> None:
        """The server accepted the message. ``note``: e.g. recipients it refused."""
        with self.transaction() as c:
            c.execute("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
                      " last_error = ?, next_attempt_at = NULL WHERE id = ?",
                      (now, note, outbox_id))

    def mark_failed(self, outbox_id: int, error: str, next_attempt_at: str) -> int:
        """Record a failed attempt; the row is retried at ``next_attempt_at``. Returns the
        number of attempts so far."""
        with self.transaction() as c:
            c.execute("UPDATE outbox SET status = 'failed', attempts = attempts + 1,"
                      " last_error = ?, next_attempt_at = ? WHERE id = ?",
                      (error, next_attempt_at, outbox_id))
            row = c.execute("SELECT attempts FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
            return int(row[0]) if row else 0

    # -- footer -----------------------------------------------------------------------------

    def feed_health(self, now: datetime, stale_after: timedelta = timedelta(days=1),
                    ) -> list[sqlite3.Row]:
        """Configured feeds that are disabled, or have not been fetched successfully for
        ``stale_after`` (a feed added less than that ago is given time)."""
        return self.query(
            "SELECT name, title, url, enabled, disabled_reason, last_success_at, last_error,"
            " last_error_at, error_count, created_at FROM feeds WHERE in_config = 1"
            " AND (enabled = 0 OR disabled_reason IS NOT NULL"
            "      OR coalesce(last_success_at, created_at) < ?) ORDER BY name",
            (iso(now - stale_after),))

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _insert_outbox(c: sqlite3.Connection, msg: OutboxWrite, now: str) -> int:
        cur = c.execute(
            "INSERT INTO outbox(kind, message_id, recipients, subject, body_text, body_html,"
            " payload, window_start, window_end, created_at, status, attempts, next_attempt_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,'pending',0,?)",
            (msg.kind, msg.message_id, dumps(list(msg.recipients)), msg.subject, msg.body_text,
             msg.body_html, msg.payload, msg.window_start, msg.window_end, now, now))
        return int(cur.lastrowid or 0)


class _AlreadyQueued(Exception):
    """Internal: roll the alert transaction back."""


def recipients_of(row: sqlite3.Row) -> list[str]:
    return [str(x) for x in json.loads(row["recipients"])]
