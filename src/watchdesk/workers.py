"""The CPU-bound stages (feed parsing, article extraction) in a pool of worker processes.

One process per core (pebble ``ProcessPool``), started through a forkserver that has already
imported feedparser and trafilatura, so a replaced worker does not import them again. Each task
has a time bound: a worker stuck on a pathological page is killed and replaced. Each worker has
a memory bound (``RLIMIT_AS``): a page that would bloat it raises MemoryError inside the worker
instead of swelling the daemon. Workers are recycled after ``MAX_TASKS`` tasks so that
fragmentation never accumulates over months. A replacement costs a worker 0.15-0.4 s
(pebble notices the exit within 0.1 s, then the new process starts): every 2,000 tasks, that
is under 0.5% of the workers' time; every 500 it was 1-2%.

The event loop awaits the results, so polling never waits on parsing or extraction.
"""

from __future__ import annotations

import asyncio
import os
import resource
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pebble import ProcessExpired, ProcessPool

from . import forkserver
from .errors import ExtractError
from .models import Extracted, ParsedFeed

MAX_TASKS = 2000


def _init_worker(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _parse(body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
    from .sources.parse import parse_feed
    return parse_feed(body, headers, url)


def _read(kind: str, body: bytes, headers: dict[str, str], url: str,
          select: dict[str, str]) -> ParsedFeed:
    from .sources.kinds import parse_source
    return parse_source(kind, body, headers, url, select)


def _extract(html: bytes, url: str, content_type: str) -> Extracted | None:
    from .extract.page import extract_page
    return extract_page(html, url, content_type)


def _ping() -> int:
    return os.getpid()


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Workers:
    """Async front of the process pool."""

    def __init__(self, workers: int = 0, *, timeout: float = 20.0, memory_mb: int = 1024) -> None:
        self.size = workers or default_workers()
        self.timeout = timeout
        # workers pebble killed and replaced, by reason (running totals, for metrics)
        self.restarts = {"timeout": 0, "died": 0}
        ctx = forkserver.context()  # a forkserver started early (start_early) is reused
        self._pool = ProcessPool(max_workers=self.size, max_tasks=MAX_TASKS,
                                 initializer=_init_worker, initargs=(memory_mb,), context=ctx)

    async def _run(self, fn: Any, *args: Any) -> Any:
        future = self._pool.schedule(fn, args=args, timeout=self.timeout)
        return await asyncio.wrap_future(future)

    async def warm_up(self) -> None:
        """Start every worker now rather than on the first article."""
        await asyncio.gather(*(self._run(_ping) for _ in range(self.size)))

    async def _task(self, what: str, fn: Any, *args: Any) -> Any:
        """Run one task; whatever goes wrong with it is that document's ExtractError."""
        try:
            return await self._run(fn, *args)
        except FutureTimeout as e:
            self.restarts["timeout"] += 1  # pebble kills the worker and starts another
            raise ExtractError(f"{what} took more than {self.timeout:g}s") from e
        except ProcessExpired as e:
            self.restarts["died"] += 1
            raise ExtractError(f"the {what} process died ({e})") from e
        except MemoryError as e:
            raise ExtractError(f"{what} ran out of its memory bound") from e
        except Exception as e:  # feedparser/trafilatura/lxml failing on one document
            raise ExtractError(f"{what} failed: {type(e).__name__}: {e}") from e

    async def parse(self, body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
        result: ParsedFeed = await self._task("parsing", _parse, body, headers, url)
        return result

    async def read(self, kind: str, body: bytes, headers: dict[str, str], url: str,
                   select: dict[str, str] | None = None) -> ParsedFeed:
        """One page of a source of ``kind`` (``sources.kinds``): a feed, a sitemap, a
        listing page or a Telegram channel's preview."""
        if kind == "feed":
            return await self.parse(body, headers, url)
        result: ParsedFeed = await self._task("parsing", _read, kind, body, headers, url,
                                              dict(select or {}))
        return result

    async def extract(self, html: bytes, url: str, content_type: str = "") -> Extracted | None:
        result: Extracted | None = await self._task("extraction", _extract, html, url,
                                                    content_type)
        return result

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=5)
