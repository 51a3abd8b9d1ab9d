"""OPML, the list of subscriptions other readers import and export (pure).

:func:`read_opml` takes what Inoreader, Feedly, FreshRSS, Miniflux (or any OPML 1.0/2.0)
export: ``<outline xmlUrl=...>`` anywhere under ``<body>``, their folders (the ``text`` of
the outlines around them) and their ``category`` attribute (comma-separated, ``/a/b``
paths) becoming categories. It is read by lxml without entities, DTDs or network
(``xmlsafe``), never by feedparser. :func:`write_opml` writes OPML 2.0 with each feed in
the folder of its first tag and every tag in ``category``, which those readers import as
folders and labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from lxml import etree

from ..errors import ContentError
from .xmlsafe import local, parse_xml


@dataclass
class OpmlFeed:
    """One subscription of an OPML file."""

    title: str
    url: str
    site_url: str | None = None
    categories: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass(frozen=True)
class ExportFeed:
    """What :func:`write_opml` needs of a feed."""

    name: str
    url: str
    title: str | None = None
    site_url: str | None = None
    tags: tuple[str, ...] = ()


def _categories(attr: str | None) -> list[str]:
    out: list[str] = []
    for path in (attr or "").split(","):
        out += [p.strip() for p in path.split("/") if p.strip()]
    return out


def read_opml(body: bytes, what: str = "the OPML file") -> tuple[list[OpmlFeed], list[str]]:
    """The subscriptions of an OPML document, and what was skipped (with its line).

    Raises ContentError when the document is not OPML at all."""
    root = parse_xml(body, what)
    if local(root.tag) != "opml":
        raise ContentError(f"{what} is not OPML: its root element is <{local(root.tag)}>")
    body_el = next((c for c in root if local(c.tag) == "body"), None)
    if body_el is None:
        raise ContentError(f"{what} has no <body>")
    feeds: list[OpmlFeed] = []
    skipped: list[str] = []

    def walk(el: etree._Element, folders: list[str]) -> None:
        for o in el:
            if local(o.tag) != "outline":
                continue
            label = (o.get("title") or o.get("text") or "").strip()
            url = (o.get("xmlUrl") or o.get("xmlurl") or "").strip()
            if not url:
                walk(o, [*folders, label] if label else folders)
                continue
            if urlsplit(url).scheme not in ("http", "https"):
                skipped.append(f"line {o.sourceline}: {label or url}: not an http(s) URL: "
                               f"{url[:200]}")
                continue
            cats = list(dict.fromkeys([*folders, *_categories(o.get("category"))]))
            feeds.append(OpmlFeed(title=label, url=url,
                                  site_url=(o.get("htmlUrl") or "").strip() or None,
                                  categories=cats, line=o.sourceline))

    walk(body_el, [])
    return feeds, skipped


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (a title may carry a stray \\x0b)."""
    return _NOT_XML.sub("", text)


def write_opml(feeds: Sequence[ExportFeed], title: str = "watchdesk feeds",
               now: datetime | None = None) -> str:
    """OPML 2.0 of ``feeds``: a folder per first tag, every tag in ``category``."""
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC),
                                                                 usegmt=True)
    body = etree.SubElement(opml, "body")
    folders: dict[str, etree._Element] = {}
    for f in feeds:
        parent = body
        if f.tags:
            if f.tags[0] not in folders:
                folders[f.tags[0]] = etree.SubElement(body, "outline", text=f.tags[0],
                                                      title=f.tags[0])
            parent = folders[f.tags[0]]
        label = _xml_text(f.title or "").strip() or f.name
        attrs = {"type": "rss", "text": label, "title": label, "xmlUrl": _xml_text(f.url)}
        if f.site_url:
            attrs["htmlUrl"] = _xml_text(f.site_url)
        if f.tags:
            attrs["category"] = ",".join(f.tags)
        etree.SubElement(parent, "outline", attrs)
    return etree.tostring(opml, encoding="unicode", pretty_print=True,
                          doctype='<?xml version="1.0" encoding="UTF-8"?>')
