"""ISO 8601 times, written and read one way wherever watchdesk keeps one (pure).

The database, the Atom feeds and the sources' dates write UTC with a ``Z`` at second
precision (:func:`iso`). Reading one back has two behaviours, each a contract of its callers:

- :func:`parse_iso` for times watchdesk wrote itself (the database): a malformed one is a
  bug, so it raises ValueError;
- :func:`read_iso` for times that may come from elsewhere (a feed, a page, an old row): one
  that cannot be read is ``None``, and the caller goes on without it.

Both take ``Z`` for UTC and give ``None`` for an empty or missing time; a time without a zone
comes back naive (the caller decides what it means).
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["iso", "parse_iso", "read_iso"]


def iso(dt: datetime) -> str:
    """UTC ISO 8601 with a Z, second precision: the one timestamp format in the database."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str | None) -> datetime | None:
    """``text`` as a datetime (None if empty); ValueError if it is not ISO 8601."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def read_iso(text: str | None) -> datetime | None:
    """``text`` as a datetime, or None if it is empty or not ISO 8601 (never raises)."""
    try:
        return parse_iso(text)
    except ValueError:
        return None
