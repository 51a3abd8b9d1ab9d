"""Frequent Arabic words, from word-frequency data: never a name, or a name only when spelled
exactly as the query.

Two lists beside this module, built by ``tools/names_common.py`` from wordfreq (CC-BY-SA 4.0,
``COMMON-AR-LICENSE.md``), less the forms that are known spellings of names or behave as
proper nouns in the counts:

- ``common_ar.txt``, the most frequent forms (:data:`COMMON_AR`): never taken for a name
  (:func:`~.common.may_be_name`), as written or under a proclitic;
- ``frequent_ar.txt``, the next ones (:data:`FREQUENT_AR`): a name only when the word spells
  the query name with every vowel the Latin has (:data:`STRICT_LIMIT`,
  :func:`~.score.same_name`): كلارا is Klara, التعديل "the amendment" is not Tidwell.

A word of either list read without its article (الزاوية, زاوية "corner") is no common word
(the town Zawiya), but is held to the same strict spelling: التعديل is not Tidwell either.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from ..rules.text import arabic_readings

__all__ = ["COMMON_AR", "FREQUENT_AR", "STRICT_LIMIT", "strict"]

STRICT_LIMIT = 0.0  # a frequent word's distance to the query: none (silent letters cost)


def _read(name: str) -> frozenset[str]:
    text = files(__package__).joinpath(name).read_text("utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


COMMON_AR = _read("common_ar.txt")
FREQUENT_AR = _read("frequent_ar.txt")
_STRICT = COMMON_AR | FREQUENT_AR


@lru_cache(maxsize=1 << 16)
def strict(folded: str) -> bool:
    """Whether a (folded) word or reading must spell the query name exactly: it is a
    frequent word, or one with the article under a proclitic (والتعديل: التعديل)."""
    return folded in _STRICT or any(r in _STRICT for r in arabic_readings(folded)
                                    if r.startswith("ال") and not folded.startswith("ال"))
