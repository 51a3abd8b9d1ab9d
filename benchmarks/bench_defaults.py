"""Benchmark rule folders on the labelled set: matching CPU per article, several folders in one run.

The labelled set (``tests/labelled/articles``, one YAML per article) is what the default rules
are written for: real-looking French, English, Arabic and Russian news about their beat. Each
``--rules`` folder is loaded as the daemon loads it and matched against every article (title,
summary, body, the outlet's language, as ``watchdesk poll`` hands them over); the folders'
passes are interleaved so that they share the machine's state, and the best pass is reported.

    PYTHONPATH=src python benchmarks/bench_defaults.py --rules rules
    git show main:rules/libye.yaml > /tmp/main-rules/libye.yaml
    PYTHONPATH=src python benchmarks/bench_defaults.py --rules /tmp/main-rules --rules rules

The first folder is the reference: each other one is reported as a ratio to it. ``--repeat``
matches each article that many times per pass (steadier figures on a small set); the RuleSet's
chunk cache is warm after the first pass, as in a running daemon.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from watchdesk.rules import Document, RuleSet, load_rules

HERE = Path(__file__).resolve().parent
LABELLED = HERE.parent / "tests" / "labelled"


def labelled_documents(folder: Path) -> list[tuple[Document, str, frozenset[str]]]:
    """(document, feed name, expected rule ids) of every article under ``folder/articles``."""
    outlets = yaml.safe_load((folder / "outlets.yaml").read_text(encoding="utf-8"))["outlets"]
    out = []
    for path in sorted((folder / "articles").glob("*.yaml")):
        a = yaml.safe_load(path.read_text(encoding="utf-8"))
        body = "\n\n".join(p.strip() for p in a["paragraphs"])
        lang = outlets[a["outlet"]]["lang"]
        out.append((Document(a["title"].strip(), a["summary"].strip(), body, lang),
                    a["outlet"], frozenset(a["expect"])))
    return out


def _pass(rs: RuleSet, docs: list[tuple[Document, str, frozenset[str]]], repeat: int,
          clock: object) -> tuple[float, int, int]:
    """(seconds, matches, articles whose matches differ from their labels) of one pass."""
    found = wrong = 0
    t = clock()  # type: ignore[operator]
    for doc, feed, expect in docs:
        for _ in range(repeat):
            got = rs.match(doc, feed)
        found += len(got)
        wrong += {m.rule_id for m in got} != expect
    return clock() - t, found, wrong  # type: ignore[operator]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rules", action="append", type=Path, required=True,
                    help="a rules folder (repeat to compare; the first is the reference)")
    ap.add_argument("--labelled", type=Path, default=LABELLED,
                    help="the labelled set: a folder with outlets.yaml and articles/")
    ap.add_argument("--passes", type=int, default=7, help="warm passes (best is reported)")
    ap.add_argument("--repeat", type=int, default=5, help="matches of each article per pass")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="cpu")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args(argv)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter

    docs = labelled_documents(args.labelled)
    runs: list[dict[str, Any]] = []
    for folder in args.rules:
        t = time.perf_counter()
        rs, errors = load_rules(folder)
        load_s = time.perf_counter() - t
        if errors:
            for e in errors:
                print(f"{folder}: {e}", file=sys.stderr)
            return 1
        cold, found, wrong = _pass(rs, docs, 1, clock)
        runs.append({"rules": str(folder), "count": len(rs), "load_ms": load_s * 1e3,
                     "cold_ms_per_article": cold * 1e3 / len(docs),
                     "matches_per_article": found / len(docs), "off_label": wrong,
                     "_rs": rs, "_warm": []})
    for _ in range(args.passes):
        for run in runs:
            run["_warm"].append(_pass(run["_rs"], docs, args.repeat, clock)[0])
    for run in runs:
        del run["_rs"]
        run["ms_per_article"] = min(run.pop("_warm")) * 1e3 / (len(docs) * args.repeat)
        run["vs_first"] = run["ms_per_article"] / runs[0]["ms_per_article"]

    if args.json:
        json.dump({"articles": len(docs), "clock": args.clock, "runs": runs}, sys.stdout,
                  indent=2)
        print()
        return 0
    print(f"{len(docs)} labelled articles, {args.clock} clock, best of {args.passes} passes "
          f"x {args.repeat}")
    print(f"{'rules':<28} {'n':>3} {'load ms':>8} {'cold ms/art':>11} {'ms/article':>10} "
          f"{'vs first':>8} {'matches/art':>11} {'off label':>9}")
    for r in runs:
        print(f"{r['rules'][-28:]:<28} {r['count']:>3} {r['load_ms']:>8.1f} "
              f"{r['cold_ms_per_article']:>11.3f} {r['ms_per_article']:>10.3f} "
              f"{r['vs_first']:>8.2f} {r['matches_per_article']:>11.2f} {r['off_label']:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
