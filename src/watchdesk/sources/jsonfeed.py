"""JSON Feed 1.1 (and 1.0): bytes to the same ``ParsedFeed`` as RSS and Atom (pure).

Recognised wherever a feed is expected (``parse.parse_feed`` asks :func:`is_json_feed`
first): by its content type ``application/feed+json``, or by a JSON object whose
``version`` starts with ``https://jsonfeed.org/version/`` (servers often say
``application/json``). Its HTML is reduced to plain text like feedparser's entries.
https://www.jsonfeed.org/version/1.1/
"""

from __future__ import annotations

import json
from typing import Any

from ..models import Entry, ParsedFeed
from .dates import iso_date

VERSION_PREFIX = "https://jsonfeed.org/version/"


def _object(body: bytes) -> dict[str, Any] | None:
    head = body[:64].lstrip()
    if not head.startswith((b"{", b"\xef\xbb\xbf")):
        return None
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def is_json_feed(body: bytes, headers: dict[str, str]) -> bool:
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if "application/feed+json" in ctype.lower():
        return True
    if "json" not in ctype.lower() and not body[:64].lstrip().startswith(b"{"):
        return False
    data = _object(body)
    return data is not None and str(data.get("version", "")).startswith(VERSION_PREFIX)


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _author(item: dict[str, Any], feed: dict[str, Any]) -> str | None:
    for source in (item, feed):
        authors = source.get("authors")
        if isinstance(authors, list):
            names = [a["name"].strip() for a in authors
                     if isinstance(a, dict) and isinstance(a.get("name"), str)]
            if names:
                return ", ".join(names)[:300]
        one = source.get("author")  # JSON Feed 1.0
        if isinstance(one, dict) and isinstance(one.get("name"), str):
            return str(one["name"]).strip()[:300] or None
    return None


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """A JSON Feed as entries; a body that is not one is ``is_feed=False`` (never raises)."""
    from .parse import html_to_text  # parse imports this module

    data = _object(body)
    if data is None or not isinstance(data.get("items"), list):
        return ParsedFeed(title=None, link=None, entries=[], is_feed=False,
                          bozo="not a JSON Feed (no 'items' list)")
    entries = []
    skipped = 0
    for item in data["items"]:
        if not isinstance(item, dict):
            skipped += 1
            continue
        link = _text(item.get("url"), 2000) or _text(item.get("external_url"), 2000) or None
        guid = item.get("id")
        content = html_to_text(_text(item.get("content_html"), 2_000_000)) or _text(
            item.get("content_text"), 2_000_000)
        summary = _text(item.get("summary"), 5000)
        entries.append(Entry(
            guid=str(guid).strip()[:2000] or None if guid is not None else None,
            link=link, title=html_to_text(_text(item.get("title"), 2000))[:1000],
            summary=html_to_text(summary)[:5000], content=content,
            author=_author(item, data),
            published_at=iso_date(_text(item.get("date_published"), 64)
                                  or _text(item.get("date_modified"), 64))))
    bozo = f"{skipped} item(s) that are not objects were skipped" if skipped else None
    return ParsedFeed(title=_text(data.get("title"), 1000) or None,
                      link=_text(data.get("home_page_url"), 2000) or None, entries=entries,
                      bozo=bozo, language=_text(data.get("language"), 35) or None)
