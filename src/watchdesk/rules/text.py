"""Folding and tokenising: one definition shared by documents and queries.

Folding (:func:`fold`) makes a word comparable regardless of case, accents and typography:

1. NFKD (compatibility decomposition: ``ﬁ`` → ``fi``, ``é`` → ``e`` + combining acute),
2. ``str.casefold`` (``LIBYE`` → ``libye``, ``ß`` → ``ss``), then NFKD again,
3. nonspacing marks removed (Latin accents, Arabic short vowels/harakat, Cyrillic breve…),
   together with the Arabic tatweel U+0640, soft hyphens and zero-width joiners,
4. a few letters NFKD leaves alone: ``œ``→``oe``, ``æ``→``ae``, ``ø``→``o``, ``ł``→``l``,
   ``đ``→``d``, ``ı``→``i``; Arabic ``ى``→``ي`` and ``ة``→``ه``; Arabic-Indic digits → 0-9,
5. NFC, so what is left (Hangul, Indic spacing marks) is in its composed form.

Tokenising works on *raw tokens*: runs of word characters (letters, digits, marks) that may be
joined by hyphens (``-`` U+2010 U+2011) or apostrophes (``'`` ``’`` ``‘`` ````` ``´``).
Everything else — spaces, punctuation, « guillemets », dashes — separates words. Each raw token
is cut at its joiners into *parts*, and every part takes one word position:

- **elision**: a leading French elided particle (l, d, j, m, n, s, t, c, qu, jusqu, lorsqu,
  puisqu, quoiqu, quelqu, presqu) followed by an apostrophe is dropped and takes no position:
  ``l’ANL`` → ``anl``; ``d'Ingouchie`` → ``ingouchie``; ``qu’il`` → ``il``.
- **compounds**: ``Iounous-bek`` gives ``iounous`` (position p) and ``bek`` (p + 1), plus a
  *joined* token ``iounousbek`` covering positions p..p + 1. So the query words ``iounous``,
  ``bek`` and ``iounousbek`` all match it, and the query ``iounous-bek`` (compiled as the phrase
  ``"iounous bek"`` or the word ``iounousbek``) does too. The same holds for other apostrophes:
  ``aujourd’hui`` → ``aujourd``, ``hui`` + joined ``aujourdhui``.

A token knows its word positions (``pos``..``end_pos``) and its ``[start, end)`` character
offsets in the ORIGINAL text, for snippets.

For speed, the matcher does not tokenise a document with one regex over the whole text: it splits
it on whitespace (``str.split``, C speed), analyses each *distinct* chunk once (cached) and only
walks the chunk list when positions are needed. No word character, joiner or mark is whitespace,
so the tokens of a text are exactly the tokens of its whitespace-separated chunks, in order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ChunkInfo", "RawToken", "Token", "analyse_chunk", "chunk_layout", "fold", "raw_tokens",
    "tokenize",
]


def _mark_ranges(limit: int, categories: tuple[str, ...] = ("Mn", "Mc", "Me")) -> str:
    """Regex character-class body of every code point below ``limit`` in ``categories``."""
    out: list[str] = []
    start = prev = -2
    for cp in range(limit):
        if unicodedata.category(chr(cp)) not in categories:
            continue
        if cp != prev + 1:
            if start >= 0:
                out.append(_class_range(start, prev))
            start = cp
        prev = cp
    if start >= 0:
        out.append(_class_range(start, prev))
    return "".join(out)


def _class_range(a: int, b: int) -> str:
    return re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"


# Word characters: \w (letters, digits, underscore) plus combining marks of the BMP (so a text in
# decomposed form stays one word) plus invisible characters folding removes. Marks beyond the
# BMP are left out of the tokenising class on purpose: they make `re` three times slower, and
# they only occur in historic scripts.
_WORD_CLASS = f"[\\w{_mark_ranges(0x10000)}\u00ad\u200b\u200c\u200d\u2060\ufeff]"
_HYPHENS = "-\u2010\u2011"
_APOSTROPHES = "'\u2019\u2018`\u00b4"
_JOINERS = _HYPHENS + _APOSTROPHES
RAW_TOKEN_RE = re.compile(f"{_WORD_CLASS}+(?:[{re.escape(_JOINERS)}]{_WORD_CLASS}+)*")
_JOINER_RE = re.compile(f"[{re.escape(_JOINERS)}]")

# What folding deletes: nonspacing and enclosing marks (all planes), tatweel, soft hyphen,
# zero-width characters.
_STRIP_RE = re.compile(
    f"[{_mark_ranges(0x20000, ('Mn', 'Me'))}"
    "\u0640\u00ad\u200b\u200c\u200d\u2060\ufeff\U000e0100-\U000e01ef]+"
)
_TABLE = str.maketrans(
    {
        "œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i",
        "\u0649": "\u064a",  # alef maqsura → yeh
        "\u0629": "\u0647",  # teh marbuta → heh
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Eastern Arabic-Indic digits
    }
)

ELIDED = frozenset({
    "l", "d", "j", "m", "n", "s", "t", "c",
    "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "quelqu", "presqu",
})


def fold(s: str) -> str:
    """Fold ``s`` for comparison: case, accents, compatibility forms (see module docstring)."""
    if s.isascii():
        return s.lower()
    t = unicodedata.normalize("NFKD", s).casefold()
    t = _STRIP_RE.sub("", unicodedata.normalize("NFKD", t)).translate(_TABLE)
    return unicodedata.normalize("NFC", t)


@dataclass(frozen=True, slots=True)
class RawToken:
    """One raw token of a text: its folded parts and where they are.

    ``parts`` are the folded words (elided particle removed, empty parts dropped); ``spans``
    their ``[start, end)`` offsets in the text; ``joined`` the parts glued together when there
    are at least two, else ``None``.
    """

    start: int
    end: int
    parts: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    joined: str | None


@dataclass(frozen=True, slots=True)
class Token:
    """A folded word with its word positions and its offsets in the original text.

    A joined compound form (``iounousbek``) covers several positions: ``pos < end_pos``.
    """

    text: str
    pos: int
    end_pos: int
    start: int
    end: int

    @property
    def joined(self) -> bool:
        return self.end_pos > self.pos


@lru_cache(maxsize=1 << 16)
def _analyse_raw(raw: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """Folded parts of one raw token and their offsets relative to the raw token."""
    pieces: list[tuple[str, int, int]] = []
    last = 0
    for m in _JOINER_RE.finditer(raw):
        pieces.append((raw[last:m.start()], last, m.start()))
        last = m.end()
    pieces.append((raw[last:], last, len(raw)))
    if len(pieces) > 1 and raw[pieces[0][2]] in _APOSTROPHES and fold(pieces[0][0]) in ELIDED:
        pieces.pop(0)
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    for text, a, b in pieces:
        f = fold(text)
        if f:
            parts.append(f)
            spans.append((a, b))
    return tuple(parts), tuple(spans)


def raw_tokens(text: str) -> list[RawToken]:
    """The raw tokens of ``text``, in order (empty ones — e.g. a lone soft hyphen — skipped)."""
    out: list[RawToken] = []
    for m in RAW_TOKEN_RE.finditer(text):
        parts, rel = _analyse_raw(m.group())
        if not parts:
            continue
        base = m.start()
        out.append(RawToken(
            base, m.end(), parts, tuple((base + a, base + b) for a, b in rel),
            "".join(parts) if len(parts) > 1 else None,
        ))
    return out


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text``: every part, each followed (for compounds) by the joined form."""
    out: list[Token] = []
    pos = 0
    for rt in raw_tokens(text):
        first = pos
        for part, (a, b) in zip(rt.parts, rt.spans, strict=True):
            out.append(Token(part, pos, pos, a, b))
            pos += 1
        if rt.joined is not None:
            out.append(Token(rt.joined, first, pos - 1, rt.spans[0][0], rt.spans[-1][1]))
    return out


@dataclass(frozen=True, slots=True)
class ChunkInfo:
    """A whitespace-free chunk of text, analysed: how many positions it takes and its tokens.

    ``tokens`` holds ``(folded, first_position, last_position)`` relative to the chunk.
    """

    npos: int
    tokens: tuple[tuple[str, int, int], ...]


@lru_cache(maxsize=1 << 17)
def analyse_chunk(chunk: str) -> ChunkInfo:
    """Analyse one whitespace-free chunk (cached: news text repeats its chunks a lot)."""
    tokens: list[tuple[str, int, int]] = []
    pos = 0
    for raw in RAW_TOKEN_RE.findall(chunk):
        parts, _ = _analyse_raw(raw)
        first = pos
        for part in parts:
            tokens.append((part, pos, pos))
            pos += 1
        if len(parts) > 1:
            tokens.append(("".join(parts), first, pos - 1))
    return ChunkInfo(pos, tuple(tokens))


@lru_cache(maxsize=1 << 15)
def chunk_layout(chunk: str) -> tuple[tuple[int, int], ...]:
    """``[start, end)`` character offsets, relative to the chunk, of each position in it."""
    out: list[tuple[int, int]] = []
    for m in RAW_TOKEN_RE.finditer(chunk):
        _, rel = _analyse_raw(m.group())
        out.extend((m.start() + a, m.start() + b) for a, b in rel)
    return tuple(out)
