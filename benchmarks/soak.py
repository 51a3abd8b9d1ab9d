"""Soak: one long-lived watchdesk, many poll cycles, memory after each (run by ``run.py``).

    python benchmarks/soak.py FEEDS RULES DB CYCLES

The daemon's cycle is ``Watchdesk.poll``; this process keeps one ``Watchdesk`` open, as
``watchdesk run`` does, and polls every feed once per cycle (the daemon polls only the due
ones; here every feed is due, so each cycle does the most work). Before each cycle it waits
for a line on stdin (the driver publishes new entries on the farm, then says "go"); after
each cycle it prints one JSON line: the cycle's counts and timings, and its own RSS.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import psutil

from watchdesk.app import Watchdesk
from watchdesk.config.settings import from_env

MB = 1024 * 1024


async def main(feeds: str, rules: str, db: str, cycles: int) -> None:
    settings = from_env().with_overrides(feeds=Path(feeds), rules=Path(rules), db=Path(db))
    me = psutil.Process()
    async with Watchdesk(settings) as wd:
        for cycle in range(1, cycles + 1):
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line.strip():  # the driver went away
                return
            t0 = time.monotonic()
            report = await wd.poll()
            print(json.dumps({
                "cycle": cycle, "feeds": len(report.results), "new": report.new,
                "not_modified": report.not_modified, "failed": len(report.failed),
                "seconds": round(time.monotonic() - t0, 3),
                "main_rss_mb": round(me.memory_info().rss / MB, 1),
            }), flush=True)


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
