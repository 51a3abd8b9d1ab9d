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
- stories are *regrouped* (``EventIndex.settle``, after each batch: their articles may
  move, the stories merge or split) until a breaking-story alert names them
  (``event_alerts``, one per rule and event): such a story is *held*, keeps its id and its
  articles, and may still gain new reports, so that no event breaks twice. Digests and
  the alerts of urgent matches (sent once per match, ``alert_outbox_id``) hold nothing:
  each is a snapshot, and a later one shows each event as grouped then, with all its
  reports, some perhaps shown under another event before (events-9, docs/design.md). A
  regrouped story is named after its oldest article (smallest id), and an article's id
  finds its story now (the web page of a story that was merged away);
- the index lives in this process, built on first use. Every transaction that changes
  ``event_docs`` bumps ``meta.events.rev``; a transaction that finds another value than the
  one its index was built or last written at (another process grouped articles meanwhile:
  ``watchdesk poll`` beside the daemon) rebuilds it first. The check runs inside the write
  transaction, so no other writer can slip in between. A transaction rolled back drops the
  index (it may hold what was not committed); the next one rebuilds it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from .base import StoreBase, iso, parse_iso

KEEP = timedelta(days=8)   # backfill looks 7 days back: its articles find their events
REGROUP = timedelta(days=30)   # a migration regroups the archive's last month (see regroup_all)
REV_KEY = "events.rev"

# The grouping code (``watchdesk.events``, and the name matching under it) is imported by the
# functions that group, not with the store: a reading command (status, feeds, alerts,
# search) never groups, and would spend ~50 ms importing it.
if TYPE_CHECKING:
    from ..events import EventIndex, Terms


def iso_of(t: float) -> str:
    return iso(datetime.fromtimestamp(t, UTC))


def language(lang: str | None) -> str:
    """An article's language as grouping compares it: its primary subtag (``fr-FR`` is
    ``fr``), '' when unknown."""
    return (lang or "").split("-")[0].split("_")[0].strip().lower()


Grouping = tuple[int, float, "Terms", str]   # article id, time, terms, language


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
        from .. import events
        from ..events import EventIndex

        row = c.execute("SELECT value FROM meta WHERE key = ?", (REV_KEY,)).fetchone()
        rev = row[0] if row else None
        cutoff = _cutoff(now)
        if self._events is None or rev != self._events_rev:
            index = EventIndex()
            index.load((article_id, events.event_time(at, at), terms, story_id,
                        events.epoch(created), lang)
                       for article_id, story_id, at, terms, created, lang in c.execute(
                "SELECT article_id, story_id, at, terms, created_at, lang FROM event_docs"
                " WHERE created_at >= ? ORDER BY created_at, article_id", (iso_of(cutoff),)))
            self._events, self._events_rev = index, rev
        self._events.prune(cutoff)
        return self._events

    def _events_written(self, c: sqlite3.Connection, now: str) -> None:
        """After changing ``event_docs``: prune it, and bump the revision."""
        c.execute("DELETE FROM event_docs WHERE created_at < ?", (iso_of(_cutoff(now)),))
        rev = str(int(self._events_rev or 0) + 1)
        self.set_meta(REV_KEY, rev, c)
        self._events_rev = rev

    def _group(self, c: sqlite3.Connection, items: Sequence[Grouping],
               now: str) -> dict[int, int]:
        """Give each newly matched article ``(id, time, terms, language)`` its story, in
        time order (the index decides), then merge the open stories the batch shows to be
        one event. Returns article id -> story id."""
        from .. import events

        if not items:
            return {}
        index = self._event_index(c, now)
        kept = events.epoch(now)
        is_open = self._open_stories(c)
        out: dict[int, int] = {}
        for at, article_id, terms, lang in sorted((at, a, t, g) for a, at, t, g in items):
            out[article_id] = index.assign(article_id, at, terms, kept, lang, is_open)
            c.execute("INSERT OR REPLACE INTO event_docs(article_id, story_id, at, terms,"
                      " created_at, lang) VALUES (?,?,?,?,?,?)",
                      (article_id, out[article_id], iso_of(at), events.dumps(terms), now, lang))
        c.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                      [(s, a) for a, s in out.items()])
        moved = index.settle(out, is_open)
        c.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                      [(s, a) for a, s in moved.items()])
        c.executemany("UPDATE event_docs SET story_id = ? WHERE article_id = ?",
                      [(s, a) for a, s in moved.items()])
        self._events_written(c, now)
        return {a: moved.get(a, s) for a, s in out.items()}

    def _open_stories(self, c: sqlite3.Connection) -> Callable[[int], bool]:
        """Whether a story may still be regrouped: no breaking-story alert named it (see the
        module)."""
        known: dict[int, bool] = {}

        def is_open(story: int) -> bool:
            if story not in known:
                known[story] = c.execute("SELECT 1 FROM event_alerts WHERE story_id = ?"
                                         " LIMIT 1", (story,)).fetchone() is None
            return known[story]
        return is_open

    def _regroup_updated(self, c: sqlite3.Connection, article_id: int, terms: Terms,
                         now: str) -> bool:
        """An article whose text changed keeps its story; the index learns its new terms.
        Returns False when it is not grouped yet."""
        from .. import events

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
        from .. import events

        items: list[Grouping] = []
        for i in range(0, len(article_ids), 500):
            chunk = article_ids[i:i + 500]
            for article_id, title, body, summary, published, fetched, lang in c.execute(
                    f"SELECT id, title, body, summary, published_at, fetched_at, lang"
                    f" FROM articles WHERE id IN ({','.join('?' * len(chunk))})"
                    f" AND story_id IS NULL", chunk):
                items.append((article_id, events.event_time(published, fetched),
                              events.terms_of(title, body, summary, lang or ""), language(lang)))
        self._group(c, items, now)


def regroup_all(c: sqlite3.Connection, batch: int = 20, window: timedelta = REGROUP) -> int:
    """Group the stored matched articles of the archive's last ``window`` again (a
    migration: the method changed), in time order, in batches of ``batch`` settled as the
    store settles a feed's poll; ``event_docs`` is refilled with those grouped in the last
    ``KEEP`` (as if grouped when fetched). Every story is open here: a regrouping may join
    what earlier digests showed apart. A breaking-story alert already sent is carried to
    every new story holding an article of its old one, so that no event alerts twice.
    Older articles keep their stories: the digests, alerts and web pages show the last
    weeks, and regrouping a year of archive (at ~1-7 ms an article, with every body read)
    would hold the daemon's start past systemd's start timeout. Returns the number of
    articles grouped."""
    from .. import events
    from ..events import EventIndex

    newest = c.execute("SELECT max(fetched_at) FROM articles").fetchone()[0]
    since = iso_of((events.epoch(newest) or 0.0) - window.total_seconds()) if newest else ""
    rows = c.execute(
        "SELECT id, title, body, summary, published_at, fetched_at, lang, story_id"
        " FROM articles a WHERE fetched_at >= ?"
        " AND EXISTS (SELECT 1 FROM matches m WHERE m.article_id = a.id)", (since,)
    ).fetchall()
    old = {int(r[0]): r[7] for r in rows}
    timed = sorted((events.event_time(published, fetched), article_id, title, body, summary,
                    fetched, lang) for article_id, title, body, summary, published, fetched, lang,
                   _ in rows)
    c.execute("DELETE FROM event_docs")
    c.execute("UPDATE articles SET story_id = NULL WHERE fetched_at >= ?", (since,))
    if not timed:
        return 0
    keep_from = max(events.event_time(r[5], r[5]) for r in rows) - KEEP.total_seconds()
    index = EventIndex()
    story: dict[int, int] = {}
    docs: list[tuple[int, float, str, str, str]] = []
    for i in range(0, len(timed), batch):
        chunk = timed[i:i + batch]
        index.prune(chunk[0][0] - events.index.HORIZON)   # (in time order: older cannot link)
        for at, article_id, title, body, summary, fetched, lang in chunk:
            terms = events.terms_of(title, body, summary, lang or "")
            story[article_id] = index.assign(article_id, at, terms, at, language(lang))
            if (events.epoch(fetched) or 0.0) >= keep_from:
                docs.append((article_id, at, events.dumps(terms), fetched, language(lang)))
        story.update(index.settle([r[1] for r in chunk], lambda s: True))
    c.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                  [(s, a) for a, s in story.items()])
    c.executemany("INSERT INTO event_docs(article_id, story_id, at, terms, created_at, lang)"
                  " VALUES (?,?,?,?,?,?)",
                  [(a, story[a], iso_of(at), terms, fetched, lang)
                   for a, at, terms, fetched, lang in docs])
    for rule, old_story, outbox_id, sources, created in c.execute(
            "SELECT rule_id, story_id, outbox_id, sources, created_at FROM event_alerts"
    ).fetchall():
        for new in {story[a] for a, s in old.items() if s == old_story}:
            c.execute("INSERT OR IGNORE INTO event_alerts(rule_id, story_id, outbox_id, sources,"
                      " created_at) VALUES (?,?,?,?,?)", (rule, new, outbox_id, sources, created))
    c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, '1')", (REV_KEY,))
    return len(story)
