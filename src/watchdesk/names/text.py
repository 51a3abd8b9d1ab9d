"""The name keys of a whole text: what may be a name in it, by script.

Latin and Cyrillic write names with a capital: only capitalised words count (``Мир`` may be
a name, ``мир`` is "peace"). Arabic has no capitals: every word counts except the common
words of :data:`~.common.ARABIC_COMMON`, each read with and without its proclitics
(:func:`watchdesk.rules.text.arabic_readings`: ``وحفتر`` is also ``حفتر``).
"""

from __future__ import annotations

from ..rules.text import RAW_TOKEN_RE, arabic_readings, fold, script_of
from .common import ARABIC_COMMON
from .keys import name_keys

__all__ = ["text_name_keys"]


def _words(text: str) -> list[str]:
    """The words of ``text`` as written (the parts of its raw tokens), in order."""
    out: list[str] = []
    for m in RAW_TOKEN_RE.finditer(text):
        out.extend(p for p in m.group().replace("’", "'").replace("-", "'").split("'") if p)
    return out


def text_name_keys(text: str) -> set[str]:
    """The name keys of the name-like words of ``text``: capitalised Latin and Cyrillic
    words, and Arabic words that are not common words (with and without proclitics)."""
    out: set[str] = set()
    for word in _words(text):
        script = script_of(word)
        if script in ("latin", "cyrillic"):
            if word[0].isupper():
                out |= name_keys(word)
        elif script == "arabic":
            f = fold(word)
            for w in (f, *arabic_readings(f)):
                if w not in ARABIC_COMMON:
                    out |= name_keys(w)
    return out
