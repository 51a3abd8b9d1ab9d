"""Trying rules and queries on articles: `watchdesk search` and `watchdesk rules test`.

The same language as the watch rules, over stored articles, local files or a page fetched now.
For stored articles the FTS5 index narrows the candidates (``fts_prefilter``), and the rule
matcher decides, so results are exactly what the daemon would have matched.

Over a large archive the candidates of a broad query are thousands (a desk's beat is often a
tenth of what it stores), and the matcher reads each (~0.4-0.8 ms). So the candidates are
found first as ids only (``Candidates``: newest first, their count known before any text
is read), their text is read in small batches as they are matched, and the hits beyond those
listed are counted by reading at most ``CHECK`` candidates in all (``search_counted``):
beyond, their number is an estimate, and said to be one (``Beyond``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config.settings import Settings
from .prefilter import Vocabulary, fts_expression, prefilter
from .rules import Document, Match, Query, Rule, RuleSet
from .store import Store
from .urls import host_of


def fts_prefilter(query: Query, vocab: Vocabulary | None = None) -> str | None:
    """The FTS5 expression that narrows the articles ``query`` can match (see prefilter)."""
    return fts_expression(query.root, vocab)


@dataclass
class Target:
    """Something to match: a stored article, a local file or a fetched page."""

    label: str                 # title, or file name / URL
    doc: Document
    url: str | None = None
    article_id: int | None = None
    feed: str | None = None
    tags: tuple[str, ...] = ()
    when: str | None = None          # when it was fetched (stored articles)
    published_at: str | None = None  # its publication date, when the feed gave one


@dataclass
class Hit:
    target: Target
    matches: list[Match] = field(default_factory=list)


_TARGET_SQL = ("SELECT a.id, a.title, a.summary, a.body, a.url, a.lang, a.fetched_at,"
               " a.published_at, f.name AS feed, f.tags FROM articles a"
               " JOIN feeds f ON f.id = a.feed_id WHERE a.id IN (SELECT value FROM json_each(?))")
BATCH = 32   # candidates whose text is read at a time


class Candidates:
    """Stored articles to match, newest first (fetch time, then id): their ids at once, their
    text read ``BATCH`` at a time as the iteration reaches them, so a search that stops
    early reads no more than it matched. ``len()`` is their number."""

    def __init__(self, store: Store, ids: Sequence[int]) -> None:
        self.store = store
        self.ids = list(ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[Target]:
        for i in range(0, len(self.ids), BATCH):
            chunk = self.ids[i:i + BATCH]
            rows = {r["id"]: r for r in self.store.conn.execute(_TARGET_SQL,
                                                                (json.dumps(chunk),))}
            for article_id in chunk:
                r = rows.get(article_id)
                if r is None:   # deleted meanwhile (retention, by the daemon)
                    continue
                yield Target(label=r["title"] or r["url"] or f"article {r['id']}",
                             doc=Document(r["title"], r["summary"], r["body"], r["lang"],
                                          r["url"]),
                             url=r["url"], article_id=r["id"], feed=r["feed"],
                             tags=tuple(json.loads(r["tags"])), when=r["fetched_at"],
                             published_at=r["published_at"])


def stored_targets(store: Store, since: str, *, query: Query | None = None,
                   rules: Sequence[Rule] | None = None, limit: int | None = None,
                   ids: Sequence[int] | None = None) -> Candidates:
    """Stored articles fetched since ``since``, newest first; narrowed (see
    :mod:`watchdesk.prefilter`) to what ``query`` or any of ``rules`` may match, or to the
    articles ``ids`` (those the analysts judged).

    The full-text index is asked only for articles from the first one fetched since
    ``since`` on (a rowid bound: ids grow with time, so the index reads the window's part of
    each word's list, not a year's), and the ids are sorted without their text."""
    roots = [query.root] if query is not None else [
        r.compiled.root for r in rules or () if r.enabled and r.compiled is not None]
    first_id = None
    if query is not None or rules:
        # min(+id): the fetch-time index's range, not a walk of the table in id order
        row = store.conn.execute("SELECT min(+id) FROM articles WHERE fetched_at >= ?",
                                 (since,)).fetchone()
        if row[0] is None:
            return Candidates(store, [])
        first_id = int(row[0])
    narrow = (prefilter(roots, Vocabulary(store.conn), first_id=first_id)
              if query is not None or rules else None)
    sql = ("SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id"
           " WHERE a.fetched_at >= ?")
    params: list[object] = [since]
    if narrow is not None:
        sql += "".join(f" AND {cond}" for cond in narrow.sql)
        params += narrow.params
    if ids is not None:
        sql += " AND a.id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(set(ids))))
    sql += " ORDER BY a.fetched_at DESC, a.id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return Candidates(store, [r[0] for r in store.conn.execute(sql, params)])


def count_stored(store: Store, since: str) -> int:
    """How many articles were fetched since ``since`` (what a search or test looked at)."""
    row = store.conn.execute("SELECT count(*) FROM articles WHERE fetched_at >= ?",
                             (since,)).fetchone()
    return int(row[0])


def file_target(path: Path) -> Target:
    """A local HTML page (extracted like a fetched page) or a text file (title = first line)."""
    from .extract.page import decode_html, extract_page  # trafilatura: only when a file is read
    from .sources.parse import html_to_text

    raw = path.read_bytes()
    head = raw[:2048].lower()
    if path.suffix.lower() in (".html", ".htm") or b"<html" in head or b"<!doctype" in head:
        ex = extract_page(raw, path.resolve().as_uri())
        title = (ex.title if ex else None) or path.name
        body = ex.body if ex else html_to_text(decode_html(raw))
        return Target(label=f"{path}: {title}", doc=Document(title, "", body))
    text = raw.decode("utf-8", errors="replace")
    first, _, rest = text.strip().partition("\n")
    return Target(label=f"{path}: {first[:80]}", doc=Document(first.strip(), "", rest.strip()))


def url_target(settings: Settings, url: str) -> Target:
    """A page fetched now, through the same bounded, guarded fetcher as the daemon (the host
    you typed is allowed, as a feed's own host is)."""

    from . import eventloop
    from .extract.page import extract_page
    from .sources.fetch import PAGE_ACCEPT, Fetcher

    async def go() -> Target:
        async with Fetcher(settings) as f:
            page = await f.get(url, max_bytes=settings.max_page_bytes,
                               allowed_hosts=[host_of(url)], accept=PAGE_ACCEPT)
        ex = extract_page(page.body, page.url, page.headers.get("content-type", ""))
        title = (ex.title if ex else None) or url
        body = ex.body if ex else ""
        return Target(label=title, doc=Document(title, ex.description or "" if ex else "",
                                                body), url=page.url)

    return eventloop.run(go())


Removed = dict[str, list[tuple[Target, tuple[str, ...]]]]  # rule id -> (article, terms)


def run_rules(rules: Sequence[Rule], targets: Iterable[Target], *, respect_feeds: bool = True,
              ) -> tuple[list[Hit], dict[str, int], Removed]:
    """The hits of ``rules`` among ``targets``, the matches per enabled rule, and the
    articles each rule's exclusion removed (with the exclusion terms that did it)."""
    rs = RuleSet(rules)
    hits = []
    counts = {r.id: 0 for r in rules if r.enabled}
    excluded: Removed = {}
    for t in targets:
        removed: list[tuple[str, tuple[str, ...]]] = []
        ms = rs.match(t.doc, t.feed if respect_feeds else None, t.tags, excluded=removed)
        for m in ms:
            counts[m.rule_id] += 1
        for rid, terms in removed:
            excluded.setdefault(rid, []).append((t, terms))
        if ms:
            hits.append(Hit(t, ms))
    return hits, counts, excluded


def run_query(query: Query, targets: Iterable[Target]) -> list[Hit]:
    """The hits of ``query`` among ``targets``, in their order."""
    hits = []
    for t in targets:
        m = query.matches(t.doc, t.feed, t.tags)
        if m is not None:
            hits.append(Hit(t, [m]))
    return hits


CHECK = 150   # candidates the matcher reads in all to count the hits beyond those listed


@dataclass(frozen=True)
class Beyond:
    """The hits beyond those listed. ``found`` of them among the ``checked`` candidates read
    (``hits`` matched among those, the listed ones included); ``unchecked`` candidates
    were not read (0: ``found`` is the exact number). ``estimate``: ``found`` plus the
    unread candidates times the share of hits among those read."""

    found: int
    checked: int
    hits: int
    unchecked: int

    @property
    def exact(self) -> bool:
        return self.unchecked == 0

    @property
    def estimate(self) -> int:
        if self.exact or not self.checked:
            return self.found
        return self.found + round(self.unchecked * self.hits / self.checked)


def search_counted(query: Query, targets: Candidates | Sequence[Target], limit: int,
                   check: int = CHECK) -> tuple[list[Hit], Beyond]:
    """The first ``limit`` hits among ``targets`` (matched: terms and snippets), and the
    hits beyond: only tested, and only until ``check`` candidates were read in all (the
    listing may read more: it goes on until it has ``limit`` hits or none are left)."""
    hits: list[Hit] = []
    found = checked = 0
    unchecked = 0
    for t in targets:
        if len(hits) >= limit and checked >= check:
            unchecked = max(1, len(targets) - checked)   # this one at least
            break
        if len(hits) < limit:
            m = query.matches(t.doc, t.feed, t.tags)
            if m is not None:
                hits.append(Hit(t, [m]))
        elif query.test(t.doc, t.feed, t.tags):
            found += 1
        checked += 1
    return hits, Beyond(found, checked, len(hits) + found, unchecked)


@dataclass
class Diff:
    """What a changed rule gains and loses against the version the daemon runs."""

    rule_id: str
    gained: list[Target]
    lost: list[Target]
    kept: int


def compare(new_rules: Sequence[Rule], running: dict[str, Rule],
            targets: Sequence[Target]) -> list[Diff]:
    out = []
    for rule in new_rules:
        old = running.get(rule.id)
        if old is None or old.version == rule.version:
            continue
        new_set, old_set = RuleSet([rule]), RuleSet([old])
        gained, lost, kept = [], [], 0
        for t in targets:
            a = bool(new_set.match(t.doc, t.feed, t.tags))
            b = bool(old_set.match(t.doc, t.feed, t.tags))
            if a and not b:
                gained.append(t)
            elif b and not a:
                lost.append(t)
            elif a and b:
                kept += 1
        out.append(Diff(rule.id, gained, lost, kept))
    return out


def hit_json(hit: Hit) -> dict[str, object]:
    t = hit.target
    return {
        "title": t.doc.title, "label": t.label, "url": t.url, "article_id": t.article_id,
        "feed": t.feed, "published_at": t.published_at, "fetched_at": t.when,
        "lang": t.doc.lang,
        "matches": [{"rule_id": m.rule_id, "terms": list(m.terms),
                     "spellings": {t: list(w) for t, w in m.spellings.items()},
                     "snippets": {f: s.as_json() for f, s in m.snippets.items()}}
                    for m in hit.matches],
    }
