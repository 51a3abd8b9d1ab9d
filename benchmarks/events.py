"""Benchmark event grouping: quality against a set of real events, and cost per article.

    PYTHONPATH=src python benchmarks/events.py PATH/events-dev.jsonl [--weeks 6] [--hours 3]
        [--seed 1] [--sweep] [--cost-docs 10000] [--json out.json]

``PATH`` holds one event a line, ``{"event": id, "articles": [{"title", "text"}, ...]}``:
the same news told by different outlets, title and lead (the AllSides roundups of the NeuS
data set; the file is not in the repository and none of its text may be copied into it).
The file has no times: each event gets a time drawn uniformly over ``--weeks`` weeks, each of
its articles a publication time within ``--hours`` hours of it (uniform, either side) and a
fetch time 0-20 minutes after that. Articles are grouped in fetch order by the real code
(``events.EventIndex``, pruned as the store prunes it: what was grouped in the last
``store.events.KEEP``).

Reported, against the events of the file:

- pairwise precision and recall (of the pairs of articles put in one story, the share that
  are one event; of the pairs that are one event, the share put in one story), and B-cubed
  precision, recall and F1 (per article, averaged);
- the same for a naive baseline measured in the same run: plain folded words, TF-IDF over the
  whole file, cosine, single link (connected components of the pairs above a threshold) within
  the same horizon; at the threshold where its precision first reaches the target, and at
  its best B-cubed F1;
- the cost: CPU and wall time per article of the quality run, and per article once the index
  holds ``--cost-docs`` recent articles (the file's articles, then articles made by pairing
  one article's title with another's shuffled lead, all within the last 20 hours, which is
  harder than real life: every one of them is a candidate in time), through the index alone
  and through the store (one SQLite transaction per 20 articles, as a poll of one feed);
  and the memory the index takes.

Timings are noisy on a shared machine: compare runs by their ratios, measured in one run.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from watchdesk import events
from watchdesk.events import EventIndex
from watchdesk.events import index as ix
from watchdesk.rules.text import fold
from watchdesk.store import Store
from watchdesk.store.events import KEEP, iso_of

TARGET_P, TARGET_R = 0.95, 0.60
HOUR = 3600.0


@dataclass
class Article:
    n: int
    event: int
    title: str
    text: str
    at: float          # publication time
    fetched: float


def load(path: Path, weeks: float, hours: float, seed: int) -> list[Article]:
    rng = random.Random(seed)
    out: list[Article] = []
    for event, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        record = json.loads(line)
        t0 = rng.uniform(0, weeks * 7 * 24 * HOUR)
        for a in record["articles"]:
            at = t0 + rng.uniform(-hours * HOUR, hours * HOUR)
            out.append(Article(0, event, a["title"], a["text"], at,
                               at + rng.uniform(0, 1200)))
    out.sort(key=lambda a: a.fetched)
    for n, a in enumerate(out):
        a.n = n
    return out


# -- scores -----------------------------------------------------------------------------------

def scores(gold: Sequence[int], pred: Sequence[int]) -> dict[str, float]:
    """Pairwise precision/recall/F1 and B-cubed precision/recall/F1."""
    both = Counter(zip(gold, pred, strict=True))
    g, p = Counter(gold), Counter(pred)

    def pairs(c: Counter[object]) -> int:
        return sum(v * (v - 1) // 2 for v in c.values())

    tp, pp, gp = pairs(both), pairs(p), pairs(g)   # type: ignore[arg-type]
    prec = tp / pp if pp else 1.0
    rec = tp / gp if gp else 1.0
    n = len(gold)
    bp = sum(both[(a, b)] / p[b] for a, b in zip(gold, pred, strict=True)) / n
    br = sum(both[(a, b)] / g[a] for a, b in zip(gold, pred, strict=True)) / n
    return {"pairwise_p": prec, "pairwise_r": rec, "pairwise_f1": _f1(prec, rec),
            "bcubed_p": bp, "bcubed_r": br, "bcubed_f1": _f1(bp, br),
            "stories": len(p), "events": len(g)}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# -- watchdesk --------------------------------------------------------------------------------

def group(articles: Sequence[Article], threshold: float = ix.THRESHOLD) -> tuple[list[int], float,
                                                                                 float]:
    """Stories by the real code, in fetch order; (stories, CPU s, wall s)."""
    index = EventIndex(threshold=threshold)
    pred = [0] * len(articles)
    keep = KEEP.total_seconds()
    cpu, wall = time.process_time(), time.perf_counter()
    for a in articles:
        index.prune(a.fetched - keep)
        pred[a.n] = index.assign(a.n, a.at, events.terms_of(a.title, a.text), a.fetched)
    return pred, time.process_time() - cpu, time.perf_counter() - wall


# -- baseline: plain TF-IDF, single link -----------------------------------------------------

_WORD = re.compile(r"\w+")


def baseline_edges(articles: Sequence[Article], horizon: float = ix.HORIZON,
                   ) -> list[tuple[float, int, int]]:
    """(cosine, i, j) for every pair of articles within ``horizon`` sharing a word: folded
    words of title and text, TF-IDF over the whole file, no stemming, no time decay."""
    bags = [Counter(_WORD.findall(fold(f"{a.title} {a.text}"))) for a in articles]
    df = Counter(t for b in bags for t in b)
    n = len(bags)
    vecs = []
    for b in bags:
        v = {t: (1 + math.log(c)) * math.log((n + 1) / (df[t] + 1)) for t, c in b.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({t: x / norm for t, x in v.items()})
    order = sorted(range(n), key=lambda i: articles[i].at)
    postings: dict[str, list[int]] = {}
    edges = []
    for i in order:
        dots: dict[int, float] = {}
        for t, x in vecs[i].items():
            for j in postings.get(t, ()):
                if articles[j].at >= articles[i].at - horizon:
                    dots[j] = dots.get(j, 0.0) + x * vecs[j][t]
        edges.extend((s, i, j) for j, s in dots.items() if s >= 0.05)
        for t in vecs[i]:
            postings.setdefault(t, []).append(i)
    edges.sort(reverse=True)
    return edges


def single_link(n: int, edges: Sequence[tuple[float, int, int]], threshold: float) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s, i, j in edges:
        if s < threshold:
            break
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return [find(i) for i in range(n)]


def baseline(articles: Sequence[Article], gold: Sequence[int]) -> dict[str, dict[str, float]]:
    edges = baseline_edges(articles)
    sweep = {t / 100: scores(gold, single_link(len(articles), edges, t / 100))
             for t in range(10, 96, 2)}
    at_p = next(((t, s) for t, s in sorted(sweep.items()) if s["pairwise_p"] >= TARGET_P),
                max(sweep.items(), key=lambda ts: ts[1]["pairwise_p"]))
    best = max(sweep.items(), key=lambda ts: ts[1]["bcubed_f1"])
    return {"at_target_precision": {"threshold": at_p[0], **at_p[1]},
            "best_bcubed_f1": {"threshold": best[0], **best[1]}}


# -- cost at scale ----------------------------------------------------------------------------

def _remix(rng: random.Random, articles: Sequence[Article]) -> tuple[str, str]:
    a, b = rng.choice(articles), rng.choice(articles)
    words = b.text.split()
    rng.shuffle(words)
    return a.title, " ".join(words)


def cost(articles: Sequence[Article], docs: int, probes: int = 1000,
         seed: int = 7) -> dict[str, float]:
    """ms per article with ``docs`` recent articles in the index: index alone, and through
    the store (SQLite), plus the index's memory."""
    rng = random.Random(seed)
    texts = [(a.title, a.text) for a in articles][:docs]
    texts += [_remix(rng, articles) for _ in range(docs - len(texts))]
    rng.shuffle(texts)
    now = 30 * 24 * HOUR
    times = [now - rng.uniform(0, 20 * HOUR) for _ in texts]
    tracemalloc.start()
    index = EventIndex()
    for n, ((title, text), at) in enumerate(zip(texts, times, strict=True)):
        index.assign(n, at, events.terms_of(title, text), at)
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    probe = [_remix(rng, articles) for _ in range(probes)]
    cpu, wall = time.process_time(), time.perf_counter()
    for k, (title, text) in enumerate(probe):
        at = now - rng.uniform(0, 20 * HOUR)
        index.assign(10**9 + k, at, events.terms_of(title, text), at)
        index.remove(10**9 + k)   # stay at ``docs``
    index_cpu, index_wall = time.process_time() - cpu, time.perf_counter() - wall

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        stamp = iso_of(now)
        batch: list[tuple[int, float, events.Terms]] = []
        for n, ((title, text), at) in enumerate(zip(texts, times, strict=True)):
            batch.append((n, at, events.terms_of(title, text)))
            if len(batch) == 20 or n == len(texts) - 1:
                with store.transaction() as c:
                    store._group(c, batch, stamp)
                batch = []
        cpu, wall = time.process_time(), time.perf_counter()
        for k in range(0, probes, 20):
            chunk = [(10**9 + k + i, now - rng.uniform(0, 20 * HOUR), events.terms_of(*p))
                     for i, p in enumerate(probe[k:k + 20])]
            with store.transaction() as c:
                store._group(c, chunk, stamp)
        store_cpu, store_wall = time.process_time() - cpu, time.perf_counter() - wall
        held = len(store._events or ())
        store.close()
    return {"docs": docs, "probes": probes, "index_ms_cpu": index_cpu / probes * 1000,
            "index_ms_wall": index_wall / probes * 1000,
            "store_ms_cpu": store_cpu / probes * 1000,
            "store_ms_wall": store_wall / probes * 1000, "store_docs_at_end": held,
            "index_mb": memory / 1e6}


# -- main -------------------------------------------------------------------------------------

def _row(name: str, s: dict[str, float]) -> str:
    return (f"{name:<34} {s['pairwise_p']:6.3f} {s['pairwise_r']:6.3f} {s['pairwise_f1']:6.3f}"
            f"   {s['bcubed_p']:6.3f} {s['bcubed_r']:6.3f} {s['bcubed_f1']:6.3f}"
            f" {int(s['stories']):8d}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, help="events JSONL (e.g. events-dev.jsonl)")
    ap.add_argument("--weeks", type=float, default=6.0)
    ap.add_argument("--hours", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sweep", action="store_true", help="also our method at other thresholds")
    ap.add_argument("--cost-docs", type=int, default=10_000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    articles = load(args.path, args.weeks, args.hours, args.seed)
    gold = [a.event for a in articles]   # articles[n].n == n
    pred, cpu, wall = group(articles)
    ours = scores(gold, pred)
    days = args.weeks * 7
    print(f"event grouping: {len(set(gold))} events, {len(articles)} articles over "
          f"{args.weeks:g} weeks ({len(set(gold)) / days:.0f} events a day), articles within "
          f"{args.hours:g} h of their event; threshold {ix.THRESHOLD}")
    print(f"{'':<34} {'pairwise P/R/F1':<22} {'B-cubed P/R/F1':<23} stories")
    print(_row("watchdesk (events.EventIndex)", ours))
    sweep = {}
    if args.sweep:
        for t in (0.20, 0.22, 0.26, 0.28, 0.30):
            sweep[t] = scores(gold, group(articles, t)[0])
            print(_row(f"  at threshold {t:.2f}", sweep[t]))
    base = baseline(articles, gold)
    a, b = base["at_target_precision"], base["best_bcubed_f1"]
    print(_row(f"baseline single link, t={a['threshold']:.2f}", a))
    print(_row(f"baseline single link, t={b['threshold']:.2f}", b))
    print(f"cost of the run: {cpu / len(articles) * 1000:.3f} ms CPU per article "
          f"({wall / len(articles) * 1000:.3f} ms wall)")
    c = cost(articles, args.cost_docs)
    print(f"cost with {c['docs']:,} recent articles: index {c['index_ms_cpu']:.3f} ms CPU "
          f"({c['index_ms_wall']:.3f} wall), through the store {c['store_ms_cpu']:.3f} ms CPU "
          f"({c['store_ms_wall']:.3f} wall) per article; index memory {c['index_mb']:.1f} MB")
    met = ours["pairwise_p"] >= TARGET_P and ours["pairwise_r"] >= TARGET_R
    print(f"target: pairwise precision >= {TARGET_P} with recall >= {TARGET_R}: "
          f"{'met' if met else 'NOT met'}; cost <= 2 ms per article at 10,000: "
          f"{'met' if max(c['index_ms_cpu'], c['store_ms_cpu']) <= 2 else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps({
            "params": {"weeks": args.weeks, "hours": args.hours, "seed": args.seed,
                       "threshold": ix.THRESHOLD, "articles": len(articles),
                       "events": len(set(gold))},
            "watchdesk": ours, "sweep": {str(k): v for k, v in sweep.items()},
            "baseline": base, "run_ms_per_article": {"cpu": cpu / len(articles) * 1000,
                                                     "wall": wall / len(articles) * 1000},
            "cost": c, "target_met": met}, indent=2) + "\n")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
