"""Near-duplicate story signatures (pure), as 0.1 stored them: kept only for migration m006.

Superseded by event grouping (``events``), which groups copies of one wire text together
with the other reports of the same event; migration m007 drops the signatures. m006, which
has shipped and is never edited, still recomputes them on a database older than it, with
these functions.

The signature of an article: the folded title and the first ``LEAD_WORDS`` words of its
body (else summary) as word trigrams, each hashed to 61 bits; a one-permutation MinHash of
them (``SLOTS`` values, optimal densification, Shrivastava 2017); ``BANDS`` LSH band keys of
``ROWS`` values each. Texts under ``MIN_SHINGLES`` trigrams have none.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .rules.text import fold

LEAD_WORDS = 200
SHINGLE = 3  # words per shingle (shingles() is written for 3)
SLOTS = 64
BANDS, ROWS = 32, 2
MIN_SHINGLES = 12

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


def band_keys(sig: Sequence[int]) -> list[int]:
    """One key per band, as signed 63-bit integers (SQLite INTEGER)."""
    return [_h64(f"{i}:" + ",".join(map(str, sig[i * ROWS:(i + 1) * ROWS]))) >> 1
            for i in range(BANDS)]


def dumps(sig: Sequence[int]) -> str:
    return " ".join(map(str, sig))


