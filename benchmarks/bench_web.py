"""Benchmark the desk's web pages: the time to answer each page, over HTTP, from a real
`watchdesk web` on a database.

    PYTHONPATH=src python benchmarks/bench_web.py [--db PATH] [--rules DIR] [--n 30]
        [--query 'haftar OR wagner'] [--json OUT]

Without --db, `watchdesk demo` fills a temporary database first (15 articles); give the
database of `bench_search.py` (50,000 articles) or a copy of a real one to see the pages at
scale. Each page is asked once to warm up, then --n times in a row from one client; the
median and the 90th percentile are printed (and written as JSON with --json). The target
is under 1 s for every page (a person clicking), and under 300 ms for /, an event and an
article.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]


def start(db: Path, rules: Path | None) -> tuple[subprocess.Popen[str], str]:
    args = [sys.executable, "-m", "watchdesk", "web", "--db", str(db), "--listen",
            "127.0.0.1:0", "-q"]
    if rules is not None:
        args += ["--rules", str(rules)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"(http://\S+?)/ ", line)
    if not m:
        proc.kill()
        raise SystemExit(f"watchdesk web did not start: {line!r}")
    return proc, m[1]


def pages(db: Path, query: str) -> list[str]:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as c:
        story = c.execute("SELECT story_id FROM articles WHERE story_id IS NOT NULL"
                          " ORDER BY id DESC LIMIT 1").fetchone()
        article = c.execute("SELECT max(article_id) FROM matches").fetchone()
    out = ["/", "/feeds", "/rules", f"/search?q={quote(query)}&since=30d",
           f"/rules/test?q={quote(query)}&since=30d"]
    if story:
        out.insert(1, f"/events/{story[0]}")
    if article and article[0]:
        out.insert(2, f"/articles/{article[0]}")
    return out


def measure(url: str, paths: list[str], n: int) -> dict[str, dict[str, float]]:
    out = {}
    with httpx.Client(base_url=url, timeout=120) as c:
        for path in paths:
            r = c.get(path)
            assert r.status_code == 200, (path, r.status_code, r.text[:300])
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                r = c.get(path)
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out[path] = {"median_ms": round(statistics.median(times), 1),
                         "p90_ms": round(times[min(n - 1, int(n * 0.9))], 1),
                         "kb": round(len(r.content) / 1024, 1)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--rules", type=Path)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--query", default="haftar OR wagner")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        db = a.db
        if db is None:
            db = Path(tmp) / "demo.db"
            subprocess.run([sys.executable, "-m", "watchdesk", "demo", "--db", str(db), "-q"],
                           check=True, stdout=subprocess.DEVNULL)
        proc, url = start(db, a.rules)
        try:
            result = measure(url, pages(db, a.query), a.n)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    articles = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True).execute(
        "SELECT count(*) FROM articles").fetchone()[0] if a.db else 15
    print(f"{articles} articles, {a.n} requests per page")
    for path, r in result.items():
        print(f"  {path:60.60s} median {r['median_ms']:7.1f} ms  p90 {r['p90_ms']:7.1f} ms  "
              f"{r['kb']:6.1f} KB")
    if a.json:
        a.json.write_text(json.dumps({"articles": articles, "n": a.n, "pages": result},
                                     indent=2))


if __name__ == "__main__":
    main()
