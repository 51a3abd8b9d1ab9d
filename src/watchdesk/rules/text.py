"""Folding and tokenising: one definition shared by documents and queries.

Folding (:func:`fold`) makes a word comparable regardless of case, accents and typography:

1. NFKD (compatibility decomposition: ``ﬁ`` → ``fi``, ``é`` → ``e`` + combining acute),
2. ``str.casefold`` (``LIBYE`` → ``libye``, ``ß`` → ``ss``), then NFKD again,
3. nonspacing marks removed (Latin accents, Arabic short vowels/harakat, Cyrillic breve…),
   together with the Arabic tatweel U+0640, soft hyphens and zero-width joiners,
   — except the breve of Cyrillic ``й`` (``Й``): ``й`` is its own letter in Russian
   (``мой`` "my" is not ``мои`` "mine"), so it stays ``й``; ``ё`` loses its diaeresis and is
   ``е``, as Russian text usually writes it,
4. a few letters NFKD leaves alone: ``œ``→``oe``, ``æ``→``ae``, ``ø``→``o``, ``ł``→``l``,
   ``đ``→``d``, ``ı``→``i``; Arabic ``ى``→``ي`` and ``ة``→``ه``; Arabic-Indic digits → 0-9,
5. NFC, so what is left (Hangul, Indic spacing marks) is in its composed form.

:func:`fold_case` does the same without step 2, for case-sensitive terms (``case:GUN``).

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

- **Arabic proclitics**: an Arabic word that starts with the conjunctions و ف, the prepositions
  ب ك ل, the article ال or a combination of them (وال بال فال كال لل ولل وب ول فب…), also counts
  as the word without them, at the same position: ``وروسيا`` is read as ``وروسيا`` and
  ``روسيا``, ``والليبي`` as ``والليبي``, ``الليبي`` and ``ليبي``. These extra *readings* are
  only made when at least three letters remain (:data:`MIN_STEM_LETTERS`), so a short word
  keeps its letters: ``بن`` ("son of") is never read as ``ن``, and ``لبن`` ("milk") is not
  ``بن``. A query word is compared with every reading of a document word, so ``روسيا``
  matches ``وروسيا`` while ``وروسيا`` matches only itself.

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
    "MIN_STEM_LETTERS", "ChunkInfo", "RawToken", "Token", "analyse_chunk", "arabic_readings",
    "cased_tokens", "chunk_layout", "fold", "fold_case", "raw_tokens", "script_of", "tokenize",
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
def computed_marks() -> tuple[str, str]:
    """The classes' bodies as this Unicode version defines them: the BMP's combining marks
    (for words) and every plane's nonspacing and enclosing marks (what folding strips)."""
    return _mark_ranges(0x10000), _mark_ranges(0x20000, ("Mn", "Me"))


def _marks() -> tuple[str, str]:
    # computing them scans 196,608 code points (~25 ms in every process): shipped per version
    from .marks import TABLE

    return TABLE.get(unicodedata.unidata_version) or computed_marks()


_WORD_MARKS, _STRIP_MARKS = _marks()
_WORD_CLASS = f"[\\w{_WORD_MARKS}\u00ad\u200b\u200c\u200d\u2060\ufeff]"
_HYPHENS = "-\u2010\u2011"
_APOSTROPHES = "'\u2019\u2018`\u00b4"
_JOINERS = _HYPHENS + _APOSTROPHES
RAW_TOKEN_RE = re.compile(f"{_WORD_CLASS}+(?:[{re.escape(_JOINERS)}]{_WORD_CLASS}+)*")
_JOINER_RE = re.compile(f"[{re.escape(_JOINERS)}]")

# What folding deletes: nonspacing and enclosing marks (all planes), tatweel, soft hyphen,
# zero-width characters.
_STRIP_RE = re.compile(
    f"[{_STRIP_MARKS}"
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

_CASE_TABLE = str.maketrans({"Œ": "OE", "Æ": "AE", "Ø": "O", "Ł": "L", "Đ": "D"})
_SHORT_I = "\u0438\u0306"  # и + combining breve: й after NFKD
_SHORT_I_UPPER = "\u0418\u0306"  # И + breve: Й

ELIDED = frozenset({
    "l", "d", "j", "m", "n", "s", "t", "c",
    "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "quelqu", "presqu",
})


def fold(s: str) -> str:
    """Fold ``s`` for comparison: case, accents, compatibility forms (see module docstring)."""
    if s.isascii():
        return s.lower()
    t = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", s).casefold())
    if "\u0306" in t:
        t = t.replace(_SHORT_I, "\u0439")
    t = _STRIP_RE.sub("", t).translate(_TABLE)
    return unicodedata.normalize("NFC", t)


def fold_case(s: str) -> str:
    """:func:`fold` without the case folding: ``GUN`` stays ``GUN``, ``État`` is ``Etat``."""
    if s.isascii():
        return s
    t = unicodedata.normalize("NFKD", s)
    if "\u0306" in t:
        t = t.replace(_SHORT_I, "\u0439").replace(_SHORT_I_UPPER, "\u0419")
    t = _STRIP_RE.sub("", t).translate(_TABLE).translate(_CASE_TABLE)
    return unicodedata.normalize("NFC", t)


# Arabic proclitics (on folded text): conjunction, then preposition, then article; "لل" is the
# preposition ل before the article (its alef is not written). Longest first.
_CONJ = ("و", "ف")
_PREP = ("ب", "ك", "ل")
_PROCLITICS = sorted(
    {c + p + a for c in ("", *_CONJ) for p in ("", *_PREP) for a in ("", "ال")
     if c + p + a and not (p == "ل" and a)}
    | {c + "لل" for c in ("", *_CONJ)},
    key=len, reverse=True,
)
MIN_STEM_LETTERS = 3  # letters that must remain after a proclitic for the reading to count


def arabic_readings(word: str) -> tuple[str, ...]:
    """The readings of a folded Arabic ``word`` without its proclitics (not ``word`` itself)."""
    if not word or not "\u0620" <= word[0] <= "\u064a":
        return ()
    out = [word[len(p):] for p in _PROCLITICS
           if word.startswith(p) and len(word) - len(p) >= MIN_STEM_LETTERS]
    return tuple(dict.fromkeys(out))


def script_of(word: str) -> str:
    """``latin``, ``cyrillic``, ``arabic`` or ``other``, from the first letter of ``word``."""
    for ch in word:
        if ch.isdigit():
            continue
        o = ord(ch)
        if o < 0x250:
            return "latin"
        if 0x400 <= o < 0x530:
            return "cyrillic"
        if 0x600 <= o < 0x700 or 0x750 <= o < 0x780:
            return "arabic"
        return "other"
    return "other"


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

    A joined compound form (``iounousbek``) covers several positions: ``pos < end_pos``. A
    ``variant`` is an extra reading of the word before it (an Arabic word without its
    proclitics): same position and offsets, other text.
    """

    text: str
    pos: int
    end_pos: int
    start: int
    end: int
    variant: bool = False

    @property
    def joined(self) -> bool:
        return self.end_pos > self.pos


@lru_cache(maxsize=1 << 16)
def _analyse_raw(raw: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...],
                                    tuple[int, ...]]:
    """Folded parts of one raw token, their offsets relative to it, and how many parts each
    compound holds: a piece that folds to nothing (a lone soft hyphen between two hyphens)
    ends a compound, as it would in the folded text."""
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
    groups: list[int] = []
    run = 0
    for text, a, b in pieces:
        f = fold(text)
        if f:
            parts.append(f)
            spans.append((a, b))
            run += 1
        elif run:
            groups.append(run)
            run = 0
    if run:
        groups.append(run)
    return tuple(parts), tuple(spans), tuple(groups)


def raw_tokens(text: str) -> list[RawToken]:
    """The raw tokens of ``text``, in order (empty ones — e.g. a lone soft hyphen — skipped)."""
    out: list[RawToken] = []
    for m in RAW_TOKEN_RE.finditer(text):
        parts, rel, groups = _analyse_raw(m.group())
        base, k = m.start(), 0
        for g, n in enumerate(groups):
            spans = tuple((base + a, base + b) for a, b in rel[k:k + n])
            start = base if g == 0 else spans[0][0]  # an elided particle belongs to the first
            end = m.end() if g == len(groups) - 1 else spans[-1][1]
            out.append(RawToken(start, end, parts[k:k + n], spans,
                                "".join(parts[k:k + n]) if n > 1 else None))
            k += n
    return out


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text``: every part, each followed (for compounds) by the joined form."""
    out: list[Token] = []
    pos = 0
    for rt in raw_tokens(text):
        first = pos
        for part, (a, b) in zip(rt.parts, rt.spans, strict=True):
            out.append(Token(part, pos, pos, a, b))
            out.extend(Token(r, pos, pos, a, b, True) for r in arabic_readings(part))
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
        parts, _, groups = _analyse_raw(raw)
        k = 0
        for n in groups:
            first = pos
            for part in parts[k:k + n]:
                tokens.append((part, pos, pos))
                tokens.extend((r, pos, pos) for r in arabic_readings(part))
                pos += 1
            if n > 1:
                tokens.append(("".join(parts[k:k + n]), first, pos - 1))
            k += n
    return ChunkInfo(pos, tuple(tokens))


@lru_cache(maxsize=1 << 14)
def cased_tokens(chunk: str) -> tuple[str | None, ...]:
    """For each token of :func:`analyse_chunk` (same order), its :func:`fold_case` form; None
    for joined forms and readings (case-sensitive terms match single words as written)."""
    out: list[str | None] = []
    for m in RAW_TOKEN_RE.finditer(chunk):
        raw = m.group()
        parts, rel, groups = _analyse_raw(raw)
        k = 0
        for n in groups:
            for part, (a, b) in zip(parts[k:k + n], rel[k:k + n], strict=True):
                out.append(fold_case(raw[a:b]))
                out.extend(None for _ in arabic_readings(part))
            if n > 1:
                out.append(None)
            k += n
    return tuple(out)


@lru_cache(maxsize=1 << 15)
def chunk_layout(chunk: str) -> tuple[tuple[int, int], ...]:
    """``[start, end)`` character offsets, relative to the chunk, of each position in it."""
    out: list[tuple[int, int]] = []
    for m in RAW_TOKEN_RE.finditer(chunk):
        _, rel, _ = _analyse_raw(m.group())
        out.extend((m.start() + a, m.start() + b) for a, b in rel)
    return tuple(out)
