"""``walls.repeatable`` finds the title's words in the page text without building the set of
the text's words; it must answer exactly as that set did."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from watchdesk.extract.walls import TITLE_TOLD, repeatable

_WORD = re.compile(r"[^\W\d_]{4,}")
# letters of several scripts, digits of two, the underscore, marks, numerals that are not
# decimal digits (², ½: letters for the word class), spaces and punctuation
_ALPHABET = "abcdeéÉİßﬁ" "ХафтрМ" "حفتروال" "0123٣" "_²½" "\u0301\u064e" " \n.,'-’"


def _reference(body: str, title: str) -> bool:
    words = set(_WORD.findall(title.lower()))
    if len(words) < 2:
        return True
    text = set(_WORD.findall(body.lower()))
    return len(words & text) < TITLE_TOLD * len(words)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=200), st.text(alphabet=_ALPHABET, max_size=40))
def test_repeatable_answers_as_the_set_of_words_did(body: str, title: str) -> None:
    assert repeatable(body, title) == _reference(body, title)


def test_a_title_word_inside_a_longer_word_is_not_told() -> None:
    title = "Haftar meets Putin"
    assert repeatable("Haftarist meetsx Putinesque notes", title)      # only parts of words
    assert not repeatable("Haftar, who meets Putin today", title)      # told
    assert repeatable("Haftar2 meets_ Putin", title) is _reference("Haftar2 meets_ Putin", title)
