"""How alike two articles are (pure): times, the articles as compared, their score, and the
neighbours each has seen. Used by ``index``, which holds the articles and the counts.

**Score.** Each article is a vector of TF-IDF weights over its terms (``terms``: words of
title and lead, and the language-independent *keys* of ``keys``: names, numbers, days). Two
articles in one language compare by the cosine of their words; in two languages (``lang``
differs) by the larger of that and ``KEY_WEIGHT`` times the cosine of their keys alone
(their words are different words). Then figures and days decide: two reports sharing a
number gain ``NUMBER_BONUS`` (two numbers: twice), two that both give numbers but none in
common lose ``NUMBER_CONFLICT`` (200,000 deaths is not 250,000); the same for days of the
week (``DAY_BONUS``, ``DAY_CONFLICT``).

**Time.** Reports of one event come within a day of each other. Each article has a time (its
publication time, else when it was fetched: ``event_time``); the similarity of two articles
``dt`` apart is multiplied by 1 up to ``GRACE`` and by ``exp(-(dt - GRACE) / DECAY)``
beyond; after ``HORIZON`` nothing links. Two Haftar stories two days apart are two events.

**Neighbours.** Each article keeps its ``TOP`` best scores so far, with whom (``offer``):
the first two decide reciprocity (judged again by ``settle`` when it regroups), all stand
for its candidates in ``settle`` when it has no kept scores (``Doc.scores``: loaded from
the store, not assigned).
Two articles each among the other's two most similar (and at least ``RECIPROCAL_FLOOR``
alike) gain ``RECIPROCAL_BONUS``: what is closest to a report on every side is likely its
event, however the outlets framed it.

**Contrast** (events-6). How alike two articles are is judged against how alike each is to
what it is usually near, in the manner of CSLS (cross-domain similarity local scaling:
Conneau et al., 2018, "Word translation without parallel data"), one-sided: an article's
*hubness* is the mean of its ``HUB_K`` best scores (``hubness``: over its candidates'
scores; compared with fewer, the missing count ``HUB_CENTRE``, not known to be low), and a
pair's score rises by ``HUB_WEIGHT`` times the amount by which the mean of the two
hubnesses falls short of ``HUB_CENTRE``, in proportion to the time weight (``contrast``; a
pair that shares nothing stays 0). An opinion piece written in words of its own is close
to nothing else: its best score, to a report of its event, says more than the same score
between two reports of a running story (the weekly jobless claims), each close to many.
It never lowers a score: the reports of an event many outlets cover are close to one
another on every side, hubs of their own event, and lowering their pairs (CSLS's other
half, events-6's first version) split such an event into pieces. The index scales the
weight down while it holds fewer than ``COLD_DOCS`` articles (``EventIndex.hub_weight``):
every article is then near little because there is little.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..dates import read_iso
from .compare import NONE, agreement, key_norm

THRESHOLD = 0.28
GRACE = 14 * 3600.0         # seconds within which time does not matter (events-9; 12 h before)
DECAY = 18 * 3600.0         # then similarity decays as exp(-(dt - GRACE) / DECAY)
HORIZON = GRACE + DECAY * math.log(1 / THRESHOLD)   # beyond it nothing can link (~37 h)
KEY_WEIGHT = 1.25           # keys' cosine against words': fewer terms, lower values
NUMBER_BONUS, NUMBER_CONFLICT = 0.05, 0.08
DAY_BONUS, DAY_CONFLICT = 0.03, 0.06
RECIPROCAL_BONUS, RECIPROCAL_FLOOR = 0.08, 0.10
CONCEPTS_ALIKE = 0.3        # keys count in full across languages from this concepts' cosine
TOP = 4                     # best scores each article keeps, with whom (2 decide)
HUB_K = 5                   # an article's hubness: the mean of its HUB_K best scores
HUB_WEIGHT = 1.0            # how much a pair's score rises by its articles' lack of hubness
HUB_CENTRE = 0.23           # the hubness from which it does not rise (events-9; 0.20 before)


def event_time(published_at: str | None, fetched_at: str) -> float:
    """An article's time for grouping, in seconds since the epoch: its publication time, else
    (missing, unreadable, or later than the fetch: a wrong clock) its fetch time."""
    fetched = epoch(fetched_at)
    if fetched is None:
        raise ValueError(f"not a UTC ISO 8601 time: {fetched_at!r}")
    published = epoch(published_at)
    return published if published is not None and published <= fetched else fetched


def epoch(text: str | None) -> float | None:
    """Seconds since the epoch of an ISO 8601 time with its zone (None if it is not one)."""
    dt = read_iso(text)
    return dt.timestamp() if dt is not None and dt.tzinfo else None


def decay(dt: float) -> float:
    """What a similarity is worth between two articles ``dt`` seconds apart."""
    dt = abs(dt)
    return 1.0 if dt <= GRACE else math.exp(-(dt - GRACE) / DECAY)


Neighbours = list[tuple[float, int]]   # best scores first, each with the other article's id


@dataclass(slots=True)
class Doc:
    at: float
    story: int
    keys: tuple[str, ...]       # its terms, words and keys (interned: one copy of each)
    ltf: array[float]           # 1 + ln(tf) of each, in the same order (8 bytes a term)
    words: int                  # how many of them are words (first), the rest keys
    lang: str = ""              # its language ('' unknown)
    nums: frozenset[str] = NONE
    days: frozenset[str] = NONE
    kept: float = 0.0           # when it was added (what ``prune`` goes by)
    top: Neighbours = field(default_factory=list)   # its best scores with others so far
    # its candidates' scores as ``assign`` found them, and every later article's score
    # with it (None: loaded, not assigned); what ``settle`` pairs it by
    scores: dict[int, float] | None = None
    norm: float = 0.0           # of its TF-IDF vector, as of the ``seen``-th article added
    knorm: float = 0.0          # of its keys' part
    seen: int = -1
    concepts: int = 0           # where its concepts start among its keys (they come last)
    cnorm: float = 0.0          # of their 1 + ln(tf)


@dataclass(slots=True)
class Probe:
    """An article as the other side of comparisons: its weights under the current counts."""

    at: float
    lang: str
    u: dict[str, float]         # TF-IDF weight x idf of each word: a dot is sum(u * ltf)
    uk: dict[str, float]        # the same, of each key
    norm: float                 # of its words' weights
    knorm: float                # of its keys' weights
    nums: frozenset[str]
    days: frozenset[str]
    seeds: list[str]
    seed_weights: dict[str, float]
    ident: int = -1             # its article's id (-1: not in the index)
    cw: dict[str, float] = field(default_factory=dict)   # its concepts' 1 + ln(tf)
    cnorm: float = 0.0


def score(p: Probe, doc: Doc, norm: float, knorm: float) -> float:
    """Time-weighted similarity of a probe and a stored article whose norms (whole, keys)
    under the current counts are ``norm`` and ``knorm``."""
    if not p.norm or not norm:
        return 0.0
    dot = kdot = 0.0
    u, keys, ltf, split = p.u, doc.keys, doc.ltf, doc.words
    for i in range(split):
        x = u.get(keys[i])
        if x is not None:
            dot += x * ltf[i]
    s = dot / (p.norm * norm)
    if p.lang != doc.lang and knorm and p.knorm:   # keys only across languages
        uk = p.uk
        for i in range(split, len(keys)):
            x = uk.get(keys[i])
            if x is not None:
                kdot += x * ltf[i]
        keyed = KEY_WEIGHT * kdot / key_norm(p.lang, p.knorm, doc.lang, knorm)
        if p.cnorm and doc.cnorm:   # both in languages of the lexicon: what happened?
            cw, cdot = p.cw, 0.0
            for i in range(doc.concepts, len(keys)):
                x = cw.get(keys[i])
                if x is not None:
                    cdot += x * ltf[i]
            keyed *= min(1.0, cdot / (p.cnorm * doc.cnorm) / CONCEPTS_ALIKE)
        s = max(s, keyed)
    if s > 0.0:
        s += agreement(p.nums, doc.nums, NUMBER_BONUS, NUMBER_CONFLICT)
        s += agreement(p.days, doc.days, DAY_BONUS, DAY_CONFLICT)
    return max(0.0, s) * decay(doc.at - p.at)


def hubness(scores: Iterable[float]) -> float:
    """The mean of the ``HUB_K`` best of an article's scores with others; fewer known (it
    was compared with fewer), the missing count ``HUB_CENTRE``: not known to be low."""
    best = heapq.nlargest(HUB_K, scores)
    return (sum(best) + (HUB_K - len(best)) * HUB_CENTRE) / HUB_K


def contrast(x: float, hub_a: float, hub_b: float, dt: float,
             weight: float = HUB_WEIGHT) -> float:
    """A pair's score ``x`` (``dt`` seconds apart) raised, by ``weight``, as far as the mean
    of its articles' hubness falls short of ``HUB_CENTRE`` (see the module); never lowered,
    and a pair that shares nothing (0) stays 0."""
    if x <= 0.0:
        return 0.0
    return x + weight * max(0.0, HUB_CENTRE - (hub_a + hub_b) / 2) * decay(dt)


def offer(top: Neighbours, x: float, who: int) -> Neighbours:
    """``top`` with ``who`` at score ``x`` (replacing an earlier score of it), best first,
    at most ``TOP`` long."""
    out = [(y, c) for y, c in top if c != who]
    if len(out) < TOP or x > out[-1][0]:
        out.append((x, who))
        out.sort(reverse=True)
        del out[TOP:]
    return out


def reciprocal(a: int, a_top: Neighbours, b: int, b_top: Neighbours) -> bool:
    """Whether ``a`` and ``b`` are each among the other's two most similar."""
    return (any(c == b for _, c in a_top[:2]) and any(c == a for _, c in b_top[:2]))
