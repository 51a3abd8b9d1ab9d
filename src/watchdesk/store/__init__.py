"""Storage: the only package that talks to SQLite.

``Store`` is assembled from one mixin per domain (feeds, articles and matches, outbox, health,
retention), on top of ``StoreBase`` which opens the file (``opening``: create, write or
read-only), in WAL mode, and applies migrations. Every write that belongs together happens in one
``transaction()``: a feed's articles, their matches, the feed's new state and its fetch log are
committed at once, or not at all.
"""

from __future__ import annotations

from .articles import ArticlesMixin
from .backup import BackupReport, backup
from .base import iso, parse_iso
from .health import HealthMixin
from .opening import Mode, as_store_error
from .outbox import AlertBatch, DigestState, OutboxMixin, OutboxWrite
from .retention import RetentionMixin, SizeInfo


class Store(HealthMixin, OutboxMixin, RetentionMixin, ArticlesMixin):
    """The watchdesk database."""


__all__ = ["AlertBatch", "BackupReport", "DigestState", "Mode", "OutboxWrite", "SizeInfo", "Store",
           "as_store_error", "backup", "iso", "parse_iso"]
