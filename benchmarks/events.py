"""Benchmark event grouping: quality against real events, across languages, and cost.

    PYTHONPATH=src python benchmarks/events.py PATH/events-dev.jsonl
        [--crosslingual PATH/crosslingual-dev.jsonl] [--weeks 6] [--hours 3,10,12]
        [--seed 1] [--batch 20] [--breaking 0.2] [--digests-hold HOURS] [--baseline] [--sweep]
        [--cost-docs 10000] [--json out.json]

``PATH`` holds one event a line, ``{"event": id, "articles": [{"title", "text"}, ...]}``:
the same news told by different outlets, title and lead (the AllSides roundups of the NeuS
data set; the file is not in the repository and none of its text may be copied into it).
The file has no times: each event gets a time drawn uniformly over ``--weeks`` weeks, each of
its articles a publication time within ``--hours`` hours of it (uniform, either side; each
spread of the list is a run) and a fetch time 0-20 minutes after that.

Articles are grouped by the real code (``events.EventIndex``) as the store groups them: in
batches of ``--batch`` (a feed's poll), each in time order and settled (open stories merged)
after it, pruned as the store prunes. Two arrival orders: *time* (batches of consecutive
fetches; a share ``--breaking`` of the articles is matched by a rule with ``alert_when:
{sources: 3}``, and once a story holding one of them has 3 reports after a batch, a
breaking-story alert names it and holds it: it may gain reports, never lose one nor merge;
``--digests-hold HOURS`` adds the rule before events-9, a digest every HOURS holding every
story it showed) and *backlog* (the first poll of a new feeds list: everything at once, in
random batches, nothing sent yet). The method this replaced
(``events_previous``: one language, no merges, decay after 6 h) runs on the same articles
in time order.

``--crosslingual`` adds a file of the same shape whose articles carry a ``lang`` (the same
story in en/fr/ar/ru, NTREX-128): its events get times the same way (at ``--hours`` 10) and
are mixed with the monolingual ones as distractors; reported are the precision over pairs
that hold one of its articles (as the file labels them, and with ``SAME_EVENT``: two pairs of
its documents that report one event) and the recall over its pairs in two languages, per
pair of languages. The development file's articles are in English (``lang`` "en").

Reported, against the events of the files:

- pairwise precision and recall (of the pairs of articles put in one story, the share that
  are one event; of the pairs that are one event, the share put in one story), and B-cubed
  precision, recall and F1 (per article, averaged);
- with ``--baseline``, a naive method measured in the same run: plain folded words, TF-IDF
  over the whole file, cosine, single link within the same horizon; at the threshold where
  its precision first reaches the target, and at its best B-cubed F1;
- the cost: CPU per article of each run; then per article once the index holds
  ``--cost-docs`` recent articles (the file's articles, then articles made by pairing one
  article's title with another's shuffled lead, all within the last 20 hours, which is
  harder than real life: every one of them is a candidate in time), through the index alone
  and through the store (one SQLite transaction per 20 articles, as a poll of one feed);
  and the memory the index takes. With ``--crosslingual``, the cost again with the index
  and the probes in four languages (``FOUR_LANGUAGES``; how they are made: ``cost``).

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

import events_previous

from watchdesk import events
from watchdesk.events import EventIndex
from watchdesk.events import index as ix
from watchdesk.rules.text import fold
from watchdesk.store import Store
from watchdesk.store.events import KEEP, iso_of

TARGET_P, TARGET_R, TARGET_XR = 0.95, 0.80, 0.80
TARGET_MS = 5.0
# the languages of a desk's index in the cost run of ``--crosslingual``
FOUR_LANGUAGES = {"en": 0.4, "fr": 0.2, "ar": 0.2, "ru": 0.2}
HOUR = 3600.0


@dataclass
class Article:
    n: int
    event: int
    title: str
    text: str
    at: float          # publication time
    fetched: float
    lang: str = ""
    crosslingual: bool = False
    label: str = ""    # the event's id in its file


def load(path: Path, weeks: float, hours: float, seed: int, first_event: int = 0,
         crosslingual: bool = False, lang: str = "en") -> list[Article]:
    """The articles of ``path`` with times drawn (see the module); ``lang``: the language
    of those that give none (the development file's are English, as its feeds would say)."""
    rng = random.Random(seed)
    out: list[Article] = []
    for event, line in enumerate(path.read_text(encoding="utf-8").splitlines(),
                                 start=first_event):
        if not line.strip():
            continue
        record = json.loads(line)
        t0 = rng.uniform(0, weeks * 7 * 24 * HOUR)
        for a in record["articles"]:
            at = t0 + rng.uniform(-hours * HOUR, hours * HOUR)
            out.append(Article(0, event, a["title"], a["text"], at,
                               at + rng.uniform(0, 1200), a.get("lang", lang), crosslingual,
                               str(record.get("event", event))))
    return number(out)


def number(articles: list[Article]) -> list[Article]:
    """Articles in fetch order, ``n`` their position."""
    articles.sort(key=lambda a: a.fetched)
    for n, a in enumerate(articles):
        a.n = n
    return articles


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

def group(articles: Sequence[Article], threshold: float = ix.THRESHOLD, order: str = "time",
          batch: int = 20, breaking: float = 0.2, digest_hours: float | None = None,
          seed: int = 11) -> tuple[list[int], float]:
    """Stories by the real code, as the store groups them (see the module); (stories, CPU s).
    ``order``: "time" or "backlog"; in time order, ``breaking``: the share of articles
    matched by a rule that alerts when a story has 3 reports (such a story is held from
    then on), ``digest_hours``: a digest every so many hours holds every story (the rule
    before events-9; None: digests hold nothing)."""
    index = EventIndex(threshold=threshold)
    terms = [events.terms_of(a.title, a.text, lang=a.lang) for a in articles]
    arrivals = list(articles)
    if order == "backlog":
        random.Random(seed).shuffle(arrivals)
    story: dict[int, int] = {}
    shown: set[int] = set()   # held: a breaking alert (before events-9, a digest) named them
    urgent = random.Random(seed + 1)
    alerting = {a.n for a in arrivals if urgent.random() < breaking}
    members: dict[int, set[int]] = {}
    keep = KEEP.total_seconds()
    next_digest = (arrivals[0].fetched + digest_hours * HOUR if arrivals and digest_hours
                   else math.inf)
    cpu = time.process_time()
    for i in range(0, len(arrivals), batch):
        chunk = arrivals[i:i + batch]
        now = max(a.fetched for a in chunk) if order == "time" else arrivals[-1].fetched
        if order == "time" and now >= next_digest:   # a digest showed every story so far
            shown.update(story.values())
            next_digest += (digest_hours or math.inf) * HOUR
        index.prune(now - keep)
        for a in sorted(chunk, key=lambda a: a.at):
            story[a.n] = index.assign(a.n, a.at, terms[a.n], now, a.lang,
                                      lambda s: s not in shown)
        story.update(index.settle([a.n for a in chunk], lambda s: s not in shown))
        if order == "time" and alerting:   # the stories that broke went out in an alert
            members.clear()
            for n, st in story.items():
                members.setdefault(st, set()).add(n)
            shown.update(st for st, ns in members.items()
                         if st not in shown and len(ns) >= 3 and ns & alerting)
    cpu = time.process_time() - cpu
    return [story[n] for n in range(len(articles))], cpu


def group_previous(articles: Sequence[Article]) -> tuple[list[int], float]:
    """Stories by the method this replaced, one at a time in fetch order; (stories, CPU s)."""
    index = events_previous.EventIndex()
    pred = [0] * len(articles)
    keep = KEEP.total_seconds()
    cpu = time.process_time()
    for a in articles:
        index.prune(a.fetched - keep)
        pred[a.n] = index.assign(a.n, a.at, events_previous.terms_of(a.title, a.text),
                                 a.fetched)
    return pred, time.process_time() - cpu


# NTREX documents that report one event though the file labels them two: BBC's and The
# Scotsman's accounts of one football match (Livingston 1-0 Rangers: the same day, the
# same scorer); The Independent's and Reuters' reports of one day of the 2018 Ryder Cup
# (Saturday's fourballs and foursomes at Le Golf National: the Americans' afternoon, and
# Mickelson left out of both sessions); CNBC's and Reuters' reports of one speech (North
# Korea's foreign minister Ri Yong Ho at the UN General Assembly on Saturday: no
# disarmament without trust in the US; added at events-9, when a poll first joined them).
# ``precision_same_event`` counts each pair as one event; both figures are reported. The
# file's other shared topics (the Indonesian tsunami, Kavanaugh, other North Korea
# stories) are reports of other days or other statements: apart.
SAME_EVENT = {"ntrex-scotsman.133791": "ntrex-bbc.381746",
              "ntrex-reuters.218914": "ntrex-independent.226301",
              "ntrex-reuters.218861": "ntrex-cnbc.com.6769"}


def crosslingual_scores(articles: Sequence[Article], pred: Sequence[int]) -> dict[str, float]:
    """Precision over the pairs put in one story that hold a translated article (as the
    file labels its events, and with the ``SAME_EVENT`` documents one event); recall over
    the translated pairs in two languages, overall and per pair of languages."""
    by_story: dict[int, list[Article]] = {}
    for a in articles:
        by_story.setdefault(pred[a.n], []).append(a)
    good = bad = same_event = 0
    for members in by_story.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a.crosslingual or b.crosslingual:
                    good, bad = good + (a.event == b.event), bad + (a.event != b.event)
                    same_event += (a.event != b.event and a.crosslingual and b.crosslingual
                                  and SAME_EVENT.get(a.label, a.label)
                                  == SAME_EVENT.get(b.label, b.label))
    by_event: dict[int, list[Article]] = {}
    for a in articles:
        if a.crosslingual:
            by_event.setdefault(a.event, []).append(a)
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for members in by_event.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a.lang != b.lang:
                    pair = "-".join(sorted((a.lang, b.lang)))
                    total[pair] += 1
                    found[pair] += pred[a.n] == pred[b.n]
    out = {"precision": good / (good + bad) if good + bad else 1.0,
           "precision_same_event": (good + same_event) / (good + bad) if good + bad else 1.0,
           "wrong_pairs": float(bad), "wrong_pairs_same_event": float(bad - same_event),
           "cross_recall": sum(found.values()) / sum(total.values()) if total else 0.0}
    out.update({f"recall_{p}": found[p] / total[p] for p in sorted(total)})
    return out


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
    edges: list[tuple[float, int, int]] = []
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
    """One article's title with another's shuffled lead."""
    a, b = rng.choice(articles), rng.choice(articles)
    words = b.text.split()
    rng.shuffle(words)
    return a.title, " ".join(words)


_LATIN = "abcdefghijklmnopqrstuvwxyz"
_SCRIPTS = {   # English letters written in another script, one for one (see ``cost``)
    "ru": str.maketrans(_LATIN + _LATIN.upper(), (c := "абцдефгхийклмнопкрстуввхыз") + c.upper()),
    "ar": str.maketrans(_LATIN + _LATIN.upper(), (c := "ابكديفغهيجكلمنوبقرستوفوكيز") * 2),
}
_ROT13 = str.maketrans(_LATIN, _LATIN[13:] + _LATIN[:13])   # fr's words other than names


def _in_script(text: str, lang: str) -> str:
    if lang == "fr":   # names (capitalised) and numbers kept, every other word another
        return " ".join(w if w[:1].isupper() else w.translate(_ROT13) for w in text.split())
    return text.translate(_SCRIPTS[lang]) if lang in _SCRIPTS else text


def cost(articles: Sequence[Article], docs: int, probes: int = 1000,
         seed: int = 7, shares: dict[str, float] | None = None) -> dict[str, float]:
    """ms per article with ``docs`` recent articles in the index: index alone, and through
    the store (SQLite), plus the index's memory; ``probes`` articles grouped, no more than
    the index holds (a small run is a quick check, not a measure).

    ``shares`` (language -> share): the index and the probes in these languages. The
    development file has far too few articles in languages other than English (63 each:
    10,000 articles remixed from 63 texts cost 4-9 times as much per probe as from the
    6,345, their every word shared by hundreds), so each is remixed from the English
    articles and written in its script letter for letter (``_SCRIPTS``: Cyrillic for ru,
    Arabic, without capitals, for ar; for fr, its names kept and its other words in ROT13):
    as many words as English, none shared with it but names and numbers, which match
    across languages as a translation's do."""
    rng = random.Random(seed)
    probes = min(probes, docs) if docs else probes

    def made() -> tuple[str, str, str]:
        lang = "en" if not shares else \
            rng.choices(list(shares), weights=list(shares.values()))[0]
        title, text = _remix(rng, articles)
        return _in_script(title, lang), _in_script(text, lang), lang

    texts = [] if shares else [(a.title, a.text, "en") for a in articles][:docs]
    texts += [made() for _ in range(docs - len(texts))]
    rng.shuffle(texts)
    now = 30 * 24 * HOUR
    times = [now - rng.uniform(0, 20 * HOUR) for _ in texts]
    # the terms first (for the store's index too): the memory is the index's own (the word
    # caches ``terms_of`` fills are bounded, and as full in a process that has grouped a day)
    terms = [events.terms_of(title, text, lang=lang) for title, text, lang in texts]
    tracemalloc.start()
    index = EventIndex()
    for n, ((_, _, lang), at) in enumerate(zip(texts, times, strict=True)):
        index.assign(n, at, terms[n], at, lang)
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    # each probe a title and a text of five leads (~300 words: what a page gives, all of it
    # read for keys), grouped 20 at a time and settled, as the store does
    probe = []
    for _ in range(probes):
        title, _, lang = made()
        probe.append((title, _in_script(" ".join(_remix(rng, articles)[1] for _ in range(5)),
                                        lang), lang))
    cpu, wall = time.process_time(), time.perf_counter()
    for k in range(0, probes, 20):
        ids = []
        for i, (title, text, lang) in enumerate(probe[k:k + 20]):
            at = now - rng.uniform(0, 20 * HOUR)
            index.assign(10**9 + k + i, at, events.terms_of(title, text, lang=lang), at, lang)
            ids.append(10**9 + k + i)
        index.settle(ids, lambda story: True)
        for d in ids:
            index.remove(d)   # stay at ``docs``
    index_cpu, index_wall = time.process_time() - cpu, time.perf_counter() - wall

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        stamp = iso_of(now)
        batch: list[tuple[int, float, events.Terms, str]] = []
        for n, ((_, _, lang), at) in enumerate(zip(texts, times, strict=True)):
            batch.append((n, at, terms[n], lang))
            if len(batch) == 20 or n == len(texts) - 1:
                with store.transaction() as c:
                    store._group(c, batch, stamp)
                batch = []
        cpu, wall = time.process_time(), time.perf_counter()
        for k in range(0, probes, 20):
            chunk = [(10**9 + k + i, now - rng.uniform(0, 20 * HOUR),
                      events.terms_of(title, text, lang=lang), lang)
                     for i, (title, text, lang) in enumerate(probe[k:k + 20])]
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
    ap.add_argument("--crosslingual", type=Path, help="the same story in several languages")
    ap.add_argument("--weeks", type=float, default=6.0)
    ap.add_argument("--hours", default="3,10,12", help="spreads to run, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--breaking", type=float, default=0.2,
                    help="share of articles under a rule alerting at 3 sources: a story of"
                         " 3 reports holding one is held")
    ap.add_argument("--digests-hold", type=float, default=None, metavar="HOURS",
                    help="a digest every HOURS holds every story (the rule before events-9)")
    ap.add_argument("--baseline", action="store_true", help="also the naive single link")
    ap.add_argument("--sweep", action="store_true", help="also our method at other thresholds")
    ap.add_argument("--cost-docs", type=int, default=10_000)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    report: dict[str, object] = {"params": {
        "weeks": args.weeks, "seed": args.seed, "threshold": ix.THRESHOLD,
        "batch": args.batch, "breaking": args.breaking, "digests_hold": args.digests_hold}}
    met = True
    print(f"{'':<34} {'pairwise P/R/F1':<22} {'B-cubed P/R/F1':<23} stories")
    for hours in (float(h) for h in args.hours.split(",")):
        articles = load(args.path, args.weeks, hours, args.seed)
        gold = [a.event for a in articles]   # articles[n].n == n
        days = args.weeks * 7
        print(f"-- {len(set(gold))} events, {len(articles)} articles over {args.weeks:g} weeks"
              f" ({len(set(gold)) / days:.0f} events a day), within {hours:g} h of their"
              f" event")
        run: dict[str, object] = {}
        for name, (pred, cpu) in (
                ("watchdesk, time order", group(articles, order="time", batch=args.batch,
                                                breaking=args.breaking,
                                                digest_hours=args.digests_hold)),
                ("watchdesk, one backlog", group(articles, order="backlog", batch=args.batch)),
                ("previous method", group_previous(articles))):
            s = scores(gold, pred)
            s["ms_cpu"] = cpu / len(articles) * 1000
            run[name] = s
            print(_row(name, s) + f"   {s['ms_cpu']:.2f} ms")
        for name in ("watchdesk, time order", "watchdesk, one backlog"):
            kept = run[name]
            assert isinstance(kept, dict)
            s = kept
            if hours >= 10:
                met = met and s["pairwise_p"] >= TARGET_P and s["pairwise_r"] >= TARGET_R
        if args.sweep:
            for t in (0.22, 0.24, 0.26, 0.28, 0.30):
                s = scores(gold, group(articles, t, batch=args.batch, breaking=args.breaking,
                                       digest_hours=args.digests_hold)[0])
                run[f"threshold {t:.2f}"] = s
                print(_row(f"  at threshold {t:.2f}", s))
        if args.baseline:
            base = baseline(articles, gold)
            run["baseline"] = base
            a, b = base["at_target_precision"], base["best_bcubed_f1"]
            print(_row(f"baseline single link, t={a['threshold']:.2f}", a))
            print(_row(f"baseline single link, t={b['threshold']:.2f}", b))
        report[f"hours_{hours:g}"] = run

    if args.crosslingual:
        translated = load(args.crosslingual, args.weeks, 10.0, args.seed + 100, 100_000,
                          crosslingual=True)
        mixed = number(translated + load(args.path, args.weeks, 10.0, args.seed))
        gold = [a.event for a in mixed]
        n_t = len({a.event for a in translated})
        print(f"-- across languages: {n_t} stories in {len(translated)} articles"
              f" ({', '.join(sorted({a.lang for a in translated}))}) among"
              f" {len(mixed) - len(translated)} monolingual ones, within 10 h")
        cross: dict[str, object] = {}
        for name, (pred, _) in (
                ("watchdesk, time order", group(mixed, order="time", batch=args.batch,
                                                breaking=args.breaking,
                                                digest_hours=args.digests_hold)),
                ("watchdesk, one backlog", group(mixed, order="backlog", batch=args.batch)),
                ("previous method", group_previous(mixed))):
            x = crosslingual_scores(mixed, pred)
            cross[name] = {"all": scores(gold, pred), **x}
            pairs = " ".join(f"{k[7:]} {v:.2f}" for k, v in x.items()
                             if k.startswith("recall_"))
            print(f"{name:<34} P {x['precision']:.3f} ({int(x['wrong_pairs'])} wrong pairs;"
                  f" {x['precision_same_event']:.3f}, {int(x['wrong_pairs_same_event'])}, with"
                  f" SAME_EVENT), cross-language R {x['cross_recall']:.3f}: {pairs}")
            if name.startswith("watchdesk"):
                # judged with SAME_EVENT (as events_poll.py): the file labels two pairs
                # of its documents as two events each reports one event
                met = (met and x["precision_same_event"] >= TARGET_P
                       and x["cross_recall"] >= TARGET_XR)
        report["crosslingual"] = cross

    articles = load(args.path, args.weeks, 10.0, args.seed)
    runs = [("", cost(articles, args.cost_docs))]
    if args.crosslingual:   # a desk reading four languages (how they are made: ``cost``)
        runs.append((" in four languages (" + ", ".join(
            f"{lang} {x:.0%}" for lang, x in FOUR_LANGUAGES.items()) + ")", cost(
            articles, args.cost_docs, shares=FOUR_LANGUAGES)))
        report["cost_four_languages"] = runs[-1][1]
    report["cost"] = runs[0][1]
    cheap = args.cost_docs >= 10_000
    for what, c in runs:
        print(f"cost with {c['docs']:,} recent articles{what}: index {c['index_ms_cpu']:.3f} ms"
              f" CPU ({c['index_ms_wall']:.3f} wall), through the store"
              f" {c['store_ms_cpu']:.3f} ms CPU ({c['store_ms_wall']:.3f} wall) per article;"
              f" index memory {c['index_mb']:.1f} MB")
        cheap = (cheap and max(c["index_ms_cpu"], c["store_ms_cpu"]) <= TARGET_MS
                 and c["index_mb"] <= 100)
    verdict = ("met" if cheap else "NOT met") if args.cost_docs >= 10_000 else \
        f"not measured (--cost-docs {args.cost_docs:,})"
    print(f"target: pairwise precision >= {TARGET_P} with recall >= {TARGET_R} at 10 h and more"
          f" (both orders), across languages precision (with SAME_EVENT) >= {TARGET_P} and"
          f" recall >= {TARGET_XR}: {'met' if met else 'NOT met'};"
          f" cost <= {TARGET_MS:g} ms per article and <= 100 MB at 10,000: {verdict}")
    report["target_met"] = met and cheap
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0 if met and cheap else 1


if __name__ == "__main__":
    sys.exit(main())
