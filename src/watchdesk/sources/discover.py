"""A site's address to a source watchdesk can poll (``watchdesk feeds add``).

In order, stopping at the first that works:

1. a Telegram address (``t.me/CHANNEL``) is its preview page ``t.me/s/CHANNEL``;
2. the URL itself, if it is a feed (RSS, Atom, RDF, JSON Feed), a sitemap, or a Telegram
   channel's preview page;
3. the feeds its page announces (``<link rel="alternate">``), in the page's order;
4. the usual places of a site's feed, at the root of its host: :data:`COMMON_PATHS`.

Everything is fetched through ``fetch`` (bounds, address guard: the host the user typed
is allowed, as a feed's own host is) and read by the same readers as a poll
(``kinds.parse_source``, in this process: it runs once, on a bounded body).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from ..errors import ContentError, FetchError
from ..models import ParsedFeed
from ..urls import host_of
from .fetch import Fetcher, Response
from .kinds import parse_source
from .sniff import looks_like
from .telegram import preview_url

COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml",
                "/feed.json")


@dataclass
class Found:
    """What was found: the source's URL and kind, and its first page read."""

    url: str
    kind: str
    parsed: ParsedFeed
    tried: list[str] = field(default_factory=list)   # what was looked at before, and why not


async def _get(fetcher: Fetcher, url: str, allowed: list[str], max_bytes: int) -> Response:
    return await fetcher.get(url, max_bytes=max_bytes, allowed_hosts=allowed)


def _read(resp: Response, kind: str | None,
          select: Mapping[str, str] | None) -> tuple[str, ParsedFeed]:
    """The page read as ``kind``, or as the first kind it turns out to be."""
    if kind is not None:
        return kind, parse_source(kind, resp.body, resp.headers, resp.url, select)
    parsed = parse_source("feed", resp.body, resp.headers, resp.url)
    if parsed.is_feed:
        return "feed", parsed
    other = looks_like(resp.body)
    if other is not None:
        found = parse_source(other, resp.body, resp.headers, resp.url)
        if found.is_feed:
            return other, found
    return "feed", parsed


async def discover(fetcher: Fetcher, url: str, *, max_bytes: int, kind: str | None = None,
                   select: Mapping[str, str] | None = None) -> Found:
    """The source at (or announced by) ``url``. ``kind`` given: read ``url`` as that kind,
    no discovery. Raises FetchError (ContentError when nothing usable was found, saying
    what was tried)."""
    if kind in (None, "telegram"):
        preview = preview_url(url)
        if preview != url or urlsplit(url).hostname in ("t.me", "telegram.me"):
            kind, url = "telegram", preview
    allowed = [host_of(url)]
    resp = await _get(fetcher, url, allowed, max_bytes)
    allowed.append(host_of(resp.url))
    found_kind, parsed = _read(resp, kind, select)
    if parsed.is_feed or kind is not None:
        if not parsed.is_feed:
            raise ContentError(f"{resp.url} is not a {kind} source: {parsed.bozo}")
        return Found(resp.url, found_kind, parsed)
    tried = [f"{resp.url}: {'an HTML page' if parsed.html else parsed.bozo}"]
    parts = urlsplit(resp.url)
    root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    candidates = list(dict.fromkeys([*parsed.alternates, *(root + p for p in COMMON_PATHS)]))
    for candidate in candidates:
        try:
            page = await _get(fetcher, candidate, allowed, max_bytes)
        except FetchError as e:
            tried.append(f"{candidate}: {type(e).__name__}: {e}")
            continue
        found_kind, found = _read(page, None, None)
        if found.is_feed and found_kind == "feed":
            return Found(page.url, "feed", found, tried)
        tried.append(f"{candidate}: not a feed")
    raise ContentError("no feed found at " + url + ". Tried: " + "; ".join(tried))
