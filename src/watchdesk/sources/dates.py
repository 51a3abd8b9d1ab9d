"""Dates as sources without a feed write them, to UTC ISO 8601 (pure).

Sitemaps use W3C datetimes (``2025-06-07``, ``2025-06-07T10:12:00+02:00``), listing pages
and Telegram a ``<time datetime="...">`` attribute or an RFC 2822 date. A date that cannot be
read is ``None``: the entry is kept, undated (never a crash of the poll).
"""

from __future__ import annotations

import email.utils
from datetime import UTC

from ..dates import iso, read_iso


def iso_date(text: str | None) -> str | None:
    """``text`` as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC, or None when it is not a date we can read.

    A date without a time is midnight UTC; a time without a zone is taken as UTC.
    """
    if not text:
        return None
    value = text.strip()[:64]
    when = read_iso(value.replace("z", "Z"))
    if when is None:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if when is None or not 1900 <= when.year <= 2200:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return iso(when)
