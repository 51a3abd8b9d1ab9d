"""Which feed entries are new, changed or already known (pure: no I/O, no clock).

An entry's identity is, in order of preference:

1. its GUID (Atom id / RSS guid) within its feed,
2. else its canonical URL (see ``urls.canonical_url``),
3. else a hash of its title and link.

Identity decides what is *the same entry of the same feed*; the canonical URL decides what is
*the same article*, across feeds and across GUID changes: an entry whose identity is new but
whose URL we already stored is linked to that article instead of stored again. That is also
what keeps feeds that mint a new GUID on every poll from creating duplicates.

An entry whose identity is known but whose content hash (title, link, summary, content;
never dates, which some feeds rewrite on every poll) changed is an update: re-fetched,
re-extracted and re-matched in place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .models import Entry
from .urls import canonical_url


def _h(*parts: str | None) -> str:
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode(), usedforsecurity=False
                        ).hexdigest()


def entry_identity(entry: Entry) -> str:
    if entry.guid:
        return "guid:" + entry.guid[:500]
    url = canonical_url(entry.link) if entry.link else None
    if url:
        return "url:" + url
    return "hash:" + _h(entry.title, entry.link)


def entry_hash(entry: Entry) -> str:
    return _h(entry.title, entry.link, entry.summary, entry.content)


@dataclass
class Decision:
    entry: Entry
    identity: str
    entry_hash: str
    canonical_url: str | None
    action: str                    # new | update | link | skip
    article_id: int | None = None


def entry_keys(entries: Sequence[Entry]) -> tuple[list[str], list[str]]:
    """Identities and canonical URLs to look up before ``plan``."""
    ids = [entry_identity(e) for e in entries]
    urls = [u for e in entries if e.link and (u := canonical_url(e.link))]
    return ids, urls


def plan(entries: Sequence[Entry], known: Mapping[str, tuple[int, str]],
         known_urls: Mapping[str, tuple[int, bool]]) -> list[Decision]:
    """Decide what to do with each entry.

    ``known``: identity -> (article_id, entry_hash) for this feed's entries already stored.
    ``known_urls``: canonical URL -> (article_id, already linked to this feed).
    """
    out: list[Decision] = []
    seen_ids: set[str] = set()
    seen_urls: set[str] = set()
    for e in entries:
        ident = entry_identity(e)
        h = entry_hash(e)
        url = canonical_url(e.link) if e.link else None
        if ident in seen_ids or (url and url in seen_urls):
            continue  # the same entry twice in one document
        seen_ids.add(ident)
        if url:
            seen_urls.add(url)
        if ident in known:
            article_id, old_hash = known[ident]
            action = "skip" if old_hash == h else "update"
            out.append(Decision(e, ident, h, url, action, article_id))
        elif url and url in known_urls:
            article_id, linked_here = known_urls[url]
            out.append(Decision(e, ident, h, url, "skip" if linked_here else "link", article_id))
        else:
            out.append(Decision(e, ident, h, url, "new"))
    return out


def content_hash(title: str, body: str) -> str:
    return _h(title, body)
