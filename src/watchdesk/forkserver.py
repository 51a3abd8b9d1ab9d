"""The extraction workers' forkserver, started at the very start of a poll.

The workers (``workers.Workers``) are forked from a forkserver that has imported feedparser
and trafilatura once (``PRELOAD``). pebble starts its pool on the first task, from the event
loop, and forking a worker waits for the forkserver's imports: started there, they held the
event loop for 0.5-1.5 s while the first feeds' answers waited (benchmarks/timeline.py).
``start_early`` spawns the forkserver and returns at once, so its imports run on another
core while this process imports its own modules and reads its configuration; the pool then
forks from a server that is ready. This module imports nothing else of watchdesk's and no
pebble, so that it can run first.

A ``watchdesk poll`` starts it early only for a first poll (``first_poll``): a poll of a
database already filled mostly meets unchanged feeds (304s) and may extract nothing; the
forkserver's imports (~0.6 s of CPU) would be spent for nothing beside a re-poll of 1.3 s,
so there the pool starts it on its first page, as before. The daemon always starts it early.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing import forkserver
from pathlib import Path

PRELOAD = ["watchdesk.sources.kinds", "watchdesk.extract.page"]


def context() -> multiprocessing.context.ForkServerContext:
    """The forkserver context, with watchdesk's preloaded modules set."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_early() -> None:
    """Spawn the forkserver now (no wait for its imports); a no-op if it runs already."""
    context()
    forkserver.ensure_running()


def first_poll(db: Path) -> bool:
    """Whether a poll into ``db`` is a first one (no database yet, or an empty file): then
    every page is new and the forkserver is worth starting before the poll's imports."""
    try:
        return db.stat().st_size == 0
    except OSError:
        return True
