"""Soak: one long-lived watchdesk, many poll cycles, memory after each (run by ``run.py``).

    python benchmarks/soak.py FEEDS RULES DB CYCLES [--tracemalloc] [--hours-per-cycle H]

The daemon's cycle is ``Watchdesk.poll``; this process keeps one ``Watchdesk`` open, as
``watchdesk run`` does, and polls every feed once per cycle (the daemon polls only the due
ones; here every feed is due, so each cycle does the most work). Before each cycle it waits
for a line on stdin (the driver publishes new entries on the farm, then says "go"); after
each cycle it prints one JSON line: the cycle's counts and timings, and its own RSS.

``--tracemalloc`` (``run.py --soak --tracemalloc``): what Python allocates is traced; each line
adds the traced total (``traced_mb``: what grows in RSS but not there is SQLite's or another C
library's), and at the end the lines of code whose live allocations grew most since cycle 5
are written to stderr (``soak.log``) (``--trace-from N``: since cycle N).

``--hours-per-cycle H``: the daemon's clock (what the pipeline and the store take as now)
moves on H hours at each cycle, so that a soak of minutes spans days: what is kept for a
time (the event index keeps 8 days of grouped articles) is seen to leave.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from watchdesk.app import Watchdesk
from watchdesk.config.settings import from_env

MB = 1024 * 1024


async def main(feeds: str, rules: str, db: str, cycles: int, trace: bool = False,
               hours: float = 0.0, trace_from: int = 5) -> None:
    settings = from_env().with_overrides(feeds=Path(feeds), rules=Path(rules), db=Path(db))
    me = psutil.Process()
    if trace:
        tracemalloc.start(4)
    base: tracemalloc.Snapshot | None = None
    skew = timedelta(0)   # how far the clock was moved on (--hours-per-cycle)

    def clock() -> datetime:
        return datetime.now(UTC) + skew

    async with Watchdesk(settings, clock=clock) as wd:
        for cycle in range(1, cycles + 1):
            skew = timedelta(hours=hours * (cycle - 1))
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line.strip():  # the driver went away
                return
            t0 = time.monotonic()
            report = await wd.poll()
            line = {
                "cycle": cycle, "feeds": len(report.results), "new": report.new,
                "not_modified": report.not_modified, "failed": len(report.failed),
                "seconds": round(time.monotonic() - t0, 3),
                "main_rss_mb": round(me.memory_info().rss / MB, 1),
                "clock": clock().isoformat(timespec="minutes"),
            }
            if trace:
                line["traced_mb"] = round(tracemalloc.get_traced_memory()[0] / MB, 2)
                if cycle == min(trace_from, cycles):
                    base = tracemalloc.take_snapshot()
                elif cycle == cycles and base is not None:
                    _growth(base, tracemalloc.take_snapshot(), cycle)
            print(json.dumps(line), flush=True)


def _growth(base: tracemalloc.Snapshot, last: tracemalloc.Snapshot, cycle: int) -> None:
    """The lines whose live allocations grew most since ``base``, to stderr."""
    skip = [tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, "<frozen importlib._bootstrap*>")]
    stats = last.filter_traces(skip).compare_to(base.filter_traces(skip), "traceback")
    total = sum(s.size_diff for s in stats)
    print(f"tracemalloc: {total / MB:+.3f} MB live Python allocations up to cycle {cycle} "
          "since the snapshot; the largest changes:", file=sys.stderr)
    for s in sorted(stats, key=lambda s: -abs(s.size_diff))[:12]:
        # oldest frame first: "a > b" is a calling b, the last one allocating
        where = " > ".join(f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno}" for f in s.traceback)
        print(f"  {s.size_diff / 1024:+9.1f} KiB {s.count_diff:+7d} blocks  {where}",
              file=sys.stderr)


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.WARNING)
    extra = sys.argv[5:]
    step = float(extra[extra.index("--hours-per-cycle") + 1]) \
        if "--hours-per-cycle" in extra else 0.0
    start = int(extra[extra.index("--trace-from") + 1]) if "--trace-from" in extra else 5
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]),
                     trace="--tracemalloc" in extra, hours=step, trace_from=start))
