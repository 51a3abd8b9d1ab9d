"""Merging the open stories a batch shows to be one event (pure): ``EventIndex.settle``.

Which story an article joins depends on what came before it (``index``). So after each
batch (a feed's poll), the stories of the batch and the open stories near its articles are
merged, most similar pair first (average-link agglomeration), with any open story at least
as similar as the threshold on average over their members; the older id survives. Stories
are *open* when the caller says so (the store's: those no digest or alert has shown): a
shown story is never merged into another and never absorbs one, so what a digest or an
alert showed stays true (it may still gain new reports). Merging in this way, the stories of
a batch do not depend on the order its articles came in.

**Cost.** The probes and candidates of recent articles are reused (``EventIndex`` keeps
those of the ``KNOWN`` latest looked at, up to date with the articles added since), an
older article's best neighbours stand for its candidates (``similarity.TOP``); a story
is compared with the ``SETTLE_STORIES`` stories its latest ``SETTLE_MEMBERS`` members reach
most closely; besides the batch's stories, only the ``NEAR_STORIES`` open story closest to
each of its articles is settled again (three cost 40% more CPU at 10,000 recent articles
for 0.001 of recall).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .similarity import Probe

if TYPE_CHECKING:
    from .index import EventIndex

SETTLE_MEMBERS = 8          # a story's latest members whose candidates a merge is looked for among
NEAR = 0.75                 # a story this close to a batch's article is settled again
NEAR_STORIES = 1            # (the closest such story of each article)
SETTLE_STORIES = 3          # a story is compared with those its members reach most closely

Seen = dict[int, tuple[Probe, dict[int, float]]]   # an article's probe and candidates


def settle(index: EventIndex, doc_ids: Iterable[int], is_open: Callable[[int], bool],
           seen: Seen) -> dict[int, int]:
    """Merge the stories of ``doc_ids`` with other open stories (see the module); ``seen``:
    the probes and candidates already computed. Returns each merged story -> the story it
    went into."""
    merged: dict[int, int] = {}
    threshold = index.threshold_now()
    heap: list[tuple[float, int, int]] = []

    def push(story: int) -> None:
        if story in index.stories and is_open(story):
            best = _closest(index, story, is_open, seen)
            if best is not None and best[0] >= threshold:
                heapq.heappush(heap, (-best[0], story, best[1]))

    # the batch's stories, and the open stories near its articles: one that could not join
    # a story when it came (too few articles then to tell) is looked at again
    near: set[int] = set()
    for d in doc_ids:
        if d in index.docs:
            near.add(index.docs[d].story)
            close = sorted(((x, c) for c, x in _near_of(index, d, seen)[1].items()
                            if x >= threshold * NEAR and c in index.docs), reverse=True)
            near.update(index.docs[c].story for _, c in close[:NEAR_STORIES])
    for story in sorted(near):
        push(story)
    while heap:
        _, story, other = heapq.heappop(heap)
        if story not in index.stories or other not in index.stories:
            continue   # one of them merged since: the survivor was looked at again
        survivor, gone = sorted((story, other))
        index.merge(gone, survivor)
        merged[gone] = survivor
        for k, v in merged.items():
            if v == gone:
                merged[k] = survivor
        push(survivor)
    return merged


def _near_of(index: EventIndex, d: int, seen: Seen) -> tuple[Probe, dict[int, float]]:
    """A stored article as a probe, and its candidates: as ``assign`` or an earlier
    ``settle`` found them, else its ``TOP`` best neighbours (a new search for its candidates
    cost a third of the CPU at 10,000 recent articles, for no change on the development
    set in time order and 0.006 of recall in one backlog)."""
    if d not in seen:   # not recent: its best neighbours stand for its candidates
        p = index.stored_probe(d)
        top = index.docs[d].top   # (none when it was loaded, not assigned: look)
        seen[d] = (p, {c: x for x, c in top if c in index.docs} if top
                   else index.candidates(p, skip=d))
    else:
        seen[d] = seen.pop(d)   # (the latest looked at are kept longest)
    return seen[d]


def _closest(index: EventIndex, story: int, is_open: Callable[[int], bool],
             seen: Seen) -> tuple[float, int] | None:
    """The open story most similar to ``story`` on average, with that average."""
    members = index.stories[story][-SETTLE_MEMBERS:]
    probes = {m: _near_of(index, m, seen)[0] for m in members}
    scored = {m: _near_of(index, m, seen)[1] for m in members}
    threshold = index.threshold_now()
    reach: dict[int, float] = {}   # the other stories its members reach, how closely
    for s in scored.values():
        for d, x in s.items():
            if x < threshold or d not in index.docs:   # (removed since)
                continue
            other = index.docs[d].story
            if other != story and x > reach.get(other, 0.0):
                reach[other] = x
    best: tuple[float, int] | None = None
    for other in sorted(reach, key=lambda o: (-reach[o], o))[:SETTLE_STORIES]:
        if not is_open(other):
            continue
        total = sum(index.average(p, other, scored[m], SETTLE_MEMBERS)
                    for m, p in probes.items())
        score = total / len(probes)
        if best is None or score > best[0]:
            best = (score, other)
    return best
