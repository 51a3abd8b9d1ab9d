"""Articles, entries and matches: look-ups for the identity decision, and the per-feed batch."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TypeVar

from .. import stories
from ..models import ArticleWrite, MatchRecord, PollResult
from .base import StoreBase, dumps, iso, parse_iso
from .feeds import FeedsMixin

T = TypeVar("T")
STORY_WINDOW = timedelta(days=3)  # a story is linked to articles stored this recently


def _chunks(items: Sequence[T], n: int = 500) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


class ArticlesMixin(FeedsMixin, StoreBase):
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
            if any(w.story_sig for w in writes):
                self._prune_stories(c, now)
            for w in writes:
                ids.append(self._write_article(c, result.feed_id, w, now))
            result.new = sum(1 for w in writes if w.action == "new")
            result.updated = sum(1 for w in writes if w.action == "update")
            result.matched = sum(len(w.matches) for w in writes if w.action != "link")
            self._record_poll(c, result)
        return ids

    def _write_article(self, c: sqlite3.Connection, feed_id: int, w: ArticleWrite,
                       now: str) -> int:
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
                " content_hash=?, url=coalesce(?, url) WHERE id=?",
                (w.title, w.summary, w.body, w.author, w.lang, w.published_at, now,
                 w.extraction, w.content_hash, w.url, w.article_id))
            c.execute("UPDATE entries SET entry_hash=? WHERE feed_id=? AND identity=?",
                      (w.entry_hash, feed_id, w.identity))
            article_id = w.article_id
            if w.matches:  # it may not have matched when it was stored: then it has no story
                self._link_unsigned(c, [article_id], now)
        else:
            cur = c.execute(
                "INSERT INTO articles(feed_id, guid, url, canonical_url, title, summary, body,"
                " author, lang, published_at, fetched_at, extraction, content_hash)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(canonical_url) DO NOTHING",
                (feed_id, w.guid, w.url, w.canonical_url, w.title, w.summary, w.body, w.author,
                 w.lang, w.published_at, now, w.extraction, w.content_hash))
            if cur.rowcount == 0:
                # Another feed stored the same URL since we planned (same cycle): link to it.
                w.action = "link"
                w.article_id = c.execute("SELECT id FROM articles WHERE canonical_url = ?",
                                         (w.canonical_url,)).fetchone()[0]
                return self._write_article(c, feed_id, w, now)
            article_id = int(cur.lastrowid or 0)
            if w.story_sig:  # signed: it matched a rule (see Pipeline._article)
                self._link(c, article_id, w.story_sig, now)
            c.execute(
                "INSERT INTO entries(feed_id, identity, article_id, entry_hash, first_seen_at)"
                " VALUES (?,?,?,?,?)", (feed_id, w.identity, article_id, w.entry_hash, now))
        self._write_matches(c, article_id, w.matches, now)
        return article_id

    @classmethod
    def _link(cls, c: sqlite3.Connection, article_id: int, sig: Sequence[int],
              now: str) -> None:
        story_id = cls._story(c, article_id, sig, now)
        c.execute("UPDATE articles SET story_id=? WHERE id=?", (story_id, article_id))

    @staticmethod
    def _story(c: sqlite3.Connection, article_id: int, sig: Sequence[int] | None,
               now: str) -> int:
        """The story a new article belongs to (a recent near-duplicate's, else its own), and
        its signature recorded for the articles to come."""
        if not sig:
            return article_id
        keys = sorted(set(stories.band_keys(sig)))
        text = stories.dumps(sig)
        # Which recent articles to compare it with (the costly part of storing an article):
        # - those sharing at least two band keys: a near-duplicate shares ~32 s^2 bands (6-7
        #   at the threshold; one or none 0.6% of the time), an unrelated article one at most;
        # - of those, the CANDIDATES sharing the most;
        # - and per band key, only the BAND_DEPTH most recent articles holding it. A common
        #   trigram that hashes low makes a band key shared by thousands of unrelated
        #   articles (one in six of 6,000 on the bench corpus): reading them all made the
        #   cost grow with the window (2.3 ms per article at 6,000). A near-duplicate older
        #   than that still shares its other, rarer, bands.
        # Signatures are compared as their decimal strings (dumps writes each value in its
        # one canonical form), not parsed back to integers. Candidates come in article
        # order, so ties on similarity go to the most recent article.
        per_band = " UNION ALL ".join(
            ["SELECT * FROM (SELECT article_id FROM story_bands WHERE band = ?"
             " ORDER BY article_id DESC LIMIT ?)"] * len(keys))
        params: list[int] = []
        for k in keys:
            params += (k, stories.BAND_DEPTH)
        candidates = [(r[0], r[1].split()) for r in c.execute(
            f"SELECT s.story_id, s.sig FROM story_sigs s JOIN"
            f" (SELECT article_id FROM ({per_band}) GROUP BY article_id HAVING count(*) > 1"
            f" ORDER BY count(*) DESC, article_id DESC LIMIT ?) b"
            f" ON b.article_id = s.article_id ORDER BY s.article_id",
            (*params, stories.CANDIDATES))]
        story_id = stories.pick_story(text.split(), candidates) or article_id
        c.execute("INSERT OR REPLACE INTO story_sigs(article_id, story_id, sig, created_at)"
                  " VALUES (?,?,?,?)", (article_id, story_id, text, now))
        c.executemany("INSERT INTO story_bands(band, article_id) VALUES (?,?)",
                      [(k, article_id) for k in keys])
        return story_id

    @staticmethod
    def _prune_stories(c: sqlite3.Connection, now: str) -> None:
        when = parse_iso(now)
        if when is None:
            return
        cutoff = iso(when - STORY_WINDOW)
        c.execute("DELETE FROM story_bands WHERE article_id IN"
                  " (SELECT article_id FROM story_sigs WHERE created_at < ?)", (cutoff,))
        c.execute("DELETE FROM story_sigs WHERE created_at < ?", (cutoff,))

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
            self._link_unsigned(c, [article_id for article_id, ms in items if ms], now)
        return n

    def _link_unsigned(self, c: sqlite3.Connection, article_ids: Sequence[int],
                       now: str) -> None:
        """Articles that matched no rule when stored have no story (see Pipeline._article):
        once a rule matches them (backfill, or an update), those of the story window get
        theirs, as if new."""
        when = parse_iso(now)
        if not article_ids or when is None:
            return
        since = iso(when - STORY_WINDOW)
        for chunk in _chunks(article_ids):
            rows = c.execute(
                f"SELECT a.id, a.title, a.body, a.summary FROM articles a"
                f" WHERE a.id IN ({','.join('?' * len(chunk))}) AND a.fetched_at >= ?"
                f" AND NOT EXISTS (SELECT 1 FROM story_sigs s WHERE s.article_id = a.id)"
                f" ORDER BY a.id", (*chunk, since)).fetchall()
            for article_id, title, body, summary in rows:
                sig = stories.sign_article(title, body, summary)
                if sig:
                    self._link(c, article_id, sig, now)

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

    def matches_since(self, since: str, *, rule_id: str | None = None) -> list[sqlite3.Row]:
        sql = ("SELECT m.*, a.title, a.url, a.published_at, a.fetched_at, a.extraction,"
               " a.story_id, f.name AS feed_name FROM matches m"
               " JOIN articles a ON a.id = m.article_id JOIN feeds f ON f.id = a.feed_id"
               " WHERE m.created_at >= ?")
        params: list[object] = [since]
        if rule_id:
            sql += " AND m.rule_id = ?"
            params.append(rule_id)
        return self.query(sql + " ORDER BY m.created_at DESC, m.id DESC", params)

    def matched_rule_ids(self) -> set[str]:
        """Every rule id that has matches (rules since removed from the files included)."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT rule_id FROM matches")}

    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("feeds", "articles", "entries", "matches", "fetches", "outbox")}
