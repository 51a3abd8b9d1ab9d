"""Names across scripts: one spelling finds حفتر, Хафтаром and Hafter.

- :mod:`.keys`: a script-independent key per word (consonant classes), for look-ups;
- :mod:`.score`: whether two words with a key in common are the same name (their vowels,
  with costs learned from name pairs, :mod:`.table`);
- :mod:`.common`: ordinary words never taken for names, and the lint of ``name:`` terms;
- :mod:`.frequent`: the frequent Arabic words (word-frequency lists), never names or names
  only when spelled exactly;
- :mod:`.explain`: a word that is a known spelling of another name is that name's;
- :mod:`.text`: the name keys of a whole text.

The rule language's ``name:`` operator (:mod:`watchdesk.rules`) uses the first three and
:mod:`.explain`.
"""

from __future__ import annotations

from .common import indefinite, may_be_name, name_warning, reading_spells
from .explain import explained_away
from .keys import MIN_KEY, name_key, name_keys
from .score import distance, same_name
from .text import text_name_keys

__all__ = ["MIN_KEY", "distance", "explained_away", "indefinite", "may_be_name", "name_key",
           "name_keys", "name_warning", "reading_spells", "same_name", "text_name_keys"]
