"""The name keys of a whole text: what may be a name in it, by script.

Latin and Cyrillic write names with a capital: only capitalised words count (``Мир`` may be
a name, ``мир`` is "peace"). Arabic has no capitals: every word counts except the common
words (:func:`~.common.may_be_name`), each read with and without its proclitics
(``وحفتر`` is also ``حفتر``).
"""

from __future__ import annotations

from ..rules.text import RAW_TOKEN_RE, fold, script_of
from .common import may_be_name
from .keys import coarse, name_keys

__all__ = ["text_name_keys"]


def _words(text: str) -> list[str]:
    """The words of ``text`` as written (the parts of its raw tokens), in order."""
    out: list[str] = []
    for m in RAW_TOKEN_RE.finditer(text):
        out.extend(p for p in m.group().replace("’", "'").replace("-", "'").split("'") if p)
    return out


def text_name_keys(text: str) -> set[str]:
    """The name keys of the name-like words of ``text``: capitalised Latin and Cyrillic
    words, and Arabic words that are not common words (with and without proclitics). Keys
    are in :func:`~.keys.name_key`'s classes, every reading of each word: a word's
    ``name_key`` is among them."""
    out: set[str] = set()
    for word in _words(text):
        if script_of(word) in ("latin", "cyrillic", "arabic") and may_be_name(fold(word), word):
            out |= {coarse(k) for k in name_keys(word)}
    return out
