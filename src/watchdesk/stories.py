"""Near-duplicate stories (pure): the same story under two URLs, from two feeds.

Two articles tell the same story when the *beginnings* of their texts are nearly the same:
wire copy republished by two outlets, with a different headline, a reworded sentence, an
added credit line or a truncated end. They stay two articles (two URLs, two entries) but get
the same ``articles.story_id``, so the digest can show the story once ("also in ...").

How:

1. ``shingles``: the folded title and the first ``LEAD_WORDS`` words of the body (or the
   summary when there is no body), cut into overlapping word trigrams, each hashed to 64
   bits. Only the lead: outlets cut, extend and decorate the end of a wire story, rarely its
   beginning;
2. ``signature``: a MinHash of those shingles (``PERMUTATIONS`` hash functions): the share
   of positions where two signatures agree estimates the Jaccard similarity of the shingle
   sets;
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
import random
import re
from collections.abc import Iterable, Sequence

from .rules.text import fold

LEAD_WORDS = 200
SHINGLE = 3
PERMUTATIONS = 64
BANDS, ROWS = 32, 2
THRESHOLD = 0.45
MIN_SHINGLES = 12

_P = (1 << 61) - 1  # a Mersenne prime above every 61-bit shingle hash
_rng = random.Random(20260302)  # fixed: signatures must agree across runs and processes
_PERMS = [(_rng.randrange(1, _P), _rng.randrange(0, _P)) for _ in range(PERMUTATIONS)]
_WORD = re.compile(r"\w+")

Signature = tuple[int, ...]


def _h64(data: str) -> int:
    return int.from_bytes(hashlib.blake2b(data.encode(), digest_size=8).digest(), "big")


def words(title: str, text: str) -> list[str]:
    """Folded words of the title and the lead of the text."""
    return _WORD.findall(fold(title)) + _WORD.findall(fold(text))[:LEAD_WORDS]


def shingles(title: str, text: str) -> set[int]:
    w = words(title, text)
    return {_h64(" ".join(w[i:i + SHINGLE])) & _P for i in range(len(w) - SHINGLE + 1)}


def signature(title: str, text: str) -> Signature | None:
    """MinHash signature of an article, or None when the text is too short to judge."""
    sh = shingles(title, text)
    if len(sh) < MIN_SHINGLES:
        return None
    return tuple(min((a * x + b) % _P for x in sh) for a, b in _PERMS)


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def same_story(a: Sequence[int], b: Sequence[int]) -> bool:
    return similarity(a, b) >= THRESHOLD


def band_keys(sig: Sequence[int]) -> list[int]:
    """One key per band, as signed 63-bit integers (SQLite INTEGER)."""
    return [_h64(f"{i}:" + ",".join(map(str, sig[i * ROWS:(i + 1) * ROWS]))) >> 1
            for i in range(BANDS)]


def pick_story(sig: Sequence[int], candidates: Iterable[tuple[int, Sequence[int]]],
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
    return tuple(int(x) for x in text.split())
