"""Names across scripts: keys that make حفتر, Хафтаром and Hafter one name (see :mod:`.keys`)."""

from __future__ import annotations

from .keys import MIN_KEY, name_key, name_keys
from .text import text_name_keys

__all__ = ["MIN_KEY", "name_key", "name_keys", "text_name_keys"]
