"""The week at a glance (pure): per rule, matches per day over the last ``DAYS`` days, and
today against the average, for the foot of the digest.

A "day" is the 24 hours ending at the digest's time, then the 24 hours before, and so on:
the last bar is what this digest covers (a daily digest at 07:00 covers 07:00 to 07:00), so
it compares with the others, which a calendar day cut at 07:00 would not. The store counts
(``Store.daily_matches``); this module only shapes and judges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

DAYS = 14


@dataclass(frozen=True)
class Glance:
    """One rule's last ``DAYS`` days, oldest first."""

    rule_id: str
    title: str
    counts: tuple[int, ...]
    ends: tuple[datetime, ...]      # end of each day, in the digest's time zone

    @property
    def today(self) -> int:
        return self.counts[-1]

    @property
    def average(self) -> float:
        return sum(self.counts) / len(self.counts)

    @property
    def peak(self) -> int:
        return max(self.counts)

    @property
    def level(self) -> str:
        """How today compares with the average: none (nothing in the whole period), new
        (nothing before today), far (at least twice the average), above, usual (within a
        quarter of it), below."""
        if not self.peak:
            return "none"
        if not any(self.counts[:-1]):
            return "new"
        avg = self.average
        if self.today >= 2 * avg and self.today >= 2:
            return "far"
        if self.today > 1.25 * avg:
            return "above"
        if self.today >= 0.75 * avg:
            return "usual"
        return "below"

    @property
    def ratio(self) -> float:
        return self.today / self.average if self.average else 0.0

    def height(self, i: int, px: int = 36) -> int:
        """Bar height in pixels for day ``i`` (at least 2 px when not zero, so one match
        shows)."""
        n = self.counts[i]
        return 0 if not n else max(2, round(px * n / self.peak))


def glance(counts: Mapping[str, Sequence[int]], titles: Mapping[str, str],
           order: Sequence[str], now: datetime) -> tuple[Glance, ...]:
    """One ``Glance`` per rule: those of ``order`` first (the digest's order), then the other
    rules that matched in the period, then the known rules that did not (a flat line says
    so). ``counts[rule]`` holds ``DAYS`` numbers, oldest first."""
    ends = tuple(now - timedelta(days=DAYS - 1 - i) for i in range(DAYS))
    rules = list(dict.fromkeys([*order, *sorted(r for r in counts if any(counts[r])),
                                *sorted(titles)]))
    out = []
    for rule in rules:
        c = tuple(counts.get(rule, ())) or (0,) * DAYS
        if len(c) != DAYS:
            raise ValueError(f"{rule}: {len(c)} days of counts, expected {DAYS}")
        out.append(Glance(rule, titles.get(rule) or rule, c, ends))
    return tuple(out)


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(g: Glance) -> str:
    """The bars in text: one block character per day, a middle dot for none."""
    if not g.peak:
        return "·" * len(g.counts)
    return "".join(SPARK[min(len(SPARK) - 1, (len(SPARK) * n - 1) // g.peak)] if n else "·"
                   for n in g.counts)
