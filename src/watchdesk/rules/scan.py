"""Reading one document for a RuleSet: chunks, terms present, word positions, offsets.

The hot path is :meth:`Scan._scan`: split each field on whitespace and look up each distinct
chunk once. Everything else (positions of a term, characters of a position, the article's
language and host) is computed on demand, only for what a candidate rule or a match needs.

Fields are bits: title 1, summary 2, body 4, and 8 for the lead paragraph (:func:`lead_text`,
read only when a rule uses ``lead:``; its text is a prefix of the body, or of the summary, so
its character offsets are those of that field).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from itertools import accumulate
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .language import detect, normalize_lang
from .model import Document
from .nodes import LEAD
from .text import chunk_layout, fold

if TYPE_CHECKING:
    from .matcher import RuleSet

__all__ = ["FIELD_BITS", "LEAD_WORDS", "PLAIN", "ChunkHits", "Hit", "Scan", "Span",
           "field_bits", "lead_text"]

FIELD_BITS = (("title", 1), ("summary", 2), ("body", 4))
_ALL_BITS = (1, 2, 4, LEAD)
LEAD_WORDS = 60
_FIRST_WORDS = re.compile(r"\s*(?:\S+\s+){0,%d}\S+" % (LEAD_WORDS - 1))  # noqa: UP031 (regex braces)


def lead_text(doc: Document) -> tuple[str, int]:
    """The lead paragraph and the bit of the field it comes from (body 4, or summary 2).

    The first paragraph of the body (up to its next line break), or its first 60 words when
    the body is one block of text; the summary when there is no body. Extracted bodies often
    start with the headline again and a byline or dateline: a first line that repeats the
    title, and up to two first lines of fewer than five words, are passed over. The text is
    returned at its offsets in the field (what comes before is blanked), so positions and
    characters are those of the field."""
    text, bit = (doc.body, 4) if doc.body.strip() else (doc.summary, 2)
    title = doc.title.split()
    start, short = 0, 0
    while True:
        while start < len(text) and text[start].isspace():
            start += 1
        end = text.find("\n", start)
        if end < 0:
            break
        words = text[start:end].split()
        if title and len(words) == len(title) and fold(" ".join(words)) == fold(
                " ".join(title)):
            start = end
            continue
        if short < 2 and len(words) < 5:
            short += 1
            start = end
            continue
        break
    cut = text.find("\n", start)
    if cut < 0:
        m = _FIRST_WORDS.match(text, start)
        cut = m.end() if m else start
    return " " * start + text[start:cut], bit


Hit = tuple[int, int, int]  # leaf index, first position, last position
Span = tuple[int, int, tuple[Hit, ...]]
# per chunk: number of positions, (term, first, last) relative to the chunk, distinct terms
ChunkHits = tuple[int, tuple[tuple[int, int, int], ...], tuple[int, ...]]
PLAIN: ChunkHits = (1, (), ())


def field_bits(mask: int) -> Iterable[int]:
    return (bit for bit in _ALL_BITS if mask & bit)


class Scan:
    """One document, read for one RuleSet: chunks, present terms, lazily positions."""

    def __init__(self, rs: RuleSet, doc: Document, feed_name: str | None = None,
                 feed_tags: Iterable[str] = ()) -> None:
        self.rs = rs
        self.doc = doc
        self.feed_name = feed_name
        self.feed_tags = frozenset(feed_tags)
        self._lang: str | bool | None = False  # False: not worked out yet
        self._host: str | bool | None = False
        self.texts = {1: doc.title, 2: doc.summary, 4: doc.body}
        self.lead_bit = 4
        if rs.uses_lead:
            self.texts[LEAD], self.lead_bit = lead_text(doc)
        self.mode = rs.mode_for(self)
        self.cache, self.plain = rs.tables(self.mode)
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
        # what the compiled nodes worked out for this document, by node (see tree.py)
        self.memo: dict[tuple[int, int], list[Span]] = {}  # (node, field) -> spans
        self.mights: dict[int, int] = {}  # node -> fields where it may match
        self.tests: dict[int, bool] = {}  # node -> true or not
        self.present_keys: dict[int, Collection[int]] = {}  # terms node -> its keys present
        for bit in (1, 2, 4):
            if self.texts[bit]:
                self._scan(bit, self.texts[bit])
        if LEAD in self.texts:
            self._lead()

    def _lead(self) -> None:
        """The lead's chunks are a run of its field's: no second look-up, set operations."""
        text, src = self.texts[LEAD], self.lead_bit
        lead = text.lstrip()
        skip = len(self.texts[src][:len(text) - len(lead)].split())
        chunks = self.chunks.get(src, [])[skip:skip + len(lead.split())]
        distinct = set(chunks)
        hit = distinct & self.hit_chunks.get(src, set())
        present, cache = self.present, self.cache
        for c in hit:
            for a in cache[c][2]:
                present[a] = present.get(a, 0) | LEAD
        self.chunks[LEAD] = chunks
        self.hit_chunks[LEAD] = hit
        self.irregular[LEAD] = distinct & self.irregular.get(src, set())

    @property
    def lang(self) -> str | None:
        """The article's language tag: as given, else detected from its text (cached)."""
        if self._lang is False:
            d = self.doc
            self._lang = normalize_lang(d.lang) or detect(
                " ".join(t for t in (d.title, d.summary, d.body[:3000]) if t))
        assert self._lang is not True
        return self._lang

    @property
    def host(self) -> str | None:
        """The host of the article's URL (cached)."""
        if self._host is False:
            host = None
            if self.doc.url:
                try:
                    host = urlsplit(self.doc.url).hostname
                except ValueError:
                    host = None
            self._host = host.rstrip(".") if host else None
        assert self._host is not True
        return self._host

    def _scan(self, bit: int, text: str) -> None:
        """The hot loop: one cache look-up per distinct whitespace-separated chunk."""
        rs = self.rs
        cache = self.cache
        mode = self.mode
        present = self.present
        chunks = text.split()
        hit: set[str] = set()
        irregular: set[str] = set()
        # set difference runs in C: only chunks holding a term, irregular ones (0 or 2+
        # positions) and never-seen ones are looked at in Python
        for c in set(chunks).difference(self.plain):
            info = cache.get(c)
            if info is None:
                info = rs.chunk_hits(c, mode)
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
            cache = self.cache
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
            cache = self.cache
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
        npos = self.cache[chunk][0]
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
            cache = self.cache
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
