"""Walls' storage: the body keys seen per site (``page_bodies``), and what a repeated body
changes in articles already stored.

The decision that a body is repeated is ``extract.walls.repeated`` (pure), taken by the
pipeline before matching with what ``bodies_seen`` returns. What only the store can do, in
the feed's transaction (``save_poll``):

- remember the key of every page body it writes (``_remember_bodies``), pruned after
  ``KEEP`` without being seen again;
- when a body is seen on a second URL of its site, *demote* the article stored earlier
  with it: its body was the site's interstitial, not an article. Its body is emptied
  (the article keeps its feed summary: ``extraction='summary'``, ``wall`` says why), so
  that `search` no longer finds it by the wall's words and its event terms are its title
  and summary; it keeps its story (demoting moves no article from its story, see
  ``events``) and its matches (what an alert or a digest said stays true);
- a body the pipeline could not know was repeated (two feeds of one site in the same
  cycle, each stored before the other's check) is demoted here before it is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import timedelta

from .. import identity
from ..extract.walls import repeated_reason
from ..models import ArticleWrite
from .base import StoreBase, iso, parse_iso
from .events import EventsMixin

KEEP = timedelta(days=8)   # a wall repeats daily: a week of bodies is enough to see it


class WallsMixin(EventsMixin, StoreBase):
    def bodies_seen(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """(site, body key) -> the URL it was first seen on, for the keys already known."""
        out: dict[tuple[str, str], str] = {}
        for site, key in set(keys):
            row = self.conn.execute("SELECT url FROM page_bodies WHERE site = ? AND key = ?",
                                    (site, key)).fetchone()
            if row is not None:
                out[(site, key)] = row[0]
        return out

    def _check_bodies(self, c: sqlite3.Connection, writes: Sequence[ArticleWrite],
                      now: str) -> None:
        """Before the feed's articles are written: a body already stored for another URL of
        its site demotes the article stored with it, and the new one if the pipeline did
        not already know (see the module's docstring)."""
        for w in writes:
            if w.body_key is None or w.body_site is None:
                continue
            row = c.execute("SELECT url, article_id FROM page_bodies WHERE site = ? AND key = ?",
                            (w.body_site, w.body_key)).fetchone()
            url = w.canonical_url or w.url or ""
            if row is None or row[0] == url:
                continue
            if row[1] is not None and row[1] != w.article_id:
                self._demote(c, row[1], repeated_reason(w.body_site, url), now)
            if w.wall is None:
                w.wall = repeated_reason(w.body_site, row[0])
                w.body, w.extraction = "", "summary" if w.summary else "none"
                w.content_hash = identity.content_hash(w.title, w.summary)
                if w.event_terms is not None:
                    from .. import events

                    w.event_terms = events.terms_of(w.title, "", w.summary, w.lang or "")

    def _demote(self, c: sqlite3.Connection, article_id: int, reason: str, now: str) -> None:
        """An article stored with a page body that turned out to be its site's: the feed's
        summary stands for it from now on."""
        row = c.execute("SELECT title, summary, lang FROM articles"
                        " WHERE id = ? AND extraction = 'page'", (article_id,)).fetchone()
        if row is None:
            return
        title, summary = row[0], row[1]
        c.execute("UPDATE articles SET body = '', extraction = ?, wall = ?, content_hash = ?,"
                  " updated_at = ? WHERE id = ?",
                  ("summary" if summary else "none", reason,
                   identity.content_hash(title, summary), now, article_id))
        from .. import events

        self._regroup_updated(c, article_id, events.terms_of(title, "", summary, row[2] or ""),
                              now)

    def _remember_bodies(self, c: sqlite3.Connection, writes: Sequence[ArticleWrite],
                         ids: Sequence[int], now: str) -> None:
        """After the feed's articles are written: remember each page body's key."""
        for w, article_id in zip(writes, ids, strict=True):
            if w.body_key is None or w.body_site is None:
                continue
            url = w.canonical_url or w.url or ""
            c.execute(
                "INSERT INTO page_bodies(site, key, url, article_id, pages, seen_at)"
                " VALUES (?,?,?,?,1,?) ON CONFLICT(site, key) DO UPDATE SET"
                " pages = pages + (url != excluded.url), seen_at = excluded.seen_at",
                (w.body_site, w.body_key, url, article_id, now))
        when = parse_iso(now)
        assert when is not None
        c.execute("DELETE FROM page_bodies WHERE seen_at < ?", (iso(when - KEEP),))

    def wall_counts(self) -> list[tuple[str, int]]:
        """(feed name, pages of it that hit a wall), for the feeds that have any."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT f.name, count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id"
            " WHERE a.wall IS NOT NULL AND f.in_config = 1 GROUP BY f.name ORDER BY f.name")]
