"""When to poll a feed next (pure: the clock and the random source are parameters).

- **Adaptive interval** (``plan_interval``): a healthy feed is polled about twice per
  publication, estimated from the dates of its latest entries, between a floor and a
  ceiling derived from the configured ``interval``:

  - floor: a quarter of the configured interval, never below ``MIN_FLOOR`` (a feed that
    publishes every two minutes is polled every ~7 minutes when configured at 30, so items
    do not roll off its window between polls);
  - ceiling: an ``interval:`` written on the feed itself is what the user asked for, so it
    is the ceiling (adapt only below it: a feed set to 60s is polled every minute, whatever
    its entry dates or hints say). Otherwise (the interval comes from ``defaults:`` or the
    built-in 30 min) the ceiling is ``CEILING`` (6 h), or that interval if longer (a feed
    silent for weeks is still looked at four times a day);
  - a publisher's hint (``<ttl>``, ``sy:updatePeriod``, ``Cache-Control: max-age``) is a
    "not more often than" and raises the interval, never above the ceiling;
  - dates that cannot be trusted (all entries stamped with the same recent instant, as feeds
    that rewrite every date on each poll do) or no dates at all: the configured interval.

- **Backoff** (``backoff``): a failing feed waits interval x 2^(errors-1), capped at
  ``MAX_BACKOFF``; a ``Retry-After`` from the server is honoured when longer (capped at
  ``MAX_BACKOFF`` too).
- **Jitter**: every delay gets up to 10% of random jitter, so feeds of one host do not fire
  together.

Each decision comes with its reason in words (``Interval.reason``), which ``watchdesk feeds``
shows next to the next poll time.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_FLOOR = 120
CEILING = 6 * 3600
MAX_BACKOFF = 24 * 3600
RECENT = 10            # how many of the newest entries the publication rate is estimated from
_FUTURE_SLACK = timedelta(minutes=10)
_REWRITTEN = timedelta(days=1)
_MAX_AGE = re.compile(r"(?:^|[,\s])(s-maxage|max-age)\s*=\s*\"?(\d+)", re.I)


@dataclass(frozen=True)
class Interval:
    """A delay before the next poll (before jitter), and why it is that long."""

    seconds: int
    reason: str


def human(seconds: float) -> str:
    """``90`` -> ``1m30s``, ``7200`` -> ``2h``, ``5400`` -> ``1h30m``, ``86400`` -> ``1d``."""
    s = int(seconds)
    out: list[str] = []
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if s >= n or (unit == "s" and not out):
            out.append(f"{s // n}{unit}")
            s %= n
        if len(out) == 2:
            break
    return "".join(out)


def bounds(configured: int, *, explicit: bool = False) -> tuple[int, int]:
    """(floor, ceiling) of the adaptive interval for a feed configured at ``configured`` s;
    ``explicit``: the interval was written on the feed, so it is also the ceiling."""
    floor = min(configured, max(MIN_FLOOR, configured // 4))
    return floor, configured if explicit else max(configured, CEILING)


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


def plan_interval(configured: int, published: Iterable[datetime], now: datetime, *,
                  explicit: bool = False, ttl: int | None = None,
                  max_age: int | None = None) -> Interval:
    """The interval of a healthy feed and its reason (see the module docstring). ``ttl``:
    the feed's ``<ttl>``/``sy:updatePeriod`` in seconds; ``max_age``: the response's
    ``Cache-Control`` max-age."""
    floor, ceiling = bounds(configured, explicit=explicit)
    dates = list(published)
    gap = publication_gap(dates, now)
    base = (f"the feed's interval: {human(configured)}" if explicit
            else f"configured {human(configured)}")
    if gap is None:
        interval = configured
        why = base + (": no entry dates" if not dates
                      else ": entry dates rewritten on each poll, so not used")
    else:
        wanted = gap / 2
        interval = int(min(max(wanted, floor), ceiling))
        rate = f"one entry every ~{human(gap)}"
        if wanted > ceiling and explicit:
            why = f"{base}, the most it waits ({rate} would allow longer)"
        elif wanted > ceiling:
            why = f"adaptive, at its ceiling {human(ceiling)}: {rate}"
        elif wanted < floor:
            why = f"adaptive, at its floor {human(floor)}: {rate}"
        else:
            why = f"adaptive {human(interval)}: {rate}, polled twice per entry"
    hints = [(h, name) for h, name in ((ttl, "the feed's ttl"),
                                       (max_age, "Cache-Control max-age")) if h]
    if hints:
        hint, source = max(hints)
        raised = min(hint, ceiling)
        if raised > interval:
            capped = "" if raised == hint else (
                " (the feed's interval: is the most)" if explicit
                else f" (capped at {human(ceiling)})")
            why = (f"{human(raised)}: {source} asks for at most one poll per {human(hint)}"
                   f"{capped}; without it: {why}")
            interval = raised
    return Interval(interval, why)


def adaptive_interval(configured: int, published: Iterable[datetime], now: datetime, *,
                      hint: int | None = None, explicit: bool = False) -> int:
    """Seconds until the next poll of a healthy feed, before jitter (see module docstring)."""
    return plan_interval(configured, published, now, explicit=explicit, ttl=hint).seconds


def kept_interval(previous: int | None, configured: int, *, explicit: bool = False,
                  ) -> Interval | None:
    """After a 304 the last computed interval is kept, brought within today's bounds (the
    configuration may have changed since); None when it stands as it is."""
    if previous is None:
        return None
    floor, ceiling = bounds(configured, explicit=explicit)
    if floor <= previous <= ceiling:
        return None
    clamped = min(max(previous, floor), ceiling)
    base = (f"the feed's interval: {human(configured)}" if explicit
            else f"configured {human(configured)}")
    return Interval(clamped, f"{base}: the {human(previous)} kept from the last change is "
                    "outside its bounds now")


def backoff(configured: int, errors: int, retry_after: float | None = None) -> Interval:
    """The delay of a feed whose last ``errors`` polls failed, and why."""
    delay = min(configured * 2 ** min(errors - 1, 20), MAX_BACKOFF)
    why = (f"backoff after {errors} error(s): {human(configured)} x {2 ** min(errors - 1, 20)}"
           if delay < MAX_BACKOFF else f"backoff after {errors} errors, at its cap "
           f"{human(MAX_BACKOFF)}") if errors > 1 else f"retry after 1 error: {human(delay)}"
    if retry_after and retry_after > delay:
        honoured = min(retry_after, MAX_BACKOFF)
        why = (f"the server's Retry-After: {human(retry_after)}"
               + (f", capped at {human(MAX_BACKOFF)}" if honoured < retry_after else "")
               + f" (backoff alone: {human(delay)})")
        delay = int(honoured)
    return Interval(int(delay), why)


def next_poll_delay(interval: int, *, errors: int = 0, retry_after: float | None = None,
                    rng: random.Random | None = None) -> float:
    """Seconds until the next poll: ``interval`` when healthy, backoff when failing, jittered."""
    delay = backoff(interval, errors, retry_after).seconds if errors > 0 else interval
    return jittered(delay, rng)


def jittered(delay: float, rng: random.Random | None = None) -> float:
    r = rng or random
    return float(delay + r.uniform(0, 0.1 * delay))


def next_poll_at(now: datetime, interval: int, *, errors: int = 0,
                 retry_after: float | None = None, rng: random.Random | None = None,
                 ) -> datetime:
    return now + timedelta(seconds=next_poll_delay(interval, errors=errors,
                                                   retry_after=retry_after, rng=rng))
