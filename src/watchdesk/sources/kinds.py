"""The kinds of source and the reader of each: bytes and headers in, entries out (pure; runs
in a worker process).

======== ================================================ ==================================
kind     what the URL gives                               entries
======== ================================================ ==================================
feed     RSS, Atom, RDF or JSON Feed (or a page linking   the feed's items (``parse``,
         to one: discovery)                               ``jsonfeed``)
sitemap  a news sitemap, or a sitemap index               its URLs (``sitemap``)
html     a listing page of headlines, read with ``select``  its links (``listing``)
telegram a public channel's preview, t.me/s/CHANNEL       its messages (``telegram``)
======== ================================================ ==================================
"""

from __future__ import annotations

from collections.abc import Mapping

from ..models import ParsedFeed
from . import KINDS
from .listing import parse_listing
from .parse import parse_feed
from .sitemap import parse_sitemap
from .telegram import parse_channel

__all__ = ["KINDS", "parse_source"]


def parse_source(kind: str, body: bytes, headers: dict[str, str], url: str,
                 select: Mapping[str, str] | None = None) -> ParsedFeed:
    """Read one downloaded page of a source of ``kind``. Never raises on bad input."""
    if kind == "sitemap":
        return parse_sitemap(body, url)
    if kind == "html":
        return parse_listing(body, url, select or {})
    if kind == "telegram":
        return parse_channel(body, url)
    return parse_feed(body, headers, url)
