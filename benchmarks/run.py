"""watchdesk benchmark: the real pipeline against a local feed farm, the limit and a baseline.

    python benchmarks/run.py                 # 1,000 feeds x 20 entries, ~6-8 minutes
    python benchmarks/run.py --quick         # ~1 minute smoke run
    python benchmarks/run.py --soak          # 50 poll cycles of one process, RSS per cycle
    python benchmarks/run.py --soak --db YEAR.db   # the same over an archive (scale.py build)
    python benchmarks/run.py --compare benchmarks/results/old.json
    python benchmarks/run.py --compare old.json --against new.json   # no run

Order of a run (see README.md in this folder):

1. start the feed farm (``farm``) on 50 loopback addresses, ``--latency`` per request;
2. **limit**: watchdesk's ``extract_page`` alone over a sample of the farm's pages, one
   process per core, no I/O (``limit``);
3. **baseline**: the sequential loop a user writes (``baseline``), over the first feeds;
4. **first poll**: ``watchdesk poll`` (timed from outside by ``timed_poll``) on a fresh
   database: every article is new;
5. the limit again (the machine's speed drifts: the mean of the two is used);
6. **re-poll**: the same command with nothing new (every feed answers 304), at
   ``--repoll-latency``; then **reader**: lemon24/reader's ``update_feeds(workers=32)`` over
   the same feeds, first to store them, then the timed re-poll (``reader_poll.py``);
7. **new**: ``--new-fraction`` of the entries are new, spread over a quarter of the feeds;
8. the rule-matching benchmark (``bench_match.py``), when present.

Everything talks to 127.0.0.0/8 only; the farm stops with the run (or after one hour).
Results: a table on stdout and JSON (``--json``, default ``benchmarks/results/latest.json``).
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "src")]

import corpus  # noqa: E402
import limit  # noqa: E402
from farm import Farm, FarmConfig, pregenerate, remove_store  # noqa: E402
from monitor import Monitor  # noqa: E402

SCHEMA = 1
QUICK = {"feeds": 200, "entries": 3, "limit_pages": 60, "baseline_articles": 30,
         "match_articles": 300, "cycles": 5}
FULL = {"feeds": 1000, "entries": 20, "limit_pages": 1000, "baseline_articles": 200,
        "match_articles": 2000, "cycles": 50}
_POLLED = re.compile(r"polled (\d+) feeds in ([\d.]+)s: (\d+) new articles, (\d+) updated, "
                     r"(\d+) matches, (\d+) not modified, (\d+) failed")

# Words of the farm's text for the benchmark's rules (with corpus.rare_names): about one
# match per article, as on a desk, rather than every rule matching every article.
RULE_PLACES = ("libye", "libya", "benghazi", "tripoli", "syrte", "misrata", "fezzan", "mali",
               "bamako", "gao", "kidal", "niger", "niamey", "agadez", "tchad", "chad",
               "soudan", "sudan", "khartoum", "darfour", "darfur", "sahel", "bangui", "alger",
               "tunis", "moscou", "moscow", "ankara", "dakar", "abuja")
RULE_PEOPLE = ("haftar", "dbeibah", "menfi", "evkourov", "prigojine", "goita", "tiani",
               "traore", "touadera", "burhan", "daglo", "deby", "tebboune", "saied", "lavrov",
               "erdogan", "guterres", "tetteh")
RULE_TOPICS = ('"africa corps"', "wagner", '"union africaine"', '"african union"', "cedeao",
               "ecowas", "otan", "nato", "minusma", '"forces de soutien rapide"', "drone*",
               "cessez-le-feu", "ceasefire", "petrol*", "oil", "elections", "élections",
               "migra*", "détenus", "detainees", "frontière", "border", "instructeurs")


# setup ---------------------------------------------------------------------------------------

def write_config(work: Path, farm: Farm, n_rules: int, seed: int) -> tuple[Path, Path]:
    feeds = work / "feeds.yaml"
    lines = ["defaults:", "  interval: 20m", "  fetch_articles: true", "feeds:"]
    for f in range(farm.cfg.feeds):
        lang = corpus.site(seed, f).lang
        lines += [f"  - name: site-{f:04d}", f"    url: {farm.feed_url(f)}",
                  f"    tags: [{lang}, bench]"]
    feeds.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rules = work / "rules"
    rules.mkdir(exist_ok=True)
    rng = random.Random(f"{seed}-rules")
    names = [n.lower() for n in corpus.rare_names(seed)]
    out = ["rules:"]
    for i in range(n_rules):
        if i % 10 == 9:  # a broad rule on the beat's main story
            a = " OR ".join(rng.sample(RULE_PEOPLE, 2))
            b = " OR ".join(rng.sample(RULE_TOPICS, 2))
            query = f"({a}) NEAR/3 ({b}) AND ({' OR '.join(rng.sample(RULE_PLACES, 2))})"
        else:  # most rules watch a name or two that few articles mention
            a = " OR ".join(rng.sample(names, rng.randint(1, 2)))
            b = " OR ".join(rng.sample(RULE_PLACES, rng.randint(2, 5)))
            query = {0: f"({a}) AND ({b})", 1: f"({a}) NEAR/8 ({b})", 2: a,
                     3: f"({a}) AND NOT ({b})"}[i % 4]
        out += [f"  - id: r{i:03d}", f"    query: '{query}'",
                f"    priority: {'alert' if i % 10 == 0 else 'digest'}"]
        if i % 7 == 0:
            out.append("    exclude: '\"richard wagner\" OR opéra'")
    (rules / "bench.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")
    return feeds, rules


SRC = ROOT / "src"  # --src: benchmark another checkout's package with this harness


_COMPILED: set[Path] = set()


def compile_src(src: Path) -> None:
    """Compile ``src``'s modules to .pyc, as installing a wheel does. An editable checkout
    run with ``PYTHONDONTWRITEBYTECODE=1`` (as on the shared development machine) compiled
    every watchdesk module again in each process: ~0.1 s of CPU at each poll's start and
    again in its forkserver, which an installed watchdesk never spends. A stale .pyc is
    recompiled by the interpreter (it compares the source's time and size)."""
    src = src.resolve()
    if src not in _COMPILED:
        compileall.compile_dir(str(src), quiet=1)
        _COMPILED.add(src)


def env() -> dict[str, str]:
    compile_src(SRC)
    e = {k: v for k, v in os.environ.items() if not k.startswith("WATCHDESK_")}
    e["PYTHONPATH"] = os.pathsep.join([str(SRC), str(HERE),
                                       os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    e["WATCHDESK_LOG_LEVEL"] = "INFO"
    return e


# phases --------------------------------------------------------------------------------------

def run_poll(name: str, work: Path, feeds: Path, rules: Path, db: Path, farm: Farm,
             timeout: float) -> dict[str, Any]:
    """One ``watchdesk poll`` as a subprocess, timed and watched from outside."""
    stages = work / f"stages-{name}.json"
    e = env()
    e["BENCH_STAGES"] = str(stages)
    cmd = [sys.executable, str(HERE / "timed_poll.py"), "poll", "--feeds", str(feeds),
           "--rules", str(rules), "--db", str(db)]
    farm0 = farm.stats()
    before = extraction_counts(db)
    with open(work / f"poll-{name}.log", "w", encoding="utf-8") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, env=e, text=True,
                                cwd=work)
        with Monitor(proc.pid) as mon:
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                raise SystemExit(f"{name}: watchdesk poll took more than {timeout:.0f}s") from None
        wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{name}: watchdesk poll exited {proc.returncode}; see "
                         f"{work / f'poll-{name}.log'}\n{out}")
    farm1 = farm.stats()
    after = extraction_counts(db)
    by_extraction = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    m = _POLLED.search(out)
    if not m:
        raise SystemExit(f"{name}: unexpected output from watchdesk poll: {out!r}")
    n_feeds, inside, new, updated, matched, not_modified, failed = (
        int(m[1]), float(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]), int(m[7]))
    st = json.loads(stages.read_text()) if stages.exists() else {}
    poll = st.get("poll", {})
    rss = mon.report()
    farm_cpu = farm1["cpu_s"] - farm0["cpu_s"]
    return {
        "wall_s": round(wall, 3),
        "inside_s": round(inside, 3),
        "startup_s": round(poll.get("start", 0.0), 3),
        "feeds": n_feeds,
        "feeds_per_s": round(n_feeds / wall, 2),
        "new": new, "updated": updated, "matches": matched, "not_modified": not_modified,
        "failed": failed,
        "new_per_s": round(new / wall, 2),
        "new_per_s_inside": round(new / inside, 2) if inside else 0.0,
        # articles whose body came from their page: the ones that cost an extraction
        "extracted": by_extraction.get("page", 0),
        "by_extraction": by_extraction,
        "extracted_per_s": round(by_extraction.get("page", 0) / wall, 2),
        "extracted_per_s_inside": round(by_extraction.get("page", 0) / inside, 2)
        if inside else 0.0,
        "stages": _stages(st.get("stages", {})),
        "main_cpu_s": round(st.get("main_cpu_s", 0.0), 2),
        "memory": rss,
        "farm": {"requests": farm1["requests"] - farm0["requests"],
                 "cpu_s": round(farm_cpu, 2),
                 "busy": round(farm_cpu / wall, 3),
                 "cpu_ms_per_request": round(1000 * farm_cpu / max(1, farm1["requests"]
                                                                  - farm0["requests"]), 3),
                 "max_open_connections": farm1["max_open_connections"]},
        "other_cpu_s": round(max(0.0, rss["system_busy_cpu_s"] - rss["tree_cpu_s"]
                                 - farm_cpu), 2),
    }


def extraction_counts(db: Path) -> dict[str, int]:
    """Stored articles by where their body came from (page, feed, summary, none)."""
    if not db.exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT extraction, count(*) FROM articles GROUP BY 1"))
    finally:
        conn.close()


def _stages(raw: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    out = {}
    for name in ("fetch_feed", "fetch_page", "parse", "extract", "plan", "match", "store"):
        s = raw.get(name, {"n": 0, "seconds": 0.0, "cpu": 0.0})
        n = int(s["n"])
        out[name] = {"n": n, "seconds": round(s["seconds"], 3), "cpu_s": round(s["cpu"], 3),
                     "ms_each": round(1000 * s["seconds"] / n, 2) if n else 0.0,
                     "cpu_ms_each": round(1000 * s["cpu"] / n, 2) if n else 0.0}
    return out


def run_reader(work: Path, farm: Farm, timeout: float) -> dict[str, Any] | None:
    """The peer on the same farm: lemon24/reader's ``update_feeds(workers=32)`` (see
    ``reader_poll.py``), once to store the feeds and their validators (not timed), then the
    re-poll, timed as a whole process like watchdesk's. None if reader is not installed."""
    try:
        import reader
    except ImportError:
        print("  reader is not installed (pip install -e '.[dev]'): no reader phase")
        return None
    urls = work / "reader-feeds.txt"
    urls.write_text("\n".join(farm.feed_url(f) for f in range(farm.cfg.feeds)) + "\n",
                    encoding="utf-8")
    db = work / "reader.sqlite"
    cmd = [sys.executable, str(HERE / "reader_poll.py"), str(db), str(urls)]
    out: dict[str, Any] = {}
    for name in ("first", "repoll"):
        farm0 = farm.stats()
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=work,
                              check=False)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"reader {name}: exited {proc.returncode}\n{proc.stderr[-2000:]}")
        farm1 = farm.stats()
        inner = json.loads(proc.stdout.strip().splitlines()[-1])
        out[name] = {"wall_s": round(wall, 3), "update_s": inner["update_s"],
                     "feeds": inner["feeds"],
                     "requests": farm1["requests"] - farm0["requests"]}
    out["version"] = reader.__version__
    return out


def run_baseline(work: Path, farm: Farm, articles: int, entries: int) -> dict[str, Any]:
    n_feeds = max(1, min(farm.cfg.feeds, math.ceil(articles / entries)))
    urls = work / "baseline-urls.json"
    urls.write_text(json.dumps([farm.feed_url(f) for f in range(n_feeds)]))
    out = work / "baseline.json"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "baseline.py"), str(urls),
                    str(work / "baseline.db"), str(out)], check=True, env=env(), timeout=1800)
    wall = time.perf_counter() - t0
    r: dict[str, Any] = json.loads(out.read_text())
    r["wall_s"] = round(wall, 3)
    r["articles_per_s"] = round(r["articles"] / wall, 2)
    r["articles_per_s_loop"] = round(r["articles"] / r["loop_s"], 2)
    r["extract_cpu_ms_each"] = round(1000 * r["extract_cpu_s"] / max(1, r["articles"]), 2)
    return r


def run_match(articles: int) -> dict[str, Any] | None:
    script = HERE / "bench_match.py"
    if not script.exists():
        return None
    try:
        p = subprocess.run([sys.executable, str(script), "--json", "--rules", "100",
                            "--articles", str(articles)], capture_output=True, text=True,
                           env=env(), timeout=600, check=True)
        data = json.loads(p.stdout)
        run = next(r for r in data["runs"] if r["rules"] == 100)
        return {"rules": 100, "articles": data["articles"], "mb_s": round(run["mb_s"], 2),
                "ms_per_article": round(run["ms_per_article"], 3)}
    except (subprocess.SubprocessError, ValueError, KeyError, StopIteration) as e:
        return {"error": f"bench_match.py failed: {type(e).__name__}: {e}"}


def db_stats(db: Path) -> dict[str, Any]:
    """Size of the database after the first poll, less that of an empty one (schema only)."""
    from watchdesk.store import Store

    def size(path: Path) -> tuple[int, int]:
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            return pages * conn.execute("PRAGMA page_size").fetchone()[0], articles
        finally:
            conn.close()

    with tempfile.TemporaryDirectory() as tmp:
        Store(Path(tmp) / "empty.db").close()
        empty, _ = size(Path(tmp) / "empty.db")
    full, articles = size(db)
    return {"articles": articles, "bytes": full, "empty_bytes": empty,
            "mb_per_1k_articles": round((full - empty) / 1e6 / articles * 1000, 2)
            if articles else None}


def sample_pages(seed: int, feeds: int, entries: int, n: int) -> list[tuple[int, int]]:
    rng = random.Random(f"{seed}-limit-sample")
    pairs = [(f, e) for f in range(feeds) for e in range(entries)]
    return rng.sample(pairs, min(n, len(pairs)))


# soak ----------------------------------------------------------------------------------------

def run_soak(work: Path, feeds: Path, rules: Path, farm: Farm, args: argparse.Namespace,
             ) -> dict[str, Any]:
    db = args.db.resolve() if args.db else work / "soak.db"
    cmd = [sys.executable, str(HERE / "soak.py"), str(feeds), str(rules), str(db),
           str(args.cycles),
           *(["--tracemalloc", "--trace-from", str(args.trace_from)] if args.tracemalloc else []),
           *(["--hours-per-cycle", str(args.soak_hours)] if args.soak_hours else [])]
    cycles = []
    with open(work / "soak.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                env=env(), text=True, cwd=work)
        assert proc.stdin and proc.stdout
        try:
            for cycle in range(1, args.cycles + 1):
                if cycle > 1:
                    farm.publish(corpus.new_entries_plan(args.seed, args.feeds, args.entries,
                                                         args.soak_new, 1000 + cycle))
                with Monitor(proc.pid, interval=0.25) as mon:
                    proc.stdin.write("go\n")
                    proc.stdin.flush()
                    line = proc.stdout.readline()
                if not line:
                    raise SystemExit(f"soak process ended at cycle {cycle}; see soak.log")
                c = json.loads(line)
                mem = mon.report()
                c.update(peak_main_rss_mb=mem["peak_main_rss_mb"],
                         peak_tree_pss_mb=mem["peak_tree_pss_mb"],
                         peak_tree_rss_mb=mem["peak_tree_rss_mb"])
                cycles.append(c)
                traced = f", Python {c['traced_mb']:6.2f} MB" if "traced_mb" in c else ""
                print(f"  soak cycle {cycle:3d}: {c['new']:5d} new in {c['seconds']:6.1f}s, "
                      f"main RSS {c['main_rss_mb']:6.1f} MB (peak {c['peak_main_rss_mb']:6.1f}),"
                      f" tree PSS peak {c['peak_tree_pss_mb']:6.1f} MB{traced}", flush=True)
        finally:
            proc.stdin.close()
            proc.wait(timeout=60)
    steady = cycles[min(len(cycles) - 1, 4):]  # after the first fill and warm-up cycles
    xs = [c["cycle"] for c in steady]
    ys = [c["main_rss_mb"] for c in steady]
    slope = _slope(xs, ys)
    python_part: dict[str, float] = {}
    if all("traced_mb" in c for c in steady):   # --tracemalloc: Python's part of the growth
        python_part = {"steady_traced_slope_mb_per_cycle":
                  round(_slope(xs, [c["traced_mb"] for c in steady]), 4)}
    return {"cycles": cycles, **python_part,
            "first_cycle_peak_tree_pss_mb": cycles[0]["peak_tree_pss_mb"],
            "steady_main_rss_mb": {"first": ys[0], "last": ys[-1], "max": max(ys)},
            "steady_slope_mb_per_cycle": round(slope, 3),
            "peak_tree_pss_mb": max(c["peak_tree_pss_mb"] for c in cycles),
            "peak_main_rss_mb": max(c["peak_main_rss_mb"] for c in cycles)}


def _slope(xs: list[int], ys: list[float]) -> float:
    if len(xs) < 2:
        return 0.0
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


# report --------------------------------------------------------------------------------------

def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    out = []

    def add(name: str, value: float | None, op: str, goal: float, note: str = "") -> None:
        ok = None if value is None else (value >= goal if op == ">=" else value <= goal)
        out.append({"name": name, "value": value, "target": f"{op} {goal:g}", "ok": ok,
                    "note": note})

    ratios = r.get("ratios", {})
    phases = r.get("phases", {})
    if "vs_limit" in ratios:
        first = phases["first"]
        busy = first["other_cpu_s"] / (first["wall_s"] * r["machine"]["cores"])
        add("new articles/s vs limit", ratios["vs_limit"], ">=", 0.9,
            f"other processes used {100 * busy:.0f}% of the machine during the poll"
            + (f"; in CPU terms {ratios['cpu_vs_limit']:.2f}" if "cpu_vs_limit" in ratios
               else ""))
    if "vs_baseline" in ratios:
        add("new articles/s vs baseline", ratios["vs_baseline"], ">=", 3)
    if "vs_reader" in ratios:
        add("re-poll vs lemon24/reader (its time / ours)", ratios["vs_reader"], ">=", 1.5,
            "update_feeds(workers=32), same farm, same run, whole processes")
    if "repoll" in phases:
        p = phases["repoll"]
        add("re-poll, all 304 (s, whole process)", p["wall_s"], "<=", 5.0,
            "" if p["feeds"] >= 1000 else f"only {p['feeds']} feeds: target is for 1,000")
    if "first" in phases:
        add("peak memory, first poll (tree PSS MB)", phases["first"]["memory"]["peak_tree_pss_mb"],
            "<=", 300, f"{r['params']['feeds']} feeds, {phases['first']['new']} articles")
    match = r.get("match")
    if match and "mb_s" in match:
        add("rule matching, 100 rules (MB/s)", match["mb_s"], ">=", 20)
    soak = r.get("soak")
    if soak:
        add("soak: main RSS growth (MB/cycle)", soak["steady_slope_mb_per_cycle"], "<=", 0.1,
            f"{len(soak['cycles'])} cycles")
        add("soak: peak memory (tree PSS MB)", soak["peak_tree_pss_mb"], "<=", 300)
    return out


def print_report(r: dict[str, Any]) -> None:
    p = r["params"]
    print()
    print(f"watchdesk benchmark  {r['commit']}  {r['date']}  {r['machine']['cores']} cores, "
          f"load {r['machine']['loadavg_start']:.1f} -> {r['machine']['loadavg_end']:.1f}")
    farm = r.get("farm", {})
    print(f"farm: {p['feeds']} feeds x {p['entries']} entries on {p['hosts']} hosts, latency "
          f"{p['latency'] * 1000:.0f} ms (re-poll {p['repoll_latency'] * 1000:.0f} ms), "
          f"corpus {p.get('corpus', 'light')}, pages "
          + ("{min:.0f}-{max:.0f} KB (median {median:.0f}), ".format(**r['limit']['page_kb'])
             if r.get("limit") else "")
          + ("pre-generated ({pages} pages, {wall_s:.0f} s)".format(**r["pregenerated"])
             if r.get("pregenerated") else "built on request")
          + (f"; farm CPU {1000 * farm['cpu_s'] / farm['requests']:.2f} ms/request"
             if farm.get("requests") else ""))
    rows: list[tuple[str, ...]] = [
        ("", "wall s", "feeds/s", "new", "from page", "per s", "304", "failed", "RSS main",
         "PSS tree", "farm busy", "other CPU s")]
    for name, ph in r.get("phases", {}).items():
        rows.append((name, f"{ph['wall_s']:.1f}", f"{ph['feeds_per_s']:.0f}", str(ph["new"]),
                     str(ph["extracted"]), f"{ph['extracted_per_s']:.1f}",
                     str(ph["not_modified"]), str(ph["failed"]),
                     f"{ph['memory']['peak_main_rss_mb']:.0f} MB",
                     f"{ph['memory']['peak_tree_pss_mb']:.0f} MB",
                     f"{100 * ph['farm']['busy']:.0f}%", f"{ph['other_cpu_s']:.1f}"))
    _table(rows)
    first = r.get("phases", {}).get("first")
    if first:
        print("\nstages, first poll (seconds summed over concurrent calls; CPU in workers for "
              "parse/extract, on the event loop for plan/match/store):")
        rows = [("stage", "n", "sum s", "ms each", "CPU s", "CPU ms each")]
        for name, s in first["stages"].items():
            rows.append((name, str(s["n"]), f"{s['seconds']:.1f}", f"{s['ms_each']:.1f}",
                         f"{s['cpu_s']:.1f}", f"{s['cpu_ms_each']:.1f}"))
        _table(rows)
        print(f"main process CPU {first['main_cpu_s']:.1f} s; start-up (imports, config, "
              f"database) {first['startup_s']:.2f} s; poll inside {first['inside_s']:.1f} s")
    lim, base = r.get("limit"), r.get("baseline")
    print()
    if lim:
        print(f"limit     {lim['articles_per_s']:7.1f} articles/s  (extract_page alone, "
              f"{lim['workers']} processes, {lim['pages']} pages x{len(lim['runs'])}; runs "
              + ", ".join(f"{x['articles_per_s']:.1f}" for x in lim["runs"])
              + f"; {lim['cpu_ms_per_page']:.1f} ms CPU/page)")
    if base:
        print(f"baseline  {base['articles_per_s']:7.1f} articles/s  (sequential loop, "
              f"{base['articles']} articles, whole process; trafilatura.extract "
              f"{base['extract_cpu_ms_each']:.1f} ms CPU/page)")
    if first:
        print(f"watchdesk {first['extracted_per_s']:7.1f} articles/s  (first poll, articles "
              f"extracted from their page / whole process; {first['extracted_per_s_inside']:.1f}"
              f" inside the poll)")
    rd = r.get("reader")
    if rd:
        print(f"reader    {rd['repoll']['wall_s']:7.2f} s re-poll of {rd['repoll']['feeds']} feeds "
              f"(lemon24/reader {rd['version']}, update_feeds(workers=32), whole process; "
              f"{rd['repoll']['update_s']:.2f} s inside; first {rd['first']['wall_s']:.1f} s)"
              f"; watchdesk {r['phases']['repoll']['wall_s']:.2f} s")
    ratios = r.get("ratios", {})
    if ratios:
        print("ratios    " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
    if r.get("db"):
        d = r["db"]
        print(f"database  {d['bytes'] / 1e6:.1f} MB for {d['articles']} articles: "
              f"{d['mb_per_1k_articles']} MB per 1,000 articles (FTS index included)")
    if r.get("match"):
        print(f"matching  {r['match']}")
    print_targets(r["targets"])


def print_targets(targets: list[dict[str, Any]]) -> None:
    print("\ntargets:")
    for t in targets:
        mark = {True: "ok  ", False: "MISS", None: "n/a "}[t["ok"]]
        print(f"  {mark} {t['name']}: {t['value']} (target {t['target']})"
              + (f"  [{t['note']}]" if t["note"] else ""))


def _table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.rjust(w) if i else c.ljust(w)
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))))


COMPARED = ("limit.articles_per_s", "baseline.articles_per_s",
            "phases.first.extracted_per_s", "phases.first.wall_s",
            "phases.first.memory.peak_tree_pss_mb", "phases.first.memory.peak_main_rss_mb",
            "phases.repoll.wall_s", "phases.new.wall_s", "phases.new.extracted_per_s",
            "ratios.vs_limit", "ratios.vs_baseline", "db.mb_per_1k_articles", "match.mb_s",
            "soak.steady_slope_mb_per_cycle", "soak.peak_tree_pss_mb")


def compare(old: dict[str, Any], new: dict[str, Any]) -> None:
    print(f"\ncompared with {old.get('commit')} ({old.get('date')}):")
    rows: list[tuple[str, ...]] = [("metric", "old", "new", "change")]
    for key in COMPARED:
        a, b = _get(old, key), _get(new, key)
        if a is None and b is None:
            continue
        change = f"{100 * (b - a) / a:+.1f}%" if a and b is not None else ""
        rows.append((key, "-" if a is None else f"{a:g}", "-" if b is None else f"{b:g}",
                     change))
    _table(rows)


def _get(d: Any, dotted: str) -> float | None:
    for part in dotted.split("."):
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d if isinstance(d, int | float) else None


def commit() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return rev or "unknown"


# main ----------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="smoke run (~1 min): 200 feeds x 3 entries, small samples")
    ap.add_argument("--soak", action="store_true",
                    help="instead of the phases: --cycles poll cycles of one long-lived process")
    ap.add_argument("--feeds", type=int, help="feeds in the farm (default 1000; quick 200)")
    ap.add_argument("--entries", type=int, help="entries per feed (default 20; quick 3)")
    ap.add_argument("--hosts", type=int, default=50, help="loopback host addresses (default 50)")
    ap.add_argument("--latency", type=float, default=0.05,
                    help="seconds before each response, first and new polls (default 0.05)")
    ap.add_argument("--repoll-latency", type=float, default=0.02,
                    help="seconds before each response, re-poll (default 0.02)")
    ap.add_argument("--new-fraction", type=float, default=0.05,
                    help="share of entries new in the last phase (default 0.05)")
    ap.add_argument("--rules", type=int, default=100, help="rules in the pipeline (default 100)")
    ap.add_argument("--limit-pages", type=int, help="pages in the limit sample (default 1000)")
    ap.add_argument("--baseline-articles", type=int,
                    help="articles the baseline loop fetches (default 200; 0 = skip)")
    ap.add_argument("--match-articles", type=int,
                    help="articles for bench_match.py (default 2000; 0 = skip)")
    ap.add_argument("--cycles", type=int, help="soak cycles (default 50)")
    ap.add_argument("--tracemalloc", action="store_true",
                    help="with --soak: trace Python's allocations (traced_mb per cycle, and "
                         "the lines that grew most from cycle 5 on in soak.log)")
    ap.add_argument("--trace-from", type=int, default=5,
                    help="with --tracemalloc: list what grew since this cycle (default 5)")
    ap.add_argument("--soak-hours", type=float, default=0.0,
                    help="with --soak: move the daemon's clock on this many hours at each "
                         "cycle (what is kept for days is then seen to leave)")
    ap.add_argument("--soak-new", type=float, default=0.01,
                    help="share of entries new in each soak cycle after the first")
    ap.add_argument("--db", type=Path,
                    help="with --soak: poll into this database instead of a new one, e.g. "
                         "a year's archive from scale.py build (it is written to: use a "
                         "copy, or run scale.py run before)")
    ap.add_argument("--gzip", action="store_true", help="farm compresses responses (gzip)")
    ap.add_argument("--corpus", choices=corpus.CORPORA, default="news",
                    help="markup of the article pages: news (structured like real news "
                         "sites, the default) or light (the earlier flat pages)")
    ap.add_argument("--no-pregenerate", dest="pregenerate", action="store_false",
                    help="the farm builds each page on request instead of serving pages "
                         "built before the run (costs the farm ~1 ms CPU per page)")
    ap.add_argument("--no-reader", dest="reader", action="store_false",
                    help="skip the peer's re-poll (lemon24/reader) on the same farm")
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--src", type=Path, default=ROOT / "src",
                    help="the watchdesk package to run (default: this checkout's src/)")
    ap.add_argument("--workdir", type=Path, help="keep the databases and logs here")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "latest.json",
                    help="where to write the results (default benchmarks/results/latest.json)")
    ap.add_argument("--compare", type=Path, metavar="OLD.json",
                    help="print the changes against an earlier result")
    ap.add_argument("--against", type=Path, metavar="NEW.json",
                    help="with --compare: compare two result files, run nothing")
    args = ap.parse_args(argv)
    preset = QUICK if args.quick else FULL
    for key, value in preset.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.feeds < 1 or args.entries < 1:
        ap.error("--feeds and --entries must be at least 1")
    if args.db is not None and (not args.soak or not args.db.is_file()):
        ap.error("--db needs --soak and an existing database")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    global SRC
    SRC = args.src.resolve()
    if args.against:
        if not args.compare:
            raise SystemExit("--against needs --compare OLD.json")
        compare(json.loads(args.compare.read_text()), json.loads(args.against.read_text()))
        return 0
    work = args.workdir or Path(tempfile.mkdtemp(prefix="watchdesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    old = json.loads(args.compare.read_text()) if args.compare else None
    total = args.feeds * args.entries
    r: dict[str, Any] = {
        "schema": SCHEMA, "commit": commit(),
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cores": limit.cores(), "python": platform.python_version(),
                    "loadavg_start": os.getloadavg()[0]},
        "params": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                   if k not in ("json", "compare", "workdir")},
        "workdir": str(work),
    }
    timeout = 120 + total * 0.5
    cfg = FarmConfig(seed=args.seed, feeds=args.feeds, entries=args.entries, hosts=args.hosts,
                     latency=args.latency, gzip=args.gzip,
                     max_seconds=3600 + (args.cycles * 120 if args.soak else 0),
                     corpus=args.corpus)
    t_run = time.perf_counter()
    store = None
    try:
        if args.pregenerate:
            extra = {} if args.soak else corpus.new_entries_plan(
                args.seed, args.feeds, args.entries, args.new_fraction, 1)
            print(f"pages: building the {args.corpus} corpus's pages before the run ...",
                  flush=True)
            store, r["pregenerated"] = pregenerate(cfg, work.resolve(), extra,
                                                   workers=limit.cores())
            cfg.store = str(store)
        with Farm(cfg) as farm:
            feeds, rules = write_config(work, farm, args.rules, args.seed)
            print(f"farm up: {args.feeds} feeds x {args.entries} entries on {args.hosts} loopback "
                  f"hosts ({farm.bases[0]} ...); work dir {work}", flush=True)
            if args.soak:
                r["soak"] = run_soak(work, feeds, rules, farm, args)
            else:
                sample = sample_pages(args.seed, args.feeds, args.entries, args.limit_pages)
                print(f"limit: extract_page alone over {len(sample)} pages ...", flush=True)
                runs = [limit.measure(args.seed, sample, corpus_name=args.corpus)]
                if args.baseline_articles:
                    print(f"baseline: sequential loop over ~{args.baseline_articles} articles ...",
                          flush=True)
                    r["baseline"] = run_baseline(work, farm, args.baseline_articles, args.entries)
                phases: dict[str, Any] = {}
                db = work / "watchdesk.db"
                print(f"first poll: {total} new articles ...", flush=True)
                phases["first"] = run_poll("first", work, feeds, rules, db, farm, timeout)
                r["db"] = db_stats(db)
                runs.append(limit.measure(args.seed, sample, corpus_name=args.corpus))
                farm.set_latency(args.repoll_latency)
                print("re-poll: nothing new ...", flush=True)
                phases["repoll"] = run_poll("repoll", work, feeds, rules, db, farm, timeout)
                if args.reader:
                    print("reader: lemon24/reader's update_feeds(workers=32), same farm ...",
                          flush=True)
                    r["reader"] = run_reader(work, farm, timeout)
                farm.set_latency(args.latency)
                farm.publish(corpus.new_entries_plan(args.seed, args.feeds, args.entries,
                                                     args.new_fraction, 1))
                print(f"new: {100 * args.new_fraction:g}% new entries ...", flush=True)
                phases["new"] = run_poll("new", work, feeds, rules, db, farm, timeout)
                r["phases"] = phases
                lim = dict(runs[0])
                lim["runs"] = [{"articles_per_s": round(x["articles_per_s"], 2),
                                "cpu_ms_per_page": round(x["cpu_ms_per_page"], 2)} for x in runs]
                lim["articles_per_s"] = round(sum(x["articles_per_s"] for x in runs) / len(runs), 2)
                lim["cpu_ms_per_page"] = round(sum(x["cpu_ms_per_page"] for x in runs) / len(runs),
                                               2)
                r["limit"] = lim
                r["ratios"] = {"vs_limit": round(phases["first"]["extracted_per_s"]
                                                 / lim["articles_per_s"], 3)}
                # CPU terms, robust to a busy machine: extraction alone costs this much CPU per
                # page; watchdesk's whole tree (main process, parse, extract, pool) per page.
                first = phases["first"]
                if first["extracted"]:
                    tree_cpu_per_page = 1000 * first["memory"]["tree_cpu_s"] / first["extracted"]
                    first["tree_cpu_ms_per_extracted"] = round(tree_cpu_per_page, 2)
                    r["ratios"]["cpu_vs_limit"] = round(lim["cpu_ms_per_page"] / tree_cpu_per_page,
                                                        3)
                if r.get("reader"):
                    # > 1: watchdesk re-polls faster than the peer (whole processes)
                    r["ratios"]["vs_reader"] = round(r["reader"]["repoll"]["wall_s"]
                                                     / phases["repoll"]["wall_s"], 3)
                if r.get("baseline"):
                    r["ratios"]["vs_baseline"] = round(phases["first"]["extracted_per_s"]
                                                       / r["baseline"]["articles_per_s"], 2)
            r["farm"] = farm.stats()
    finally:
        if store is not None:
            remove_store(store)
    if args.match_articles and not args.soak:
        print("rule matching: bench_match.py ...", flush=True)
        r["match"] = run_match(args.match_articles)
    r["machine"]["loadavg_end"] = os.getloadavg()[0]
    r["run_s"] = round(time.perf_counter() - t_run, 1)
    r["targets"] = targets(r)
    if not args.soak:
        print_report(r)
    else:
        print("\nsoak: " + json.dumps({k: v for k, v in r["soak"].items() if k != "cycles"}))
        print_targets(r["targets"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(r, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nresults: {args.json} (run took {r['run_s']:.0f} s)")
    if old:
        compare(old, r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
