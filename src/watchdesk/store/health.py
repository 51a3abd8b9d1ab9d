"""What ``watchdesk status`` reads: plain numbers and rows about feeds, fetches and the outbox.

Read-only queries; the decisions about them are ``status.assess`` (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .walls import WallsMixin

_ACTIVE = "in_config = 1 AND enabled = 1 AND disabled_reason IS NULL"


@dataclass(frozen=True)
class HealthRows:
    feeds_total: int                    # in feeds.yaml
    feeds_active: int
    feeds_off: int
    last_success_at: str | None         # latest successful fetch of any feed
    most_overdue_at: str | None         # earliest next poll of an active feed
    last_cycle_at: str | None           # max(fetches.started_at)
    failing: list[dict[str, Any]]       # active feeds whose last fetch failed
    disabled: list[dict[str, Any]]      # disabled by watchdesk (disabled_reason)
    outbox_pending: int
    outbox_failed: int
    oldest_undelivered_at: str | None
    outbox_last_error: str | None
    walls: list[tuple[str, int]] = field(default_factory=list)  # (feed, pages that hit a wall)


class HealthMixin(WallsMixin):
    def health_rows(self) -> HealthRows:
        def one(sql: str) -> Any:
            row = self.conn.execute(sql).fetchone()
            return None if row is None else row[0]

        counts = self.conn.execute(
            f"SELECT count(*), coalesce(sum({_ACTIVE}), 0),"
            " coalesce(sum(enabled = 0 AND disabled_reason IS NULL), 0),"
            " max(last_success_at), min(CASE WHEN " + _ACTIVE +
            " THEN coalesce(next_poll_at, created_at) END) FROM feeds WHERE in_config = 1"
        ).fetchone()
        failing = [dict(r) for r in self.conn.execute(
            f"SELECT * FROM feeds WHERE {_ACTIVE} AND error_count > 0 ORDER BY name")]
        disabled = [dict(r) for r in self.conn.execute(
            "SELECT * FROM feeds WHERE in_config = 1 AND disabled_reason IS NOT NULL"
            " ORDER BY name")]
        outbox = dict(self.conn.execute(
            "SELECT status, count(*) FROM outbox WHERE status IN ('pending', 'failed')"
            " GROUP BY status").fetchall())
        return HealthRows(
            feeds_total=counts[0], feeds_active=counts[1], feeds_off=counts[2],
            last_success_at=counts[3], most_overdue_at=counts[4],
            # = max(fetches.started_at), from the feeds rather than the fetch log's rows
            last_cycle_at=one("SELECT max(last_polled_at) FROM feeds"),
            failing=failing, disabled=disabled,
            outbox_pending=outbox.get("pending", 0), outbox_failed=outbox.get("failed", 0),
            oldest_undelivered_at=one("SELECT min(created_at) FROM outbox"
                                      " WHERE status IN ('pending', 'failed')"),
            outbox_last_error=one("SELECT last_error FROM outbox WHERE status = 'failed'"
                                  " ORDER BY coalesce(next_attempt_at, created_at) DESC LIMIT 1"),
            walls=self.wall_counts(),
        )
