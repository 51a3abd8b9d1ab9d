"""Regrouping the open stories near a batch (pure): ``EventIndex.settle``.

Which story an article joins when it comes depends on what came before it (``index``): it
joins the story closest on average *then*, and a report that came later may show that it
belonged elsewhere. So after each batch (a feed's poll), the *open* stories of the batch and
the open stories its articles come near are taken apart and their articles grouped again
from scratch, as one batch: average-link agglomeration, most similar pair of groups first,
while the average similarity of two groups (over their pairs of articles within the
horizon) reaches the threshold. Stories are *open* when the caller says so (the store's:
those no breaking-story alert has named; digests and urgent matches' alerts are snapshots
and hold nothing since events-9): a held story keeps its articles and its id, is never
merged into another and never absorbs one (it may still gain new reports, ``assign``), so
that no event breaks twice. An article of an open story may move; a story is named after its
oldest article (the smallest id), so the names do not depend on the order the articles came
in either.

In a batch average-link clustering of the development set (±10 h) the same scores reach
recall 0.82 at precision 0.95; joining one story at a time, then merging open stories,
0.70 at 0.96: an article that joined a story on the word of its first member could not
leave it. Grouped again, 0.75 at 0.96; with every article's scores kept and reciprocity
judged again (events-5), 0.77 at 0.97 in one backlog, where the batch clustering of the
same scores gives 0.79 at 0.97 (``benchmarks/README.md``, ``benchmarks/events_loss.py``).

**Pairs.** The pairs scored are those already known: every article's candidates as
``assign`` scored them, kept current by later articles (their score with it is written in:
``Doc.scores``), without the reciprocal bonus, which is given here by what the two articles
have seen *now* (``Doc.top``: in a backlog, an article that came early had few neighbours
to compare with, and its first ones looked reciprocal); and the pairs of one story's
members not among them, scored now; each raised by the two articles' lack of hubness over
their candidates now (``similarity.contrast``). Two articles no candidate list pairs count
as 0. A story of more than ``BLOCK`` articles is not taken apart (it moves as one).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .similarity import (
    HORIZON,
    RECIPROCAL_BONUS,
    RECIPROCAL_FLOOR,
    Probe,
    contrast,
    hubness,
)

if TYPE_CHECKING:
    from .index import EventIndex

NEAR = 0.75                 # an open story this close to a batch's article is regrouped too
BLOCK = 12                  # an open story of more articles is regrouped as one block

Seen = dict[int, tuple[Probe, dict[int, float]]]   # an article's probe and candidates


def settle(index: EventIndex, doc_ids: Iterable[int], is_open: Callable[[int], bool],
           seen: Seen) -> dict[int, int]:
    """Regroup the open stories of ``doc_ids`` and those near them (see the module);
    ``seen``: the probes and candidates already computed. Returns each article that moved
    -> its story now."""
    docs = index.docs
    threshold = index.threshold_now()
    near: set[int] = set()
    for d in doc_ids:
        if d in docs:
            near.add(docs[d].story)
            near.update(docs[c].story for c, x in _near_of(index, d, seen)[1].items()
                        if x >= threshold * NEAR and c in docs)
    stories = sorted(s for s in near if is_open(s))
    if not stories:
        return {}
    # the groups to start from: each article alone, but a story too big to take apart, or
    # one whose first article the index no longer holds (pruned: older articles of it are
    # in the store only), stays whole and keeps its name
    groups: list[list[int]] = []
    labels: list[int] = []
    for s in stories:
        members = index.stories[s]
        if len(members) > BLOCK or s not in members:
            groups.append(list(members))
            labels.append(min(s, *members))
        else:
            groups.extend([m] for m in members)
            labels.extend(members)
    grouped = _agglomerate(index, groups, labels, _pairs(index, stories, seen), threshold)
    moved: dict[int, int] = {}
    for members, story in grouped:
        moved.update((m, story) for m in members if docs[m].story != story)
    index.move(moved)
    return moved


def _pairs(index: EventIndex, stories: list[int], seen: Seen) -> dict[tuple[int, int], float]:
    """The known scores of pairs of the stories' articles, and of each story's members."""
    docs = index.docs
    inside = {m for s in stories for m in index.stories[s]}
    candidates = {a: _candidates_of(index, a, seen) for a in inside}
    pairs: dict[tuple[int, int], float] = {}
    for a, scored in candidates.items():
        for b, x in scored.items():
            if b in inside and b != a:
                key = (a, b) if a < b else (b, a)
                if x > pairs.get(key, -1.0):
                    pairs[key] = x
    # each against the two articles' hubness now (``similarity.contrast``), then
    # reciprocal now, by what each has seen since (``reciprocal``, its two nearest looked up once)
    hubs = {a: hubness(scored.values()) for a, scored in candidates.items()}
    weight = index.hub_weight()
    nearest = {d: [c for _, c in docs[d].top[:2]] for d in inside}

    def judged(a: int, b: int, x: float) -> float:
        y = contrast(x, hubs[a], hubs[b], docs[b].at - docs[a].at, weight)
        if x >= RECIPROCAL_FLOOR and b in nearest[a] and a in nearest[b]:
            y += RECIPROCAL_BONUS
        return y

    for (a, b), x in pairs.items():
        pairs[a, b] = judged(a, b, x)
    big = index.big()
    for s in stories:
        members = index.stories[s]
        if len(members) > BLOCK:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                key = (a, b) if a < b else (b, a)
                if key not in pairs:
                    pairs[key] = judged(a, b, index.kept_score(_near_of(index, a, seen)[0], b,
                                                               big))
    return pairs


def _agglomerate(index: EventIndex, groups: list[list[int]], labels: list[int],
                 pairs: dict[tuple[int, int], float], threshold: float,
                 ) -> list[tuple[list[int], int]]:
    """Average-link agglomeration of ``groups`` (named ``labels``): the two groups most
    similar on average (their pairs within the horizon; unknown pairs count 0) merge first,
    while that reaches ``threshold``; a merged group is named by the smaller name. Ties go
    to the smaller names: the result does not depend on the order. Returns each group with
    its name."""
    docs = index.docs
    where = {m: g for g, members in enumerate(groups) for m in members}
    sums: list[dict[int, float]] = [{} for _ in groups]
    for (a, b), x in pairs.items():
        ga, gb = where[a], where[b]
        if ga != gb and x > 0.0:
            sums[ga][gb] = sums[ga].get(gb, 0.0) + x
            sums[gb][ga] = sums[gb].get(ga, 0.0) + x
    alive = [True] * len(groups)
    times = [[docs[m].at for m in members] for members in groups]
    first, last = [min(t) for t in times], [max(t) for t in times]

    def average(g: int, h: int) -> float:
        if last[g] - first[h] <= HORIZON and last[h] - first[g] <= HORIZON:
            n = len(times[g]) * len(times[h])   # (every pair within the horizon: not counted)
        else:
            n = sum(1 for s in times[g] for t in times[h] if -HORIZON <= s - t <= HORIZON)
        return sums[g].get(h, 0.0) / n if n else 0.0

    def key(g: int, h: int) -> tuple[int, int]:
        return labels[g], labels[h]

    heap = []   # (the order pairs are pushed in does not matter: no two entries are equal)
    for g, near in enumerate(sums):
        size, since, until = len(times[g]), first[g], last[g]
        for h, total in near.items():   # (``average``, inlined, as below)
            if g < h:
                if until - first[h] <= HORIZON and last[h] - since <= HORIZON:
                    y = total / (size * len(times[h]))
                else:
                    y = average(g, h)
                if y >= threshold:
                    heap.append((-y, key(g, h), g, h))
    heapq.heapify(heap)
    while heap:
        x, _, g, h = heapq.heappop(heap)
        if not (alive[g] and alive[h]) or average(g, h) != -x:
            continue   # (one of them changed since)
        alive[h] = False
        groups[g].extend(groups[h])
        labels[g] = min(labels[g], labels[h])
        times[g].extend(times[h])
        first[g], last[g] = min(first[g], first[h]), max(last[g], last[h])
        for k, y in sums[h].items():
            if k != g:
                del sums[k][h]
                sums[g][k] = sums[k][g] = sums[g].get(k, 0.0) + y
        sums[g].pop(h, None)
        sums[h] = {}
        size, since, until = len(times[g]), first[g], last[g]
        for k, total in sums[g].items():   # (``average``, inlined: most of its calls are here)
            if until - first[k] <= HORIZON and last[k] - since <= HORIZON:
                y = total / (size * len(times[k]))
            else:
                y = average(g, k)
            if y >= threshold:
                heapq.heappush(heap, (-y, key(g, k) if g < k else key(k, g),
                                      min(g, k), max(g, k)))
    return [(sorted(groups[g]), labels[g]) for g in range(len(groups)) if alive[g]]


def _candidates_of(index: EventIndex, d: int, seen: Seen) -> dict[int, float]:
    """A stored article's candidates, as ``_near_of`` gives them, without making it a probe
    (a probe is most of the cost of ``settle``): its kept scores, else (loaded from the
    store, not assigned) its best neighbours."""
    if d in seen:
        return seen[d][1]
    doc = index.docs[d]
    if doc.scores is not None:
        return doc.scores
    return {c: x for x, c in doc.top if c in index.docs} if doc.top else _near_of(index, d, seen)[1]


def _near_of(index: EventIndex, d: int, seen: Seen) -> tuple[Probe, dict[int, float]]:
    """A stored article as a probe, and its candidates: as ``assign`` found them and later
    articles added to them (``Doc.scores``), else its ``TOP`` best neighbours, else (loaded,
    never compared) a new search. Until events-5 only the 2,000 articles last looked at
    kept theirs, the others' four best standing for them: in one backlog of 6,345
    articles most pairs were then unknown (recall 0.755 against 0.773 with all kept)."""
    if d not in seen:
        p = index.stored_probe(d)
        doc = index.docs[d]
        top = doc.top   # (none when it was loaded, not assigned: look)
        if doc.scores is not None:
            seen[d] = (p, doc.scores)
        elif top:
            seen[d] = (p, {c: x for x, c in top if c in index.docs})
        else:   # (kept from now on, as if it had been assigned)
            doc.scores = index.candidate_scores(p, skip=d)
            seen[d] = (p, doc.scores)
    else:
        seen[d] = seen.pop(d)   # (the latest looked at are kept longest)
    return seen[d]
