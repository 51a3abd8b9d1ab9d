"""Benchmark `watchdesk export` and `watchdesk feeds-out` on a month of matches.

A fresh database gets ``--articles`` articles over the last 30 days (titles in French, Arabic
and hostile ones that start with ``=``), ``--matched`` of them matched by one or two of 12
rules, grouped by three into events reported by several feeds. Then, in this process, it
times ``notify.export.export`` (CSV and JSON Lines, to /dev/null) and
``notify.atom.write_feeds``, with the peak Python memory of each (tracemalloc), and checks
that the CSV reads back with as many rows as exported:

    PYTHONPATH=src python benchmarks/bench_export.py [--articles 20000] [--matched 5000]
        [--json out.json]

The target: a month of a busy desk (5,000 matched articles) exports in under 2 s, in memory
that does not grow with the period (the store is read in batches of 500).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from watchdesk.notify.atom import write_feeds
from watchdesk.notify.export import export
from watchdesk.store import Store, iso

TITLES = ["Libye : une délégation russe à Benghazi n°{}", "عاجل: حفتر يستقبل وفدًا روسيًا {}",
          "=HYPERLINK(\"http://evil.example/{}\",\"clic\")", "Le dinar libyen recule de {} %"]


def build(db: Path, n: int, matched: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    store = Store(db)
    now = datetime.now(UTC)
    with store.transaction() as c:
        for f in range(20):
            c.execute("INSERT INTO feeds(name, title, url, config_url, interval_s, created_at)"
                      " VALUES (?,?,?,?,?,?)", (f"feed{f}", f"Feed {f} - Afrique",
                                                f"https://s{f}.example/rss",
                                                f"https://s{f}.example/rss", 900, iso(now)))
        match_ids = set(rng.sample(range(n), matched))
        for i in range(n):
            at = iso(now - timedelta(seconds=rng.uniform(0, 30 * 86400)))
            feed = rng.randrange(20) + 1
            cur = c.execute(
                "INSERT INTO articles(feed_id, url, canonical_url, title, published_at,"
                " fetched_at, extraction, content_hash, lang) VALUES (?,?,?,?,?,?,?,?,?)",
                (feed, f"https://s{feed}.example/{i}", f"https://s{feed}.example/{i}",
                 rng.choice(TITLES).format(i), at, at, "page", str(i), "fr"))
            aid = int(cur.lastrowid or 0)
            c.execute("UPDATE articles SET story_id = ? WHERE id = ?", (aid - aid % 3 or aid,
                                                                       aid))
            c.execute("INSERT INTO entries(feed_id, identity, article_id, entry_hash,"
                      " first_seen_at) VALUES (?,?,?,?,?)", (feed, str(i), aid, "h", at))
            if i in match_ids:
                for rule in rng.sample(range(12), rng.choice((1, 1, 2))):
                    c.execute("INSERT INTO matches(article_id, rule_id, priority, terms,"
                              " snippet, snippets, created_at) VALUES (?,?,?,?,?,?,?)",
                              (aid, f"rule-{rule}", "alert" if rule == 0 else "digest",
                               json.dumps(["haftar", "benghazi"]), "… reçu à Benghazi …",
                               "{}", at))
    store.close()


class Sink(io.StringIO):
    """Discards what is written: the memory measured is the export's, not its output's."""

    def write(self, s: str) -> int:
        return len(s)


def measure(fn: Callable[[io.StringIO], Any]) -> tuple[Any, float, float]:
    """(result, seconds, peak MB): timed on its own (output kept, to be checked), then run
    again under tracemalloc (which slows Python down two- or threefold) into a sink."""
    t = time.perf_counter()
    out = fn(io.StringIO())
    seconds = time.perf_counter() - t
    tracemalloc.start()
    fn(Sink())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, seconds, peak / 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--matched", type=int, default=5000)
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        build(db, args.articles, min(args.matched, args.articles))
        store = Store(db, mode="read")
        since = iso(datetime.now(UTC) - timedelta(days=30))
        results: dict[str, Any] = {"articles": args.articles, "matched": args.matched}
        for fmt in ("csv", "jsonl"):
            def run(out: io.StringIO, f: str = fmt) -> tuple[int, str]:
                return export(store, f, out, since=since), out.getvalue()

            (n, text), s, mb = measure(run)
            results[fmt] = {"records": n, "seconds": round(s, 3), "peak_mb": round(mb, 1),
                            "bytes": len(text.encode())}
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
                assert len(rows) == n + 1, (len(rows), n)
        n, s, mb = measure(lambda out: export(store, "csv", out, since=since, everything=True))
        results["csv_all"] = {"records": n, "seconds": round(s, 3), "peak_mb": round(mb, 1)}
        written, s, mb = measure(lambda _: write_feeds(
            store, Path(tmp) / "www", titles={}, now=datetime.now(UTC)))
        results["feeds_out"] = {"files": len(written), "seconds": round(s, 3),
                                "peak_mb": round(mb, 1)}
        store.close()
    for k in ("csv", "jsonl", "csv_all", "feeds_out"):
        print(f"{k:10} {json.dumps(results[k])}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
