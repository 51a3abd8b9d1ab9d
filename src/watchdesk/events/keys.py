"""What an article says in any language (pure): names, numbers and dates as *keys*.

Two reports of one event in French and Arabic share few words, but they name the same
people and places, give the same figures and the same day. Keys are those, written the same
whatever the language:

- **names**: ``watchdesk.names.text_name_keys`` (a consonant skeleton per name-like word:
  Macron, ماكرون and Макрон meet), as ``^KEY``;
- **numbers**: digits in any script (folded: Arabic-Indic digits are 0-9), thousands
  separators dropped (``200,000``, ``200 000`` and ``200.000`` are ``#200000``), a decimal
  comma read as a point (``3,5`` is ``#3.5``); ``0`` and ``1`` say nothing and are left out;
- **dates**: the days of the week and the months, from a small lexicon in French, English,
  Arabic and Russian (``KEYS_LEXICON``), as ``~d1`` (Monday) .. ``~d7``, ``~m1`` .. ``~m12``.
  English ``may`` and ``march`` are verbs too: they count only next to a number.

A key weighs ``TITLE_WEIGHT`` in the title and 1 in the lead, like a word (``terms``).
Keys are terms of their own in the index (their first character is never a word's), and
the only terms two articles in different languages are compared on (``index``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..names import text_name_keys
from ..rules.text import fold

NAME, NUMBER, DAY, MONTH = "^", "#", "~d", "~m"
CONCEPT = "~c"   # a concept of ``lexicon`` (added by ``terms``, in a language it knows)
KEY_MARKS = ("^", "#", "~")

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?(?![\w])")
_THOUSANDS = re.compile(r"[.,\u00a0\u202f ](?=\d{3}(?:\D|$))")
_WORD = re.compile(r"\w+")

# Each line: the key, then folded word starts in French, English, Arabic and Russian (a
# Russian word is declined: a start is enough). Arabic month names: Egyptian and Levantine.
KEYS_LEXICON = """
d1 lundi monday الاثنين الإثنين اثنين понедельн
d2 mardi tuesday الثلاثاء ثلاثاء вторник
d3 mercredi wednesday الاربعاء الأربعاء اربعاء сред
d4 jeudi thursday الخميس خميس четверг
d5 vendredi friday الجمعه пятниц
d6 samedi saturday السبت суббот
d7 dimanche sunday الاحد الأحد воскресень
m1 janvier january يناير كانون_الثاني январ
m2 fevrier february فبراير شباط феврал
m3 mars march* مارس اذار آذار март
m4 avril april ابريل أبريل إبريل نيسان апрел
m5 mai may* مايو ايار أيار мая май
m6 juin june يونيو يونيه حزيران июн
m7 juillet july يوليو يوليه تموز июл
m8 aout august اغسطس أغسطس آب август
m9 septembre september سبتمبر ايلول أيلول сентябр
m10 octobre october اكتوبر أكتوبر تشرين_الاول октябр
m11 novembre november نوفمبر تشرين_الثاني ноябр
m12 decembre december ديسمبر كانون_الاول декабр
"""


def _lexicon() -> tuple[dict[str, str], dict[str, str], set[str]]:
    whole: dict[str, str] = {}      # Latin and Arabic words, exact (folded)
    starts: dict[str, str] = {}     # Russian starts
    near_number: set[str] = set()   # English words that are dates only next to a number
    for line in KEYS_LEXICON.strip().splitlines():
        key, *words = line.split()
        mark = DAY if key[0] == "d" else MONTH
        for w in words:
            if "_" in w:            # two-word Arabic names (تشرين الأول): left out
                continue
            strict = w.endswith("*")
            f = fold(w.rstrip("*"))
            if "\u0400" <= f[0] <= "\u04ff":
                starts[f] = mark + key[1:]
            else:
                whole[f] = mark + key[1:]
                if strict:
                    near_number.add(f)
    return whole, starts, near_number


_WHOLE, _STARTS, _NEAR_NUMBER = _lexicon()
_START_LENGTHS = sorted({len(s) for s in _STARTS}, reverse=True)


@lru_cache(maxsize=1 << 14)
def _date_key(word: str) -> str | None:
    key = _WHOLE.get(word)
    if key is not None or not word or not "\u0400" <= word[0] <= "\u04ff":
        return key
    for n in _START_LENGTHS:
        key = _STARTS.get(word[:n])
        if key is not None:
            return key
    return None


def numbers(text: str) -> set[str]:
    """The number keys of ``text`` (folded)."""
    out: set[str] = set()
    for m in _NUMBER.findall(text):
        value = _THOUSANDS.sub("", m).replace(",", ".")
        if value not in ("0", "1"):
            out.add(NUMBER + value)
    return out


def dates(words: list[str]) -> set[str]:
    """The day and month keys of folded ``words`` (in order)."""
    out: set[str] = set()
    for i, w in enumerate(words):
        key = _date_key(w)
        if key is None:
            continue
        if w in _NEAR_NUMBER and not any(
                0 <= j < len(words) and words[j].isdigit() for j in (i - 1, i + 1)):
            continue
        out.add(key)
    return out


# Folding is character by character but for composing marks with their letter, and no
# mark composes with a space: the text is folded piece by piece (its runs of spaces, kept as
# they are for the numbers' thousands separators, and the words between them), each piece
# once per process.
_SPACES = re.compile(r"(\s+)")
_fold = lru_cache(maxsize=1 << 16)(fold)


@lru_cache(maxsize=1 << 16)
def _chunk_names(chunk: str) -> frozenset[str]:
    """The name keys of a whitespace-free chunk of text (cached: news repeats its words)."""
    return frozenset(NAME + k for k in text_name_keys(chunk))


def keys_of(text: str) -> set[str]:
    """Every key of ``text``: names, numbers, dates.

    The name keys are taken chunk by chunk (``text_name_keys`` reads words, and no word
    spans whitespace, so the union is the same) and cached per chunk: a first poll asked
    ``text_name_keys`` for 300 words of each matched article, half of its terms' CPU."""
    if not text:
        return set()
    out: set[str] = set()
    for chunk in text.split():
        out |= _chunk_names(chunk)
    folded = "".join(map(_fold, _SPACES.split(text)))
    out |= numbers(folded)
    out |= dates(_WORD.findall(folded))
    return out


def is_key(term: str) -> bool:
    return term.startswith(KEY_MARKS)
