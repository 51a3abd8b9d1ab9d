"""A big cycle proceeds a bounded number of feeds at a time (found by benchmarks/run.py).

Without the bound, 1,000 feeds with 20 new entries each all started at once, advanced in
step, and held every article in memory until the end of the cycle (556 MB)."""

from __future__ import annotations

import asyncio
from typing import Any

from watchdesk import identity
from watchdesk.config.settings import Settings
from watchdesk.models import Entry, Extracted, FeedState, PollResult
from watchdesk.pipeline import Pipeline
from watchdesk.sources.fetch import Response


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


class _Pages:
    """A fetcher and a worker pool that count what is in hand (fetched, not yet extracted)."""

    def __init__(self) -> None:
        self.in_hand = self.peak = 0

    async def get(self, url: str, **kw: Any) -> Response:
        self.in_hand += 1
        self.peak = max(self.peak, self.in_hand)
        await asyncio.sleep(0.001)
        return Response(url=url, status=200, headers={"content-type": "text/html"},
                        body=b"<html></html>", elapsed_ms=1)

    async def extract(self, html: bytes, url: str, content_type: str = "") -> Extracted:
        await asyncio.sleep(0.02)
        self.in_hand -= 1
        return Extracted(body=f"text of {url}")


def _decision(i: int) -> identity.Decision:
    url = f"http://news.test/a/{i}.html"
    return identity.Decision(entry=Entry(guid=url, link=url, title=f"t{i}", summary="",
                                         content="", author=None, published_at=None),
                             identity=url, entry_hash=str(i), canonical_url=url, action="new")


def _feed() -> FeedState:
    return FeedState(id=1, name="f", url="http://news.test/feed", tags=(), interval=600,
                     fetch_articles=True, enabled=True, etag=None, last_modified=None,
                     error_count=0, next_poll_at=None, last_polled_at=None)


def test_a_feeds_slot_is_held_for_the_request_not_through_extraction() -> None:
    """With one request per host, the second page is fetched while the first is extracted:
    held through extraction, the slot made a feed's pages reach the pool one at a time."""
    pages = _Pages()
    p = Pipeline(Settings(concurrency=4, per_host=1), store=None,  # type: ignore[arg-type]
                 fetcher=pages, workers=pages, rules=lambda: None)  # type: ignore[arg-type,return-value]

    async def go() -> list[Any]:
        slot = asyncio.Semaphore(1)
        return await asyncio.gather(*(p._page(_feed(), _decision(i), {"news.test"}, slot, [])
                                      for i in range(3)))

    writes = asyncio.run(go())
    assert [w.body for w in writes] == [f"text of http://news.test/a/{i}.html"
                                        for i in range(3)]
    assert pages.peak == 3   # all three fetched before the first was extracted (was 1)


def test_pages_in_hand_are_bounded_by_concurrency_times_per_host() -> None:
    """The bound on memory the per-feed slots gave (feeds x per_host pages), kept for the
    whole cycle now that a slot is held for the request only."""
    pages = _Pages()
    p = Pipeline(Settings(concurrency=2, per_host=3), store=None,  # type: ignore[arg-type]
                 fetcher=pages, workers=pages, rules=lambda: None)  # type: ignore[arg-type,return-value]

    async def go() -> None:
        slots = [asyncio.Semaphore(3) for _ in range(4)]   # four feeds' own slots
        await asyncio.gather(*(p._page(_feed(), _decision(10 * f + i), {"news.test"},
                                       slots[f], [])
                               for f in range(4) for i in range(10)))

    asyncio.run(go())
    assert pages.peak == 6
    assert pages.in_hand == 0
