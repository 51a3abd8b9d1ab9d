"""Extraction quality: watchdesk's ``extract_page`` against trafilatura on annotated pages.

    python benchmarks/extraction.py                     # the committed subset (~1 minute)
    python benchmarks/extraction.py --wcxb ~/wcxb --scrapinghub ~/sh-bench   # full checkouts
    python benchmarks/extraction.py --json new.json --compare old.json

For each page, each system runs in turn (the order rotates from page to page) in this one
process and its process CPU time (``time.process_time``) is taken around the extraction call
alone, so CPU figures are comparable within a run. Systems:

- ``watchdesk``: ``watchdesk.extract.page.extract_page`` (the page's bytes, as the workers get it:
  decoding, bounds, metadata and body), scored on ``body``;
- ``trafilatura``: ``trafilatura.extract(html, include_comments=False)``, everything else
  default, as the ScrapingHub benchmark runs it; ``precision``/``recall``: the same with
  ``favor_precision``/``favor_recall``.

Scores follow each data set's own evaluation script (see ``extraction_data``). Results: a
table per data set, per fixed half of it (``half:tune``, ``half:held-out``: settings are
chosen on the first, checked on the second) and per language on stdout; ``--json PATH`` for
later ``--compare``.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "src")]

import trafilatura  # noqa: E402
from extraction_data import SCORERS, Page, half, load_scrapinghub, load_wcxb  # noqa: E402

from watchdesk.extract.page import extract_page  # noqa: E402

SCHEMA = 1
Extractor = Callable[[Page], str]


# pages watchdesk took for a consent wall or a paywall (dataset, id, reason): the daemon would
# store the feed's text for them, so each one is a loss unless the page really is a wall
WALLS: set[tuple[str, str, str]] = set()


def _watchdesk(page: Page) -> str:
    ex = extract_page(page.html, page.url, "text/html; charset=utf-8")
    if ex is not None and ex.wall:
        WALLS.add((page.dataset, page.id, ex.wall))
    return ex.body if ex else ""


def _trafilatura(**options: Any) -> Extractor:
    def run(page: Page) -> str:
        return trafilatura.extract(page.html.decode("utf-8", "replace"), url=page.url or None,
                                   include_comments=False, **options) or ""
    return run


SYSTEMS: dict[str, Extractor] = {
    "watchdesk": _watchdesk,
    "trafilatura": _trafilatura(),
    "precision": _trafilatura(favor_precision=True),
    "recall": _trafilatura(favor_recall=True),
}
BASELINE = "trafilatura"
MIN_LANG_PAGES = 5  # smaller language groups are pooled as "other"


def run(pages: list[Page], systems: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per page, per system: the extracted text's scores and the CPU ms of the call."""
    for name in systems:  # warm-up: lazy imports and caches, not timed
        SYSTEMS[name](pages[0])
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for i, page in enumerate(pages):
        score = SCORERS[page.dataset][0]
        order = systems[i % len(systems):] + systems[:i % len(systems)]
        row = {}
        for name in order:
            gc.collect()
            c0 = time.process_time()
            text = SYSTEMS[name](page)
            cpu = time.process_time() - c0
            row[name] = {**score(text, page), "cpu_ms": 1000 * cpu}
        out[page.id] = row
    return out


def summarise(pages: list[Page], per_page: dict[str, dict[str, dict[str, Any]]],
              systems: list[str]) -> dict[str, dict[str, Any]]:
    """{group: {"pages": n, system: scores}}: "all" first, then each fixed half of the data
    set ("half:tune", "half:held-out", see ``extraction_data.half``), then each language
    (rare ones pooled)."""
    summary = SCORERS[pages[0].dataset][1]
    langs = [p.lang for p in pages]
    groups: dict[str, list[Page]] = {"all": pages}
    for name in ("tune", "held-out"):
        groups[f"half:{name}"] = [p for p in pages if half(p.id) == name]
    for lang in sorted(set(langs), key=lambda g: (-langs.count(g), g)):
        key = lang if langs.count(lang) >= MIN_LANG_PAGES and lang != "?" else "other"
        groups.setdefault(key, []).extend(p for p in pages if p.lang == lang)
    if len(groups) == 4:  # one language: "all" says it
        groups = {k: v for k, v in groups.items() if k == "all" or k.startswith("half:")}
    result: dict[str, dict[str, Any]] = {}
    for key, group in groups.items():
        if not group:  # a half of a --limit run
            continue
        result[key] = {"pages": len(group), "langs": sorted({p.lang for p in group})}
        for name in systems:
            rows = [per_page[p.id][name] for p in group]
            result[key][name] = {**summary(rows),
                                 "cpu_ms": statistics.fmean(r["cpu_ms"] for r in rows),
                                 "cpu_ms_median": statistics.median(r["cpu_ms"] for r in rows)}
    return result


# output -----------------------------------------------------------------------------------

def _table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.rjust(w) if i else c.ljust(w)
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))))


def report(result: dict[str, Any]) -> None:
    systems = result["params"]["systems"]
    print(f"watchdesk extraction benchmark  {result['commit']}  {result['date']}  "
          f"trafilatura {result['versions']['trafilatura']}")
    for dataset, by_lang in result["datasets"].items():
        extra = ("with", "without") if dataset == "wcxb" else ("accuracy",)
        for lang, g in by_lang.items():
            print(f"\n{dataset}  {lang}  ({g['pages']} pages"
                  + (f": {', '.join(g['langs'])}" if lang == "other" else "") + ")")
            head = ("system", "P", "R", "F1", *extra, "CPU ms", "median", "CPU x")
            rows = [head]
            base = g.get(BASELINE, {}).get("cpu_ms")
            for name in systems:
                s = g[name]
                rows.append((name, *(f"{s[k]:.4f}" for k in ("p", "r", "f1", *extra)),
                             f"{s['cpu_ms']:.1f}", f"{s['cpu_ms_median']:.1f}",
                             f"{s['cpu_ms'] / base:.2f}" if base else "-"))
            _table(rows)
    verdict(result)


def verdict(result: dict[str, Any]) -> None:
    """watchdesk against trafilatura's defaults on every data set (all languages)."""
    if not {"watchdesk", BASELINE} <= set(result["params"]["systems"]):
        return
    print(f"\nwatchdesk vs {BASELINE} defaults (target: P and R not below, F1 +0.01, "
          "CPU <= 1.3x):")
    for dataset, by_lang in result["datasets"].items():
        for group in ("all", "half:tune", "half:held-out"):
            if not by_lang.get(group, {}).get("pages"):
                continue
            w, b = by_lang[group]["watchdesk"], by_lang[group][BASELINE]
            ok = (w["p"] >= b["p"] and w["r"] >= b["r"] and w["f1"] >= b["f1"] + 0.01
                  and w["cpu_ms"] <= 1.3 * b["cpu_ms"])
            print(f"  {dataset:<12} {group:<14} P {w['p'] - b['p']:+.4f}  "
                  f"R {w['r'] - b['r']:+.4f}  F1 {w['f1'] - b['f1']:+.4f}  "
                  f"CPU x{w['cpu_ms'] / b['cpu_ms']:.2f}  {'met' if ok else 'NOT met'}")


def page_f1(scores: dict[str, float]) -> float:
    """A page's F1: WCXB's own, or ScrapingHub's from its normalised shingle counts."""
    if "f1" in scores:
        return scores["f1"]
    tp, fp, fn = scores["tp"], scores["fp"], scores["fn"]
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def compare(old: dict[str, Any], new: dict[str, Any], worst: int = 5) -> None:
    print(f"\ncompared with {old.get('commit')} ({old.get('date')}):")
    rows = [("data set", "lang", "system", "metric", "old", "new", "change")]
    for dataset, by_lang in new["datasets"].items():
        for lang, g in by_lang.items():
            o = old.get("datasets", {}).get(dataset, {}).get(lang, {})
            for name in new["params"]["systems"]:
                if name not in o:
                    continue
                for k in ("p", "r", "f1", "cpu_ms"):
                    a, b = o[name].get(k), g[name].get(k)
                    if a is None or b is None:
                        continue
                    fmt = "{:.1f}" if k == "cpu_ms" else "{:.4f}"
                    rows.append((dataset, lang, name, k, fmt.format(a), fmt.format(b),
                                 fmt.format(b - a) if b < a else "+" + fmt.format(b - a)))
    _table(rows)
    for dataset, pages in new.get("pages", {}).items():
        before = old.get("pages", {}).get(dataset, {})
        diffs = sorted((page_f1(pages[k]["watchdesk"]) - page_f1(before[k]["watchdesk"]), k)
                       for k in pages if k in before and "watchdesk" in before[k]
                       and "watchdesk" in pages[k])
        if diffs:
            print(f"{dataset}: watchdesk per-page F1 worse on {sum(d < 0 for d, _ in diffs)}, "
                  f"better on {sum(d > 0 for d, _ in diffs)}; worst: "
                  + ", ".join(f"{k} {d:+.3f}" for d, k in diffs[:worst] if d < 0))


def commit() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return rev or "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wcxb", type=Path, metavar="DIR",
                    help="a WCXB checkout or subset (default: benchmarks/data/wcxb)")
    ap.add_argument("--scrapinghub", type=Path, metavar="DIR",
                    help="a ScrapingHub benchmark checkout or subset "
                         "(default: benchmarks/data/scrapinghub)")
    ap.add_argument("--datasets", default="wcxb,scrapinghub",
                    help="comma-separated (default: wcxb,scrapinghub)")
    ap.add_argument("--systems", default=",".join(SYSTEMS),
                    help=f"comma-separated, of {', '.join(SYSTEMS)} (default: all)")
    ap.add_argument("--limit", type=int, default=0, metavar="N",
                    help="only the first N pages of each data set (smoke runs)")
    ap.add_argument("--json", type=Path, metavar="PATH", help="write the results here")
    ap.add_argument("--compare", type=Path, metavar="OLD.json",
                    help="then print the changes from an earlier --json file")
    args = ap.parse_args(argv)
    systems = [s for s in args.systems.split(",") if s]
    unknown = sorted(set(systems) - set(SYSTEMS))
    if unknown:
        ap.error(f"unknown system(s) {', '.join(unknown)}: choose from {', '.join(SYSTEMS)}")
    loaders = {"wcxb": lambda: load_wcxb(args.wcxb),
               "scrapinghub": lambda: load_scrapinghub(args.scrapinghub)}
    names = [d for d in args.datasets.split(",") if d]
    if set(names) - set(loaders):
        ap.error(f"--datasets: choose from {', '.join(loaders)}")
    old = json.loads(args.compare.read_text()) if args.compare else None

    result: dict[str, Any] = {
        "schema": SCHEMA, "commit": commit(), "date": datetime.now(UTC).isoformat(),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "versions": {"trafilatura": trafilatura.__version__},
        "params": {"systems": systems, "limit": args.limit,
                   "sources": {"wcxb": str(args.wcxb or "committed subset"),
                               "scrapinghub": str(args.scrapinghub or "committed subset")}},
        "datasets": {}, "pages": {}, "walls": {}}
    for name in names:
        pages = loaders[name]()
        if args.limit:
            pages = pages[:args.limit]
        t0 = time.perf_counter()
        per_page = run(pages, systems)
        print(f"{name}: {len(pages)} pages x {len(systems)} systems in "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
        result["datasets"][name] = summarise(pages, per_page, systems)
        walls = sorted(w for w in WALLS if w[0] == name)
        result["walls"][name] = [{"id": i, "wall": r} for _, i, r in walls]
        if "watchdesk" in systems:
            print(f"{name}: {len(walls)} of {len(pages)} pages taken for a consent wall or "
                  f"paywall" + "".join(f"\n  {i}: {r}" for _, i, r in walls), file=sys.stderr)
        result["pages"][name] = {k: {s: {m: round(v, 5) for m, v in row[s].items()}
                                     for s in row} for k, row in per_page.items()}
    report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1, sort_keys=True))
    if old is not None:
        compare(old, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
