"""A big cycle proceeds a bounded number of feeds at a time (found by benchmarks/run.py).

Without the bound, 1,000 feeds with 20 new entries each all started at once, advanced in
step, and held every article in memory until the end of the cycle (556 MB)."""

from __future__ import annotations

import asyncio
from typing import Any

from watchdesk.config.settings import Settings
from watchdesk.models import PollResult
from watchdesk.pipeline import Pipeline


def test_feeds_in_progress_are_bounded_by_concurrency() -> None:
    p = Pipeline(Settings(concurrency=3), store=None, fetcher=None, workers=None,  # type: ignore[arg-type]
                 rules=lambda: None)  # type: ignore[arg-type,return-value]
    live = peak = 0

    async def fake_poll_feed(feed: Any) -> PollResult:
        nonlocal live, peak
        live += 1
        peak = max(peak, live)
        await asyncio.sleep(0.01)
        live -= 1
        return PollResult(feed_id=feed, feed_name=str(feed), started_at="")

    p.poll_feed = fake_poll_feed  # type: ignore[method-assign]
    report = asyncio.run(p.poll(list(range(20))))  # type: ignore[arg-type]
    assert len(report.results) == 20
    assert peak == 3
