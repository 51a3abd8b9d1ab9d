"""``kind: html``: a listing page of headlines, read with CSS selectors (pure).

``select:`` in feeds.yaml names the parts of the page::

    select:
      item: article.post          # each headline block (required)
      link: h2.entry-title a      # in an item: the link to the article (required)
      title: h2.entry-title       # optional: else the link's text
      date: time.entry-date       # optional: its datetime attribute, else its text
      summary: div.entry-summary  # optional

Selectors are CSS, compiled to XPath by cssselect (``lxml.cssselect``); ``compile_select``
is also what ``watchdesk check`` runs, so a bad selector is a configuration error with its
line. A selector that matches nothing on the live page is a warning of the poll (the site
changed its markup), never a crash. Entries are the items' links; their pages are fetched
and extracted like a feed's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import lxml.html
from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

from ..models import Entry, ParsedFeed
from .dates import iso_date

MAX_ITEMS = 500          # items read from one page
MAX_PAGE_CHARS = 5_000_000


def compile_select(select: Mapping[str, str]) -> tuple[dict[str, CSSSelector], dict[str, str]]:
    """The compiled selectors, and what is wrong with each one that does not compile."""
    compiled: dict[str, CSSSelector] = {}
    problems: dict[str, str] = {}
    for key, css in select.items():
        try:
            compiled[key] = CSSSelector(css)
        except (SelectorError, etree.XPathError, ValueError) as e:
            problems[key] = f"{type(e).__name__}: {e}"
    return compiled, problems


def _text(el: Any) -> str:
    return " ".join(el.text_content().split()) if el is not None else ""


def _first(sel: CSSSelector | None, item: Any) -> Any:
    if sel is None:
        return None
    found = sel(item)
    return found[0] if found else None


def _href(el: Any) -> str | None:
    if el is None:
        return None
    if el.get("href"):
        return str(el.get("href")).strip()
    inner = el.xpath(".//a[@href]")
    return str(inner[0].get("href")).strip() if inner else None


def parse_listing(body: bytes, url: str, select: Mapping[str, str]) -> ParsedFeed:
    """The headlines of a listing page; never raises (problems are ``warnings``)."""
    sels, problems = compile_select(select)
    if problems or "item" not in sels or "link" not in sels:
        wrong = "; ".join(f"select.{k}: {v}" for k, v in problems.items()) or \
            "select needs 'item' and 'link'"
        return ParsedFeed(title=None, link=None, entries=[], is_feed=False, bozo=wrong)
    try:
        doc = lxml.html.document_fromstring(body[:MAX_PAGE_CHARS], base_url=url)
    except (etree.ParserError, ValueError) as e:
        return ParsedFeed(title=None, link=None, entries=[], is_feed=False,
                          bozo=f"not an HTML page: {e}")
    doc.make_links_absolute(url, resolve_base_href=True)
    title = _text(_first(CSSSelector("head > title"), doc)) or None
    items = sels["item"](doc)
    warnings: list[str] = []
    if not items:
        warnings.append(f"select.item {select['item']!r} matched nothing on the page (has the "
                        "site changed its markup?)")
    if len(items) > MAX_ITEMS:
        warnings.append(f"{len(items)} items on the page: only the first {MAX_ITEMS} read")
        items = items[:MAX_ITEMS]
    entries: list[Entry] = []
    seen: set[str] = set()
    no_link = bad_dates = 0
    found = dict.fromkeys(("title", "date", "summary"), 0)
    for item in items:
        link = _href(_first(sels["link"], item))
        if not link or not link.startswith(("http://", "https://")):
            no_link += 1
            continue
        if link in seen:
            continue
        seen.add(link)
        parts = {k: _first(sels.get(k), item) for k in found}
        for k, el in parts.items():
            found[k] += el is not None
        raw_date = None
        if parts["date"] is not None:
            d = parts["date"]
            raw_date = d.get("datetime") or d.get("content") or _text(d)
        published = iso_date(raw_date)
        bad_dates += bool(raw_date and not published)
        entry_title = _text(parts["title"]) or _text(_first(sels["link"], item))
        entries.append(Entry(guid=link[:2000], link=link[:2000], title=entry_title[:1000],
                             summary=_text(parts["summary"])[:5000], content="", author=None,
                             published_at=published))
    if items and no_link == len(items):
        warnings.append(f"select.link {select['link']!r} found no link in any of the "
                        f"{len(items)} items")
    elif no_link:
        warnings.append(f"{no_link} item(s) without a link were skipped")
    for k, n in found.items():
        if k in select and entries and not n:
            warnings.append(f"select.{k} {select[k]!r} matched nothing in any item")
    if bad_dates:
        warnings.append(f"{bad_dates} date(s) could not be read (entries kept, undated)")
    lang = doc.get("lang")
    return ParsedFeed(title=title, link=url, entries=entries, warnings=warnings,
                      language=lang.strip()[:35] if lang else None)
