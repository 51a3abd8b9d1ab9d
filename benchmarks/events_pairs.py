"""What tells the missed pairs of one event from the pairs of two events that score as high.

    PYTHONPATH=src:benchmarks python benchmarks/events_pairs.py PATH/events-dev.jsonl
        [--hours 10] [--seed 1] [--order backlog|time] [--threshold 0.28] [--floor 0.25]

Groups the development file with the code (``events_loss.run``: one arrival order), scores
every pair within the horizon exactly (``events_loss.exact_pairs``: the counts of all the
articles, the contrast and the reciprocal bonus), and prints, as a Markdown table, the
medians of a few measures of four kinds of pairs: the pairs of one event the code grouped,
those it put apart, those of them whose exact score reaches ``--floor``, and the pairs of
two events whose exact score reaches it (the ones a lower threshold would group first).
The measures: the exact score; the hours between the two reports; the mean of their
hubness (``similarity.hubness`` over all their exact scores); the rank of each in the
other's exact scores, the worse of the two (0: its best); the keys they share (names,
numbers, days: ``keys``) and the words; the fewer words of the two; the best score the code
knew of the pair (0: never scored); and the articles in the code's two stories. Then how
the ranks spread. About a minute of CPU at ±10 h.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence

from events import load
from events_loss import Pairs, arguments, exact_pairs, run

from watchdesk import events
from watchdesk.events import similarity as sim
from watchdesk.events.keys import CONCEPT, is_key

MEASURES = ("score", "hours", "hubness", "rank", "keys", "words", "fewer words", "known",
            "stories' articles")
Row = dict[str, float]


def measures(a: int, b: int, exact: Pairs, at: Sequence[float], terms: Sequence[events.Terms],
             hub: dict[int, float], rank: dict[tuple[int, int], int], known: Pairs,
             pred: Sequence[int], sizes: Counter[int]) -> Row:
    """The measures of one pair (``a < b``) as the module lists them."""
    keys_a = {t for t in terms[a] if is_key(t) and not t.startswith(CONCEPT)}
    keys_b = {t for t in terms[b] if is_key(t) and not t.startswith(CONCEPT)}
    words_a = {t for t in terms[a] if not is_key(t)}
    words_b = {t for t in terms[b] if not is_key(t)}
    return {"score": exact.get((a, b), 0.0), "hours": abs(at[a] - at[b]) / 3600,
            "hubness": (hub.get(a, sim.HUB_CENTRE) + hub.get(b, sim.HUB_CENTRE)) / 2,
            "rank": max(rank.get((a, b), 99), rank.get((b, a), 99)),
            "keys": len(keys_a & keys_b), "words": len(words_a & words_b),
            "fewer words": min(len(words_a), len(words_b)), "known": known.get((a, b), 0.0),
            "stories' articles": sizes[pred[a]] + sizes[pred[b]]}


def table(kinds: dict[str, list[Row]]) -> list[str]:
    """The medians of each kind of pairs, as Markdown lines."""
    lines = ["| pairs | n | " + " | ".join(MEASURES) + " |",
             "|---|---|" + "---|" * len(MEASURES)]
    for name, rows in kinds.items():
        cells = [f"{statistics.median(r[m] for r in rows):.2f}" if rows else "-"
                 for m in MEASURES]
        lines.append(f"| {name} | {len(rows)} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = arguments(__doc__.splitlines()[0])
    ap.add_argument("--floor", type=float, default=0.25,
                    help="the exact score from which pairs of two events are listed")
    args = ap.parse_args(argv)

    articles = load(args.path, args.weeks, args.hours, args.seed)
    gold = [a.event for a in articles]
    at = [a.at for a in articles]
    terms = [events.terms_of(a.title, a.text, lang=a.lang) for a in articles]
    pred, _, known = run(articles, terms, args.order, args.threshold, args.batch)
    exact = exact_pairs(articles, terms)
    near: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for (a, b), x in exact.items():
        near[a].append((x, b))
        near[b].append((x, a))
    rank = {(d, c): r for d, v in near.items() for r, (_, c) in enumerate(sorted(v, reverse=True))}
    hub = {d: sim.hubness(x for x, _ in v) for d, v in near.items()}
    sizes = Counter(pred)
    kinds: dict[str, list[Row]] = {"one event, grouped": [], "one event, apart": [],
                                   f"one event, apart, exact >= {args.floor:g}": [],
                                   f"two events, exact >= {args.floor:g}": []}
    names = list(kinds)
    for a in range(len(articles)):
        for b in range(a + 1, len(articles)):
            same = gold[a] == gold[b]
            if not same and exact.get((a, b), 0.0) < args.floor:
                continue
            row = measures(a, b, exact, at, terms, hub, rank, known, pred, sizes)
            if not same:
                kinds[names[3]].append(row)
            elif pred[a] == pred[b]:
                kinds[names[0]].append(row)
            else:
                kinds[names[1]].append(row)
                if row["score"] >= args.floor:
                    kinds[names[2]].append(row)
    print(f"±{args.hours:g} h, seed {args.seed}, {args.order}, threshold {args.threshold}:"
          " medians")
    print("\n".join(table(kinds)))
    for name in names[1:]:
        spread = Counter(min(int(r["rank"]), 5) for r in kinds[name])
        print(f"rank ({name}; 5: 5 or worse): "
              + ", ".join(f"{k}: {spread[k]}" for k in sorted(spread)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
