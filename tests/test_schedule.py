"""When a feed is polled next: adaptive interval, hints, backoff, jitter (pure functions)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from watchdesk.schedule import (
    CEILING,
    MAX_BACKOFF,
    Interval,
    adaptive_interval,
    backoff,
    bounds,
    kept_interval,
    max_age,
    next_poll_delay,
    plan_interval,
    publication_gap,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
M, H, D = 60, 3600, 86400


def every(seconds: float, n: int, *, since: float | None = None) -> list[datetime]:
    """n dates, one every ``seconds``, the newest ``since`` seconds ago (default: one gap)."""
    first = seconds if since is None else since
    return [NOW - timedelta(seconds=first + i * seconds) for i in range(n)]


@pytest.mark.parametrize(("configured", "floor", "ceiling"), [
    (1800, 450, CEILING),        # 30 min: down to 7.5 min, up to 6 h
    (300, 120, CEILING),         # 5 min: never below 2 min
    (60, 60, CEILING),           # the operator asked for 1 min: that is the floor
    (12 * H, 3 * H, 12 * H),     # configured beyond 6 h: that is the ceiling
])
def test_bounds(configured: int, floor: int, ceiling: int) -> None:
    assert bounds(configured) == (floor, ceiling)


@pytest.mark.parametrize(("why", "dates", "hint", "expected"), [
    ("busy wire: every 2 min -> floor", every(2 * M, 20), None, 450),
    ("every 20 min -> twice per item", every(20 * M, 10), None, 600),
    ("hourly -> 30 min (= configured)", every(H, 10), None, 1800),
    ("every 4 h -> 2 h", every(4 * H, 10), None, 2 * H),
    ("daily -> ceiling", every(D, 10), None, CEILING),
    ("busy last month, silent since -> ceiling", every(M, 10, since=30 * D), None, CEILING),
    ("one item a minute ago -> floor", every(M, 1), None, 450),
    ("no dates -> configured", [], None, 1800),
    ("all stamped now (dates rewritten each poll) -> configured", [NOW] * 10, None, 1800),
    ("all stamped with one old date -> quiet", [NOW - timedelta(days=900)] * 10, None, CEILING),
    ("future dates are ignored", [NOW + timedelta(days=3)] * 3 + every(H, 10), None, 1800),
    ("ttl of 1 h lengthens a busy feed", every(2 * M, 20), H, H),
    ("ttl shorter than the estimate changes nothing", every(4 * H, 10), H, 2 * H),
    ("ttl of a week is capped at the ceiling", every(2 * M, 20), 7 * D, CEILING),
    ("hint without dates", [], 2 * H, 2 * H),
])
def test_adaptive_interval(why: str, dates: list[datetime], hint: int | None,
                           expected: int) -> None:
    assert adaptive_interval(1800, dates, NOW, hint=hint) == expected, why


def test_only_the_newest_entries_count() -> None:
    # 10 fresh items a minute apart, then 90 old ones: the feed is busy now
    dates = every(M, 10) + every(D, 90, since=2 * D)
    assert publication_gap(dates, NOW) == pytest.approx(60.0)


@pytest.mark.parametrize(("header", "seconds"), [
    ("max-age=600", 600),
    ("public, max-age=300, s-maxage=900", 900),
    ('max-age="120"', 120),
    ("no-cache, max-age=600", None),
    ("private", None),
    ("", None),
])
def test_cache_control_max_age(header: str, seconds: int | None) -> None:
    assert max_age({"cache-control": header} if header else {}) == seconds


class Lowest(random.Random):
    """A random source whose uniform() is always its lower bound (no jitter)."""

    def uniform(self, a: float, b: float) -> float:
        return a


class Highest(random.Random):
    """A random source whose uniform() is always its upper bound (maximal jitter)."""

    def uniform(self, a: float, b: float) -> float:
        return b


@pytest.mark.parametrize(("errors", "retry_after", "expected"), [
    (0, None, 1800),
    (1, None, 1800),
    (2, None, 3600),
    (4, None, 4 * 3600),
    (30, None, MAX_BACKOFF),                  # capped
    (1, 7200, 7200),                          # Retry-After longer than the backoff wins
    (3, 60, 7200),                            # ... and never shortens it
    (1, 10 * 86400, MAX_BACKOFF),             # an absurd Retry-After is capped too
])
def test_backoff_and_retry_after(errors: int, retry_after: float | None,
                                 expected: float) -> None:
    low = next_poll_delay(1800, errors=errors, retry_after=retry_after, rng=Lowest())
    high = next_poll_delay(1800, errors=errors, retry_after=retry_after, rng=Highest())
    assert low == expected and high == pytest.approx(expected * 1.1)


def test_jitter_spreads_feeds_of_one_host() -> None:
    rng = random.Random(4)
    delays = {round(next_poll_delay(1800, rng=rng)) for _ in range(50)}
    assert len(delays) > 40 and min(delays) >= 1800 and max(delays) <= 1980


# -- an interval written on the feed is the ceiling; every decision says why -----------------

@pytest.mark.parametrize(("why", "configured", "dates", "ttl", "seconds", "reason"), [
    ("asked for 60s, old entries: still 60s (it was 6 h)", 60, every(D, 10), None, 60,
     "the feed's interval: 1m, the most it waits (one entry every ~1d would allow longer)"),
    ("asked for 60s, a ttl of 1 h: still 60s", 60, every(D, 10), H, 60,
     "the feed's interval: 1m, the most it waits"),
    ("asked for 30m, busy wire: adapts below it", 1800, every(2 * M, 20), None, 450,
     "adaptive, at its floor 7m30s: one entry every ~2m"),
    ("asked for 2h, every 2 h: twice per entry", 2 * H, every(2 * H, 10), None, H,
     "adaptive 1h: one entry every ~2h, polled twice per entry"),
    ("asked for 30m, a ttl of 20 min raises a busy feed to it", 1800, every(2 * M, 20),
     20 * M, 20 * M, "20m: the feed's ttl asks for at most one poll per 20m; without it: "
     "adaptive, at its floor 7m30s"),
    ("asked for 30m, a ttl of 2 h: capped by the interval", 1800, every(2 * M, 20), 2 * H,
     1800, "30m: the feed's ttl asks for at most one poll per 2h (the feed's interval: is the"
     " most)"),
    ("asked for 15m, no dates", 900, [], None, 900, "the feed's interval: 15m: no entry dates"),
])
def test_explicit_interval_is_the_ceiling(why: str, configured: int, dates: list[datetime],
                                          ttl: int | None, seconds: int, reason: str) -> None:
    got = plan_interval(configured, dates, NOW, explicit=True, ttl=ttl)
    assert got.seconds == seconds, why
    assert got.reason.startswith(reason), (why, got.reason)


@pytest.mark.parametrize(("dates", "max_age", "seconds", "reason"), [
    (every(D, 10), None, CEILING, "adaptive, at its ceiling 6h: one entry every ~1d"),
    (every(4 * H, 10), None, 2 * H, "adaptive 2h: one entry every ~4h, polled twice per entry"),
    ([NOW] * 10, None, 1800, "configured 30m: entry dates rewritten on each poll, so not used"),
    (every(2 * M, 20), H, H, "1h: Cache-Control max-age asks for at most one poll per 1h"),
])
def test_interval_from_defaults_adapts_up_to_six_hours(dates: list[datetime],
                                                       max_age: int | None, seconds: int,
                                                       reason: str) -> None:
    got = plan_interval(1800, dates, NOW, max_age=max_age)
    assert got.seconds == seconds and got.reason.startswith(reason), got.reason


@pytest.mark.parametrize(("errors", "retry_after", "seconds", "reason"), [
    (1, None, 1800, "retry after 1 error: 30m"),
    (3, None, 2 * H, "backoff after 3 error(s): 30m x 4"),
    (30, None, MAX_BACKOFF, "backoff after 30 errors, at its cap 1d"),
    (1, 2 * H, 2 * H, "the server's Retry-After: 2h (backoff alone: 30m)"),
    (1, 10 * D, MAX_BACKOFF, "the server's Retry-After: 10d, capped at 1d (backoff alone: 30m)"),
])
def test_backoff_says_why(errors: int, retry_after: float | None, seconds: int,
                          reason: str) -> None:
    assert backoff(1800, errors, retry_after) == Interval(seconds, reason)


def test_a_kept_interval_outside_new_bounds_is_brought_in() -> None:
    assert kept_interval(6 * H, 60, explicit=True) is not None
    assert kept_interval(6 * H, 60, explicit=True).seconds == 60  # type: ignore[union-attr]
    assert kept_interval(2 * H, 1800) is None                      # within [7.5 min, 6 h]
    assert kept_interval(None, 1800) is None
