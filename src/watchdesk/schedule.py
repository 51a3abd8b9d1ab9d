"""When to poll a feed next (pure: the clock and the random source are parameters).

- **Adaptive interval** (``adaptive_interval``): a healthy feed is polled about twice per
  publication, estimated from the dates of its latest entries, between a floor and a
  ceiling derived from the configured ``interval``:

  - floor: a quarter of the configured interval, never below ``MIN_FLOOR`` (a feed that
    publishes every two minutes is polled every ~7 minutes when configured at 30, so items
    do not roll off its window between polls);
  - ceiling: ``CEILING`` (6 h), or the configured interval if that is longer (a feed silent
    for weeks is still looked at four times a day);
  - a publisher's hint (``<ttl>``, ``sy:updatePeriod``, ``Cache-Control: max-age``) is a
    "not more often than" and raises the interval, never above the ceiling;
  - dates that cannot be trusted (all entries stamped with the same recent instant, as feeds
    that rewrite every date on each poll do) or no dates at all: the configured interval.

- **Backoff**: a failing feed waits interval x 2^(errors-1), capped at ``MAX_BACKOFF``; a
  ``Retry-After`` from the server is honoured when longer (capped at ``MAX_BACKOFF`` too).
- **Jitter**: every delay gets up to 10% of random jitter, so feeds of one host do not fire
  together.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

MIN_FLOOR = 120
CEILING = 6 * 3600
MAX_BACKOFF = 24 * 3600
RECENT = 10            # how many of the newest entries the publication rate is estimated from
_FUTURE_SLACK = timedelta(minutes=10)
_REWRITTEN = timedelta(days=1)
_MAX_AGE = re.compile(r"(?:^|[,\s])(s-maxage|max-age)\s*=\s*\"?(\d+)", re.I)


def bounds(configured: int) -> tuple[int, int]:
    """(floor, ceiling) of the adaptive interval for a feed configured at ``configured`` s."""
    floor = min(configured, max(MIN_FLOOR, configured // 4))
    return floor, max(configured, CEILING)


def publication_gap(published: Iterable[datetime], now: datetime) -> float | None:
    """Estimated seconds between publications, from the newest ``RECENT`` entry dates.

    ``(now - oldest of them) / count``: measured up to *now*, so a feed that published ten
    items an hour apart last month is quiet, not busy. None when the dates say nothing.
    """
    dates = sorted((d for d in published if d <= now + _FUTURE_SLACK), reverse=True)[:RECENT]
    if not dates:
        return None
    if len(dates) > 1 and dates[0] == dates[-1] and now - dates[0] < _REWRITTEN:
        return None  # every entry stamped with one recent instant: dates rewritten per poll
    return max(0.0, (now - dates[-1]).total_seconds()) / len(dates)


def max_age(headers: Mapping[str, str]) -> int | None:
    """``Cache-Control: max-age`` (or ``s-maxage``) in seconds, if any (keys lower-case)."""
    cc = headers.get("cache-control", "")
    if "no-cache" in cc.lower() or "no-store" in cc.lower():
        return None
    ages = [int(m.group(2)) for m in _MAX_AGE.finditer(cc)]
    return max(ages) if ages else None


def adaptive_interval(configured: int, published: Iterable[datetime], now: datetime, *,
                      hint: int | None = None) -> int:
    """Seconds until the next poll of a healthy feed, before jitter (see module docstring)."""
    floor, ceiling = bounds(configured)
    gap = publication_gap(published, now)
    interval = configured if gap is None else int(min(max(gap / 2, floor), ceiling))
    if hint and hint > interval:
        interval = min(hint, ceiling)
    return interval


def next_poll_delay(interval: int, *, errors: int = 0, retry_after: float | None = None,
                    rng: random.Random | None = None) -> float:
    """Seconds until the next poll: ``interval`` when healthy, backoff when failing, jittered."""
    r = rng or random
    if errors > 0:
        delay = min(interval * 2 ** min(errors - 1, 20), MAX_BACKOFF)
        if retry_after:
            delay = max(delay, min(retry_after, MAX_BACKOFF))
    else:
        delay = interval
    return float(delay + r.uniform(0, 0.1 * delay))


def next_poll_at(now: datetime, interval: int, *, errors: int = 0,
                 retry_after: float | None = None, rng: random.Random | None = None,
                 ) -> datetime:
    return now + timedelta(seconds=next_poll_delay(interval, errors=errors,
                                                   retry_after=retry_after, rng=rng))
