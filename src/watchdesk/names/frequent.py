"""Frequent Arabic words, from word-frequency data: never a name, or a name only when spelled
exactly (or closely) as the query.

Three lists beside this module, built by ``tools/names_common.py`` from wordfreq's 50,000
most frequent Arabic forms (CC-BY-SA 4.0, ``COMMON-AR-LICENSE.md``), less the forms that are
known spellings of names (in the tuning part of the Wikidata name pairs):

- ``common_ar.txt``, the 5,000 most frequent forms (:data:`COMMON_AR`): never taken for a
  name (:func:`~.common.may_be_name`), as written or under a proclitic;
- ``frequent_ar.txt``, the next ones (:data:`FREQUENT_AR`): a name only when the word spells
  the query name with every vowel the Latin has (:data:`STRICT_LIMIT`,
  :func:`~.score.same_name`): كلارا is Klara, التعديل "the amendment" is not Tidwell; with
  them, the forms ranked up to 200,000 that are a frequent word with an attached pronoun
  (ذراعه "his arm", ذراع: the builder's ``possessed_forms``; not in ك "your", nor in ه where
  ة is the commoner spelling: جمانه is Joumana);
- ``close_ar.txt`` (:data:`CLOSE_AR`), a name only when spelled closely
  (:data:`CLOSE_LIMIT`, :func:`limit`): the forms with the article of the 50,000 that behave
  as proper nouns in the counts (rare without the article, or common after ب "in"). Most
  are names of places and people (العراق, الموصل), but the test also lets through nouns
  whose definite form is the usual one (القرن "the century", الثدي "the breast"). A place
  with the article leaves one short vowel unwritten (الموصل is Mosul at distance 0.1), a
  common noun read as a foreign name more (القرن is Caranus at 0.2). With them, the other
  forms with the article ranked 20,000-50,000 that are no names' spellings (الجنح "the
  misdemeanours" is not Jinnah, at 0.2), held as closely: their reading without the
  article is held to the word's limit (:func:`~.common.reading_spells`).

A word of the first two lists read without its article (الزاوية, زاوية "corner") is no
common word (the town Zawiya), but is held to the same strict spelling: التعديل is not
Tidwell either.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from ..rules.text import arabic_readings

__all__ = ["CLOSE_AR", "CLOSE_LIMIT", "COMMON_AR", "FREQUENT_AR", "STRICT_LIMIT", "limit",
           "strict"]

STRICT_LIMIT = 0.0  # a frequent word's distance to the query: none (silent letters cost)
CLOSE_LIMIT = 0.15  # a word of close_ar.txt's


def read_list(name: str) -> tuple[str, ...]:
    """The words of one of the package's word lists (one a line, ``#`` comments)."""
    text = files(__package__).joinpath(name).read_text("utf-8")
    return tuple(w for w in text.split("\n") if w and not w.startswith("#"))


COMMON_AR = frozenset(read_list("common_ar.txt"))
FREQUENT_AR = frozenset(read_list("frequent_ar.txt"))
CLOSE_AR = frozenset(read_list("close_ar.txt"))
_STRICT = COMMON_AR | FREQUENT_AR


def _article_readings(folded: str) -> list[str]:
    """The word, and its readings with the article under a proclitic (والتعديل: التعديل)."""
    return [folded, *(r for r in arabic_readings(folded)
                      if r.startswith("ال") and not folded.startswith("ال"))]


@lru_cache(maxsize=1 << 16)
def strict(folded: str) -> bool:
    """Whether a (folded) word or reading must spell the query name exactly: it is a
    frequent word, or one with the article under a proclitic (والتعديل: التعديل)."""
    return any(r in _STRICT for r in _article_readings(folded))


@lru_cache(maxsize=1 << 16)
def limit(folded: str) -> float | None:
    """The greatest distance at which a (folded) document word may spell a query name, when
    the frequency lists hold it to one (else None): :data:`STRICT_LIMIT` for a frequent
    word, :data:`CLOSE_LIMIT` for one of :data:`CLOSE_AR` (as written, or with the article
    under a proclitic: والقرن)."""
    if strict(folded):
        return STRICT_LIMIT
    if any(r in CLOSE_AR for r in _article_readings(folded)):
        return CLOSE_LIMIT
    return None
