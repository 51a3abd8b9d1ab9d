"""Storage: the only package that talks to SQLite.

``Store`` is assembled from one mixin per domain (feeds, articles and matches, outbox, health,
exports, retention, reading for people: ``alerts`` and ``show``, and the desk's web pages:
``desk``, verdicts and rule history), on top of ``StoreBase`` which opens the file
(``opening``: create, write or read-only), in WAL mode, and applies migrations. Every write
that belongs together happens in one ``transaction()``: a feed's articles, their matches, the
feed's new state and its fetch log are committed at once, or not at all.
"""

from __future__ import annotations

from .articles import ArticlesMixin
from .backup import BackupReport, backup
from .base import iso, parse_iso
from .desk import VERDICTS, DeskMixin
from .exports import ExportsMixin
from .health import HealthMixin
from .opening import Mode, as_store_error
from .outbox import AlertBatch, DigestState, OutboxMixin, OutboxWrite
from .reading import MatchFilter, ReadingMixin
from .retention import RetentionMixin, SizeInfo


class Store(DeskMixin, ExportsMixin, HealthMixin, OutboxMixin, RetentionMixin, ArticlesMixin,
            ReadingMixin):
    """The watchdesk database."""


__all__ = ["VERDICTS", "AlertBatch", "BackupReport", "DigestState", "MatchFilter", "Mode",
           "OutboxWrite", "SizeInfo", "Store", "as_store_error", "backup", "iso", "parse_iso"]
