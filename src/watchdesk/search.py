"""Trying rules and queries on articles: `watchdesk search` and `watchdesk rules test`.

The same language as the watch rules, over stored articles, local files or a page fetched now.
For stored articles the FTS5 index narrows the candidates (``fts_prefilter``), and the rule
matcher decides, so results are exactly what the daemon would have matched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import eventloop
from .prefilter import Vocabulary, fts_expression, prefilter
from .rules import Document, Match, Query, Rule, RuleSet
from .settings import Settings
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
    when: str | None = None


@dataclass
class Hit:
    target: Target
    matches: list[Match] = field(default_factory=list)


def stored_targets(store: Store, since: str, *, query: Query | None = None,
                   rules: Sequence[Rule] | None = None, limit: int | None = None
                   ) -> Iterator[Target]:
    """Stored articles fetched since ``since``, newest first; narrowed (see
    :mod:`watchdesk.prefilter`) to what ``query`` or any of ``rules`` may match."""
    roots = [query.root] if query is not None else [
        r.compiled.root for r in rules or () if r.enabled and r.compiled is not None]
    narrow = prefilter(roots, Vocabulary(store.conn)) if query is not None or rules else None
    sql = ("SELECT a.id, a.title, a.summary, a.body, a.url, a.lang, a.fetched_at,"
           " f.name AS feed, f.tags FROM articles a JOIN feeds f ON f.id = a.feed_id"
           " WHERE a.fetched_at >= ?")
    params: list[object] = [since]
    if narrow is not None:
        sql += "".join(f" AND {cond}" for cond in narrow.sql)
        params += narrow.params
    sql += " ORDER BY a.fetched_at DESC, a.id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    for r in store.conn.execute(sql, params):
        yield Target(label=r["title"] or r["url"] or f"article {r['id']}",
                     doc=Document(r["title"], r["summary"], r["body"], r["lang"], r["url"]),
                     url=r["url"], article_id=r["id"], feed=r["feed"],
                     tags=tuple(json.loads(r["tags"])), when=r["fetched_at"])


def count_stored(store: Store, since: str) -> int:
    """How many articles were fetched since ``since`` (what a search or test looked at)."""
    row = store.conn.execute("SELECT count(*) FROM articles WHERE fetched_at >= ?",
                             (since,)).fetchone()
    return int(row[0])


def file_target(path: Path) -> Target:
    """A local HTML page (extracted like a fetched page) or a text file (title = first line)."""
    from .extract import decode_html, extract_page  # trafilatura: only when a file is read
    from .parse import html_to_text

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

    from .extract import extract_page
    from .fetch import PAGE_ACCEPT, Fetcher

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


def search_stored(query: Query, targets: Iterable[Target], limit: int) -> tuple[list[Hit], int]:
    """The first ``limit`` hits, and how many more match: those are only tested (no terms,
    no snippets), which is most of the cost of a match."""
    hits: list[Hit] = []
    more = 0
    for t in targets:
        if len(hits) < limit:
            m = query.matches(t.doc, t.feed, t.tags)
            if m is not None:
                hits.append(Hit(t, [m]))
        elif query.test(t.doc, t.feed, t.tags):
            more += 1
    return hits, more


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
        "feed": t.feed, "fetched_at": t.when,
        "matches": [{"rule_id": m.rule_id, "terms": list(m.terms),
                     "spellings": {t: list(w) for t, w in m.spellings.items()},
                     "snippets": {f: s.as_json() for f, s in m.snippets.items()}}
                    for m in hit.matches],
    }
