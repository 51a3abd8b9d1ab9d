"""Articles, entries and matches: look-ups for the identity decision, and the per-feed batch."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TypeVar

from ..models import ArticleWrite, MatchRecord, PollResult
from .base import StoreBase, dumps
from .events import Grouping, language
from .feeds import FeedsMixin
from .walls import WallsMixin

T = TypeVar("T")


def _chunks(items: Sequence[T], n: int = 500) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


class ArticlesMixin(WallsMixin, FeedsMixin, StoreBase):
    def known_entries(self, feed_id: int, identities: Sequence[str]) -> dict[str, tuple[int, str]]:
        """identity -> (article_id, entry_hash) for the entries of this feed we have seen."""
        out: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(list(identities)):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                f"SELECT identity, article_id, entry_hash FROM entries"
                f" WHERE feed_id = ? AND identity IN ({marks})", (feed_id, *chunk)):
                out[r[0]] = (r[1], r[2])
        return out

    def articles_by_url(self, feed_id: int, canonical_urls: Sequence[str],
                        ) -> dict[str, tuple[int, bool]]:
        """canonical URL -> (article_id, whether this feed already has an entry for it)."""
        out: dict[str, tuple[int, bool]] = {}
        for chunk in _chunks([u for u in canonical_urls if u]):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                f"SELECT a.canonical_url, a.id, EXISTS(SELECT 1 FROM entries e"
                f" WHERE e.article_id = a.id AND e.feed_id = ?) FROM articles a"
                f" WHERE a.canonical_url IN ({marks})", (feed_id, *chunk)):
                out[r[0]] = (r[1], bool(r[2]))
        return out

    def save_poll(self, result: PollResult, writes: Sequence[ArticleWrite], now: str) -> list[int]:
        """Write one feed's poll in ONE transaction: articles, entries, matches, feed state and
        the fetch log. Either all of it is committed or none. Returns the article ids written.

        ``result.new``/``updated``/``matched`` are set from what was actually written (a "new"
        article another feed stored first in the same cycle becomes a link)."""
        ids: list[int] = []
        with self.transaction() as c:
            grouping: list[Grouping] = []
            self._check_bodies(c, writes, now)   # a body another URL of the site carried
            for w in writes:
                ids.append(self._write_article(c, result.feed_id, w, now, grouping))
            self._remember_bodies(c, writes, ids, now)
            # one event decision per new matched article, in time order (see store.events)
            self._group(c, grouping, now)
            result.new = sum(1 for w in writes if w.action == "new")
            result.updated = sum(1 for w in writes if w.action == "update")
            result.matched = sum(len(w.matches) for w in writes if w.action != "link")
            self._record_poll(c, result)
        return ids

    def _write_article(self, c: sqlite3.Connection, feed_id: int, w: ArticleWrite,
                       now: str, grouping: list[Grouping]) -> int:
        from .. import events  # only a write groups (see store.events)

        if w.action == "link":
            assert w.article_id is not None
            c.execute(
                "INSERT OR IGNORE INTO entries(feed_id, identity, article_id, entry_hash,"
                " first_seen_at) VALUES (?,?,?,?,?)",
                (feed_id, w.identity, w.article_id, w.entry_hash, now))
            return w.article_id
        if w.action == "update":
            assert w.article_id is not None
            c.execute(
                "UPDATE articles SET title=?, summary=?, body=?, author=?, lang=?,"
                " published_at=coalesce(?, published_at), updated_at=?, extraction=?,"
                " wall=?, truncated=?, content_hash=?, url=coalesce(?, url) WHERE id=?",
                (w.title, w.summary, w.body, w.author, w.lang, w.published_at, now,
                 w.extraction, w.wall, w.truncated, w.content_hash, w.url, w.article_id))
            c.execute("UPDATE entries SET entry_hash=? WHERE feed_id=? AND identity=?",
                      (w.entry_hash, feed_id, w.identity))
            article_id = w.article_id
            terms = events.terms_of(w.title, w.body, w.summary, w.lang or "")
            if not self._regroup_updated(c, article_id, terms, now) and w.matches:
                # it matched nothing when it was stored, so it has no story yet
                self._group_ungrouped(c, [article_id], now)
        else:
            cur = c.execute(
                "INSERT INTO articles(feed_id, guid, url, canonical_url, title, summary, body,"
                " author, lang, published_at, fetched_at, extraction, wall, truncated,"
                " content_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT(canonical_url) DO NOTHING",
                (feed_id, w.guid, w.url, w.canonical_url, w.title, w.summary, w.body, w.author,
                 w.lang, w.published_at, now, w.extraction, w.wall, w.truncated,
                 w.content_hash))
            if cur.rowcount == 0:
                # Another feed stored the same URL since we planned (same cycle): link to it.
                w.action = "link"
                w.article_id = c.execute("SELECT id FROM articles WHERE canonical_url = ?",
                                         (w.canonical_url,)).fetchone()[0]
                return self._write_article(c, feed_id, w, now, grouping)
            article_id = int(cur.lastrowid or 0)
            if w.event_terms is not None:  # it matched a rule (see Pipeline._article)
                grouping.append((article_id, events.event_time(w.published_at, now),
                                 w.event_terms, language(w.lang)))
            c.execute(
                "INSERT INTO entries(feed_id, identity, article_id, entry_hash, first_seen_at)"
                " VALUES (?,?,?,?,?)", (feed_id, w.identity, article_id, w.entry_hash, now))
        self._write_matches(c, article_id, w.matches, now)
        return article_id

    @staticmethod
    def _write_matches(c: sqlite3.Connection, article_id: int, matches: Iterable[MatchRecord],
                       now: str) -> int:
        """Insert matches; a rule that already matched this article keeps its row (and so
        never alerts twice), its terms and snippet refreshed."""
        n = 0
        for m in matches:
            cur = c.execute(
                "INSERT INTO matches(article_id, rule_id, priority, terms, snippet, snippets,"
                " backfill, created_at) VALUES (?,?,?,?,?,?,?,?)"
                " ON CONFLICT(article_id, rule_id) DO UPDATE SET terms=excluded.terms,"
                " snippet=excluded.snippet, snippets=excluded.snippets",
                (article_id, m.rule_id, m.priority, dumps(m.terms), m.snippet,
                 dumps(m.snippets), int(m.backfill), now))
            n += cur.rowcount
        return n

    def save_backfill(self, items: Sequence[tuple[int, list[MatchRecord]]], now: str) -> int:
        """Store matches found by checking a new or changed rule against stored articles."""
        n = 0
        with self.transaction() as c:
            for article_id, ms in items:
                for m in ms:
                    m.backfill = True
                    cur = c.execute(
                        "INSERT OR IGNORE INTO matches(article_id, rule_id, priority, terms,"
                        " snippet, snippets, backfill, created_at) VALUES (?,?,?,?,?,?,1,?)",
                        (article_id, m.rule_id, m.priority, dumps(m.terms), m.snippet,
                         dumps(m.snippets), now))
                    n += cur.rowcount
            self._group_ungrouped(c, [article_id for article_id, ms in items if ms], now)
        return n

    def articles_since(self, since: str, *, ids: Sequence[int] | None = None,
                       ) -> Iterable[sqlite3.Row]:
        """Stored articles fetched since ``since`` (with their first feed's name and tags)."""
        sql = ("SELECT a.id, a.title, a.summary, a.body, a.url, a.lang, a.published_at,"
               " a.fetched_at,"
               " f.name AS feed_name, f.tags AS feed_tags FROM articles a"
               " JOIN feeds f ON f.id = a.feed_id WHERE a.fetched_at >= ?")
        params: list[object] = [since]
        if ids is not None:
            sql += f" AND a.id IN ({','.join('?' * len(ids))})"
            params.extend(ids)
        return self.conn.execute(sql + " ORDER BY a.id", params)

    def matched_rule_ids(self) -> set[str]:
        """Every rule id that has matches (rules since removed from the files included)."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT rule_id FROM matches")}

    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("feeds", "articles", "entries", "matches", "fetches", "outbox")}
