"""When is each extraction worker busy during a first poll? A timeline of one whole process.

    python benchmarks/timeline.py [--feeds 80 --entries 10] [--src SRC] [--json out.json]

Starts the bench farm (as ``ab.py first``), runs one ``watchdesk poll`` into a fresh database
through ``timeline.py poll ...`` (the real CLI, with recorders wrapped around the fetcher and
the worker pool from outside, as ``timed_poll.py`` does), then prints:

- the start: process start -> first request sent -> first page handed to the pool -> first
  extraction begun in a worker; the end: last extraction ended -> process exit;
- per 0.5 s: how busy each worker was (the share of the bin its tasks covered, measured in
  the worker with the system-wide monotonic clock), pages fetched, pages waiting in the pool's
  queue, requests in flight;
- the workers' idle time in all, split into start, middle and end;
- the main process's CPU, and the limit's figures for the same pages when ``--limit``.

The worker times are taken in the worker around the task itself, so pickling and the
queue's hand-over are outside them: what is called idle is a worker with nothing to do, or
waiting for its next task to arrive.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

EVENTS: list[tuple[Any, ...]] = []
FIRST: list[float] = []  # the process's CPU time when it sent its first request


# inside the poll process ---------------------------------------------------------------------

def in_worker(fn: Any, *args: Any) -> tuple[Any, float, float, int, float]:
    """Runs in a worker: the task's result, its start and end (CLOCK_MONOTONIC), the pid,
    its CPU time."""
    t0, c0 = time.monotonic(), time.process_time()
    result = fn(*args)
    return result, t0, time.monotonic(), os.getpid(), time.process_time() - c0


def install() -> None:
    from watchdesk import workers
    from watchdesk.sources import fetch

    get = fetch.Fetcher.get
    inflight = [0]

    async def rec_get(self: Any, url: str, **kw: Any) -> Any:
        kind = "page" if kw.get("accept") == fetch.PAGE_ACCEPT else "feed"
        t0 = time.monotonic()
        if not FIRST:
            FIRST.append(time.process_time())
        inflight[0] += 1
        try:
            return await get(self, url, **kw)
        finally:
            inflight[0] -= 1
            EVENTS.append(("get", kind, t0, time.monotonic()))

    fetch.Fetcher.get = rec_get  # type: ignore[method-assign]
    from timeline import in_worker as wrapped  # by module name: workers unpickle it

    run = workers.Workers._run

    async def rec_run(self: Any, fn: Any, *args: Any) -> Any:
        name = getattr(fn, "__name__", "")
        if name not in ("_parse", "_read", "_extract"):
            return await run(self, fn, *args)
        t0 = time.monotonic()
        result, w0, w1, pid, cpu = await run(self, wrapped, fn, *args)
        EVENTS.append(("task", name, t0, w0, w1, time.monotonic(), pid, cpu))
        return result

    workers.Workers._run = rec_run  # type: ignore[method-assign]


def dump() -> None:
    path = os.environ.get("BENCH_TIMELINE")
    if not path:
        return
    ru = resource.getrusage(resource.RUSAGE_SELF)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"events": EVENTS, "cpu_to_first_request": FIRST[0] if FIRST else None,
                   "main_cpu_s": ru.ru_utime + ru.ru_stime,
                   "exit": time.monotonic()}, f)
    if os.environ.get("BENCH_FAST_EXIT"):   # how long the interpreter's own exit takes
        sys.stdout.flush()
        os._exit(0)


# analysis ------------------------------------------------------------------------------------

def analyse(data: dict[str, Any], t_start: float, t_end: float, bin_s: float = 0.5
            ) -> dict[str, Any]:
    ev = data["events"]
    gets = [e for e in ev if e[0] == "get"]
    tasks = [e for e in ev if e[0] == "task"]
    extracts = [e for e in tasks if e[1] == "_extract"]
    pids = sorted({e[6] for e in tasks})
    first_get = min(e[2] for e in gets) - t_start
    first_handed = min(e[2] for e in extracts) - t_start
    first_worked = min(e[3] for e in extracts) - t_start
    last_worked = max(e[4] for e in tasks) - t_start
    exit_at = data["exit"] - t_start
    wall = t_end - t_start
    n = int(wall / bin_s) + 1
    busy = {p: [0.0] * n for p in pids}
    for e in tasks:
        a, b, p = e[3] - t_start, e[4] - t_start, e[6]
        i = int(a / bin_s)
        while a < b and i < n:
            edge = (i + 1) * bin_s
            busy[p][i] += min(b, edge) - a
            a = edge
            i += 1
    fetched = [0] * n
    for e in gets:
        if e[1] == "page":
            fetched[min(n - 1, int((e[3] - t_start) / bin_s))] += 1

    def at(t: float, pairs: list[tuple[float, float]]) -> int:
        return sum(1 for a, b in pairs if a <= t < b)

    queued = [(e[2] - t_start, e[3] - t_start) for e in tasks]
    flying = [(e[2] - t_start, e[3] - t_start) for e in gets]
    rows = []
    for i in range(n):
        mid = (i + 0.5) * bin_s
        rows.append({"t": i * bin_s, "busy": [round(busy[p][i] / bin_s, 2) for p in pids],
                     "pages_fetched": fetched[i], "queued": at(mid, queued),
                     "requests": at(mid, flying)})
    # worker idle time (per worker), from process start to exit, split in three
    idle = {"start": 0.0, "middle": 0.0, "end": 0.0}
    for p in pids:
        spans = sorted((e[3] - t_start, e[4] - t_start) for e in tasks if e[6] == p)
        idle["start"] += spans[0][0]
        idle["end"] += wall - spans[-1][1]
        idle["middle"] += sum(max(0.0, b[0] - a[1]) for a, b in pairwise(spans))
    gaps = sorted(b[0] - a[1] for p in pids
                  for a, b in pairwise(sorted((e[3], e[4]) for e in tasks if e[6] == p)))
    waits = [e[3] - e[2] for e in extracts]
    cpu_tasks = sum(e[4] - e[3] for e in tasks)
    return {
        "wall_s": round(wall, 3), "exit_s": round(exit_at, 3),
        "first_request_s": round(first_get, 3), "first_handed_s": round(first_handed, 3),
        "first_extraction_s": round(first_worked, 3), "last_task_end_s": round(last_worked, 3),
        "workers": len(pids), "tasks": len(tasks), "extractions": len(extracts),
        "worker_task_s": round(cpu_tasks, 2),
        "worker_task_cpu_s": round(sum(e[7] for e in tasks), 2),
        "worker_idle_s": {k: round(v, 2) for k, v in idle.items()},
        "worker_idle_share": round(sum(idle.values()) / (wall * len(pids)), 3),
        "gap_ms": {q: round(1000 * gaps[int(len(gaps) * q / 100)], 1)
                   for q in (10, 50, 90, 99)} if gaps else {},
        "pool_wait_ms_median": round(1000 * statistics.median(waits), 1),
        "page_fetch_ms_median": round(1000 * statistics.median(
            e[3] - e[2] for e in gets if e[1] == "page"), 1),
        "main_cpu_s": round(data["main_cpu_s"], 2),
        "main_cpu_to_first_request_s": round(data["cpu_to_first_request"] or 0, 3),
        "bins": rows,
    }


def print_report(r: dict[str, Any]) -> None:
    print(f"wall {r['wall_s']:.2f} s (exit seen {r['exit_s']:.2f}); first request "
          f"{r['first_request_s']:.2f} s, first page to the pool {r['first_handed_s']:.2f} s, "
          f"first extraction {r['first_extraction_s']:.2f} s, last task ended "
          f"{r['last_task_end_s']:.2f} s")
    print(f"{r['workers']} workers, {r['tasks']} tasks ({r['extractions']} extractions), "
          f"{r['worker_task_s']:.2f} s in tasks ({r['worker_task_cpu_s']:.2f} s CPU); "
          f"idle {r['worker_idle_s']} = "
          f"{r['worker_idle_share']:.1%} of workers x wall; main CPU {r['main_cpu_s']:.2f} s; "
          f"page fetch median {r['page_fetch_ms_median']} ms, pool wait median "
          f"{r['pool_wait_ms_median']} ms; main CPU before the first request "
          f"{r['main_cpu_to_first_request_s']:.2f} s; a worker's gap between tasks (percentiles) "
          f"{r['gap_ms']}")
    print("   t   busy per worker   fetched  queued  requests")
    for row in r["bins"]:
        print(f"{row['t']:5.1f}   {' '.join(f'{b:4.2f}' for b in row['busy']):16s}  "
              f"{row['pages_fetched']:6d}  {row['queued']:6d}  {row['requests']:6d}")


def main(argv: list[str] | None = None) -> int:
    sys.path[:0] = [str(HERE)]
    import limit
    from ab import _env
    from farm import Farm, FarmConfig, pregenerate, remove_store
    from run import compile_src, write_config

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--feeds", type=int, default=80)
    ap.add_argument("--entries", type=int, default=10)
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--rules", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--src", type=Path, default=ROOT / "src")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--limit", action="store_true", help="also measure the limit once")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--profile", type=Path, help="cProfile the poll's main thread into this")
    args = ap.parse_args(argv)
    compile_src(ROOT / "src")   # the limit's extraction (the poll's: through _env)
    work = Path(tempfile.mkdtemp(prefix="watchdesk-timeline-"))
    cfg = FarmConfig(seed=args.seed, feeds=args.feeds, entries=args.entries, hosts=args.hosts,
                     latency=args.latency)
    store, _ = pregenerate(cfg, work, workers=limit.cores())
    cfg.store = str(store)
    out = []
    try:
        with Farm(cfg) as farm:
            feeds, rules = write_config(work, farm, args.rules, args.seed)
            for run in range(args.runs):
                db = work / "db.sqlite"
                for p in work.glob("db.sqlite*"):
                    p.unlink()
                env = _env(args.src.resolve())
                env["BENCH_TIMELINE"] = str(work / "timeline.json")
                if args.profile:
                    env["BENCH_PROFILE"] = str(args.profile.resolve())
                cmd = [sys.executable, str(HERE / "timeline.py"), "poll", "--feeds",
                       str(feeds), "--rules", str(rules), "--db", str(db)]
                load = os.getloadavg()[0]
                t0 = time.monotonic()
                with open(work / "poll.log", "a", encoding="utf-8") as log:
                    proc = subprocess.run(cmd, env=env, cwd=work, stdout=subprocess.PIPE,
                                          stderr=log, text=True, check=False)
                t1 = time.monotonic()
                if proc.returncode:
                    raise SystemExit(f"poll exited {proc.returncode}: see {work}/poll.log")
                r = analyse(json.loads((work / "timeline.json").read_text()), t0, t1)
                r["load"] = load
                print(f"\nrun {run} (load {load:.2f}): {proc.stdout.strip()[-200:]}")
                print_report(r)
                out.append(r)
            if args.limit:
                sample = [(f, e) for f in range(args.feeds) for e in range(args.entries)]
                lim = limit.measure(args.seed, sample)
                print(f"\nlimit: {lim['articles_per_s']:.1f}/s ({lim['wall_s']:.2f} s), "
                      f"{lim['cpu_ms_per_page']:.1f} ms a page; load {os.getloadavg()[0]:.2f}")
                out.append({"limit": lim})
    finally:
        remove_store(store)
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["poll"]:
        if os.environ.get("BENCH_SWITCH"):
            sys.setswitchinterval(float(os.environ["BENCH_SWITCH"]))
        install()
        atexit.register(dump)
        if os.environ.get("BENCH_PROFILE"):   # the event loop's thread, under cProfile
            import cProfile

            prof = cProfile.Profile(time.thread_time)
            prof.enable()
            def dump() -> None:
                prof.disable()
                prof.dump_stats(os.environ["BENCH_PROFILE"])

            atexit.register(dump)
        from watchdesk.cli import main as cli

        sys.argv[0] = "watchdesk"
        cli()
    else:
        sys.exit(main())
