"""The learned numbers of the name scorer, shipped as ``names.json`` beside this module.

``costs``: the scorer's fixed costs and its limit; ``vowels``: the cost of each vowel
correspondence between Latin and Arabic or Cyrillic spellings (see :mod:`.score`). They are
derived from Wikidata name pairs (CC0: ``NAMES-DATA.md`` beside this module) by
``tools/names_tune.py``, which rebuilds the file.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

__all__ = ["COSTS", "VOWELS", "load"]


def load() -> dict[str, Any]:
    """The shipped table, as read from ``names.json``."""
    data: dict[str, Any] = json.loads(
        files(__package__).joinpath("names.json").read_text(encoding="utf-8"))
    return data


_DATA = load()
COSTS: dict[str, float] = {str(k): float(v) for k, v in _DATA["costs"].items()}
VOWELS: dict[str, float] = {str(k): float(v) for k, v in _DATA["vowels"].items()}
