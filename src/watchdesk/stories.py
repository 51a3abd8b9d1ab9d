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
import operator
import random
import re
import sys
from collections.abc import Iterable, Sequence

from .rules.text import fold

LEAD_WORDS = 200
SHINGLE = 3
PERMUTATIONS = 64
BANDS, ROWS = 32, 2
THRESHOLD = 0.45
MIN_SHINGLES = 12
CANDIDATES = 100  # recent articles compared, those sharing the most band keys

_P = (1 << 61) - 1  # a Mersenne prime above every 61-bit shingle hash
_rng = random.Random(20260302)  # fixed: signatures must agree across runs and processes
_PERMS = [(_rng.randrange(1, _P), _rng.randrange(0, _P)) for _ in range(PERMUTATIONS)]
_WORD = re.compile(r"\w+")

Signature = tuple[int, ...]
# The low 64 bits of each 128-bit field, in native byte order (see _minhash).
_LOW_HALF = slice(0, None, 2) if sys.byteorder == "little" else slice(1, None, 2)


def _h64(data: str) -> int:
    return int.from_bytes(hashlib.blake2b(data.encode(), digest_size=8).digest(), "big")


def _lead_words(text: str, n: int = LEAD_WORDS) -> list[str]:
    """``_WORD.findall(fold(text))[:n]`` without folding the whole text (folding a 4 KB body
    costs ~1.5 ms, more than the rest of the signature): fold a prefix cut at a space, and
    grow it until it holds ``n`` words. Folding is local to a character and its combining
    marks, and a space is neither changed by it nor part of a word, so the words of such a
    prefix are the first words of the whole text."""
    size = 12 * n
    while size < len(text):
        cut = text.rfind(" ", 0, size)
        if cut > 0:
            found = _WORD.findall(fold(text[:cut]))
            if len(found) >= n:
                return found[:n]
        size *= 2
    return _WORD.findall(fold(text))[:n]


def words(title: str, text: str) -> list[str]:
    """Folded words of the title and the lead of the text."""
    return _WORD.findall(fold(title)) + _lead_words(text)


def shingles(title: str, text: str) -> set[int]:
    w = words(title, text)
    return {_h64(" ".join(w[i:i + SHINGLE])) & _P for i in range(len(w) - SHINGLE + 1)}


def signature(title: str, text: str) -> Signature | None:
    """MinHash signature of an article, or None when the text is too short to judge."""
    sh = shingles(title, text)
    if len(sh) < MIN_SHINGLES:
        return None
    return _minhash(sh)


def _minhash(sh: set[int]) -> Signature:
    """``tuple(min((a * x + b) % _P for x in sh) for a, b in _PERMS)``, exactly, twice as fast:
    the shingles are packed into one big integer, one 128-bit field each (``a * x + b`` needs
    123 bits), so each permutation is a handful of big-integer operations instead of a Python
    loop over the shingles. The reduction modulo the Mersenne prime ``2**61 - 1`` is done per
    field with masks: ``v = (v & P) + (v >> 61)`` twice, then ``P`` is subtracted from the
    fields still ``>= P``."""
    n, order = len(sh), sys.byteorder
    xs = int.from_bytes(b"".join(x.to_bytes(16, order) for x in sh), order)
    ones = int.from_bytes((1).to_bytes(16, order) * n, order)
    low61 = ones * _P
    low62 = ones * ((1 << 62) - 1)
    out = []
    for a, b in _PERMS:
        v = a * xs + b * ones                         # each field < 2**123
        v = (v & low61) + ((v >> 61) & low62)         # < 2**63
        v = (v & low61) + ((v >> 61) & low62)         # < 2**61 + 4
        v -= (((v + ones) >> 61) & ones) * _P         # fields >= P
        out.append(min(memoryview(v.to_bytes(16 * n, order)).cast("Q")[_LOW_HALF]))
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
