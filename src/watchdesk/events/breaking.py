"""When a story is breaking (pure): enough outlets reporting one event fast enough.

A rule with ``alert_when: {sources: 3, within: 60m}`` alerts once when one of its events has
been reported by at least ``sources`` distinct feeds within ``within`` seconds of each other.
The reports are the event's articles, each counted at its own time (publication, else fetch:
``index.event_time``) and once per feed that carried it (one URL in two feeds is two
reports); the first window that holds enough feeds decides. The notifier asks this of the
recent events of such rules, and records the alert so that it is sent once per event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Broke:
    """The first window in which the event reached ``sources`` feeds."""

    feeds: tuple[str, ...]   # the distinct feeds of that window, first to report first
    start: float             # the first report's time (seconds since the epoch)
    end: float               # the report that made it enough

    @property
    def minutes(self) -> int:
        """How long it took, rounded up to a minute (at least 1)."""
        return max(1, -(-int(self.end - self.start) // 60))


def breaking(reports: Iterable[tuple[str, float]], sources: int,
             within: float) -> Broke | None:
    """The first window of ``within`` seconds in which ``sources`` distinct feeds reported
    the event (``reports``: (feed, time) pairs, in any order), or None."""
    ordered = sorted(reports, key=lambda r: (r[1], r[0]))
    inside: Counter[str] = Counter()
    left = 0
    for right, (feed, at) in enumerate(ordered):
        inside[feed] += 1
        while at - ordered[left][1] > within:
            old = ordered[left][0]
            inside[old] -= 1
            if not inside[old]:
                del inside[old]
            left += 1
        if len(inside) >= sources:
            feeds = tuple(dict.fromkeys(f for f, _ in ordered[left:right + 1]))
            return Broke(feeds, ordered[left][1], at)
    return None
