"""Where event grouping loses recall against a batch clustering of the same scores.

    PYTHONPATH=src python benchmarks/events_loss.py PATH/events-dev.jsonl
        [--hours 10] [--seed 1] [--order backlog|time] [--threshold 0.25] [--batch 20]

Groups the development file as ``events.py`` does (the real code, one arrival order), then
clusters the same articles in one batch: every pair within the horizon scored exactly under
the counts of all the articles (``similarity.score``), raised by the contrast of each
article's hubness over all its scores (``similarity.contrast``), the reciprocal bonus by
each article's two best among all, and average-link agglomeration (``settle._agglomerate``) at
the same threshold. Each pair of reports of one event the code put apart is put down to one
cause, the first that holds:

- *batch misses too*: the batch clustering keeps them apart as well (the scores' fault);
- *both stories shown*, *one story shown*: time order only, a breaking-story alert held
  them (as ``events.group`` models it; a digest holds nothing since events-9);
- *a story of more than BLOCK*: regrouped as one block;
- *missing or lower scores*: their two stories average the threshold on the exact scores,
  not on the scores the code ever knew (pairs no candidate list held count 0);
- *never regrouped together*: their two stories average the threshold on the code's own
  scores, yet no settle put them side by side;
- *grouped otherwise*: their stories hold other articles than the batch's groups.

It also counts the code's wrong pairs that the batch clustering makes too. About a minute
of CPU at ±10 h (some 860,000 exact scores).
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from events import Article, load, scores

from watchdesk import events
from watchdesk.events import EventIndex
from watchdesk.events import settle as settling
from watchdesk.events import similarity as sim
from watchdesk.store.events import KEEP

HOUR = 3600.0
BREAKING = 0.2   # the share of articles under a rule alerting at 3 sources (``events.py``)
Pairs = dict[tuple[int, int], float]


def run(articles: Sequence[Article], terms: Sequence[events.Terms], order: str,
        threshold: float, batch: int) -> tuple[list[int], set[int], Pairs]:
    """The code's stories (as ``events.group``), the stories an alert held, and every
    score the code knew of a pair (candidates found, pairs settle read)."""
    known: Pairs = {}
    candidates, pairs = EventIndex.candidates, settling._pairs

    def candidates_seen(self: EventIndex, p: sim.Probe, skip: int | None = None,
                        ) -> dict[int, float]:
        out = candidates(self, p, skip)
        a = p.ident if p.ident >= 0 else skip
        if a is not None and a >= 0:
            for b, x in out.items():
                known[min(a, b), max(a, b)] = x
        return out

    def pairs_seen(index: EventIndex, stories: list[int], seen: settling.Seen) -> Pairs:
        out = pairs(index, stories, seen)
        for k, x in out.items():
            known.setdefault(k, x)
        return out

    EventIndex.candidates = candidates_seen   # type: ignore[method-assign]
    settling._pairs = pairs_seen
    try:
        index = EventIndex(threshold=threshold)
        arrivals = list(articles)
        if order == "backlog":
            random.Random(11).shuffle(arrivals)
        story: dict[int, int] = {}
        shown: set[int] = set()
        urgent = random.Random(12)   # (as ``events.group``: seed 11 + 1)
        alerting = {a.n for a in arrivals if urgent.random() < BREAKING}
        for i in range(0, len(arrivals), batch):
            chunk = arrivals[i:i + batch]
            now = max(a.fetched for a in chunk) if order == "time" else arrivals[-1].fetched
            index.prune(now - KEEP.total_seconds())
            for a in sorted(chunk, key=lambda a: a.at):
                story[a.n] = index.assign(a.n, a.at, terms[a.n], now, a.lang,
                                          lambda s: s not in shown)
            story.update(index.settle([a.n for a in chunk], lambda s: s not in shown))
            if order == "time":   # (``events.group``'s breaking-story alerts)
                members: dict[int, set[int]] = {}
                for n, st in story.items():
                    members.setdefault(st, set()).add(n)
                shown.update(st for st, ns in members.items()
                             if len(ns) >= 3 and ns & alerting)
    finally:
        EventIndex.candidates = candidates   # type: ignore[method-assign]
        settling._pairs = pairs
    return [story[n] for n in range(len(articles))], shown, known


def exact_pairs(articles: Sequence[Article], terms: Sequence[events.Terms]) -> Pairs:
    """Every pair within the horizon scored under the counts of all the articles, raised
    by the two articles' lack of hubness over all their scores (``similarity.contrast``),
    the reciprocal bonus by each one's two best among all."""
    full = EventIndex.of((a.n, a.at, terms[a.n], a.n) for a in articles)
    big, docs = full.big(), full.docs
    by_time = sorted(docs, key=lambda d: docs[d].at)
    out: Pairs = {}
    for i, a in enumerate(by_time):
        p = full.stored_probe(a)
        for b in by_time[i + 1:]:
            if docs[b].at - docs[a].at > sim.HORIZON:
                break
            x = full.score(p, docs[b], big)
            if x > 0:
                out[min(a, b), max(a, b)] = x
    best: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (a, b), x in out.items():
        best[a].append((x, b))
        best[b].append((x, a))
    top2 = {d: {c for _, c in sorted(v, reverse=True)[:2]} for d, v in best.items()}
    hub = {d: sim.hubness(x for x, _ in v) for d, v in best.items()}
    for (a, b), x in out.items():
        y = sim.contrast(x, hub[a], hub[b], docs[b].at - docs[a].at)
        if x >= sim.RECIPROCAL_FLOOR and b in top2[a] and a in top2[b]:
            y += sim.RECIPROCAL_BONUS
        out[a, b] = y
    return out


def batch_clusters(at: dict[int, float], pairs: Pairs, threshold: float) -> dict[int, int]:
    """Average-link agglomeration of all the articles at once: article -> its group."""
    ids = sorted(at)
    index: Any = SimpleNamespace(docs={d: SimpleNamespace(at=at[d]) for d in ids})
    out: dict[int, int] = {}
    for members, name in settling._agglomerate(index, [[d] for d in ids], list(ids),
                                                dict(pairs), threshold):
        out.update(dict.fromkeys(members, name))
    return out


def average(a: list[int], b: list[int], at: dict[int, float], pairs: Pairs) -> float:
    total, n = 0.0, 0
    for x in a:
        for y in b:
            if abs(at[x] - at[y]) <= sim.HORIZON:
                n += 1
                total += pairs.get((min(x, y), max(x, y)), 0.0)
    return total / n if n else 0.0


def causes(gold: Sequence[int], pred: Sequence[int], batch: dict[int, int], shown: set[int],
           at: dict[int, float], exact: Pairs, known: Pairs, threshold: float,
           ) -> tuple[Counter[str], Counter[str]]:
    """The missed pairs by cause, and the wrong pairs by whether the batch makes them."""
    stories: dict[int, list[int]] = defaultdict(list)
    events_: dict[int, list[int]] = defaultdict(list)
    for n, (g, s) in enumerate(zip(gold, pred, strict=True)):
        stories[s].append(n)
        events_[g].append(n)
    missed: Counter[str] = Counter()
    for members in events_.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if pred[a] == pred[b]:
                    continue
                sa, sb = stories[pred[a]], stories[pred[b]]
                if batch[a] != batch[b]:
                    cause = "batch misses too"
                elif pred[a] in shown and pred[b] in shown:
                    cause = "both stories shown"
                elif pred[a] in shown or pred[b] in shown:
                    cause = "one story shown"
                elif max(len(sa), len(sb)) > settling.BLOCK:
                    cause = f"a story of more than {settling.BLOCK}"
                elif average(sa, sb, at, exact) >= threshold:
                    cause = ("never regrouped together"
                             if average(sa, sb, at, known) >= threshold
                             else "missing or lower scores")
                else:
                    cause = "grouped otherwise"
                missed[cause] += 1
                if cause != "batch misses too":
                    missed["(of those the code alone misses: the pair never scored)"] += (
                        (min(a, b), max(a, b)) not in known)
    wrong: Counter[str] = Counter()
    for members in stories.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if gold[a] != gold[b]:
                    wrong["batch makes it too" if batch[a] == batch[b] else "batch does not"] += 1
    return missed, wrong


def arguments(description: str) -> argparse.ArgumentParser:
    """The arguments of this script and of ``events_pairs.py``: a draw of the events file
    and how the code groups it."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("path", type=Path, help="events JSONL (e.g. events-dev.jsonl)")
    ap.add_argument("--hours", type=float, default=10.0)
    ap.add_argument("--weeks", type=float, default=6.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--order", choices=("backlog", "time"), default="backlog")
    ap.add_argument("--threshold", type=float, default=sim.THRESHOLD)
    ap.add_argument("--batch", type=int, default=20)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__.splitlines()[0]).parse_args(argv)

    articles = load(args.path, args.weeks, args.hours, args.seed)
    gold = [a.event for a in articles]
    terms = [events.terms_of(a.title, a.text, lang=a.lang) for a in articles]
    pred, shown, known = run(articles, terms, args.order, args.threshold, args.batch)
    at = {a.n: a.at for a in articles}
    exact = exact_pairs(articles, terms)
    batch = batch_clusters(at, exact, args.threshold)
    code_s = scores(gold, pred)
    batch_s = scores(gold, [batch[n] for n in range(len(articles))])
    print(f"±{args.hours:g} h, seed {args.seed}, {args.order}, threshold {args.threshold}:"
          f" code P {code_s['pairwise_p']:.3f} R {code_s['pairwise_r']:.3f};"
          f" batch P {batch_s['pairwise_p']:.3f} R {batch_s['pairwise_r']:.3f}")
    missed, wrong = causes(gold, pred, batch, shown, at, exact, known, args.threshold)
    total = sum(v for k, v in missed.items() if not k.startswith("("))
    print(f"pairs of one event put apart by the code: {total}")
    for cause, n in missed.most_common():
        print(f"  {n:6d}  {cause}")
    print(f"wrong pairs of the code: {sum(wrong.values())} ({dict(wrong)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
