"""Reading one document for a RuleSet: chunks, terms present, word positions, offsets.

The hot path is :meth:`Scan._scan`: split each field on whitespace and look up each distinct
chunk once. Everything else (positions of a term, characters of a position) is computed on
demand, only for the terms a candidate rule or a match needs.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from itertools import accumulate
from typing import TYPE_CHECKING

from .model import Document
from .text import chunk_layout

if TYPE_CHECKING:
    from .matcher import RuleSet

__all__ = ["FIELD_BITS", "PLAIN", "ChunkHits", "Hit", "Scan", "Span", "field_bits"]

FIELD_BITS = (("title", 1), ("summary", 2), ("body", 4))

Hit = tuple[int, int, int]  # leaf index, first position, last position
Span = tuple[int, int, tuple[Hit, ...]]
# per chunk: number of positions, (term, first, last) relative to the chunk, distinct terms
ChunkHits = tuple[int, tuple[tuple[int, int, int], ...], tuple[int, ...]]
PLAIN: ChunkHits = (1, (), ())


def field_bits(mask: int) -> Iterable[int]:
    return (bit for _, bit in FIELD_BITS if mask & bit)


class Scan:
    """One document, read for one RuleSet: chunks, present terms, lazily positions."""

    def __init__(self, rs: RuleSet, doc: Document) -> None:
        self.rs = rs
        self.texts = {1: doc.title, 2: doc.summary, 4: doc.body}
        self.present: dict[int, int] = {}  # atom -> mask of fields it occurs in
        self.chunks: dict[int, list[str]] = {}
        self.hit_chunks: dict[int, set[str]] = {}
        self.irregular: dict[int, set[str]] = {}  # chunks of 0 or 2+ positions
        self._occ: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._atom_chunk_map: dict[int, dict[int, list[str]]] = {}
        self._bases: dict[tuple[int, str], list[int]] = {}
        self._where: dict[int, dict[str, list[int]]] = {}  # chunk -> its indexes, per field
        self._owners: dict[int, dict[int, tuple[str, int, int]]] = {}
        self._irr: dict[int, tuple[list[int], list[int]]] = {}
        self._by_start: dict[tuple[int, int], dict[int, list[int]]] = {}
        self._offsets: dict[tuple[int, str], list[int]] = {}
        self.memo: dict[tuple[int, int], list[Span]] = {}
        for bit, text in self.texts.items():
            if text:
                self._scan(bit, text)

    def _scan(self, bit: int, text: str) -> None:
        """The hot loop: one cache look-up per distinct whitespace-separated chunk."""
        rs = self.rs
        cache = rs._cache
        present = self.present
        chunks = text.split()
        hit: set[str] = set()
        irregular: set[str] = set()
        # set difference runs in C: only chunks holding a term, irregular ones (0 or 2+
        # positions) and never-seen ones are looked at in Python
        for c in set(chunks).difference(rs._plain):
            info = cache.get(c)
            if info is None:
                info = rs._chunk_hits(c)
                if info is PLAIN:
                    continue
            if info[0] != 1:
                irregular.add(c)
            if info[1]:
                hit.add(c)
                for a in info[2]:
                    present[a] = present.get(a, 0) | bit
        self.chunks[bit] = chunks
        self.hit_chunks[bit] = hit
        self.irregular[bit] = irregular

    def occ(self, bit: int, atom: int) -> list[tuple[int, int]]:
        """Sorted (first, last) positions of ``atom`` in the field."""
        key = (bit, atom)
        got = self._occ.get(key)
        if got is None:
            cache = self.rs._cache
            got = []
            for c in self._atom_chunks(bit).get(atom, ()):
                rel = [(s, e) for a, s, e in cache[c][1] if a == atom]
                for base in self._chunk_bases(bit, c):
                    got.extend((base + s, base + e) for s, e in rel)
            got.sort()
            self._occ[key] = got
        return got

    def _atom_chunks(self, bit: int) -> dict[int, list[str]]:
        """For each term present in the field, the distinct chunks holding it."""
        got = self._atom_chunk_map.get(bit)
        if got is None:
            got = self._atom_chunk_map[bit] = defaultdict(list)
            cache = self.rs._cache
            for c in self.hit_chunks.get(bit, ()):
                for a in cache[c][2]:
                    got[a].append(c)
        return got

    def _chunk_bases(self, bit: int, chunk: str) -> list[int]:
        """Positions of the first word of each occurrence of ``chunk`` (a chunk holding a
        term) in the field.

        Chunk i starts at position i + (sum of npos - 1 over the irregular chunks before it).
        The indexes of all the chunks holding a term are listed in one pass over the field,
        the first time one is asked for (one set look-up per chunk); only the irregular
        chunks (0 or 2+ positions: lone punctuation, compounds) are listed once per field,
        for the sums. Each occurrence is also recorded by position, to map positions back to
        characters.
        """
        key = (bit, chunk)
        got = self._bases.get(key)
        if got is not None:
            return got
        where = self._where.get(bit)
        if where is None:
            hit = self.hit_chunks[bit]
            where = self._where[bit] = defaultdict(list)
            for i, c in enumerate(self.chunks[bit]):
                if c in hit:
                    where[c].append(i)
        irr_idx, irr_sum = self._irregular_sums(bit)
        owners = self._owners.setdefault(bit, {})
        npos = self.rs._cache[chunk][0]
        got = []
        for i in where.get(chunk, ()):
            j = bisect.bisect_left(irr_idx, i)
            base = i + (irr_sum[j - 1] if j else 0)
            for p in range(base, base + npos):
                owners[p] = (chunk, len(got), base)
            got.append(base)
        self._bases[key] = got
        return got

    def _irregular_sums(self, bit: int) -> tuple[list[int], list[int]]:
        got = self._irr.get(bit)
        if got is None:
            irregular = self.irregular[bit]
            chunks = self.chunks[bit]
            idx = [i for i, c in enumerate(chunks) if c in irregular] if irregular else []
            cache = self.rs._cache
            got = self._irr[bit] = (idx, list(accumulate(cache[chunks[i]][0] - 1 for i in idx)))
        return got

    def by_start(self, bit: int, atom: int) -> dict[int, list[int]]:
        key = (bit, atom)
        d = self._by_start.get(key)
        if d is None:
            d = defaultdict(list)
            for s, e in self.occ(bit, atom):
                d[s].append(e)
            self._by_start[key] = d
        return d

    def char_span(self, bit: int, first: int, last: int) -> tuple[int, int]:
        """Character offsets in the field's text of word positions ``first``..``last``.

        Both are positions of terms, so :meth:`occ` has recorded the chunk occurrence that
        holds them; the chunk's offset is found by searching the text for its k-th occurrence
        as a whole chunk (str.find, no regex pass over the text).
        """
        return self._char(bit, first)[0], self._char(bit, last)[1]

    def _char(self, bit: int, pos: int) -> tuple[int, int]:
        chunk, k, base = self._owners[bit][pos]
        key = (bit, chunk)
        offsets = self._offsets.get(key)
        if offsets is None:
            offsets = self._offsets[key] = _whole_chunk_offsets(self.texts[bit], chunk)
        a, b = chunk_layout(chunk)[pos - base]
        return offsets[k] + a, offsets[k] + b


def _whole_chunk_offsets(text: str, chunk: str) -> list[int]:
    """Offsets of ``chunk`` in ``text`` where it stands between whitespace (or the ends)."""
    out: list[int] = []
    n, size = len(chunk), len(text)
    j = text.find(chunk)
    while j >= 0:
        if (j == 0 or text[j - 1].isspace()) and (j + n == size or text[j + n].isspace()):
            out.append(j)
            j = text.find(chunk, j + n)
        else:
            j = text.find(chunk, j + 1)
    return out
