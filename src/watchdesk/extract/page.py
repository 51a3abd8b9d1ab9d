"""Article extraction: an article page's HTML in, its body text and metadata out.

Runs in a worker process (see ``workers``). trafilatura, called as a library, applies neither
its size limit nor its timeout (measured: a 19 MB page took 3 s and ~500 MB), and its
``MAX_TREE_SIZE`` only bounds the tree it *outputs*. Its cost grows with the square of the
number of elements (measured: 20,000 ``<p>`` in 160 kB of HTML took 3 s, 100,000 took 39 s
and 200 MB), so a small page can stall it as well as a big one. The bounds are ours
(``bounds``): the page is cut at 3 MB, its scripts and styles removed and, when it is over
12,000 start tags, its comment threads, menus, sidebars and footers dropped before it is
cut at that bound (a cut is recorded: ``Extracted.truncated``); the worker process has a
time and a memory limit (``workers``).

What is extracted (``boilerplate`` and ``split_body`` hold the filters; this module orders them):

- the bounded page is parsed once; ``walls.prune`` removes consent banners (an article
  behind an overlay is read as if the banner were closed); ``boilerplate.prune`` removes
  read-also links, related and promotion boxes, small asides, what the page's inline style
  hides and lists of bare links from the tree;
- trafilatura extracts from that tree (tables, no comments, no metadata; navigation, headers
  and footers are its own job) in two passes: its recall mode without fallback extractors,
  the cheapest; and, only when that text covers less than ``SECOND_PASS_SHARE`` of the
  page's text, its balanced mode with readability and jusText, whose text wins unless the
  first is nearly as long (``pick``); not on a page of more than ``SECOND_PASS_MAX_ELEMENTS``
  elements (jusText's cost grows with the square of the number of short paragraphs);
- ``split_body.complete`` adds the later blocks of an article printed in several containers
  of the same class, where trafilatura stopped after the first;
- ``walls.judge`` says whether that text is a consent interstitial or a paywall's teaser
  rather than the article (``Extracted.wall``: the pipeline then uses the feed's text), by
  its wording and, for a page of almost no text, the raw page's markup (consent platforms,
  ``isAccessibleForFree``: ``walls.markup``);
- ``boilerplate.clean_text`` drops a first line repeating the title, read-also lines whose
  markup was lost and the closing lines that call to action (subscribe, follow us, credit
  lines);
- title, author, date and description: trafilatura's ``extract_metadata`` over the page's
  ``<head>`` alone (over the whole page its byline search cost half of extraction), the
  title replaced by the page's ``<h1>`` when trafilatura cut the ``<title>`` at a separator;
  ``lang`` from ``<html lang>``.

Quality and CPU against trafilatura's own modes: ``benchmarks/extraction.py``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import trafilatura
from trafilatura.settings import use_config

from ..models import Extracted
from . import boilerplate, split_body, walls
from .bounds import MAX_ELEMENTS, MAX_HTML, bound, bound_html, decode_html

__all__ = ["MAX_ELEMENTS", "MAX_HTML", "bound_html", "decode_html", "extract_page"]

MAX_TREE = 60_000
SECOND_PASS_SHARE = 0.3   # of the page's text (whitespace included)
# jusText, the balanced pass's last fallback, revises each short paragraph by scanning for its
# neighbours: its cost grows with the square of their number (12,000 tiny paragraphs: ~12 s,
# 5,000: ~2 s); no benchmark page has more than 5,000 elements (pruned tree, WCXB's largest)
SECOND_PASS_MAX_ELEMENTS = 5_000
KEEP_FIRST = 0.9          # the recall text wins if at least this long against the balanced one

_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE))
_CONFIG.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")  # the feed gives the date


_BODY = re.compile(r"<body\b", re.I)


def _metadata(text: str) -> Any:
    """trafilatura's metadata of the page's ``<head>`` alone (meta tags, ``<title>``): the
    same fields at a tenth of the cost of searching the whole page for a byline."""
    m = _BODY.search(text)
    head = trafilatura.load_html(text[:m.start()] + "</html>" if m else text)
    return trafilatura.extract_metadata(head, extensive=False) if head is not None else None


def _title(meta_title: str | None, tree: Any) -> str | None:
    """The head's title, unless the page's first ``<h1>`` says it in full: trafilatura cuts
    a ``<title>`` at its first separator to drop the site's name (« Nantes : le plan… » gives
    « Nantes »)."""
    h1 = tree.find(".//h1")
    heading = " ".join(h1.text_content().split()) if h1 is not None else ""
    if heading and (not meta_title or (meta_title in heading and meta_title != heading)):
        return heading
    return meta_title or None


def _lang(tree: Any) -> str | None:
    lang = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
    return lang.split("-")[0].split("_")[0].strip().lower()[:3] or None


def _trafilatura(tree: Any, url: str, recall: bool = False, fast: bool = False) -> str:
    doc: Any = trafilatura.bare_extraction(
        tree, url=url, favor_recall=recall, fast=fast, include_comments=False,
        include_tables=True, include_images=False, include_links=False, with_metadata=False,
        deduplicate=False, config=_CONFIG)
    return (getattr(doc, "text", None) or "") if doc is not None else ""


def needs_second_pass(first_chars: int, page_chars: int, elements: int = 0) -> bool:
    """The recall text covers too little of the page's text to be trusted alone, and the
    page is small enough for the balanced pass (``SECOND_PASS_MAX_ELEMENTS``)."""
    return first_chars < SECOND_PASS_SHARE * page_chars and elements <= SECOND_PASS_MAX_ELEMENTS


def pick(first: str, second: str) -> str:
    """The recall text, unless the balanced one is clearly longer (the recall mode without
    fallbacks stopped at one block of a page the fallbacks read whole)."""
    return first if len(first) > KEEP_FIRST * len(second) else second


def _body_text(tree: Any, url: str) -> str:
    """The article's text from the pruned tree: trafilatura's recall mode without its
    fallback extractors, then, only when that text covers little of the page
    (``needs_second_pass``), its balanced mode with readability and jusText as fallbacks,
    and the better of the two (``pick``); then the blocks of a body split over several
    containers that trafilatura stopped before (``split_body``)."""
    first = _trafilatura(tree, url, recall=True, fast=True)
    if needs_second_pass(len(first), len(tree.text_content()), sum(1 for _ in tree.iter())):
        first = pick(first, _trafilatura(tree, url))
    return split_body.complete(tree, first)


def extract_page(html: bytes, url: str, content_type: str = "") -> Extracted | None:
    """Body and metadata of an article page, or None when no article text was found.

    A page that is a consent wall or a paywall (``walls``) comes back with ``wall`` set:
    its body, if any, is the wall's text, or the paywall's teaser without the paywall's
    lines (the caller decides: ``walls.keeps_teaser``); a page the bounds cut comes back
    with ``truncated`` set."""
    raw = decode_html(html[:MAX_HTML], content_type)
    page = bound(raw, cut_bytes=len(html) > MAX_HTML)
    tree = trafilatura.load_html(page.text)
    if tree is None:
        return None
    meta = _metadata(page.text)
    title = _title(getattr(meta, "title", None), tree)
    walls.prune(tree)
    boilerplate.prune(tree)
    text = _body_text(tree, url)
    # judged before clean_text, which drops a paywall's closing call to subscribe
    wall = walls.judge(text, functools.cache(lambda: walls.markup(raw)),
                       lambda: walls.paywall_boxes(tree))
    body = boilerplate.clean_text(
        walls.teaser(text) if wall is not None and wall.kind == "paywall" else text, title)
    if not body and wall is None:
        return None
    return Extracted(
        body=body,
        title=title,
        author=getattr(meta, "author", None) or None,
        date=getattr(meta, "date", None) or None,
        lang=_lang(tree),
        description=getattr(meta, "description", None) or None,
        wall=str(wall) if wall else None,
        truncated=page.truncated,
    )
