"""The event keys of a text are what they were before their name keys were cached per chunk:
``keys_of`` takes ``text_name_keys`` chunk by chunk (no word spans whitespace) and must give
exactly the keys of the whole text read at once."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from watchdesk.events.keys import _SPACES, NAME, dates, keys_of, numbers
from watchdesk.names import text_name_keys
from watchdesk.rules.text import fold

ARTICLES = json.loads((Path(__file__).parent / "data" / "events.json").read_text(
    encoding="utf-8"))["articles"]

# Letters of the desk's scripts, capitals, digits, joiners, marks and every kind of space
# the texts bring: hyphens and apostrophes glue words, NBSP and thin spaces split them.
_ALPHABET = ("aeiouBCDFHKLMNPRSTzéÉèçœ" "ХафтарМакронБенгази" "حفترماكرونبنغازيوال"
             "0123456789٣٤" "-'’‐‑`´" "\u0301\u064e\u0640\u00ad\u200b\u200c\u200d"
             " \t\n\u00a0\u202f\u2002\u3000.,;:!?«»\"()")


def _reference(text: str) -> set[str]:
    """keys_of as it was: the name keys of the whole text at once."""
    if not text:
        return set()
    folded = fold(text)
    return ({NAME + k for k in text_name_keys(text)} | numbers(folded)
            | dates(re.findall(r"\w+", folded)))


def test_the_keys_of_real_articles_are_unchanged() -> None:
    for a in ARTICLES:
        for text in (a["title"], a["lead"], a["title"] + "\n" + a["lead"]):
            assert keys_of(text) == _reference(text)
    assert any(k.startswith(NAME) for a in ARTICLES for k in keys_of(a["lead"]))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=120))
def test_the_keys_of_any_text_are_unchanged(text: str) -> None:
    assert keys_of(text) == _reference(text)
    assert keys_of(text) == keys_of(text)   # a second read, from the cache, is the same


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET + "´¨\u1100\u1161\u11a8\u0345ςΣİﬁ\u2028\x1c", max_size=80))
def test_a_text_folded_piece_by_piece_is_the_text_folded(text: str) -> None:
    """keys_of folds the words and the runs of spaces apart (each cached): the same text."""
    assert "".join(map(fold, _SPACES.split(text))) == fold(text)
