"""Event grouping as it was before events-2 (watchdesk 0.2's ``events.terms`` and
``events.index``, unchanged but for their imports), for ``events.py`` to measure the
method it replaced in the same run: words of title and lead cut to 6 characters, TF-IDF
cosine, time decay after 6 h, average link at 0.26, no merges, one language."""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from watchdesk.rules.text import fold

LEAD_WORDS = 60
PREFIX = 6
TITLE_WEIGHT = 2.0
NAME_WEIGHT = 1.5

Terms = dict[str, float]

_WORD = re.compile(r"\w+")
_SENTENCE_END = (".", "!", "?", ":", ";", "»", "«", '"', "“", "”", "—", "–", "-")
_AR_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_AR_SUFFIXES = ("ات", "ون", "ين", "ان", "ها", "يه", "ه", "ي")


def _is_arabic(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff"


@lru_cache(maxsize=1 << 16)
def normalise(word: str) -> str:
    """One folded word in its comparable form ('' when it is too short to mean anything)."""
    if word.isdigit():
        return word
    if _is_arabic(word):
        if word.startswith("و") and len(word) > 3:
            word = word[1:]
        for p in _AR_PREFIXES:
            if word.startswith(p) and len(word) - len(p) >= 2:
                word = word[len(p):]
                break
        for s in _AR_SUFFIXES:
            if word.endswith(s) and len(word) - len(s) >= 2:
                word = word[: -len(s)]
                break
    if len(word) < 2:
        return ""
    return word[:PREFIX]


@lru_cache(maxsize=1 << 16)
def _chunk(chunk: str) -> tuple[tuple[str, ...], bool, bool]:
    """A whitespace-free chunk of text: its terms, whether it starts with a capital, whether
    it ends a sentence (cached: news repeats its words)."""
    terms = tuple(t for t in (normalise(w) for w in _WORD.findall(fold(chunk))) if t)
    return terms, chunk[:1].isupper(), chunk.endswith(_SENTENCE_END)


def terms_of(title: str | None, body: str | None, summary: str | None = None) -> Terms:
    """The weighted terms of an article: its title, and the lead of its body (else of its
    summary)."""
    out: Terms = {}
    for chunk in (title or "").split():
        for t in _chunk(chunk)[0]:
            out[t] = out.get(t, 0.0) + TITLE_WEIGHT
    words = 0
    sentence_start = True
    for chunk in (body or summary or "").split():
        terms, capital, ends = _chunk(chunk)
        weight = NAME_WEIGHT if capital and not sentence_start else 1.0
        for t in terms:
            out[t] = out.get(t, 0.0) + weight
        sentence_start = ends
        words += len(terms) or 1
        if words >= LEAD_WORDS:
            break
    return out


def dumps(terms: Mapping[str, float]) -> str:
    """Terms as stored (``event_docs.terms``): ``term weight`` pairs, space-separated."""
    return " ".join(f"{t} {w:g}" for t, w in terms.items())


def loads(text: str) -> Terms:
    parts = text.split()
    return {parts[i]: float(parts[i + 1]) for i in range(0, len(parts) - 1, 2)}


# Function words of the desk's languages, counted as present in ``index.PRIOR_DOCS``
# imaginary articles: while only a handful of articles are indexed, their rarity cannot be
# told from the others'. Once a few dozen are, the real counts dominate.
_FUNCTION_WORDS = """
the a an of to in on at for from by with and or but not is are was were be been has have had
it its this that these those as he she they his her their who which what after over about
into than more said says will would could can new also up out no
le la les l de du des un une et ou en au aux a dans par pour sur avec sans sous est sont
ete etre a ont avait il elle ils elles son sa ses leur leurs qui que quoi dont ce cet cette
ces plus pas ne se lui y apres avant selon entre mais comme tres deux
في من على إلى عن أن إن مع هذا هذه التي الذي الذين كان كانت قد لا ما ثم أو بين بعد قبل حتى
عند كل وقال قال وفي إلى ذلك تلك هو هي
"""
FUNCTION_WORDS = frozenset(t for w in _FUNCTION_WORDS.split() for f in _WORD.findall(fold(w))
                           if (t := normalise(f)))




THRESHOLD = 0.26
GRACE = 6 * 3600.0          # seconds within which time does not matter
DECAY = 18 * 3600.0         # then similarity decays as exp(-(dt - GRACE) / DECAY)
HORIZON = GRACE + DECAY * math.log(1 / THRESHOLD)   # beyond it nothing can link (~30 h)
PRIOR_DOCS = 20
MIN_TERMS = 10
SEED_TERMS = 8
CANDIDATES = 24
STORY_MEMBERS = 30          # a story's most recent members compared with a new article
REFRESH = 0.05
COLD_DOCS, COLD_EXTRA = 50, 0.08   # a nearly empty index asks for more (see ``threshold_now``)
SEED_MAX_DF, SEED_MAX_SHARE = 100, 0.02   # a seed term held by more articles is skipped


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
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.timestamp() if dt.tzinfo else None


def decay(dt: float) -> float:
    """What a similarity is worth between two articles ``dt`` seconds apart."""
    dt = abs(dt)
    return 1.0 if dt <= GRACE else math.exp(-(dt - GRACE) / DECAY)


@dataclass(slots=True)
class Doc:
    at: float
    story: int
    keys: tuple[str, ...]       # its terms (interned: one copy of each in memory)
    ltf: array[float]           # 1 + ln(tf) of each, in the same order (8 bytes a term)
    kept: float = 0.0           # when it was added (what ``prune`` goes by)
    norm: float = 0.0           # of its TF-IDF vector, as of the ``seen``-th article added
    seen: int = -1


class EventIndex:
    """Recent matched articles by term, time and story.

    ``assign`` decides the story of a new article and adds it; ``add`` records one whose
    story is known (loading); ``update`` replaces an article's terms (keeping its story);
    ``prune`` forgets what is too old to link to anything new.
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.docs: dict[int, Doc] = {}
        self.stories: dict[int, list[int]] = {}
        self._df: dict[str, int] = {}
        # ln(df + prior + 1) per term (0 for a term in no article and no prior): the idf of
        # a term is ln(N + PRIOR_DOCS + 1) minus this, without a logarithm per look-up
        self._ldf: dict[str, float] = dict.fromkeys(FUNCTION_WORDS, math.log(PRIOR_DOCS + 1))
        # term -> article ids, oldest first; entries of removed articles are skipped and
        # dropped by compaction (removing from the middle of a list costs its length)
        self._postings: dict[str, list[int]] = {}
        self._dead = 0
        self._live = 0
        self._added = 0

    def __len__(self) -> int:
        return len(self.docs)

    # -- weights ----------------------------------------------------------------------------

    def idf(self, term: str) -> float:
        return math.log(len(self.docs) + PRIOR_DOCS + 1) - self._ldf.get(term, 0.0)

    def vector(self, terms: Mapping[str, float]) -> tuple[dict[str, float], float]:
        """TF-IDF weights of ``terms`` under the current counts, and their norm."""
        big = math.log(len(self.docs) + PRIOR_DOCS + 1)
        ldf = self._ldf
        v = {t: (1.0 + math.log(tf)) * (big - ldf.get(t, 0.0)) for t, tf in terms.items()}
        return v, math.sqrt(sum(x * x for x in v.values()))

    def similarity(self, a: Mapping[str, float], b: Mapping[str, float]) -> float:
        """Cosine of two articles' terms under the current counts (no time involved)."""
        va, na = self.vector(a)
        vb, nb = self.vector(b)
        if not na or not nb:
            return 0.0
        return sum(x * vb.get(t, 0.0) for t, x in va.items()) / (na * nb)

    def _norm(self, doc: Doc, big: float) -> float:
        """A stored article's norm. Its terms' counts change as articles come and go, slowly:
        it is recomputed once ``REFRESH`` of the index (at least 20 articles) was added
        since, not on every use (that was most of the cost)."""
        if doc.seen < 0 or self._added - doc.seen > max(20, REFRESH * len(self.docs)):
            ldf = self._ldf
            doc.norm = math.sqrt(sum((x * (big - ldf.get(t, 0.0))) ** 2
                                     for t, x in zip(doc.keys, doc.ltf, strict=True)))
            doc.seen = self._added
        return doc.norm

    # -- deciding ---------------------------------------------------------------------------

    def threshold_now(self) -> float:
        """The threshold, raised while the index holds fewer than ``COLD_DOCS`` articles (up
        to +``COLD_EXTRA`` when empty): until then, which words every article of the desk
        shares is not known, and two events on one topic look alike (two Haftar stories of
        one day: 0.26 with one article indexed, 0.17 with eleven)."""
        return self.threshold + COLD_EXTRA * max(0.0, 1.0 - len(self.docs) / COLD_DOCS)

    def decide(self, at: float, terms: Mapping[str, float]) -> tuple[int | None, float]:
        """The story this article reports, with its average time-weighted similarity, or
        (None, best score seen) when no story is close enough."""
        if len(terms) < MIN_TERMS or not self.docs:
            return None, 0.0
        docs = self.docs
        big = math.log(len(docs) + PRIOR_DOCS + 1)
        ldf = self._ldf
        v: dict[str, float] = {}      # its TF-IDF weights
        u: dict[str, float] = {}      # weight x idf: a dot product is then sum(u * ltf)
        for t, tf in terms.items():
            idf = big - ldf.get(t, 0.0)
            v[t] = x = (1.0 + math.log(tf)) * idf
            u[t] = x * idf
        norm = math.sqrt(sum(x * x for x in v.values()))
        if not norm:
            return None, 0.0
        shared: dict[int, float] = {}
        common = max(SEED_MAX_DF, len(docs) * SEED_MAX_SHARE)
        df = self._df
        # seeds: its most weighted terms that some article in the index holds, but not
        # too many (such a term finds nothing its rarer seeds do not, and costs the most)
        seeds = sorted((t for t in v if 0 < df.get(t, 0) <= common), key=v.__getitem__,
                       reverse=True)
        for t in seeds[:SEED_TERMS]:
            weight = v[t]
            for d in self._postings.get(t, ()):
                doc = docs.get(d)
                if doc is not None and -HORIZON <= doc.at - at <= HORIZON:
                    shared[d] = shared.get(d, 0.0) + weight
        if not shared:
            return None, 0.0

        def score(doc: Doc) -> float:
            dot = 0.0
            for t, y in zip(doc.keys, doc.ltf, strict=True):
                x = u.get(t)
                if x is not None:
                    dot += x * y
            n = self._norm(doc, big)
            return dot / (norm * n) * decay(doc.at - at) if n else 0.0

        scored = {d: score(docs[d]) for d in
                  sorted(shared, key=shared.__getitem__, reverse=True)[:CANDIDATES]}
        # A story's average reaches the threshold only if one of its members does.
        threshold = self.threshold_now()
        hopeful = dict.fromkeys(docs[d].story for d, s in scored.items() if s >= threshold)
        if not hopeful:
            return None, max(scored.values())
        # the most similar on average (on a tie, the most recent story)
        best_score, best_story = max((self._average(story, at, scored, score), story)
                                     for story in hopeful)
        return (best_story if best_score >= threshold else None), best_score

    def _average(self, story: int, at: float, scored: dict[int, float],
                 score: Callable[[Doc], float]) -> float:
        """Average time-weighted similarity to the story's members within the horizon."""
        total, n = 0.0, 0
        for m in self.stories[story][-STORY_MEMBERS:]:
            doc = self.docs[m]
            if -HORIZON <= doc.at - at <= HORIZON:
                s = scored.get(m)
                total += score(doc) if s is None else s
                n += 1
        return total / n if n else 0.0

    def assign(self, doc_id: int, at: float, terms: Terms, kept: float | None = None) -> int:
        """Decide the story of a new article and add it; returns the story id (its own id
        when it starts one)."""
        story, _ = self.decide(at, terms)
        story = doc_id if story is None else story
        self.add(doc_id, at, terms, story, kept)
        return story

    # -- keeping ----------------------------------------------------------------------------

    def add(self, doc_id: int, at: float, terms: Terms, story: int,
            kept: float | None = None) -> None:
        """Record an article of a known story; ``kept``: when it was added (default: its
        time), which ``prune`` goes by."""
        if doc_id in self.docs:
            self.remove(doc_id)
        keys = tuple(sys.intern(t) for t in terms)
        self.docs[doc_id] = Doc(at, story, keys,
                                array("d", (1.0 + math.log(tf) for tf in terms.values())),
                                at if kept is None else kept)
        self._added += 1
        members = self.stories.setdefault(story, [])
        members.append(doc_id)
        if len(members) > 1 and self.docs[members[-2]].at > at:
            members.sort(key=lambda m: self.docs[m].at)
        for t in keys:
            self._count(t, 1)
            self._postings.setdefault(t, []).append(doc_id)
        self._live += len(keys)

    def remove(self, doc_id: int) -> None:
        doc = self.docs.pop(doc_id, None)
        if doc is None:
            return
        members = self.stories[doc.story]
        members.remove(doc_id)
        if not members:
            del self.stories[doc.story]
        for t in doc.keys:
            self._count(t, -1)
        self._live -= len(doc.keys)
        self._dead += len(doc.keys)
        if self._dead > max(1000, self._live):
            self._compact()

    def _count(self, term: str, delta: int) -> None:
        n = self._df.get(term, 0) + delta
        prior = PRIOR_DOCS if term in FUNCTION_WORDS else 0
        if n:
            self._df[term] = n
        else:
            del self._df[term]
        if n or prior:
            self._ldf[term] = math.log(n + prior + 1)
        else:
            del self._ldf[term]

    def update(self, doc_id: int, terms: Terms) -> None:
        """New terms for an article (its text changed), in the same story."""
        doc = self.docs.get(doc_id)
        if doc is not None:
            self.add(doc_id, doc.at, terms, doc.story, doc.kept)

    def prune(self, before: float) -> list[int]:
        """Forget the articles added before ``before``; returns their ids."""
        old = [d for d, doc in self.docs.items() if doc.kept < before]
        for d in old:
            self.remove(d)
        return old

    def _compact(self) -> None:
        postings: dict[str, list[int]] = {}
        for d, doc in self.docs.items():
            for t in doc.keys:
                postings.setdefault(t, []).append(d)
        self._postings = postings
        self._dead = 0

    @classmethod
    def of(cls, docs: Iterable[tuple[int, float, Terms, int]], **kw: float) -> EventIndex:
        """An index holding ``(id, time, terms, story)``."""
        index = cls(**kw)
        for doc_id, at, terms, story in docs:
            index.add(doc_id, at, terms, story)
        return index
