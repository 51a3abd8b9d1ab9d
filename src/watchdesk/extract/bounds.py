"""The bounds a page is held to before trafilatura sees it, and the record of what they cut.

trafilatura, called as a library, applies neither its size limit nor its timeout, and its
cost grows with the square of the number of elements (see ``page``). The bounds:

1. the HTML is cut at ``MAX_HTML`` bytes, and decoded without letting the cut spoil it;
2. ``<script>``, ``<style>``, ``<svg>``, ``<noscript>`` and ``<template>`` blocks, which
   trafilatura discards anyway, are removed, and so are ``</body>`` and ``</html>`` (a
   browser ignores them; lxml drops what follows, and some sites print the article there);
3. a page of more than ``MAX_ELEMENTS`` start tags first loses what is not the article and
   is easy to tell: comment threads (``COMMENTS``: ``#comments``, ``.commentlist``, Disqus,
   ``#respond``…), ``<nav>``, ``<footer>``, ``<aside>`` and blocks named for navigation,
   sidebars or footers, unless they hold the article (an ``<article>``, ``<main>`` or the
   ``<h1>``); a long article followed by a thread of a thousand comments keeps its end
   rather than the comments. Only then is it cut before its ``MAX_ELEMENTS``-th start tag;
4. the worker process itself has a time and a memory limit (``workers``).

A cut is recorded (``Bounded.truncated``, stored as ``articles.truncated``): an article
whose end was lost says so, in ``watchdesk feeds`` too. Dropping comments and menus is not
a cut: trafilatura leaves them out of the article anyway.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

import lxml.html

MAX_HTML = 3 * 1024 * 1024
MAX_ELEMENTS = 12_000
# over MAX_ELEMENTS, this many start tags are parsed to drop comments and menus before the
# cut (parsing all of 400,000 tiny elements took 2.7 s; this many, ~0.3 s)
READ_ELEMENTS = 4 * MAX_ELEMENTS

_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.I)
_DISCARDED = re.compile(r"<(script|style|svg|noscript|template)\b", re.I)
_START_TAG = re.compile(r"<[A-Za-z]")
# a browser ignores </body> and </html> (what follows still goes into the body); lxml drops
# what follows them, and some pages close both before their article
_END_OF_DOCUMENT = re.compile(r"</(?:body|html)\s*>", re.I)
# ids and classes of comment threads, navigation, sidebars and footers (whole tokens, or
# with a qualifier: comment-list, disqus_thread, site-footer, sidebar-right…)
COMMENTS = re.compile(
    r"(?:^|[-_])(?:comments?|commentlist|commentaires?|disqus|respond|reactions|"
    r"sidebar|side-?bar|nav|navbar|navigation|menu|mega-?menu|footer)(?:$|[-_])", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
_TAIL_TAGS = frozenset({"nav", "footer", "aside"})
_ARTICLE = "//article | //main | //h1"


@dataclass(frozen=True)
class Bounded:
    """A page held to the bounds: its text, and what was cut from it (None: nothing)."""

    text: str
    truncated: str | None = None


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
        # final=False: a multi-byte character cut by MAX_HTML is dropped, not an error
        return codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _without_discarded(text: str) -> str:
    """``text`` without script/style/svg/noscript/template blocks, in linear time (an
    unclosed block runs to the end of the page, as in a browser)."""
    lower = text.lower()
    out, pos = [], 0
    while m := _DISCARDED.search(text, pos):
        out.append(text[pos:m.start()])
        end = lower.find(f"</{m.group(1).lower()}", m.end())
        if end < 0:
            return "".join(out)
        close = lower.find(">", end)
        pos = len(text) if close < 0 else close + 1
    out.append(text[pos:])
    return "".join(out)


def _nth_tag(text: str, n: int) -> int | None:
    """Where the ``n``-th start tag (from 0) begins, or None when there are not that many."""
    for i, m in enumerate(_START_TAG.finditer(text)):
        if i == n:
            return m.start()
    return None


def is_tail(el: Any) -> bool:
    """A block that is not the article and is easy to tell: comments, navigation, sidebar,
    footer (by tag, id or class)."""
    if el.tag in _TAIL_TAGS:
        return True
    return any(COMMENTS.search(n) for n in (el.get("id") or "", *(el.get("class") or "").split())
               if n)


def without_tail(text: str) -> tuple[str, bool]:
    """The page without its comment threads, navigation, sidebars and footers (``is_tail``),
    except the blocks that hold the article (an ``<article>``, ``<main>`` or the ``<h1>``);
    and whether the page's last element was in one of those (a page cut there lost none of
    its article)."""
    try:
        doc = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (ValueError, lxml.etree.ParserError):
        return text, False
    last = doc.xpath("(//*)[last()]")
    articles = doc.xpath(_ARTICLE)
    keep = {a for el in articles for a in el.iterancestors()} | set(articles)
    dropped: set[Any] = set()
    for el in doc.xpath("//nav | //footer | //aside | //*[@id or @class]"):
        if el in keep or not is_tail(el) or any(a in dropped for a in el.iterancestors()):
            continue
        if el.getparent() is None:
            continue
        el.drop_tree()   # its tail text stays where it was
        dropped.add(el)
    if not dropped:
        return text, False
    ended_in_tail = bool(last) and any(a in dropped for a in (last[0], *last[0].iterancestors()))
    out: str = lxml.html.tostring(doc, encoding="unicode")
    return _END_OF_DOCUMENT.sub("", out), ended_in_tail


def bound(text: str, max_elements: int = MAX_ELEMENTS, *, cut_bytes: bool = False) -> Bounded:
    """The page without the blocks trafilatura discards and without ``</body>``/``</html>``
    (as a browser reads them), cut before its ``max_elements``-th start tag (lxml closes
    what the cut leaves open); over that bound, its first ``READ_ELEMENTS`` start tags are
    read and their comments and menus dropped first (``without_tail``). ``cut_bytes``: the
    caller cut the page at ``MAX_HTML``. The cut is recorded unless it fell in comments or
    menus."""
    text = _END_OF_DOCUMENT.sub("", _without_discarded(text))
    cut = f"cut at {MAX_HTML // (1024 * 1024)} MB" if cut_bytes else None
    if _nth_tag(text, max_elements) is not None:
        at = _nth_tag(text, READ_ELEMENTS)
        if at is not None:
            text, cut = text[:at], f"cut at the {READ_ELEMENTS:,}th start tag"
        text, in_tail = without_tail(text)
        if in_tail:   # the end of what was read is comments or menus: no article text lost
            cut = None
        at = _nth_tag(text, max_elements)
        if at is not None:
            text, cut = text[:at], f"cut at the {max_elements:,}th start tag"
    return Bounded(text, cut)


def bound_html(text: str, max_elements: int = MAX_ELEMENTS) -> str:
    """``bound``'s text alone."""
    return bound(text, max_elements).text
