"""Explaining a look-alike away: a word that is a known spelling of *another* name is that name.

Keys and the scorer (:mod:`.keys`, :mod:`.score`) find every word spelled like the query; in
Arabic, which writes no short vowels, that includes other names. The table shipped beside
this module (``spellings.tsv.gz``, :func:`load`) lists the Arabic and Russian tokens of the
Wikidata name pairs with their commonest Latin names and counts: كارلوس is Carlos,
مايكل is Michael. A document word that the table lists is explained away for ``name:term``
(:func:`explained_away`) when none of its names is ``term``'s own spelling and one of them
accounts for it:

- a name with other consonants that spells the word more closely than ``term`` does, by
  more than :data:`MARGIN` (كارلوس is 0.1 closer to Carlos than to Aurelius: not enough);
- a name with the same consonants whose vowels differ from ``term``'s in a way two spellings
  of one name never do in the pairs (:func:`relation`: Mayorga is not Marga, Dmitry not
  Demetrio, though Hafter is Haftar and Katya Katja), seen at least :data:`STRONG` times
  (it alone, or the word's names of that kind together: هولت is Hoult once and Hult once,
  not Howlett), that spells the word at least as closely.

Which vowel differences occur between spellings of one name is learned from the same pairs:
the Latin names the table lists for one word (Haftar, Hafter for حفتر) are aligned
(:func:`latin_ops`) and their differences counted (the table's first line); a difference
seen fewer than :data:`ALIKE` times is no variant of one name.

A word the table does not know is never explained away. The table is read the first time a
``name:`` term is compared with a listed word, never at import: ``search`` without
``name:`` does not pay for it. Rebuilt by ``tools/names_spellings.py``.
"""

from __future__ import annotations

import gzip
from bisect import bisect_left
from functools import lru_cache
from importlib.resources import files

from ..rules.text import arabic_readings, fold, script_of
from .keys import coarse, name_keys, readings

__all__ = ["ALIKE", "MARGIN", "STRONG", "explained_away", "known", "latin_ops", "load",
           "relation"]

# A name with other consonants explains a word only when it spells it this much better
# than the query (distances are sums of tenths and twentieths).
MARGIN = 0.1
# A name with the same consonants but other vowels: seen this often for the word (it, or
# all such names of the word together)
STRONG = 2
# A vowel difference seen this often between two spellings of one name is a variant
ALIKE = 20
OPS_KEY = "="  # the table's line of vowel differences (no word is spelled "=")
_VOWELS = frozenset("aeiouy")

_RU_ENDINGS = ("ами", "ями", "ого", "его", "ому", "ему", "ом", "ем", "ым", "им", "ой", "ей",
               "ах", "ях", "а", "я", "у", "ю", "е", "ы", "и")
_RU_BACK = ("", "а", "я", "ь", "й")  # what the nominative may end with instead


@lru_cache(maxsize=1)
def load() -> tuple[str, list[str]]:
    """The shipped table: its line of vowel differences (``a|e:550 ...``, the counts after
    :data:`OPS_KEY`), and its entries as written, sorted (``اندريا\tandrea:156 andrija:6``:
    a folded Arabic or Russian spelling, its commonest Latin names with their counts in the
    pairs), looked up by bisection (:func:`_entry`; a dict of its 43,000 entries took twice
    as long to build)."""
    raw = files(__package__).joinpath("spellings.tsv.gz").read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(OPS_KEY + "\t"))
    return lines[start].partition("\t")[2], [line for line in lines[start + 1:] if line]


def _entry(form: str) -> str:
    """The Latin names and counts the table lists for ``form`` ("" when it lists none)."""
    entries = load()[1]
    key = form + "\t"
    i = bisect_left(entries, key)
    return entries[i][len(key):] if i < len(entries) and entries[i].startswith(key) else ""


def _counts(items: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items.split():
        name, _, count = item.rpartition(":")
        out[name] = int(count)
    return out


@lru_cache(maxsize=1)
def _alike_ops() -> dict[str, int]:
    return _counts(load()[0])


@lru_cache(maxsize=1 << 16)
def known(form: str) -> dict[str, int]:
    """The Latin names a (folded) word form is a known spelling of, with how often the pairs
    spell them so; empty when the table does not list it."""
    return _counts(_entry(form))


@lru_cache(maxsize=1 << 14)
def latin_ops(a: str, b: str, skip_last: bool = False) -> tuple[float, tuple[str, ...]]:
    """The distance between two folded Latin words and the vowel differences of their best
    alignment, each as ``x|y`` in alphabetical order (``a|e``: Haftar, Hafter; ``e$|la``: a
    final e one of them lacks); with ``skip_last``, not the difference in their last
    vowels when one of the words ends with a vowel (Brega, Breguet)."""
    from .score import pair_ops, pieces_distance  # (score is the heavier module)

    best: tuple[float, list[str]] = (99.0, [])
    for x in readings(a):
        for y in readings(b):
            d = pieces_distance(x, "la", y, "la")
            if d < best[0]:
                best = (d, pair_ops(x, "la", y, "la"))
    skip = int(skip_last and (a[-1:] in _VOWELS or b[-1:] in _VOWELS))
    ops = ("|".join(sorted(op.split("|"))) for op in best[1][skip:])  # (from the end)
    return best[0], tuple(op for op in ops if op.split("|")[0] != op.split("|")[1])


def _reduced(op: str) -> str:
    """A vowel difference without the letters its two runs share at either end: ``eie|eye``
    is ``i|y``, ``eye|ye`` is ``e|la`` (an e one lacks)."""
    x, y = (r.rstrip("$") for r in op.split("|"))
    if "la" in (x, y):
        return op
    while x and y and x[0] == y[0]:
        x, y = x[1:], y[1:]
    while x and y and x[-1] == y[-1]:
        x, y = x[:-1], y[:-1]
    return "|".join(sorted((x or "la", y or "la")))


def _alike(op: str) -> bool:
    """Whether a vowel difference is seen between spellings of one name: as it is, or
    without the letters its runs share (``eie|eye`` as ``i|y``), unless that leaves a
    vowel one run lacks: ``i|ia`` is not ``a|la`` (Kristian is not Kristine, nor Christine,
    though Mikhail is Mikhaïl)."""
    alike = _alike_ops()
    if alike.get(op, 0) >= ALIKE:
        return True
    reduced = _reduced(op)
    return "la" not in reduced.split("|") and alike.get(reduced, 0) >= ALIKE


def relation(term: str, name: str, russian: bool = False) -> str:
    """How two folded Latin words relate: ``same`` (one name: equal, vowels that differ only
    as spellings of one name do, or consonants that meet in :func:`~.keys.name_key`'s
    coarse classes: Mihajlović, Mikhailovich), ``vowels`` (the same consonants, vowels that
    make another name: Marga, Mayorga) or ``other``. For a ``russian`` word, a difference in
    the last vowel does not count: case endings replace it (Бреге is Breguet, and Брега in
    the dative; Феодосии, Феодосий)."""
    if name == term:
        return "same"
    d, ops = latin_ops(term, name, russian)
    if d < 1.0:  # (a consonant apart costs 1)
        return "vowels" if any(not _alike(op) for op in ops) else "same"
    if not {coarse(k) for k in name_keys(term)}.isdisjoint(coarse(k) for k in name_keys(name)):
        return "same"
    return "other"


def _forms(word: str) -> list[str]:
    """The forms under which a folded document word may be listed: as written, without its
    Arabic proclitics, or in the Russian nominative (Майорги: Майорга)."""
    script = script_of(word)
    if script == "arabic":
        return [word, *arabic_readings(word)]
    if script == "cyrillic":
        out = [word]
        for end in _RU_ENDINGS:
            if word.endswith(end) and len(word) - len(end) >= 3:
                out += [word[: -len(end)] + b for b in _RU_BACK]
                break
        return out
    return []


@lru_cache(maxsize=1 << 16)
def explained_away(term: str, word: str) -> bool:
    """Whether document ``word``, spelled like the name ``term``, is explained away as a known
    spelling of other names (module docstring). Of the word's forms, those that ``term``
    spells best count (بليندا is Belinda, though ليندا, without what could be the
    preposition ب, is Linda's; in ببيتمان, بيتمان is Pittman's, and spells Wittman too)."""
    from .score import distance  # (score is the heavier module)

    w, t = fold(word), fold(term)
    forms = _forms(w)
    listed = [f for f in forms if known(f)]
    if not listed:
        return False
    d = min(distance(t, f) for f in forms)  # (the term's best reading of the word)
    listed = [f for f in listed if distance(t, f) <= d + 1e-9]
    russian = script_of(w) == "cyrillic"
    names = [(f, n, c, relation(t, n, russian)) for f in listed for n, c in known(f).items()]
    if not names or any(r == "same" for _, _, _, r in names):
        return False
    seen = sum(c for _, _, c, r in names if r == "vowels")  # (هولت: Hoult 1, Hult 1)
    for f, n, c, r in names:
        gap = d - distance(n, f)
        if (r == "other" and gap > MARGIN + 1e-9) or (r == "vowels" and max(c, seen) >= STRONG
                                                        and gap > -1e-9):
            return True
    return False
