"""The event loop every command and the daemon run on: uvloop's when it is installed.

uvloop (libuv under the asyncio API) is a dependency of watchdesk wherever it builds (Linux
and macOS). The event loop carries what is not extraction (fetching with httpx over aiohttp, handing
pages to the workers, matching, storing), and on uvloop that costs about a tenth less CPU
per article (benchmarks/README.md). Where it is missing, asyncio's own loop runs the same
code: nothing in watchdesk depends on which loop it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's ``new_event_loop``, or None (asyncio's default) when uvloop is missing."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` on the loop of :func:`loop_factory`."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
