"""Storage: the only package that talks to SQLite.

``Store`` is assembled from one mixin per domain (feeds, articles and matches, outbox), on top
of ``StoreBase`` which opens the file in WAL mode and applies migrations. Every write that
belongs together happens in one ``transaction()``: a feed's articles, their matches, the feed's
new state and its fetch log are committed at once, or not at all.
"""

from __future__ import annotations

from .articles import ArticlesMixin
from .base import iso, parse_iso
from .outbox import AlertBatch, DigestState, OutboxMixin, OutboxWrite


class Store(OutboxMixin, ArticlesMixin):
    """The watchdesk database."""


__all__ = ["AlertBatch", "DigestState", "OutboxWrite", "Store", "iso", "parse_iso"]
