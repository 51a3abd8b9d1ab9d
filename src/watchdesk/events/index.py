"""Which event an article reports (pure): an incremental index over recent matched articles.

Articles from different outlets that report the same event, each in its own words and in
French, English, Arabic or Russian, share a *story* (``articles.story_id``); so do copies of
one wire text. Decided here, in memory, from data only (no database, no clock: times are
given); the store loads and saves the index. How two articles compare is ``similarity``'s;
how the open stories near a batch are grouped again, ``settle``'s.

**Weights.** A term weighs ``(1 + ln tf) * idf``, with ``idf = ln((N + P + 1) / (df + p +
1))`` counted over the articles in the index (``N`` of them, ``df`` holding the term),
``P = PRIOR_DOCS`` imaginary articles holding every function word (``p``: ``P`` for those,
else 0) so that a nearly empty index still weighs « le » and "the" low. The words all of a
desk's articles share (Libye, Haftar) are common in the index and weigh little.

**Average link.** An article joins the story whose members (those within the horizon) are
*on average* most similar to it, if that average reaches ``THRESHOLD`` + ``JOIN_MARGIN``;
else it starts its own story, whose id is its own. Average, not single link: one article
that shares a few names with another event cannot pull it in. The margin: a story joined on
the word of its first members may be named by a breaking-story alert before the reports
that would have told otherwise come, and such a story keeps its articles; an article just
above the threshold is grouped when its batch is settled instead (``settle``: the open
stories near a batch are grouped again as one batch, and their articles may move). A held
story (``settle`` may not regroup it) is joined only ``HELD_MARGIN`` above the threshold:
no regrouping will take a wrong report out of it.
While the index is nearly empty the threshold is a little higher (``threshold_now``): which
words all the desk's articles share is not known yet. Texts with fewer than ``MIN_TERMS``
distinct words (a bare headline) are never linked.

**Cost.** Only articles sharing one of the new article's ``SEED_TERMS`` most weighted terms
(and ``SEED_KEYS`` keys, and as many more keys that an article in another language holds)
held by at most ``SEED_MAX_DF`` articles are looked at (postings lists, in time order), the
``CANDIDATES`` sharing the most weight are scored exactly (and the ``CROSS_CANDIDATES``
best in other languages), and their stories compared in full. The keys other languages
hold are asked for because a text's rarest keys may be its own language's: Arabic has no
capitals, and common words read as names are rarer in the index than the name a translation
shares, when the Arabic feed is polled after the others (its reports found 79% of their
translations so, all of them since; ``benchmarks/README.md``, events-9). The cap on a
seed's articles is fixed, not 2% of the index: at 10,000 recent articles 2% read 200
postings a seed, a third of the CPU, for no article a rarer seed does not find (the
development runs, some 1,200 articles indexed, never reached it).
"""

from __future__ import annotations

import math
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from itertools import islice

from . import settle as settling
from .compare import facts
from .keys import CONCEPT, KEY_MARKS, is_key
from .similarity import (
    HORIZON,
    HUB_WEIGHT,
    RECIPROCAL_BONUS,
    RECIPROCAL_FLOOR,
    THRESHOLD,
    Doc,
    Neighbours,
    Probe,
    contrast,
    decay,
    epoch,
    event_time,
    hubness,
    offer,
    reciprocal,
    score,
)
from .terms import FUNCTION_WORDS, Terms, loads

__all__ = ["HORIZON", "THRESHOLD", "EventIndex", "decay", "epoch", "event_time"]

PRIOR_DOCS = 20
MIN_TERMS = 10
SEED_TERMS = 8
SEED_KEYS = 8
CANDIDATES = 24
CROSS_CANDIDATES = 8        # and at most so many more in other languages (see ``candidates``)
STORY_MEMBERS = 30          # a story's most recent members compared with a new article
KNOWN = 2000                # articles whose probe and candidates are kept for ``settle``
REFRESH = 0.2
COLD_DOCS, COLD_EXTRA = 50, 0.08   # a nearly empty index asks for more (see ``threshold_now``)
SEED_MAX_DF = 100           # a seed term held by more articles is skipped
JOIN_MARGIN = 0.06          # an article joins a story when it comes only this far above THRESHOLD
HELD_MARGIN = 0.10          # or this far, a held story (one ``settle`` may not regroup)


class EventIndex:
    """Recent matched articles by term, time and story.

    ``assign`` decides the story of a new article and adds it; ``settle`` groups the open
    stories near a batch again; ``add`` records one whose story is known
    (loading); ``update`` replaces an article's terms (keeping its story); ``prune``
    forgets what is too old to link to anything new.
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
        self._langs: Counter[str] = Counter()   # articles held per language
        self._assigning = -1   # the article ``assign`` is deciding
        self._added = 0
        self._top: Neighbours = []   # the last probe's best scores
        self._raw: dict[int, float] = {}   # and its candidates' scores without the bonus
        self._decided: tuple[Probe, dict[int, float]] | None = None
        # the probes and candidates of recent articles (assigned, or looked at by ``settle``),
        # kept up to date with the articles added since (their scores with them)
        self._known: dict[int, tuple[Probe, dict[int, float]]] = {}
        # ``kept_score``'s: per probe, the stored articles scored with it
        self._scores: dict[int, tuple[Probe, dict[int, tuple[Doc, int, float]]]] = {}

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
        """Cosine of two articles' words under the current counts (no keys, no time)."""
        va, na = self.vector({t: x for t, x in a.items() if not is_key(t)})
        vb, nb = self.vector({t: x for t, x in b.items() if not is_key(t)})
        if not na or not nb:
            return 0.0
        return sum(x * vb.get(t, 0.0) for t, x in va.items()) / (na * nb)

    def _norms(self, doc: Doc, big: float) -> tuple[float, float]:
        """A stored article's norms (whole, keys). Its terms' counts change as articles come
        and go, slowly: they are recomputed once ``REFRESH`` of the index (at least 20
        articles) was added since, not on every use (that was most of the cost)."""
        if doc.seen < 0 or self._added - doc.seen > max(20, REFRESH * len(self.docs)):
            ldf = self._ldf
            squares = [(x * (big - ldf.get(t, 0.0))) ** 2
                       for t, x in zip(doc.keys, doc.ltf, strict=True)]
            doc.norm = math.sqrt(sum(squares[:doc.words]))
            doc.knorm = math.sqrt(sum(squares[doc.words:]))
            doc.seen = self._added
        return doc.norm, doc.knorm

    def probe(self, at: float, terms: Mapping[str, float], lang: str = "") -> Probe:
        """``terms`` weighed under the current counts, ready to be compared."""
        big = math.log(len(self.docs) + PRIOR_DOCS + 1)
        ldf = self._ldf
        v: dict[str, float] = {}
        u: dict[str, float] = {}
        uk: dict[str, float] = {}
        wn = kn = 0.0
        for t, tf in terms.items():
            idf = big - ldf.get(t, 0.0)
            v[t] = x = (1.0 + math.log(tf)) * idf
            if is_key(t):
                uk[t] = x * idf
                kn += x * x
            else:
                u[t] = x * idf
                wn += x * x
        df = self._df
        # seeds: its most weighted terms that some article in the index holds, but not
        # too many (such a term finds nothing its rarer seeds do not, and costs the most);
        # and its most weighted keys, which articles in other languages share
        # (not its concepts: common words, which its names and rarer words find anyway)
        held = sorted((t for t in v if 0 < df.get(t, 0) <= SEED_MAX_DF
                       and not t.startswith(CONCEPT)), key=lambda t: (-v[t], t))
        seeds = held[:SEED_TERMS]
        keys = [t for t in held if t in uk and t not in seeds]
        seeds += keys[:SEED_KEYS]
        if lang and self._langs[lang] < len(self.docs):
            # and its most weighted keys that an article in another language holds: the
            # rarest keys of a text in a script without capitals (Arabic) are often common
            # words read as names, which only articles in its own language share, and its
            # translation's names came after them (an Arabic feed polled after the others)
            postings, docs = self._postings, self.docs
            seeds += islice((t for t in keys[SEED_KEYS:] if any(
                (d := docs.get(a)) is not None and d.lang != lang for a in postings.get(t, ())
            )), SEED_KEYS)
        nums, days = facts(uk)
        cw = {t: 1.0 + math.log(tf) for t, tf in terms.items() if t.startswith(CONCEPT)}
        return Probe(at, lang, u, uk, math.sqrt(wn), math.sqrt(kn), nums, days, seeds,
                     {t: v[t] for t in seeds}, cw=cw,
                     cnorm=math.sqrt(sum(x * x for x in cw.values())))

    def stored_probe(self, d: int) -> Probe:
        """A stored article as a probe."""
        doc = self.docs[d]
        p = self.probe(doc.at, {t: math.exp(x - 1.0) for t, x in
                                zip(doc.keys, doc.ltf, strict=True)}, doc.lang)
        p.ident = d
        return p

    def score(self, p: Probe, doc: Doc, big: float) -> float:
        """Time-weighted similarity of a probe and a stored article (``similarity.score``)."""
        return score(p, doc, *self._norms(doc, big))

    def kept_score(self, p: Probe, d: int, big: float) -> float:
        """``score`` of a kept probe (``settle``'s: an article's, kept in ``_known``) and
        the stored article ``d``, remembered while it stays what it was computed from: the
        same probe, the same stored article, its norms not refreshed since. ``settle``
        scores the pairs of a story's members no candidate list holds after every batch,
        mostly the same pairs again (in a poll against the 8-day window, 9,166 scores in 40
        batches). Kept per probe, as long as its article's probe is kept (``_forget``)."""
        doc = self.docs[d]
        norm, knorm = self._norms(doc, big)   # (refreshed as ``score`` would)
        entry = self._scores.get(p.ident)
        if entry is None or entry[0] is not p:
            entry = self._scores[p.ident] = (p, {})
        kept = entry[1].get(d)
        if kept is not None and kept[0] is doc and kept[1] == doc.seen:
            return kept[2]
        x = score(p, doc, norm, knorm)
        entry[1][d] = (doc, doc.seen, x)
        return x

    # -- deciding ---------------------------------------------------------------------------

    def threshold_now(self) -> float:
        """The threshold, raised while the index holds fewer than ``COLD_DOCS`` articles (up
        to +``COLD_EXTRA`` when empty): until then, which words every article of the desk
        shares is not known, and two events on one topic look alike (two Haftar stories of
        one day: 0.26 with one article indexed, 0.17 with eleven)."""
        return self.threshold + COLD_EXTRA * max(0.0, 1.0 - len(self.docs) / COLD_DOCS)

    def candidates(self, p: Probe, skip: int | None = None) -> dict[int, float]:
        """Exact scores of the articles most likely to report the same event, the
        reciprocal bonus included."""
        docs = self.docs
        shared: dict[int, float] = {}
        for t in p.seeds:
            weight = p.seed_weights[t]
            for d in self._postings.get(t, ()):
                doc = docs.get(d)
                if doc is not None and d != skip and -HORIZON <= doc.at - p.at <= HORIZON:
                    shared[d] = shared.get(d, 0.0) + weight
        big = math.log(len(docs) + PRIOR_DOCS + 1)
        ranked = sorted(shared, key=shared.__getitem__, reverse=True)
        chosen = ranked[:CANDIDATES]
        if p.lang and self._langs[p.lang] < len(docs):   # and the best of those in other
            # languages, which share only keys (none to look for in a one-language index)
            chosen += islice((d for d in ranked[CANDIDATES:] if docs[d].lang != p.lang),
                             CROSS_CANDIDATES)
        scored = {d: self.score(p, docs[d], big) for d in chosen}
        # reciprocal nearest neighbours: an article among the probe's two most similar, the
        # probe among its two most similar (so far), gains RECIPROCAL_BONUS
        top: Neighbours = []
        for d, x in scored.items():
            top = offer(top, x, d)
        self._top = top
        self._raw = dict(scored)
        known = self._known
        for d, x in scored.items():
            doc = docs[d]
            doc.top = offer(doc.top, x, p.ident)
            if p.ident >= 0:   # what it knows, kept up to date (without the bonus: whether
                # two articles are reciprocal is judged again when they are regrouped)
                if doc.scores is not None:
                    doc.scores[p.ident] = x
                if d in known:
                    known[d][1][p.ident] = x
            if x >= RECIPROCAL_FLOOR and reciprocal(p.ident, top, d, doc.top):
                scored[d] = x + RECIPROCAL_BONUS
        return scored

    def candidate_scores(self, p: Probe, skip: int | None = None) -> dict[int, float]:
        """``candidates``' scores without the reciprocal bonus (what ``settle`` keeps: it
        judges reciprocity again when it regroups)."""
        self.candidates(p, skip)
        return self._raw

    def decide(self, at: float, terms: Mapping[str, float], lang: str = "",
               is_open: Callable[[int], bool] | None = None) -> tuple[int | None, float]:
        """The story this article reports, with its average time-weighted similarity, or
        (None, best score seen) when no story is close enough. ``is_open``: whether a story
        may still be regrouped (``settle``'s); a held one is joined only ``HELD_MARGIN``
        above the threshold, as no later regrouping can take a wrong report out of it."""
        if not self.docs or sum(not is_key(t) for t in terms) < MIN_TERMS:
            return None, 0.0
        p = self.probe(at, terms, lang)
        p.ident = self._assigning
        if not p.norm:
            return None, 0.0
        scored = self.candidates(p)
        raw = self._raw
        self._decided = (p, raw)
        if not scored:
            return None, 0.0
        # each score against the two articles' hubness (``similarity.contrast``), the
        # reciprocal bonus kept
        hub, weight = hubness(raw.values()), self.hub_weight()
        docs = self.docs
        scored = {d: contrast(raw[d], hub, self.hub(d), docs[d].at - p.at, weight) + x - raw[d]
                  for d, x in scored.items()}
        # A story's average reaches the threshold only if one of its members does.
        threshold = self.threshold_now()
        hopeful = dict.fromkeys(self.docs[d].story for d, s in scored.items() if s >= threshold)
        if not hopeful:
            return None, max(scored.values())
        # the most similar on average (on a tie, the most recent story)
        best_score, best_story = max((self.average(p, story, scored, hub=hub), story)
                                     for story in hopeful)
        held = is_open is not None and not is_open(best_story)
        join = threshold + (HELD_MARGIN if held else JOIN_MARGIN)
        return (best_story if best_score >= join else None), best_score

    def average(self, p: Probe, story: int, scored: dict[int, float],
                members: int = STORY_MEMBERS, hub: float | None = None) -> float:
        """Average time-weighted similarity to the (latest ``members``) members of
        ``story`` within the horizon (``scored``: those already known; the others scored
        now, against the hubness of both when the probe's, ``hub``, is given)."""
        big = math.log(len(self.docs) + PRIOR_DOCS + 1)
        total, n = 0.0, 0
        for m in self.stories[story][-members:]:
            doc = self.docs[m]
            if -HORIZON <= doc.at - p.at <= HORIZON:
                s = scored.get(m)
                if s is None:
                    s = self.score(p, doc, big)
                    if hub is not None:
                        s = contrast(s, hub, self.hub(m), doc.at - p.at, self.hub_weight())
                total += s
                n += 1
        return total / n if n else 0.0

    def hub_weight(self) -> float:
        """How much a lack of hubness raises a score now (``similarity.contrast``):
        ``HUB_WEIGHT``, less while the index holds fewer than ``COLD_DOCS`` articles (none
        when empty). Until then every article is near few others because there are few,
        not because it is written in words of its own: its hubness says nothing yet, as
        which words all the desk's articles share does not (``threshold_now``)."""
        return HUB_WEIGHT * min(1.0, len(self.docs) / COLD_DOCS)

    def hub(self, d: int) -> float:
        """A stored article's hubness (``similarity.hubness``): over its kept scores, else
        (loaded, not assigned) its best neighbours so far that are still indexed (and the
        article being assigned)."""
        docs = self.docs
        doc = docs[d]
        if doc.scores is not None:
            return hubness(doc.scores.values())
        return hubness(x for x, c in doc.top if c in docs or c == self._assigning)

    def assign(self, doc_id: int, at: float, terms: Terms, kept: float | None = None,
               lang: str = "", is_open: Callable[[int], bool] | None = None) -> int:
        """Decide the story of a new article and add it; returns the story id (its own id
        when it starts one). ``is_open``: as ``decide``'s."""
        self._top = []
        self._decided = None
        self._assigning = doc_id
        story, _ = self.decide(at, terms, lang, is_open)
        self._assigning = -1
        story = doc_id if story is None else story
        self.add(doc_id, at, terms, story, kept, lang)
        self.docs[doc_id].top = self._top
        if self._decided is not None:   # what ``settle`` would compute again
            self._known[doc_id] = self._decided
            self.docs[doc_id].scores = self._decided[1]
            self._forget()
        return story

    def settle(self, doc_ids: Iterable[int], is_open: Callable[[int], bool]) -> dict[int, int]:
        """Regroup the open stories of ``doc_ids`` (the articles of a batch) and the open
        stories near them, as one batch (``settle``). Returns each article that moved ->
        its story now (a story is named after its smallest article id)."""
        merged = settling.settle(self, doc_ids, is_open, self._known)
        self._forget()
        return merged

    def _forget(self) -> None:
        """Keep the probes and candidates of the ``KNOWN`` latest articles looked at."""
        known = self._known
        while len(known) > KNOWN:
            del known[next(iter(known))]
        if len(self._scores) > KNOWN:   # (``kept_score``'s, of the probes kept only)
            self._scores = {a: e for a, e in self._scores.items()
                            if a in known and known[a][0] is e[0]}

    def move(self, moved: Mapping[int, int]) -> None:
        """Put each article of ``moved`` into its story there."""
        stories, docs = self.stories, self.docs
        touched: set[int] = set()
        for d, story in moved.items():
            doc = docs[d]
            members = stories[doc.story]
            members.remove(d)
            if not members:
                del stories[doc.story]
            doc.story = story
            stories.setdefault(story, []).append(d)
            touched.add(story)
        for story in touched:
            stories[story].sort(key=lambda m: docs[m].at)

    def big(self) -> float:
        """ln(N + PRIOR_DOCS + 1): what a term's idf is counted from now."""
        return math.log(len(self.docs) + PRIOR_DOCS + 1)

    # -- keeping ----------------------------------------------------------------------------

    def add(self, doc_id: int, at: float, terms: Terms, story: int,
            kept: float | None = None, lang: str = "") -> None:
        """Record an article of a known story; ``kept``: when it was added (default: its
        time), which ``prune`` goes by."""
        if doc_id in self.docs:
            self.remove(doc_id)
        keys = self._record(doc_id, at, list(terms), list(terms.values()), story, kept,
                            lang)
        df, ldf, postings, log = self._df, self._ldf, self._postings, math.log
        for t in keys:   # (``_count(t, 1)``, inlined)
            n = df.get(t, 0) + 1
            df[t] = n
            ldf[t] = log(n + (PRIOR_DOCS if t in FUNCTION_WORDS else 0) + 1)
            postings.setdefault(t, []).append(doc_id)

    def load(self, rows: Iterable[tuple[int, float, str, int, float | None, str]]) -> None:
        """Record stored articles ``(id, time, terms as stored (terms.dumps), story, kept,
        language)``, in the order ``add`` would take them: the same index as ``add`` one by
        one, but each term's count and its logarithm are set once at the end, and the
        stored text is read without a dict of it (a one-shot ``watchdesk poll`` loads the
        8-day window, thousands of articles, every time)."""
        counts: Counter[str] = Counter()
        postings = self._postings
        for doc_id, at, text, story, kept, lang in rows:
            if doc_id in self.docs:   # (not from the store, whose ids are unique: as ``add``)
                self._counted(counts)
                counts.clear()
                self.add(doc_id, at, loads(text), story, kept, lang)
                continue
            parts = text.split()   # (``loads``: each term once, with its weight)
            if len(parts) % 2:
                del parts[-1]
            keys = self._record(doc_id, at, parts[::2], list(map(float, parts[1::2])), story,
                                kept, lang)
            counts.update(keys)
            for t in keys:
                postings.setdefault(t, []).append(doc_id)
        self._counted(counts)

    def _counted(self, counts: Mapping[str, int]) -> None:
        """Add ``counts`` to the terms' counts (``_count`` for many at once)."""
        df, ldf, log = self._df, self._ldf, math.log
        for t, k in counts.items():
            n = df.get(t, 0) + k
            df[t] = n
            ldf[t] = log(n + (PRIOR_DOCS if t in FUNCTION_WORDS else 0) + 1)

    def _record(self, doc_id: int, at: float, names: list[str], tfs: list[float], story: int,
                kept: float | None, lang: str) -> tuple[str, ...]:
        """Hold a new article (its terms ``names``, their weights ``tfs``) and put it in its
        story (its terms' counts and postings are the caller's); returns its keys: words
        first, then marks, then concepts, each in their order in ``names``."""
        kinds = [0 if not t.startswith(KEY_MARKS) else 2 if t.startswith(CONCEPT) else 1
                 for t in names]
        words, marks = kinds.count(0), kinds.count(1)
        if kinds[:words].count(0) != words or kinds[words:words + marks].count(1) != marks:
            order = sorted(range(len(names)), key=kinds.__getitem__)   # (stable)
            names, tfs = [names[i] for i in order], [tfs[i] for i in order]
        # (as ``terms_of`` writes them, they come in that order: nothing to sort)
        keys = tuple(map(sys.intern, names))
        nums, days = facts(keys[words:words + marks])
        log = math.log
        ltf = array("d", [1.0 + log(tf) for tf in tfs])
        start = words + marks
        self.docs[doc_id] = Doc(at, story, keys, ltf, words, lang, nums, days,
                                at if kept is None else kept, concepts=start,
                                cnorm=math.sqrt(sum(x * x for x in ltf[start:])))
        self._added += 1
        self._langs[lang] += 1
        members = self.stories.setdefault(story, [])
        members.append(doc_id)
        if len(members) > 1 and self.docs[members[-2]].at > at:
            members.sort(key=lambda m: self.docs[m].at)
        self._live += len(keys)
        return keys

    def remove(self, doc_id: int) -> None:
        doc = self.docs.pop(doc_id, None)
        self._known.pop(doc_id, None)
        self._scores.pop(doc_id, None)
        if doc is None:
            return
        self._langs[doc.lang] -= 1
        if doc.scores:   # (the scores are mutual: each other's candidates)
            for c in doc.scores:
                other = self.docs.get(c)
                if other is not None and other.scores:
                    other.scores.pop(doc_id, None)
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
            self.add(doc_id, doc.at, terms, doc.story, doc.kept, doc.lang)

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
