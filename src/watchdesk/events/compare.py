"""How two articles' keys compare (pure): facts that agree or conflict, and the norm their
keys' dot product is divided by. Used by ``index``."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from .keys import DAY, NUMBER

NONE: frozenset[str] = frozenset()
_YEAR = re.compile(r"#(?:19|20)\d\d")


def facts(keys: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The numbers (but years, which every report of a year shares) and the days among an
    article's keys."""
    nums = frozenset(k for k in keys if k.startswith(NUMBER) and not _YEAR.fullmatch(k))
    days = frozenset(k for k in keys if k.startswith(DAY))
    return nums or NONE, days or NONE


def agreement(a: frozenset[str], b: frozenset[str], bonus: float, conflict: float) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return bonus * min(shared, 2) if shared else -conflict


def key_norm(lang_a: str, norm_a: float, lang_b: str, norm_b: float) -> float:
    """What the dot product of two articles' keys is divided by: the product of their norms
    (a cosine), except that an Arabic article's norm counts for half (a geometric mean):
    Arabic writes no capitals, so every word of it that is not a common word gives keys
    (``watchdesk.names``), and its norm is that of many more keys than names."""
    if (lang_a == "ar") != (lang_b == "ar"):
        arabic, other = (norm_a, norm_b) if lang_a == "ar" else (norm_b, norm_a)
        return other * math.sqrt(other * arabic)
    return norm_a * norm_b
