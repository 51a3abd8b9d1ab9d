"""When a feed is polled next: adaptive interval, hints, backoff, jitter (pure functions)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from watchdesk.schedule import (
    CEILING,
    MAX_BACKOFF,
    adaptive_interval,
    bounds,
    max_age,
    next_poll_delay,
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
