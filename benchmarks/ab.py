"""A/B of whole ``watchdesk poll`` processes on one farm, in one run, rounds interleaved.

    python benchmarks/ab.py repoll --src A/src --src B/src [--reader] [--rounds 5]
    python benchmarks/ab.py first  --src A/src --src B/src [--feeds 80 --entries 10]

On a shared machine two separate ``run.py`` runs say little (the load moves between them);
here each round runs every variant once, in turn (the order alternates), on the same farm,
and each process is timed from outside: wall time and its CPU (``wait4``: the process and
the children it reaped, which for a poll are the extraction workers' forkserver tree only
when they are reaped, so ``first`` also samples the tree with ``Monitor``). Prints the
median of each, the load average with every round, and JSON with ``--json``.

- ``repoll``: the farm serves ``--feeds`` feeds of one entry (``--latency`` 20 ms); one
  first poll per variant (not timed) stores them, then each round re-polls: every feed
  answers 304. ``--reader`` adds lemon24/reader's ``update_feeds(workers=32)`` (as
  ``reader_poll.py``) as one more variant;
- ``first``: each round polls ``--feeds`` x ``--entries`` new articles (50 ms) into a fresh
  database, and runs the limit (``limit.py``) over the same pages once per round.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "src")]

import limit  # noqa: E402
from farm import Farm, FarmConfig, pregenerate, remove_store  # noqa: E402
from monitor import Monitor  # noqa: E402
from run import compile_src, extraction_counts, write_config  # noqa: E402


def _env(src: Path) -> dict[str, str]:
    compile_src(src)
    e = {k: v for k, v in os.environ.items() if not k.startswith("WATCHDESK_")}
    e["PYTHONPATH"] = os.pathsep.join([str(src), str(HERE)])
    e["WATCHDESK_LOG_LEVEL"] = "INFO"
    return e


def timed(cmd: list[str], env: dict[str, str] | None, cwd: Path,
          watch: bool = False) -> dict[str, Any]:
    """Run ``cmd`` to its end; wall time and CPU (wait4, or the sampled tree's)."""
    t0 = time.perf_counter()
    with open(cwd / "ab.log", "a", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, env=env, cwd=cwd,
                                text=True)
        mon = Monitor(proc.pid) if watch else None
        if mon:
            mon.__enter__()
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if mon:
            mon.__exit__(None, None, None)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:3]} exited {proc.returncode}; see {cwd / 'ab.log'}\n{out}")
    r = {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "out": out.strip()[-300:],
         "load": os.getloadavg()[0]}
    if mon:
        r["tree_cpu_s"] = mon.report()["tree_cpu_s"]
    return r


def poll_cmd(feeds: Path, rules: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "watchdesk", "poll", "--feeds", str(feeds), "--rules",
            str(rules), "--db", str(db)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("phase", choices=("repoll", "first"))
    ap.add_argument("--src", type=Path, action="append", required=True,
                    help="a watchdesk src/ folder (give two or more)")
    ap.add_argument("--reader", action="store_true", help="repoll: add lemon24/reader")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--feeds", type=int)
    ap.add_argument("--entries", type=int)
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--latency", type=float)
    ap.add_argument("--rules", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    first = args.phase == "first"
    feeds_n = args.feeds or (80 if first else 1000)
    entries = args.entries or (10 if first else 1)
    latency = args.latency if args.latency is not None else (0.05 if first else 0.02)
    work = Path(tempfile.mkdtemp(prefix="watchdesk-ab-"))
    cfg = FarmConfig(seed=args.seed, feeds=feeds_n, entries=entries, hosts=args.hosts,
                     latency=latency if first else 0.05)
    variants = [str(s.resolve()) for s in args.src]
    for v in [*variants, str(ROOT / "src")]:   # the limit's extraction runs this checkout's
        compile_src(Path(v))
    results: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    store = None
    try:
        if first:
            store, _ = pregenerate(cfg, work, workers=limit.cores())
            cfg.store = str(store)
        with Farm(cfg) as farm:
            feeds, rules = write_config(work, farm, args.rules, args.seed)
            names = list(variants)
            if not first:
                for i, v in enumerate(variants):   # store the feeds once per variant
                    timed(poll_cmd(feeds, rules, work / f"db{i}.sqlite"), _env(Path(v)), work)
                if args.reader:
                    urls = work / "reader-feeds.txt"
                    urls.write_text("\n".join(farm.feed_url(f) for f in range(feeds_n)))
                    reader_cmd = [sys.executable, str(HERE / "reader_poll.py"),
                                  str(work / "reader.sqlite"), str(urls)]
                    timed(reader_cmd, None, work)
                    names.append("reader")
                    results["reader"] = []
                farm.set_latency(latency)
            sample = [(f, e) for f in range(feeds_n) for e in range(entries)]
            for rnd in range(args.rounds):
                order = names if rnd % 2 == 0 else names[::-1]
                if first:
                    lim = limit.measure(args.seed, sample)
                    results.setdefault("limit", []).append(
                        {"wall_s": lim["wall_s"], "cpu_s": lim["cpu_ms_per_page"] / 1000
                         * len(sample), "articles_per_s": lim["articles_per_s"],
                         "load": os.getloadavg()[0]})
                for name in order:
                    if name == "reader":
                        r = timed(reader_cmd, None, work)
                    else:
                        i = variants.index(name)
                        db = work / f"db{i}.sqlite"
                        if first:
                            for p in work.glob(f"db{i}.sqlite*"):
                                p.unlink()
                        r = timed(poll_cmd(feeds, rules, db), _env(Path(name)), work,
                                  watch=first)
                        if first:
                            r["extracted"] = extraction_counts(db).get("page", 0)
                            r["extracted_per_s"] = r["extracted"] / r["wall_s"]
                    results[name].append(r)
                    print(f"round {rnd} {name[-40:]}: wall {r['wall_s']:.2f} s, CPU "
                          f"{r['cpu_s']:.2f} s" + (f", tree {r['tree_cpu_s']:.2f} s, "
                                                   f"{r['extracted_per_s']:.1f}/s"
                                                   if first else "")
                          + f", load {r['load']:.2f}", flush=True)
                if first:
                    print(f"round {rnd} limit: {results['limit'][-1]['articles_per_s']:.1f}/s",
                          flush=True)
    finally:
        if store is not None:
            remove_store(store)
    print("\nmedians:")
    summary: dict[str, Any] = {}
    for name, rs in results.items():
        s = {k: statistics.median(r[k] for r in rs) for k in rs[0]
             if isinstance(rs[0][k], int | float)}
        summary[name] = s
        print(f"  {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in s.items()))
    if first and "limit" in summary:
        for v in variants:
            print(f"  vs_limit {v[-40:]}: "
                  f"{summary[v]['extracted_per_s'] / summary['limit']['articles_per_s']:.3f}")
    if "reader" in summary:
        for v in variants:
            rd, me = summary["reader"], summary[v]
            print(f"  vs_reader {v[-40:]}: wall {rd['wall_s'] / me['wall_s']:.3f}, "
                  f"CPU {rd['cpu_s'] / me['cpu_s']:.3f}")
    if args.json:
        args.json.write_text(json.dumps({"results": results, "summary": summary}, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
