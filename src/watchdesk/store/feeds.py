"""Feeds: configuration sync, what is due, and the outcome of each poll."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from ..models import FeedConfig, FeedState, PollResult
from .base import StoreBase, dumps, iso

_FEED_COLUMNS = (
    "id, name, url, tags, interval_s, fetch_articles, enabled, etag, last_modified, "
    "error_count, next_poll_at, last_polled_at, disabled_reason, poll_interval_s, "
    "interval_explicit, kind, selectors, max_entries"
)


def _state(row: sqlite3.Row) -> FeedState:
    return FeedState(
        id=row["id"], name=row["name"], url=row["url"], tags=tuple(json.loads(row["tags"])),
        interval=row["interval_s"], fetch_articles=bool(row["fetch_articles"]),
        enabled=bool(row["enabled"]), etag=row["etag"], last_modified=row["last_modified"],
        error_count=row["error_count"], next_poll_at=row["next_poll_at"],
        last_polled_at=row["last_polled_at"], disabled_reason=row["disabled_reason"],
        poll_interval=row["poll_interval_s"], interval_explicit=bool(row["interval_explicit"]),
        kind=row["kind"], select=tuple(json.loads(row["selectors"] or "{}").items()),
        max_entries=row["max_entries"],
    )


def _selectors(f: FeedConfig) -> str | None:
    return dumps(dict(f.select)) if f.select else None


class FeedsMixin(StoreBase):
    def sync_feeds(self, configs: Iterable[FeedConfig], now: datetime) -> None:
        """Make the feeds table agree with feeds.yaml (feeds are matched by name).

        A feed whose configured URL is unchanged keeps the URL it was permanently redirected
        to; a feed whose configured URL changed starts afresh (and is re-enabled if it had
        been disabled as gone). Feeds removed from the file are kept (their articles stay)
        but no longer polled.
        """
        with self.transaction() as c:
            existing = {r["name"]: r for r in c.execute(
                "SELECT id, name, config_url, interval_s, interval_explicit, kind FROM feeds")}
            seen = set()
            for f in configs:
                seen.add(f.name)
                row = existing.get(f.name)
                if row is None:
                    c.execute(
                        "INSERT INTO feeds(name, url, config_url, tags, interval_s, fetch_articles,"
                        " enabled, in_config, created_at, interval_explicit, kind, selectors,"
                        " max_entries) VALUES (?,?,?,?,?,?,?,1,?,?,?,?,?)",
                        (f.name, f.url, f.url, dumps(list(f.tags)), f.interval,
                         int(f.fetch_articles), int(f.enabled), iso(now),
                         int(f.interval_explicit), f.kind, _selectors(f), f.max_entries))
                    continue
                c.execute(
                    "UPDATE feeds SET tags=?, interval_s=?, fetch_articles=?, enabled=?,"
                    " in_config=1, interval_explicit=?, kind=?, selectors=?, max_entries=?"
                    " WHERE id=?",
                    (dumps(list(f.tags)), f.interval, int(f.fetch_articles), int(f.enabled),
                     int(f.interval_explicit), f.kind, _selectors(f), f.max_entries,
                     row["id"]))
                if (row["interval_s"], bool(row["interval_explicit"])) != (
                        f.interval, f.interval_explicit):
                    # A new interval applies now: poll at the next tick and adapt afresh,
                    # instead of waiting out a delay computed under the old one.
                    c.execute("UPDATE feeds SET next_poll_at=NULL, poll_interval_s=NULL,"
                              " next_poll_reason='interval changed in feeds.yaml' WHERE id=?",
                              (row["id"],))
                if row["config_url"] != f.url or row["kind"] != f.kind:
                    # a new URL, or the same URL read as another kind: start afresh
                    c.execute(
                        "UPDATE feeds SET url=?, config_url=?, etag=NULL, last_modified=NULL,"
                        " redirected_from=NULL, disabled_reason=NULL, error_count=0,"
                        " next_poll_at=NULL WHERE id=?", (f.url, f.url, row["id"]))
            for name, row in existing.items():
                if name not in seen:
                    c.execute("UPDATE feeds SET in_config=0 WHERE id=?", (row["id"],))

    def feeds(self, *, active_only: bool = False) -> list[FeedState]:
        where = (" WHERE in_config=1 AND enabled=1 AND disabled_reason IS NULL"
                 if active_only else "")
        return [_state(r) for r in self.conn.execute(
            f"SELECT {_FEED_COLUMNS} FROM feeds{where} ORDER BY name")]

    def due_feeds(self, now: datetime) -> list[FeedState]:
        """Active feeds whose next poll time has come (never polled ones first)."""
        return [_state(r) for r in self.conn.execute(
            f"SELECT {_FEED_COLUMNS} FROM feeds WHERE in_config=1 AND enabled=1"
            " AND disabled_reason IS NULL AND (next_poll_at IS NULL OR next_poll_at <= ?)"
            " ORDER BY next_poll_at IS NOT NULL, next_poll_at, name", (iso(now),))]

    def next_due_at(self) -> str | None:
        row = self.conn.execute(
            "SELECT min(coalesce(next_poll_at, '')) FROM feeds WHERE in_config=1 AND enabled=1"
            " AND disabled_reason IS NULL").fetchone()
        return row[0] if row else None

    def _record_poll(self, c: sqlite3.Connection, r: PollResult) -> None:
        """Write a poll's outcome: feed state and a row in the fetches log."""
        if r.ok:
            c.execute(
                "UPDATE feeds SET last_polled_at=?, last_success_at=?, last_status=?,"
                " last_error=NULL, error_count=0, next_poll_at=?,"
                " etag=CASE WHEN ? THEN etag ELSE ? END,"
                " last_modified=CASE WHEN ? THEN last_modified ELSE ? END,"
                " title=coalesce(?, title), site_url=coalesce(?, site_url),"
                " poll_interval_s=coalesce(?, poll_interval_s),"
                " next_poll_reason=coalesce(?, next_poll_reason),"
                " last_warning=CASE WHEN ? THEN last_warning ELSE ? END WHERE id=?",
                (r.started_at, r.started_at, r.status, r.next_poll_at,
                 r.not_modified, r.etag, r.not_modified, r.last_modified,
                 r.feed_title, r.site_url, r.poll_interval, r.schedule_reason,
                 r.not_modified, r.warning, r.feed_id))
        else:
            c.execute(
                "UPDATE feeds SET last_polled_at=?, last_status=?, last_error=?, last_error_at=?,"
                " error_count=error_count+1, next_poll_at=?, next_poll_reason=? WHERE id=?",
                (r.started_at, r.status, r.error, r.started_at, r.next_poll_at,
                 r.schedule_reason, r.feed_id))
        if r.new_url:
            c.execute("UPDATE feeds SET redirected_from=url, url=?, etag=NULL, last_modified=NULL"
                      " WHERE id=?", (r.new_url, r.feed_id))
        if r.gone:
            c.execute("UPDATE feeds SET disabled_reason=? WHERE id=?",
                      (f"410 Gone at {r.started_at}: the publisher removed this feed; "
                       "change its url in feeds.yaml to re-enable it", r.feed_id))
        c.execute(
            "INSERT INTO fetches(feed_id, started_at, status, bytes, ms, new, updated, error)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (r.feed_id, r.started_at, r.status, r.bytes, r.ms, r.new, r.updated, r.error))

    def feed_status_counts(self) -> dict[str, int]:
        """Configured feeds by status, named as ``watchdesk feeds`` names them."""
        return {r[0]: r[1] for r in self.conn.execute(
            "SELECT CASE WHEN disabled_reason IS NOT NULL THEN 'disabled'"
            " WHEN NOT enabled THEN 'off' WHEN last_error IS NOT NULL THEN 'failing'"
            " WHEN last_polled_at IS NOT NULL THEN 'ok' ELSE 'new' END AS status, count(*)"
            " FROM feeds WHERE in_config = 1 GROUP BY status")}

    def feed_report(self) -> list[sqlite3.Row]:
        """One row per configured feed for ``watchdesk feeds``."""
        return self.query(
            """
            SELECT f.*, f.entry_count AS articles,
                   (SELECT count(*) FROM fetches x WHERE x.feed_id = f.id
                      AND x.error IS NOT NULL) AS errors,
                   (SELECT count(*) FROM articles a WHERE a.feed_id = f.id
                      AND a.wall IS NOT NULL) AS walls,
                   (SELECT count(*) FROM articles a WHERE a.feed_id = f.id
                      AND a.truncated IS NOT NULL) AS truncated
            FROM feeds f WHERE f.in_config = 1 ORDER BY f.name
            """)
