"""How far back people look: ``90m``, ``24h``, ``7d``, ``2w``, as the CLI's ``--since`` and
the web's ``?since=`` take it (one reading for both, so a window means the same on each)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .store import iso

_SINCE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SINCE = re.compile(r"\s*(\d+)\s*([smhdw])\s*", re.I)


@dataclass(frozen=True)
class Since:
    """A ``--since`` value: as written, and in seconds."""

    text: str
    seconds: int

    def __str__(self) -> str:
        return self.text


def parse_since(value: str) -> Since:
    """``90m``, ``24h``, ``7d``, ``2w`` (also ``30s``). A number needs its unit: ``30`` is
    refused, with the fix, rather than read as seconds or days."""
    m = _SINCE.fullmatch(value)
    if m:
        return Since(value.strip(), int(m[1]) * _SINCE_UNITS[m[2].lower()])
    if value.strip().isdigit():
        n = value.strip()
        raise ValueError(f"{n} needs a unit: {n}d for {n} days (or {n}h, {n}m, {n}w)")
    raise ValueError(f"not a duration: {value!r} (write e.g. 90m, 24h, 7d, 2w)")


def since_iso(value: Since) -> str:
    """The moment ``value`` before now, as the store writes times."""
    return iso(datetime.now(UTC) - timedelta(seconds=value.seconds))
