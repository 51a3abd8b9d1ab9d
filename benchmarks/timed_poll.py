"""``watchdesk poll``, unchanged, with timers around each stage: run by ``run.py``.

    python benchmarks/timed_poll.py poll --feeds F --rules R --db D     (BENCH_STAGES=out.json)

The timers wrap the pipeline's collaborators from outside (the fetcher, the worker pool, the
rule set, the store and ``identity.plan``), so the pipeline code is the real one and nothing
in ``src`` knows about the benchmark. What is recorded, per stage:

- ``n``: calls; ``seconds``: the sum of their durations (stages that await overlap: for
  fetch, parse and extract this is latency summed over concurrent calls, not wall time);
- ``cpu``: for ``parse`` and ``extract``, the CPU time spent inside the worker processes
  (measured in the worker around the task); for ``plan``, ``match`` and ``store``, which run
  synchronously on the event loop, the event loop thread's CPU time.

The totals (process CPU, the poll's own duration) are written to ``$BENCH_STAGES`` as JSON
when the command exits.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import sys
import time
from collections import defaultdict
from typing import Any

STAGES: dict[str, dict[str, float]] = defaultdict(lambda: {"n": 0, "seconds": 0.0, "cpu": 0.0})
POLL: dict[str, float] = {}
T_START = time.monotonic()


def timed_call(fn: Any, *args: Any) -> tuple[Any, float]:
    """Runs in a worker process: the task's result and the CPU time it took."""
    c0 = time.process_time()
    result = fn(*args)
    return result, time.process_time() - c0


def _add(stage: str, seconds: float, cpu: float = 0.0) -> None:
    s = STAGES[stage]
    s["n"] += 1
    s["seconds"] += seconds
    s["cpu"] += cpu


def install() -> None:
    from watchdesk import identity, pipeline, rules, store, workers
    from watchdesk.sources import fetch

    get = fetch.Fetcher.get

    async def timed_get(self: Any, url: str, **kw: Any) -> Any:
        stage = "fetch_page" if kw.get("accept") == fetch.PAGE_ACCEPT else "fetch_feed"
        t0 = time.perf_counter()
        try:
            return await get(self, url, **kw)
        finally:
            _add(stage, time.perf_counter() - t0)

    fetch.Fetcher.get = timed_get  # type: ignore[method-assign]

    # By module name, not __main__, so that worker processes can unpickle it.
    from timed_poll import timed_call as in_worker

    run = workers.Workers._run
    names = {"_parse": "parse", "_read": "parse", "_extract": "extract"}  # _read: other kinds

    async def timed_run(self: Any, fn: Any, *args: Any) -> Any:
        stage = names.get(getattr(fn, "__name__", ""))
        if stage is None:
            return await run(self, fn, *args)
        t0 = time.perf_counter()
        result, cpu = await run(self, in_worker, fn, *args)
        _add(stage, time.perf_counter() - t0, cpu)
        return result

    workers.Workers._run = timed_run  # type: ignore[method-assign]

    def sync(owner: Any, name: str, stage: str) -> None:
        orig = getattr(owner, name)

        def wrapper(*a: Any, **kw: Any) -> Any:
            # thread_time: the event loop's own CPU, not that of pebble's threads meanwhile
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return orig(*a, **kw)
            finally:
                _add(stage, time.perf_counter() - t0, time.thread_time() - c0)

        setattr(owner, name, wrapper)

    sync(rules.RuleSet, "match", "match")
    sync(identity, "plan", "plan")
    for name in ("save_poll", "known_entries", "articles_by_url"):
        sync(store.Store, name, "store")

    poll = pipeline.Pipeline.poll

    async def timed_poll(self: Any, *a: Any, **kw: Any) -> Any:
        POLL["start"] = time.monotonic() - T_START
        try:
            return await poll(self, *a, **kw)
        finally:
            POLL["end"] = time.monotonic() - T_START

    pipeline.Pipeline.poll = timed_poll  # type: ignore[method-assign]


def dump() -> None:
    path = os.environ.get("BENCH_STAGES")
    if not path:
        return
    ru = resource.getrusage(resource.RUSAGE_SELF)
    out = {"stages": dict(STAGES), "poll": POLL,
           "main_cpu_s": ru.ru_utime + ru.ru_stime,
           "main_maxrss_mb": ru.ru_maxrss / 1024,
           "process_s": time.monotonic() - T_START}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    install()
    atexit.register(dump)
    from watchdesk.cli import main

    sys.argv[0] = "watchdesk"
    main()
