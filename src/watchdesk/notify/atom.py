"""Atom feeds (RFC 4287) of what the rules matched: one per rule, one of the urgent alerts.

``rule_feed`` and ``urgent_feed`` are pure: store rows in, the XML document out (bytes). The
web interface serves the first at ``/rules/<id>.atom``; ``write_feeds`` (behind
``watchdesk feeds-out DIR``) writes them as ``DIR/rules/<id>.atom`` and ``DIR/urgent.atom``,
each replaced atomically, for any web server to serve with the same paths.

An entry is an article matched by the rule: its headline, its link (only http/https), the
event's sources and the matched words in the summary, the feed as author, the rule as
category; with ``WATCHDESK_WEB_URL`` set, a ``related`` link to the event's page. Feed text
is hostile: ElementTree escapes markup, and characters XML 1.0 forbids (control characters,
lone surrogates) are removed, so readers never see a broken document. Entry ids are
``urn:uuid`` derived from (feed, article): stable across runs, so readers do not show an
entry twice.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import files
from ..dates import iso
from .clean import clean_text, safe_url

if TYPE_CHECKING:
    from ..store import Store

ATOM = "http://www.w3.org/2005/Atom"
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
URGENT = "urgent"

ET.register_namespace("", ATOM)


def _text(value: object, limit: int = 1000) -> str:
    return _INVALID_XML.sub("", clean_text(str(value or ""), limit))


def _iso(value: str | None, default: str) -> str:
    """Stored times are ISO 8601 UTC (``…Z``); RFC 3339 wants exactly that."""
    return value if value and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", value) else default


def _uuid(*parts: object) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "watchdesk:" + ":".join(
        map(str, parts))))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _feed(key: str, title: str, subtitle: str, rows: Sequence[Any], now: datetime,
          web_url: str, self_path: str) -> bytes:
    now_s = iso(now)
    web = web_url.rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", _uuid("feed", key))
    _sub(feed, "title", _text(title, 300))
    _sub(feed, "subtitle", _text(subtitle, 300))
    updated = max((_iso(r["created_at"], now_s) for r in rows), default=now_s)
    _sub(feed, "updated", updated)
    author = _sub(feed, "author")
    _sub(author, "name", "watchdesk")
    _sub(feed, "generator", "watchdesk")
    if web:
        _sub(feed, "link", rel="self", type="application/atom+xml", href=f"{web}/{self_path}")
        _sub(feed, "link", rel="alternate", type="text/html", href=f"{web}/")
    seen: set[int] = set()
    for r in rows:
        article = int(r["article_id"])
        if article in seen:    # the urgent feed: an article two rules matched is one entry
            continue
        seen.add(article)
        entry = _sub(feed, "entry")
        _sub(entry, "id", _uuid(key, "article", article))
        _sub(entry, "title", _text(r["title"], 300) or "(sans titre)")
        url = safe_url(r["url"] or r["canonical_url"])
        if url:
            _sub(entry, "link", rel="alternate", type="text/html", href=_text(url, 2000))
        if web:
            _sub(entry, "link", rel="related", type="text/html",
                 href=f"{web}/events/{int(r['story_id'])}")
        _sub(entry, "updated", _iso(r["created_at"], now_s))
        if r["published_at"] and _iso(r["published_at"], ""):
            _sub(entry, "published", r["published_at"])
        entry_author = _sub(entry, "author")
        _sub(entry_author, "name", _text(r["feed_title"], 200) or "?")
        _sub(entry, "category", term=_text(r["rule_id"], 64))
        sources = [str(s) for s in json.loads(r["sources"] or "[]") if s]
        terms = [str(t) for t in json.loads(r["terms"] or "[]")]
        summary = "\n".join(x for x in (
            _text(r["snippet"], 600),
            f"Sources ({len(sources)}) : {_text(', '.join(sources), 400)}" if sources else "",
            f"Termes : {_text(', '.join(terms), 300)}" if terms else "") if x)
        _sub(entry, "summary", summary, type="text")
    ET.indent(feed)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True)) + b"\n"


def rule_feed(rule_id: str, title: str, rows: Sequence[Any], *, now: datetime,
              web_url: str = "") -> bytes:
    """The Atom document of a rule from ``store.rule_feed_rows(rule_id)`` (newest first)."""
    return _feed(f"rule:{rule_id}", f"watchdesk — {title}", f"Règle {rule_id}", rows, now,
                 web_url, f"rules/{rule_id}.atom")


def urgent_feed(rows: Sequence[Any], *, now: datetime, web_url: str = "") -> bytes:
    """The Atom document of the urgent alerts, from ``store.urgent_feed_rows()``."""
    return _feed(URGENT, "watchdesk — alertes", "Alertes urgentes et sujets qui montent",
                 rows, now, web_url, f"{URGENT}.atom")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` so that a reader sees the old file or the new one, never half of it,
    readable by the web server's user (``mkstemp`` makes 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    files.write_atomic(path, data, 0o644)


def write_feeds(store: Store, directory: Path, *, titles: Mapping[str, str], now: datetime,
                web_url: str = "", limit: int = 50) -> list[Path]:
    """``DIR/rules/<id>.atom`` for every rule (running, or with matches) and
    ``DIR/urgent.atom``; returns the paths written. Files of rules gone are left alone."""
    written = []
    for rule_id in sorted(set(titles) | set(store.feed_rule_ids())):
        if not _SAFE_ID.match(rule_id):
            continue   # (rule ids are checked by the schema; this keeps paths safe anyway)
        path = directory / "rules" / f"{rule_id}.atom"
        write_atomic(path, rule_feed(rule_id, titles.get(rule_id, rule_id),
                                     store.rule_feed_rows(rule_id, limit), now=now,
                                     web_url=web_url))
        written.append(path)
    path = directory / f"{URGENT}.atom"
    write_atomic(path, urgent_feed(store.urgent_feed_rows(limit), now=now, web_url=web_url))
    written.append(path)
    return written
