"""Pages beyond the first: what a source's first page points to (``ParsedFeed.more``).

- ``sitemap``: a sitemap index's most recent children (``sitemap.MAX_CHILDREN``), one level
  deep, read every poll (the index itself is fetched with a conditional GET; when it has
  not changed, nothing is read). A child that fails is a warning; all of them failing is
  the poll's error.
- ``telegram``: the channel's "before" pages, back until a page holds a message already
  stored (``known``), or ``limit`` messages, or :data:`MAX_PAGES` pages. On the first poll
  nothing is known: it reads back to ``limit``; later, the latest page (about 20 messages)
  usually holds a known one and nothing more is read, but a busy hour between two polls is
  read back to where the last poll stopped.

The caller passes ``read_page``: fetch one URL (through ``fetch``, within its bounds and
address guard) and parse it as the same kind, in a worker. Entries are merged without
duplicates (by identity), newest first.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from ..errors import ContentError, FetchError
from ..models import Entry, ParsedFeed

log = logging.getLogger("watchdesk.poll")

MAX_PAGES = 20  # "before" pages read on a Telegram channel's first poll

ReadPage = Callable[[str], Awaitable[ParsedFeed]]
Known = Callable[[Sequence[Entry]], bool]   # is any of these entries already stored?


def _key(e: Entry) -> str:
    return e.guid or e.link or e.title


def _merge(into: list[Entry], more: list[Entry], seen: set[str]) -> int:
    n = 0
    for e in more:
        if _key(e) not in seen:
            seen.add(_key(e))
            into.append(e)
            n += 1
    return n


def _newest_first(entries: list[Entry]) -> list[Entry]:
    dated = sorted((e for e in entries if e.published_at), key=lambda e: e.published_at or "",
                   reverse=True)
    return dated + [e for e in entries if not e.published_at]


async def follow(kind: str, first: ParsedFeed, read_page: ReadPage, *, known: Known,
                 limit: int) -> ParsedFeed:
    """``first`` with the entries of the pages it points to, as its kind wants."""
    if kind == "sitemap" and first.more:
        return await _children(first, read_page)
    if kind == "telegram" and first.more and not known(first.entries):
        return await _older(first, read_page, limit, known)
    return first


async def _children(index: ParsedFeed, read_page: ReadPage) -> ParsedFeed:
    entries: list[Entry] = []
    seen: set[str] = set()
    warnings = list(index.warnings)
    errors: list[str] = []
    language = None
    for url in index.more:
        try:
            page = await read_page(url)
        except FetchError as e:
            errors.append(f"{url}: {type(e).__name__}: {e}")
            continue
        if not page.is_feed:
            errors.append(f"{url}: {page.bozo}")
            continue
        if page.more:
            warnings.append(f"{url} is itself a sitemap index: not followed (one level only)")
        _merge(entries, page.entries, seen)
        warnings.extend(f"{url}: {w}" for w in page.warnings)
        language = language or page.language
    if errors and len(errors) == len(index.more):
        raise ContentError(f"no sitemap of the index could be read; first: {errors[0]}")
    warnings.extend(f"sitemap not read: {e}" for e in errors)
    return ParsedFeed(title=index.title, link=index.link, entries=_newest_first(entries),
                      warnings=warnings, language=language)


async def _older(latest: ParsedFeed, read_page: ReadPage, limit: int,
                 known: Known) -> ParsedFeed:
    entries = list(latest.entries)
    seen = {_key(e) for e in entries}
    warnings = list(latest.warnings)
    visited: set[str] = set()
    nxt = latest.more[0] if latest.more else None
    pages = 0
    while nxt and nxt not in visited and len(entries) < limit and pages < MAX_PAGES:
        visited.add(nxt)
        pages += 1
        try:
            page = await read_page(nxt)
        except FetchError as e:
            warnings.append(f"older messages not read: {type(e).__name__}: {e}")
            break
        if not page.is_feed or not _merge(entries, page.entries, seen):
            break  # nothing new: the end of the channel, or a page that goes round
        if known(page.entries):
            break  # back where the last poll was
        nxt = page.more[0] if page.more else None
    log.debug("telegram: %d page(s) back, %d messages", pages, len(entries))
    # pages come newest first, each newest first: kept in that order, so that an undated
    # message (a date Telegram did not print) keeps its place
    return ParsedFeed(title=latest.title, link=latest.link, entries=entries[:limit],
                      warnings=warnings,
                      language=latest.language)
