"""Near-duplicate stories (pure): the same story under two URLs, from two feeds.

Two articles tell the same story when the *beginnings* of their texts are nearly the same:
wire copy republished by two outlets, with a different headline, a reworded sentence, an
added credit line or a truncated end. They stay two articles (two URLs, two entries) but get
the same ``articles.story_id``, so the digest can show the story once ("also in ...").

How:

1. ``shingles``: the folded title and the first ``LEAD_WORDS`` words of the body (or the
   summary when there is no body), cut into overlapping word trigrams, each hashed to 61
   bits. Only the lead: outlets cut, extend and decorate the end of a wire story, rarely its
   beginning;
2. ``signature``: a MinHash of those shingles, ``SLOTS`` values long: the share of positions
   where two signatures agree estimates the Jaccard similarity of the shingle sets. It is a
   *one-permutation* MinHash (each shingle hashed once, its top bits picking a slot, each
   slot keeping its smallest hash) with *optimal densification* for the empty slots
   (Shrivastava, ICML 2017): as accurate as 64 separate hash functions, 30 times cheaper;
3. ``band_keys``: locality-sensitive hashing, ``BANDS`` bands of ``ROWS`` values; articles
   sharing a band key are *candidates*, found with an index look-up instead of comparing
   against every recent article (two texts with similarity 0.3 share a key 95% of the time,
   unrelated texts almost never);
4. ``pick_story``: the candidate with the highest estimated similarity, if it reaches
   ``THRESHOLD``, gives its story id.

Texts under ``MIN_SHINGLES`` trigrams (a bare headline) are never linked: two short
headlines on one topic look alike without being one story.
"""

from __future__ import annotations

import hashlib
import operator
import random
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .rules.text import fold

LEAD_WORDS = 200
SHINGLE = 3  # words per shingle (shingles() is written for 3)
SLOTS = 64
BANDS, ROWS = 32, 2
THRESHOLD = 0.45
MIN_SHINGLES = 12
CANDIDATES = 20  # recent articles compared, those sharing the most band keys
BAND_DEPTH = 50  # recent articles looked at per band key

_P = (1 << 61) - 1  # shingle hashes are 61-bit
_SLOT_SHIFT = 61 - 6  # their top 6 bits pick one of the 64 slots
_NONE = 1 << 61  # above every shingle hash
assert SLOTS == 1 << (61 - _SLOT_SHIFT)
_rng = random.Random(20261126)  # fixed: signatures must agree across runs and processes
# Where an empty slot looks for a value: its own fixed order of the other slots.
_PROBES = tuple(tuple(k for k in _rng.sample(range(SLOTS), SLOTS) if k != j)
                for j in range(SLOTS))
_MIX = (_rng.randrange(1, _P), _rng.randrange(1, _P))
_WORD = re.compile(r"\w+")

Signature = tuple[int, ...]


def _h64(data: str) -> int:
    return int.from_bytes(hashlib.blake2b(data.encode(), digest_size=8).digest(), "big")


@lru_cache(maxsize=1 << 15)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(chunk)))


def _lead_words(text: str, n: int = LEAD_WORDS) -> list[str]:
    """``_WORD.findall(fold(text))[:n]``, eight times faster: folding a 4 KB body costs ~1.3 ms,
    more than the rest of the signature. The text is cut at whitespace (C speed) and each
    distinct chunk is folded once (cached: news repeats its words). Folding is local to a
    character and its combining marks, and whitespace is neither changed by it nor part of a
    word, so the words of the chunks, in order, are the words of the whole text."""
    out: list[str] = []
    for chunk in text.split():
        out.extend(_chunk_words(chunk))
        if len(out) >= n:
            break
    return out[:n]


def words(title: str, text: str) -> list[str]:
    """Folded words of the title and the lead of the text."""
    return _WORD.findall(fold(title)) + _lead_words(text)


@lru_cache(maxsize=1 << 16)
def _word_hash(word: str) -> int:
    return _h64(word) & _P


def shingles(title: str, text: str) -> set[int]:
    """The word trigrams, each hashed to 61 bits: ``(a*h(w1) + b*h(w2) + h(w3)) mod P`` over
    the cached 61-bit hashes of its words (a linear hash of random values: uniform, and
    order-sensitive), ten times cheaper than hashing each trigram's text."""
    h = [_word_hash(w) for w in words(title, text)]
    a, b = _MIX
    return {(a * x + b * y + z) % _P for x, y, z in zip(h, h[1:], h[2:], strict=False)}


def signature(title: str, text: str) -> Signature | None:
    """MinHash signature of an article, or None when the text is too short to judge."""
    sh = shingles(title, text)
    if len(sh) < MIN_SHINGLES:
        return None
    return _minhash(sh)


def sign_article(title: str | None, body: str | None, summary: str | None) -> Signature | None:
    """An article's signature: its title and its body, or its summary when it has none."""
    return signature(title or "", body or summary or "")


def _minhash(sh: Iterable[int]) -> Signature:
    """One-permutation MinHash with optimal densification.

    Slot ``j`` holds the smallest shingle hash whose top bits are ``j``. A slot no shingle
    fell in takes the value of the first filled slot in its own fixed probe order, the same
    order for every text: two texts then agree on a slot with probability the Jaccard
    similarity of their shingle sets, as with separate hash functions, for the cost of one
    hash per shingle. Values keep their slot bits, so a filled slot never equals a borrowed
    one by accident."""
    mins: dict[int, int] = {}
    for x in sh:
        slot = x >> _SLOT_SHIFT
        if x < mins.get(slot, _NONE):
            mins[slot] = x
    out = []
    for j in range(SLOTS):
        v = mins.get(j)
        if v is None:
            v = next(mins[k] for k in _PROBES[j] if k in mins)
        out.append(v)
    return tuple(out)


def similarity(a: Sequence[object], b: Sequence[object]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures (tuples of
    integers, or lists of the strings ``dumps`` writes)."""
    if len(a) != len(b):
        raise ValueError("signatures of different lengths")
    return sum(map(operator.eq, a, b)) / len(a)


def same_story(a: Sequence[object], b: Sequence[object]) -> bool:
    return similarity(a, b) >= THRESHOLD


def band_keys(sig: Sequence[int]) -> list[int]:
    """One key per band, as signed 63-bit integers (SQLite INTEGER)."""
    return [_h64(f"{i}:" + ",".join(map(str, sig[i * ROWS:(i + 1) * ROWS]))) >> 1
            for i in range(BANDS)]


def pick_story(sig: Sequence[object], candidates: Iterable[tuple[int, Sequence[object]]],
               ) -> int | None:
    """The story id of the most similar candidate ``(story_id, signature)``, if any is
    similar enough."""
    best, best_score = None, THRESHOLD
    for story_id, other in candidates:
        score = similarity(sig, other)
        if score >= best_score:
            best, best_score = story_id, score
    return best


def dumps(sig: Sequence[int]) -> str:
    return " ".join(map(str, sig))


def loads(text: str) -> Signature:
    return tuple(map(int, text.split()))
