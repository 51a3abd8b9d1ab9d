"""Durations, read one way wherever watchdesk takes one: ``90s``, ``15m``, ``2h``, ``1d``,
``2w``.

Four places take a duration: feeds.yaml's ``interval`` (also under ``defaults:``), a rule's
``alert_when.within``, the CLI's ``--since`` and the web's ``?since=``; and the retention
settings ``WATCHDESK_KEEP_*`` read their days through it (``config.settings._keep``, which
adds years and bare days, and keeps whole days only). They all read it here,
with one grammar: a whole number (ASCII digits), then a unit among ``s`` (seconds), ``m``
(minutes), ``h`` (hours), ``d`` (days) and ``w`` (weeks), in either case, with spaces allowed
around and between (``"15m"``, ``" 3 d "``, ``"2W"``). Nothing else: no fractions, no signs,
no words (``15 min``), no combinations (``1h30m``).

What a **bare number** means is the one difference, and each side of it is a contract:

- in a file (``interval: 900``, ``within: 600``, YAML giving an int or a string), a bare
  number is **seconds**, as those keys have been documented from the start; files written
  that way keep their meaning (``bare="seconds"``);
- typed on a command line or in a URL (``--since 30``), a bare number is **refused**, with
  the fix (``30d for 30 days``): 30 what? is a guess either way, and a wrong guess silently
  shows the wrong window (``bare="refused"``).

Bounds belong to the caller, which knows the field and says the file and line: an
``interval`` is at least 60 s, a ``within`` at least 1 s. The JSON schemas of feeds.yaml and
of the rule files check the same grammar with :data:`PATTERN` (a test keeps them equal), so a
mistake is reported at its place before this module is reached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

__all__ = ["PATTERN", "POSITIVE_PATTERN", "UNITS", "Since", "parse_duration", "parse_since",
           "since_iso"]

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# The grammar as the schemas write it (``pattern``: no inline flags, so both cases listed);
# POSITIVE_PATTERN also leaves out zero, for ``within`` (at least 1 s). Digits are ASCII,
# as the schemas always had them (``--since`` took any script's digits through ``\d``, an
# accident never documented; one grammar cannot say "not zero" in seventy scripts).
PATTERN = r"^\s*[0-9]+\s*[smhdwSMHDW]?\s*$"
POSITIVE_PATTERN = r"^\s*0*[1-9][0-9]*\s*[smhdwSMHDW]?\s*$"
_DURATION = re.compile(r"\s*([0-9]+)\s*([smhdw]?)\s*", re.I)
_EXAMPLES = "90s, 15m, 2h, 1d, 2w"


def parse_duration(value: str | int, *,
                   bare: Literal["seconds", "refused"] = "seconds") -> int:
    """``value`` in seconds: ``"15m"`` → 900; a bare number (``90``, ``"90"``) is seconds,
    or a ValueError giving the fix when ``bare="refused"``. Raises ValueError saying what is
    wrong and what to write instead."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"not a duration: {value!r} (write e.g. {_EXAMPLES})")
    if isinstance(value, int):
        text = str(value)
        if value < 0:
            raise ValueError(f"not a duration: {value!r} (write e.g. {_EXAMPLES})")
    else:
        text = value
    m = _DURATION.fullmatch(text)
    if not m:
        raise ValueError(f"not a duration: {value!r} (write e.g. {_EXAMPLES})")
    n, unit = int(m[1]), m[2].lower()
    if not unit:
        if bare == "refused":
            raise ValueError(f"{n} needs a unit: {n}d for {n} days (or {n}h, {n}m, {n}w)")
        unit = "s"
    return n * UNITS[unit]


@dataclass(frozen=True)
class Since:
    """A ``--since`` value: as written, and in seconds."""

    text: str
    seconds: int

    def __str__(self) -> str:
        return self.text


def parse_since(value: str) -> Since:
    """How far back people look: ``90m``, ``24h``, ``7d``, ``2w`` (also ``30s``), as the CLI's
    ``--since`` and the web's ``?since=`` take it. A number needs its unit: ``30`` is
    refused, with the fix, rather than read as seconds or days."""
    return Since(value.strip(), parse_duration(value, bare="refused"))


def since_iso(value: Since) -> str:
    """The moment ``value`` before now, as the store writes times."""
    from .store import iso  # not at import: rules and feeds files are read without it

    return iso(datetime.now(UTC) - timedelta(seconds=value.seconds))
