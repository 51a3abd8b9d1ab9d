"""The fetcher under load: queueing for a connection slot is not the server's fault.

Found by the benchmark (benchmarks/run.py): on a first poll of 1,000 feeds x 20 entries,
20,000 page requests waited for the 32 global / 2 per-host slots inside the 30 s deadline and
72% of them failed with DeadlineExceeded before being sent.
"""

from __future__ import annotations

import asyncio
import time

from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer
from watchdesk.sources.fetch import Fetcher


def test_waiting_for_a_slot_does_not_count_against_the_deadline() -> None:
    # 5 requests to one host, one at a time, 0.4 s each: the last one is sent after 1.6 s,
    # past the 1 s deadline, but each answer comes within 1 s of its sending.
    settings = Settings(timeout=1.0, per_host=1, concurrency=8)
    with FixtureServer(latency=0.4) as srv:
        srv.set("/a.xml", b"<rss/>", content_type="application/rss+xml")

        async def go() -> list[int]:
            async with Fetcher(settings) as f:
                rs = await asyncio.gather(*(f.get(srv.url("/a.xml"), allowed_hosts=["127.0.0.1"])
                                            for _ in range(5)))
            return [r.status for r in rs]

        assert asyncio.run(go()) == [200] * 5


def test_a_busy_host_does_not_hold_global_slots() -> None:
    # Two global slots, one per host. Three requests queue for a slow host first; a request to
    # another host must get the free global slot at once instead of waiting behind them.
    settings = Settings(timeout=10.0, per_host=1, concurrency=2)
    with FixtureServer(latency=0.8) as slow, FixtureServer(host="127.0.0.2") as fast:
        slow.set("/s.xml", b"<rss/>", content_type="application/rss+xml")
        fast.set("/f.xml", b"<rss/>", content_type="application/rss+xml")

        async def go() -> float:
            async with Fetcher(settings) as f:
                queued = [asyncio.create_task(f.get(slow.url("/s.xml"),
                                                    allowed_hosts=["127.0.0.1"]))
                          for _ in range(3)]
                await asyncio.sleep(0.1)
                t0 = time.monotonic()
                await f.get(fast.url("/f.xml"), allowed_hosts=["127.0.0.2"])
                elapsed = time.monotonic() - t0
                await asyncio.gather(*queued)
            return elapsed

        assert asyncio.run(go()) < 0.5
