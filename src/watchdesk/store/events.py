"""Event grouping's storage: ``event_docs`` and the in-memory index kept over it.

The decisions are ``events.EventIndex``'s (pure); this module only loads, saves and keeps the
index in step with the database:

- an article is *grouped* once it has a ``story_id`` (only matched articles are: the digest
  shows no other). ``event_docs`` holds the terms, time and story of the articles grouped
  in the last ``KEEP`` (pruned in the transactions that add to it), what the index is built
  from: a cache, without foreign keys, so deleting old articles never has to know about
  it. Which articles can share a story is decided by their own times (publication, else
  fetch); ``KEEP`` only bounds what is kept, by when it was grouped, so that a backfill
  (7 days back) finds the events of its articles;
- the index lives in this process, built on first use. Every transaction that changes
  ``event_docs`` bumps ``meta.events.rev``; a transaction that finds another value than the
  one its index was built or last written at (another process grouped articles meanwhile:
  ``watchdesk poll`` beside the daemon) rebuilds it first. The check runs inside the write
  transaction, so no other writer can slip in between. A transaction rolled back drops the
  index (it may hold what was not committed); the next one rebuilds it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from .. import events
from ..events import EventIndex, Terms
from .base import StoreBase, iso, parse_iso

KEEP = timedelta(days=8)   # backfill looks 7 days back: its articles find their events
REV_KEY = "events.rev"


def iso_of(t: float) -> str:
    return iso(datetime.fromtimestamp(t, UTC))


def _cutoff(now: str) -> float:
    when = parse_iso(now)
    assert when is not None
    return (when - KEEP).timestamp()


class EventsMixin(StoreBase):
    _events: EventIndex | None = None
    _events_rev: str | None = None

    def _rolled_back(self) -> None:
        super()._rolled_back()
        self._events = None

    def _event_index(self, c: sqlite3.Connection, now: str) -> EventIndex:
        """The index, current with the database (call inside the write transaction)."""
        row = c.execute("SELECT value FROM meta WHERE key = ?", (REV_KEY,)).fetchone()
        rev = row[0] if row else None
        cutoff = _cutoff(now)
        if self._events is None or rev != self._events_rev:
            index = EventIndex()
            for article_id, story_id, at, terms, created in c.execute(
                    "SELECT article_id, story_id, at, terms, created_at FROM event_docs"
                    " WHERE created_at >= ? ORDER BY created_at, article_id",
                    (iso_of(cutoff),)):
                index.add(article_id, events.event_time(at, at), events.loads(terms), story_id,
                          events.epoch(created))
            self._events, self._events_rev = index, rev
        self._events.prune(cutoff)
        return self._events

    def _events_written(self, c: sqlite3.Connection, now: str) -> None:
        """After changing ``event_docs``: prune it, and bump the revision."""
        c.execute("DELETE FROM event_docs WHERE created_at < ?", (iso_of(_cutoff(now)),))
        rev = str(int(self._events_rev or 0) + 1)
        self.set_meta(REV_KEY, rev, c)
        self._events_rev = rev

    def _group(self, c: sqlite3.Connection, items: Sequence[tuple[int, float, Terms]],
               now: str) -> dict[int, int]:
        """Give each newly matched article ``(id, time, terms)`` its story, in time order
        (the index decides). Returns article id -> story id."""
        if not items:
            return {}
        index = self._event_index(c, now)
        kept = events.epoch(now)
        out: dict[int, int] = {}
        for at, article_id, terms in sorted((at, a, t) for a, at, t in items):
            out[article_id] = index.assign(article_id, at, terms, kept)
            c.execute("INSERT OR REPLACE INTO event_docs(article_id, story_id, at, terms,"
                      " created_at) VALUES (?,?,?,?,?)",
                      (article_id, out[article_id], iso_of(at), events.dumps(terms), now))
        c.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                      [(s, a) for a, s in out.items()])
        self._events_written(c, now)
        return out

    def _regroup_updated(self, c: sqlite3.Connection, article_id: int, terms: Terms,
                         now: str) -> bool:
        """An article whose text changed keeps its story; the index learns its new terms.
        Returns False when it is not grouped yet."""
        row = c.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None or row[0] is None:
            return False
        index = self._event_index(c, now)
        if c.execute("UPDATE event_docs SET terms = ? WHERE article_id = ?",
                     (events.dumps(terms), article_id)).rowcount:
            index.update(article_id, terms)
            self._events_written(c, now)
        return True

    def _group_ungrouped(self, c: sqlite3.Connection, article_ids: Sequence[int],
                         now: str) -> None:
        """Articles stored before any rule matched them have no story: once one does
        (backfill, or an update), they are grouped as if new, at their own time."""
        items: list[tuple[int, float, Terms]] = []
        for i in range(0, len(article_ids), 500):
            chunk = article_ids[i:i + 500]
            for article_id, title, body, summary, published, fetched in c.execute(
                    f"SELECT id, title, body, summary, published_at, fetched_at FROM articles"
                    f" WHERE id IN ({','.join('?' * len(chunk))}) AND story_id IS NULL",
                    chunk):
                items.append((article_id, events.event_time(published, fetched),
                              events.terms_of(title, body, summary)))
        self._group(c, items, now)
