"""Word forms for ``~term``: Snowball stemmers for French, English and Russian.

A ``~`` term matches every word of the document that has the same *stem* as the query word,
in the same language: ``~россия`` matches Россия, России, Россию, Россией (stem ``росс``),
``~délégation`` matches délégation and délégations, ``~libyan`` Libyan and Libyans.

Which stemmer reads a word is decided by its script and by the article's language:

- Cyrillic words: the Russian stemmer, whatever the article's language;
- Latin words: the French stemmer in a French article, the English one in an English
  article, and both when the article's language is unknown or another one (a word then
  matches when either stem agrees);
- other scripts (Arabic…): no stemmer; ``~word`` is the plain word, which for Arabic already
  matches with and without proclitics (:func:`~.text.arabic_readings`).

Stems are computed on folded words (case and accents removed, see :mod:`.text`) on both sides,
so the query and the text always agree. The stemmers are PyStemmer's (the Snowball project's C
implementation); each distinct word is stemmed once per language (cached).
"""

from __future__ import annotations

from functools import lru_cache

import Stemmer

from .text import script_of

__all__ = ["LATIN", "MODES", "stem", "stem_keys", "term_keys"]

LATIN = ("fr", "en")
_ALGORITHMS = {"fr": "french", "en": "english", "ru": "russian"}
_STEMMERS = {lang: Stemmer.Stemmer(name) for lang, name in _ALGORITHMS.items()}

# A document is read in one *mode*: the Latin-script languages its words are stemmed in.
MODES: dict[str, tuple[str, ...]] = {"fr": ("fr",), "en": ("en",), "*": LATIN}


@lru_cache(maxsize=1 << 17)
def stem(lang: str, word: str) -> str:
    """The stem of the folded ``word`` in ``lang`` (fr, en or ru)."""
    return str(_STEMMERS[lang].stemWord(word))


def term_keys(word: str) -> tuple[tuple[str, str], ...]:
    """The (language, stem) keys a query word ``~word`` stands for: one per language its
    script may be read in; empty when no stemmer applies (the term is then a plain word)."""
    script = script_of(word)
    if script == "cyrillic":
        return (("ru", stem("ru", word)),)
    if script == "latin" and not word.isdigit():
        return tuple((lang, stem(lang, word)) for lang in LATIN)
    return ()


def stem_keys(word: str, mode: str) -> tuple[tuple[str, str], ...]:
    """The (language, stem) keys of a folded document word read in ``mode`` (see MODES)."""
    script = script_of(word)
    if script == "cyrillic":
        return (("ru", stem("ru", word)),)
    if script == "latin":
        return tuple((lang, stem(lang, word)) for lang in MODES[mode])
    return ()
