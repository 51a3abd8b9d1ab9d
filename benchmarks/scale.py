"""A year of archive: build a realistic database, then time watchdesk's commands over it.

    PYTHONPATH=src python benchmarks/scale.py build DB --articles N [--feeds 300] [--days 365]
    PYTHONPATH=src python benchmarks/scale.py run DB [--json OUT] [--repeat 3]
        [--poll-feeds 40 --poll-entries 20]

``build`` writes N articles over a year through the store's own code (``scale_data``), with
``DB.feeds.yaml`` and ``DB.rules/`` (the default rules) beside it for the commands.

``run`` times whole processes, as a user or a monitor meets them (each command ``--repeat``
times, the median wall time and the largest peak RSS; CPU and RSS from ``wait4``, so a
command's worker processes count):

- ``search`` and ``rules test --query`` with the documented example queries (README, docs/
  rules.md), over their default 30 days;
- ``digest --preview``, ``status``, ``alerts --since 24h``, ``feeds``;
- ``watchdesk run`` until it tells systemd READY (a NOTIFY_SOCKET datagram socket here), then
  SIGTERM;
- a poll of ``--poll-feeds`` feeds x ``--poll-entries`` new articles from the benchmark's
  feed farm (loopback, ``farm.py``) into an empty database and then into the archive: CPU
  per new article, process and workers. This writes those articles into DB, and the feeds
  list is put back afterwards (run it last, as here);
- the database size per 1,000 articles.

Targets (issue 22, at 1,000,000 articles): search and rules test < 1 s, digest --preview
< 2 s, status, alerts and feeds < 0.5 s, run ready < 2 s, poll CPU per article within 10%
of the empty database's, peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

QUERIES = [  # the documented examples
    "haftar NEAR/8 (moscou OR russie OR russe*)",          # README
    "haftar NEAR/5 (benghazi OR tripoli)",                  # docs/rules.md
    '"africa corps" OR wagner',
    "~délégation AND (libye OR benghazi)",
]
TARGETS = {"search": 1.0, "rules test --query": 1.0, "digest --preview": 2.0, "status": 0.5,
           "alerts --since 24h": 0.5, "feeds": 0.5, "run (READY)": 2.0}


def side_files(db: Path) -> tuple[Path, Path]:
    return db.with_name(db.name + ".feeds.yaml"), db.with_name(db.name + ".rules")


def write_feeds(path: Path, configs: list[Any], enabled: set[str] | None = None,
                urls: dict[str, str] | None = None) -> None:
    lines = ["feeds:"]
    for f in configs:
        lines += [f"  - name: {f.name}", f"    url: {(urls or {}).get(f.name, f.url)}",
                  "    interval: 1h", "    tags: [bench]"]
        if enabled is not None and f.name not in enabled:
            lines.append("    enabled: false")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cmd_build(args: argparse.Namespace) -> int:
    import scale_data

    db: Path = args.db
    if db.exists():
        raise SystemExit(f"{db} exists: give a new file")
    feeds, rules = side_files(db)
    print(f"building {args.articles:,} articles over {args.days} days into {db}")
    cost = scale_data.build(db, articles=args.articles, feeds=args.feeds, days=args.days,
                            polls=args.polls, matched=args.matched, seed=args.seed)
    write_feeds(feeds, scale_data.feed_configs(args.feeds))
    shutil.copytree(ROOT / "src" / "watchdesk" / "defaults" / "rules", rules,
                    dirs_exist_ok=True)
    # as if the daemon had run these rules: they are known (and backfilled once, over the
    # last week, as the daemon's first start would), so no command starts with a backfill
    from watchdesk.app import Watchdesk
    from watchdesk.config.settings import Settings

    wd = Watchdesk(Settings(db=db, feeds=feeds, rules=rules))
    try:
        wd.reload_rules()
    finally:
        wd.store.close()
    size = db.stat().st_size
    print(f"built in {cost['seconds']} s ({cost['cpu_s']} s CPU): {size / 1e6:.0f} MB, "
          f"{size / 1e3 / max(1, args.articles) * 1000 / 1e3:.1f} MB per 1,000 articles")
    return 0


# running -------------------------------------------------------------------------------------

def env(db: Path) -> dict[str, str]:
    feeds, rules = side_files(db)
    # PYTHONDONTWRITEBYTECODE (set in some shells and CI): an installed watchdesk has its
    # bytecode (pip compiles it), so the commands run from it, not from a compile each start
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("WATCHDESK_", "NOTIFY_")) and k != "PYTHONDONTWRITEBYTECODE"}
    e["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    e.update(WATCHDESK_DB=str(db), WATCHDESK_FEEDS=str(feeds), WATCHDESK_RULES=str(rules),
             WATCHDESK_MAIL_TO="desk@example.org")
    return e


def timed(argv: list[str], e: dict[str, str], *, until_ready: bool = False,
          tree: bool = False) -> dict[str, float]:
    """Run ``watchdesk ARGV`` as a process: wall seconds, CPU seconds (with its children),
    peak RSS (MB), exit code. ``until_ready``: the wall time is to its READY=1. ``tree``:
    also the CPU of its whole process tree, sampled (``monitor``): the extraction workers
    are the forkserver's children, which ``wait4`` of the command does not always count."""
    e = dict(e)
    sock = None
    if until_ready:
        path = Path(tempfile.mkdtemp(prefix="scale-notify-")) / "notify.sock"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(str(path))
        sock.settimeout(0.05)
        e["NOTIFY_SOCKET"] = str(path)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "watchdesk", *argv], env=e,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = 0.0
    if sock is not None:
        deadline = t0 + 120
        while not wall and time.perf_counter() < deadline and proc.poll() is None:
            try:
                if b"READY=1" in sock.recv(4096):
                    wall = time.perf_counter() - t0
            except TimeoutError:
                continue
        proc.send_signal(signal.SIGTERM)
        sock.close()
        shutil.rmtree(path.parent, ignore_errors=True)
    assert proc.stderr is not None
    if tree:
        from monitor import Monitor

        with Monitor(proc.pid, interval=0.2) as mon:
            err = proc.stderr.read()
            _, status, ru = os.wait4(proc.pid, 0)
        tree_cpu = mon.report()["tree_cpu_s"]
    else:
        err = proc.stderr.read()
        _, status, ru = os.wait4(proc.pid, 0)
        tree_cpu = 0.0
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = wall or time.perf_counter() - t0
    code = proc.returncode
    answers = (0, 1, 2) if argv[:1] == ["status"] else (0,)  # status: its levels
    if code not in answers and not until_ready:
        print(f"  ! watchdesk {' '.join(argv)} exited {code}: {err.decode()[-400:]}")
    cpu = ru.ru_utime + ru.ru_stime
    return {"wall_s": wall, "cpu_s": cpu, "tree_cpu_s": max(cpu, tree_cpu),
            "rss_mb": ru.ru_maxrss / 1024, "exit": code}


def measure(name: str, argv: list[str], e: dict[str, str], repeat: int,
            until_ready: bool = False) -> dict[str, Any]:
    runs = [timed(argv, e, until_ready=until_ready) for _ in range(repeat)]
    r: dict[str, Any] = {"command": name, "argv": argv,
         "wall_s": round(statistics.median(x["wall_s"] for x in runs), 3),
         "wall_all": [round(x["wall_s"], 3) for x in runs],
         "rss_mb": round(max(x["rss_mb"] for x in runs), 1),
         "cpu_s": round(statistics.median(x["cpu_s"] for x in runs), 3),
         "cpu_all": [round(x["cpu_s"], 3) for x in runs]}
    target = TARGETS.get(name)
    ok = "" if target is None else ("  ok" if r["wall_s"] < target else f"  OVER {target} s")
    print(f"  {name:<20} {' '.join(argv)[:50]:<50} {r['wall_s']:7.3f} s "
          f"(CPU {r['cpu_s']:6.3f} s) {r['rss_mb']:6.1f} MB{ok}")
    return r


def poll_phase(db: Path, e: dict[str, str], feeds_n: int, entries: int) -> dict[str, Any]:
    """CPU per new article: the same poll into an empty database and into the archive."""
    import scale_data
    from farm import Farm, FarmConfig

    from watchdesk.store import Store

    configs = scale_data.feed_configs(len(_configured(db)))
    chosen = configs[:feeds_n]
    work = Path(tempfile.mkdtemp(prefix="scale-poll-"))
    out: dict[str, Any] = {"feeds": feeds_n, "entries": entries}
    cfg = FarmConfig(seed=7, feeds=feeds_n, entries=entries, hosts=min(10, feeds_n),
                     latency=0.01)
    try:
        with Farm(cfg) as farm:
            # entries no earlier run stored (their URLs would be known): each feed's window
            # moves on by the archive's size
            farm.publish({i: _count(db) for i in range(feeds_n)})
            urls = {f.name: farm.feed_url(i) for i, f in enumerate(chosen)}
            for name, target, listed in (("empty", work / "empty.db", chosen),
                                         ("archive", db, configs)):
                feeds = work / f"{name}.yaml"
                write_feeds(feeds, listed, {f.name for f in chosen}, urls)
                pe = dict(e, WATCHDESK_DB=str(target), WATCHDESK_FEEDS=str(feeds),
                          WATCHDESK_ALLOW_NETWORKS="127.0.0.0/8")
                before = _count(target)
                r = timed(["poll"], pe, tree=True)
                new = _count(target) - before
                out[name] = {"new": new, "cpu_s": round(r["tree_cpu_s"], 2),
                             "main_cpu_s": round(r["cpu_s"], 2),
                             "wall_s": round(r["wall_s"], 2), "rss_mb": round(r["rss_mb"], 1),
                             "cpu_ms_per_article": round(1000 * r["tree_cpu_s"] / max(1, new), 2)}
                print(f"  poll into {name:<8} {new} new articles: {r['tree_cpu_s']:.2f} s CPU "
                      f"(process tree; {r['cpu_s']:.2f} s counted by wait4), "
                      f"{out[name]['cpu_ms_per_article']:.2f} ms per article")
    finally:
        store = Store(db)        # the archive's own feeds list back
        try:
            from datetime import UTC, datetime
            store.sync_feeds(configs, datetime.now(UTC))
        finally:
            store.close()
        shutil.rmtree(work, ignore_errors=True)
    out["ratio"] = round(out["archive"]["cpu_ms_per_article"]
                         / max(1e-9, out["empty"]["cpu_ms_per_article"]), 3)
    print(f"  archive / empty CPU per article: {out['ratio']:.3f} (target <= 1.10)")
    if out["archive"]["new"] != out["empty"]["new"]:
        print("  ! the two polls did not store the same number of articles")
    return out


def _configured(db: Path) -> list[str]:
    from watchdesk.store import Store

    store = Store(db, mode="read")
    try:
        return [r[0] for r in store.query("SELECT name FROM feeds WHERE name LIKE 'site-%'")]
    finally:
        store.close()


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    from watchdesk.store import Store

    store = Store(db, mode="read")
    try:
        return int(store.query("SELECT max(id) FROM articles")[0][0] or 0)
    finally:
        store.close()


def cmd_run(args: argparse.Namespace) -> int:
    import compileall

    db: Path = args.db
    e = env(db)
    compileall.compile_dir(ROOT / "src" / "watchdesk", quiet=1)   # as pip install does
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    n = _count(db)
    size = db.stat().st_size
    print(f"{db}: {n:,} articles, {size / 1e6:.0f} MB ({size / 1e3 / max(1, n):.1f} MB per "
          "1,000 articles)")
    result: dict[str, Any] = {"articles": n, "db_mb": round(size / 1e6, 1),
                              "mb_per_1000": round(size / 1e3 / max(1, n), 2),
                              "commands": []}
    cmds = result["commands"]
    for q in QUERIES if args.commands else ():
        cmds.append(measure("search", ["search", q], e, args.repeat))
        cmds.append(measure("rules test --query", ["rules", "test", "--query", q], e,
                            args.repeat))
    if args.commands:
        cmds.append(measure("digest --preview", ["digest", "--preview"], e, args.repeat))
        cmds.append(measure("status", ["status"], e, args.repeat))
        cmds.append(measure("alerts --since 24h", ["alerts", "--since", "24h"], e,
                            args.repeat))
        cmds.append(measure("feeds", ["feeds"], e, args.repeat))
        cmds.append(measure("run (READY)", ["run"], e, args.repeat, until_ready=True))
    if args.poll_feeds:
        result["poll"] = poll_phase(db, e, args.poll_feeds, args.poll_entries)
    result["peak_rss_mb"] = max([c["rss_mb"] for c in cmds]
                                + [result.get("poll", {}).get(k, {}).get("rss_mb", 0)
                                   for k in ("empty", "archive")])
    over = [c for c in cmds if c["command"] in TARGETS and c["wall_s"] >= TARGETS[c["command"]]]
    print(f"peak RSS {result['peak_rss_mb']:.0f} MB (target < 300); "
          f"{len(over)} command(s) over target; load average at the end: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build a year's archive through the store's own code")
    b.add_argument("db", type=Path)
    b.add_argument("--articles", type=int, required=True)
    b.add_argument("--feeds", type=int, default=300)
    b.add_argument("--days", type=int, default=365)
    b.add_argument("--polls", type=int, default=8, help="polls of each feed per day")
    b.add_argument("--matched", type=float, default=0.15)
    b.add_argument("--seed", type=int, default=1)
    r = sub.add_parser("run", help="time the commands over an archive")
    r.add_argument("db", type=Path)
    r.add_argument("--repeat", type=int, default=3)
    r.add_argument("--json", default=None)
    r.add_argument("--poll-feeds", type=int, default=40, help="0: no poll phase")
    r.add_argument("--poll-entries", type=int, default=20)
    r.add_argument("--no-commands", dest="commands", action="store_false",
                   help="only the poll phase")
    args = ap.parse_args()
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)   # progress as it comes, also into a file
    return cmd_build(args) if args.cmd == "build" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
