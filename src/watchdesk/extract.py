"""Article extraction: an article page's HTML in, its body text and metadata out.

Runs in a worker process (see ``workers``). trafilatura, called as a library, applies neither
its size limit nor its timeout (measured: a 19 MB page took 3 s and ~500 MB), so the bounds are
ours: the HTML is cut at ``MAX_HTML`` bytes, the tree at ``MAX_TREE`` elements, and the worker
process itself has a time and memory limit.

Options: ``favor_precision`` and no comments/tables keep navigation, "read also" boxes, link
lists and comment threads out of the body: they are the main source of false rule matches.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import trafilatura
from trafilatura.settings import use_config

from .models import Extracted

MAX_HTML = 3 * 1024 * 1024
MAX_TREE = 60_000

_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE))
_CONFIG.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")  # the feed gives the date


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(body: bytes, content_type: str = "") -> str:
    """Text of an HTML page: charset from the HTTP header, else from <meta>, else UTF-8 if it
    decodes, else Windows-1252 (what browsers assume)."""
    candidates = []
    m = re.search(r"charset=[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    if m:
        candidates.append(m.group(1))
    m2 = _META_CHARSET.search(body[:4096])
    if m2:
        candidates.append(m2.group(1).decode("ascii"))
    for name in candidates:
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        return body.decode(name, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def extract_page(html: bytes, url: str, content_type: str = "") -> Extracted | None:
    """Body and metadata of an article page, or None when no article text was found."""
    doc: Any = trafilatura.bare_extraction(
        decode_html(html[:MAX_HTML], content_type), url=url, include_comments=False,
        include_tables=False,
        include_images=False, include_links=False, favor_precision=True, with_metadata=True,
        deduplicate=False, config=_CONFIG)
    if doc is None:
        return None
    body = (getattr(doc, "text", None) or "").strip()
    if not body:
        return None
    return Extracted(
        body=body,
        title=getattr(doc, "title", None) or None,
        author=getattr(doc, "author", None) or None,
        date=getattr(doc, "date", None) or None,
        lang=getattr(doc, "language", None) or None,
        description=getattr(doc, "description", None) or None,
    )
