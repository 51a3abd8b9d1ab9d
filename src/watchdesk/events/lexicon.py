"""Common news words across languages (pure): a text's *concepts*.

Reports of one event in French, English, Arabic and Russian share names, numbers and dates
(``keys``), but so do two different events about the same people on the same day. What tells
them apart is what happened: *killed*, *tués*, *قتل*, *убиты* are one concept (``kill``);
*ceasefire*, *cessez-le-feu*, *هدنة*, *перемирие* another. This module maps the content words
of a text to such concept ids, from a lexicon shipped with the package
(``lexicon.txt``, written for watchdesk: see docs/design.md, "A lexicon of news words across
languages").

The lexicon, one concept per line, columns separated by ``|``::

    kill | kill killed killing | tuer tué meurtre | قتل يقتل مقتل قتلى | убить убит

the concept id, then space-separated word forms in English, French, Arabic and Russian (a
column may be empty; ``#`` starts a comment line). A form ending in ``=`` is matched as
written only, never by its stem (Russian ``посла``, "of the ambassador", shares its stem
``посл`` with ``после``, "after"); a form in capitals is an acronym, matched only by a word
in capitals (``US``, not the pronoun *us*; ``WHO``, not *who*). Forms are reduced when the
lexicon is loaded by the very function that reduces a text's words, so an inflected word
meets its lemma:

- English, French and Russian: folded (``rules.text.fold``), then the language's Snowball
  stemmer (PyStemmer, as ``rules.stem``): ``killed``/``killing`` → ``kill``, ``министра``/
  ``министров`` → ``министр``; a French verb in ``-ent`` or participle in ``-ée(s)`` that
  Snowball stems apart (*annoncent*, *contrôlées*) is tried as *annonce*, *contrôlé*; a
  Russian noun's cases are reduced too when the lexicon is loaded (:func:`_ru_cases`).
  Irregular forms (``won``, ``убит``, ``élu``) are listed in the lexicon; the stemmer only
  takes off endings;
- Arabic: folded (diacritics and tatweel gone, ``أ إ آ`` → ``ا``, ``ى`` → ``ي``, ``ة`` →
  ``ه``), then a light stemmer (:func:`arabic_stem`: one pronoun suffix, else one plural,
  dual or feminine ending; a nisba adjective keeps its ``ي``). A text's word is tried as
  written, then without its proclitics (``و ف ب ك ل ال`` and their combinations, ``rules.text
  .arabic_readings``): ``والوزراء`` finds ``وزراء``, ``حكومتها`` finds ``حكومة``, an
  indefinite accusative loses its alef (``وفدا`` finds ``وفد``); a word
  still not found is tried as a conjugated verb, without a person ending (``قتلت``,
  ``قتلوا`` → ``قتل``) or a present-tense prefix (``تقتل`` → ``قتل``), which must then
  be a form as listed (a noun such as ``نطاق`` is not ``طاقة`` without its ``ن``).

A word is first looked up as it is listed (folded), then reduced: where two concepts list
forms that reduce alike (French *armée* and *armes* are both ``arm``), the form as listed
decides, and an unlisted inflection goes to the first line.

A form whose words are joined by ``_`` is a *phrase* (``prime_minister``,
``Conseil_de_sécurité``, ``وقف_إطلاق_النار``, ``Совет_безопасности``): its words are
reduced one by one (an Arabic word also without its proclitics), and where a text has them
in a row they count as the phrase's concept, not as their own (*prime minister* is
``prime_minister``, not ``minister``). A number between two words breaks a phrase.

A word is looked up once per language and cached; a text is split on whitespace and each
distinct chunk analysed once (cached), as ``terms`` does; phrases are then found in one pass
over the words.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import Stemmer

from .. import __version__
from ..files import write_atomic
from ..rules import stem as stem_module
from ..rules import text as text_module
from ..rules.stem import stem
from ..rules.text import arabic_readings, fold, fold_case

__all__ = ["LANGUAGES", "Lexicon", "arabic_stem", "concepts", "lexicon", "parse", "reduce"]

LANGUAGES = ("en", "fr", "ar", "ru")
DATA = "lexicon.txt"

EXACT = "="
ACRONYM = "^"
PHRASE = "_"
MIN_STEM = 3   # a shorter stem is no key (Russian заем → за): the listed form only
Phrases = dict[str, tuple[tuple[tuple[str, ...], str], ...]]   # first key -> (rest, concept)


class Lexicon(NamedTuple):
    """Per language: ``words``, key → concept id (a key is a form as listed, after
    ``EXACT``, or reduced); ``phrases``, the key of a phrase's first word → the keys of its
    other words and its concept, longest first."""

    words: dict[str, dict[str, str]]
    phrases: dict[str, Phrases]


_WORD = re.compile(r"\w+")
# Suffixes taken off an Arabic word (folded: ة is ه), one at most: a pronoun (then the ت
# of a feminine noun before it), else a plural, dual or feminine ending; a nisba adjective
# keeps its ي (مدني, مدنية, مدنيين are مدني; مدن "cities" is another word).
_AR_PRONOUNS = ("هما", "كما", "هم", "هن", "ها", "كم", "نا")
_AR_ENDINGS = (("يين", "ي"), ("يون", "ي"), ("يات", "ي"), ("يه", "ي"), ("ات", ""), ("ون", ""),
               ("ين", ""), ("ان", ""), ("ته", ""), ("ه", ""))
_AR_MIN = 3   # letters that must remain
# French endings Snowball leaves on (folded): a verb's -ent (annoncent → annonce), a
# feminine participle's -ée(s) (contrôlées → contrôlé); tried when a word is not found.
_FR_ENDINGS = (("ent", 2), ("ees", 2), ("ee", 1))
# Tried only when a word is not found as written: verbs' person endings and present prefixes.
_AR_VERB_ENDINGS = ("وا", "تم", "ت")
_AR_PRESENT = ("ي", "ت")


def arabic_stem(word: str) -> str:
    """A folded Arabic word without one pronoun suffix, else one plural, dual or feminine
    ending (``حكومتها``, ``حكومته`` and ``حكومه`` → ``حكوم``, ``انتخابات`` → ``انتخاب``,
    ``مدنيين`` → ``مدني``)."""
    for s in _AR_PRONOUNS:
        if word.endswith(s) and len(word) - len(s) >= _AR_MIN:
            word = word[: -len(s)]
            if word.endswith("ت") and len(word) > _AR_MIN:
                word = word[:-1]   # حكومتها: the ة of حكومة, written ت before a pronoun
            elif word.endswith(("او", "اي")):
                word = word[:-1] + "ء"   # وزراؤها: the final hamza on its seat
            return word
    for s, r in _AR_ENDINGS:
        if word.endswith(s) and len(word) - len(s) + len(r) >= _AR_MIN:
            return word[: -len(s)] + r
    return word


@lru_cache(maxsize=1 << 16)
def reduce(lang: str, word: str) -> str:
    """A folded word of ``lang`` in the form the lexicon is keyed by."""
    if lang == "ar":
        return arabic_stem(word)
    return stem(lang, word)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped lexicon, loaded once (from the cache when this very lexicon was read by
    this very code before: reading it stems every form, 0.2-0.3 s of CPU; the cache, 8 ms)."""
    text = resources.files(__package__).joinpath(DATA).read_text(encoding="utf-8")
    path = _cache_path(text)
    try:
        words, phrases = marshal.loads(path.read_bytes())
        return Lexicon(words, phrases)
    except (OSError, EOFError, ValueError, TypeError):
        pass   # no cache yet, or not a readable one: read the lexicon
    lex = parse(text, DATA)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, marshal.dumps((lex.words, lex.phrases)), 0o600)
    except OSError:
        pass   # a cache that cannot be written only means reading the lexicon again
    return lex


def _cache_path(text: str) -> Path:
    """Where the lexicon read from ``text`` is kept: named by the digest of the text and of
    the code that reduces its forms (this module, the stemmer's and the folding's files,
    PyStemmer's library), so a change to any of them reads the lexicon again. marshal, not
    pickle: plain dicts, tuples and strings, and loading runs no code."""
    h = hashlib.sha256(f"watchdesk {__version__}\0".encode())
    for module in (__file__, stem_module.__file__, text_module.__file__, Stemmer.__file__):
        st = os.stat(module)
        h.update(f"{module}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    h.update(text.encode("utf-8"))
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "watchdesk" / "lexicon" / f"{h.hexdigest()}.marshal"


def parse(text: str, source: str = "<lexicon>") -> Lexicon:
    """Read a lexicon (the format above); a malformed line is an error naming it."""
    out: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    phrases: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {
        lang: {} for lang in LANGUAGES}
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("|")
        if len(cols) != 1 + len(LANGUAGES) or not cols[0].strip():
            raise ValueError(f"{source}:{n}: expected a concept id and {len(LANGUAGES)} "
                             f"columns separated by '|', got {len(cols)} columns")
        concept = cols[0].strip()
        if concept in seen:
            raise ValueError(f"{source}:{n}: concept {concept!r} is defined twice")
        seen.add(concept)
        for lang, column in zip(LANGUAGES, cols[1:], strict=True):
            table = out[lang]
            for form in column.split():
                if PHRASE in form:
                    parts = form.split(PHRASE)
                    keys = tuple(_phrase_key(lang, w) for w in _WORD.findall(
                        fold(" ".join(parts))))
                    if not all(parts) or len(keys) < 2 or not all(keys):
                        raise ValueError(f"{source}:{n}: {form!r} is not a phrase")
                    phrases[lang].setdefault(keys[0], []).append((keys[1:], concept))
                    continue
                if form.isupper() and _WORD.fullmatch(form):   # US, WHO: capitals only
                    table.setdefault(ACRONYM + fold(form), concept)
                    continue
                exact_only = form.endswith(EXACT)
                form = form.removesuffix(EXACT)
                words = _WORD.findall(fold(form))
                if len(words) != 1 or words[0] != fold(form):
                    raise ValueError(f"{source}:{n}: {form!r} is not one word")
                table.setdefault(EXACT + words[0], concept)
                if exact_only:
                    continue
                for w in (words[0], *(_ru_cases(words[0]) if lang == "ru" else ())):
                    if len(key := reduce(lang, w)) >= MIN_STEM:
                        table.setdefault(key, concept)
    return Lexicon(out, {lang: {k: tuple(sorted(v, key=lambda p: -len(p[0])))
                                for k, v in by_first.items()}
                         for lang, by_first in phrases.items()})


def _phrase_key(lang: str, word: str) -> str:
    """A folded word of a phrase, as listed, in the form a text's words are compared with
    (an Arabic one without its article or other proclitics: ``الأمم`` is ``امم``, which
    ``للأمم`` also gives)."""
    if lang != "ar":
        return reduce(lang, word)
    bare = arabic_readings(word)
    return arabic_stem(bare[0] if bare else word)


@lru_cache(maxsize=1 << 17)
def _phrase_keys(lang: str, word: str) -> tuple[str, ...]:
    """The forms a folded word of a text may take in a phrase (Arabic: with and without its
    proclitics)."""
    if lang != "ar":
        return (reduce(lang, word),)
    return tuple(dict.fromkeys(arabic_stem(r) for r in (word, *arabic_readings(word))))


# Russian case endings of a noun by its last letter: Snowball does not always stem a noun and
# its cases alike (маршал → марша, маршалом → маршал; Судан → суда, Судане → судан), so
# the stems of a listed noun's cases are keys too.
_RU_CASES = {"consonant": ("а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах"),
             "а": ("ы", "е", "у", "ой", "и"), "я": ("и", "е", "ю", "ей"),
             "ь": ("я", "ю", "ем", "е", "и", "ей"), "й": ("я", "ю", "ем", "е", "и", "ев")}


def _ru_cases(word: str) -> tuple[str, ...]:
    """A listed Russian noun in its other cases (for keys only: a verb or adjective gets a
    few stems that match nothing)."""
    last = word[-1]
    if last in _RU_CASES:
        return tuple(word[:-1] + e for e in _RU_CASES[last])
    if "\u0430" <= last <= "\u044f" and last not in "аеёиоуыэюя":
        return tuple(word + e for e in _RU_CASES["consonant"])
    return ()


@lru_cache(maxsize=1 << 17)
def _word(lang: str, word: str) -> str | None:
    table = lexicon().words[lang]
    if lang != "ar":
        key = reduce(lang, word)
        concept = table.get(EXACT + word) or (table.get(key) if len(key) >= MIN_STEM else None)
        if concept is None and lang == "fr" and len(word) > 5:
            for ending, cut in _FR_ENDINGS:   # annoncent, contrôlée: as Snowball does not
                if word.endswith(ending):
                    key = reduce(lang, word[:-cut])
                    concept = table.get(key) if len(key) >= MIN_STEM else None
                    break
        return concept
    readings = (word, *arabic_readings(word))
    for w in readings:
        if (concept := table.get(EXACT + w)) is not None:
            return concept
    for w in readings:
        if (concept := table.get(arabic_stem(w))) is not None:
            return concept
        if w.endswith("ا") and len(w) > _AR_MIN:   # the alef of an accusative: وفدا
            v = w[:-1]
            if (concept := table.get(EXACT + v) or table.get(arabic_stem(v))) is not None:
                return concept
    for w in readings:   # a verb: its person ending, else its present-tense prefix
        for v in _ar_verb_forms(w):
            if (concept := table.get(EXACT + v)) is not None:
                return concept
    return None


def _ar_verb_forms(word: str) -> tuple[str, ...]:
    """The stems a folded Arabic word may be a conjugated form of: without a past-tense
    ending (``قتلت`` → ``قتل``, ``قتلوا``), else without a present-tense prefix (``تقتل``)."""
    out = [word[: -len(s)] for s in _AR_VERB_ENDINGS
           if word.endswith(s) and len(word) - len(s) >= _AR_MIN]
    if word[0] in _AR_PRESENT and len(word) > _AR_MIN:
        out.append(word[1:])
        out += [word[1: -len(s)] for s in _AR_VERB_ENDINGS
                if word.endswith(s) and len(word) - len(s) > _AR_MIN]
    return tuple(out)


# A word of a text: its concept, its phrase keys, and the phrases it may start.
Item = tuple[str | None, tuple[str, ...], tuple[tuple[tuple[str, ...], str], ...]]


@lru_cache(maxsize=1 << 16)
def _chunk(lang: str, chunk: str) -> tuple[Item, ...]:
    """The words of a whitespace-free chunk (a number has no concept nor phrase key, so that
    it breaks a phrase)."""
    table = lexicon()
    phrases = table.phrases[lang]
    out: list[Item] = []
    for raw in _WORD.findall(fold_case(chunk)):   # accents and marks gone, capitals kept
        w = fold(raw)
        if w.isdigit():
            out.append((None, (), ()))
            continue
        keys = _phrase_keys(lang, w)
        starts = tuple(sorted((p for k in keys for p in phrases.get(k, ())),
                              key=lambda p: -len(p[0])))
        concept = None
        if len(raw) > 1 and raw.isupper():
            concept = table.words[lang].get(ACRONYM + w)
        out.append((concept or _word(lang, w), keys, starts))
    return tuple(out)


def concepts(text: str, lang: str) -> Counter[str]:
    """The concept ids of the content words of ``text`` in ``lang`` (en, fr, ar or ru), with
    how often each occurs; empty for any other language."""
    if lang not in LANGUAGES or not text:
        return Counter()
    items = [item for chunk in text.split() for item in _chunk(lang, chunk)]
    found: list[str] = []
    i, n = 0, len(items)
    while i < n:
        concept, _, starts = items[i]
        i += 1
        if starts:
            for rest, phrase in starts:   # longest first
                end = i + len(rest)
                if end <= n and all(r in items[i + m][1] for m, r in enumerate(rest)):
                    concept, i = phrase, end
                    break
        if concept is not None:
            found.append(concept)
    return Counter(found)
