"""Boilerplate inside an article: "read also" links, related blocks, hidden copies, closing lines.

trafilatura finds the article's main block; what it keeps from inside that block includes
the site's own cross-links, and those name other stories (a football report with
« Lire aussi : Libye : le maréchal Haftar… » in the middle). Pure functions, no I/O:

- ``prune(tree)``, on the page's lxml tree before trafilatura: removes every block (paragraph,
  list item, small div) that is *a read-also link*: introduced by a cue phrase (``CUES``:
  « Lire aussi », "Read more", « اقرأ أيضا », « Читайте также »…), in its own text or in its
  link's, and made mostly of link text: ``<p><strong>Lire aussi :</strong> <a>…</a></p>``,
  ``<p><a>Lire aussi | …</a></p>``, ``<li>Read more: <a>…</a></li>``. A cue standing alone as
  a heading (``<h3>Sur le même sujet</h3>``, ``<p><b>Related</b></p>``) goes with the list or
  paragraph of links that follows it. Containers named for related content
  (``RELATED_CLASS``: ``.read-also``, ``.related``, ``.lire-aussi``…), small boxes named for
  promotion, newsletters or "most read" (``BOX_CLASS``), ``<aside>`` and what the page's
  inline style hides (``display: none``: schema.org copies of the headline and dates, pop-ups;
  either kept when it holds half the page: then it is the article, unless a hidden copy of
  text shown elsewhere) and lists of three links or more with nothing else in them go too.
- ``clean_text(text, title)``, on the extracted text: drops a first line that repeats the
  title (stored apart, in ``articles.title``), any line that is a cue phrase alone or a cue
  and a short link text whose markup was lost (``Read more: …``), and the run of short
  closing lines that call to action or credit (``CLOSING``: « Inscrivez-vous à notre
  newsletter », "Follow us on…", "Comments", "Jane Doe contributed to this report").

The removal is by structure and by the phrase list, never by site: a sentence that merely
contains "lire aussi" in running text is kept (the cue must open the block, and the block
must be mostly link text or short).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

CUES = (
    # French
    "lire aussi", "à lire aussi", "a lire aussi", "lire également", "à lire également",
    "voir aussi", "sur le même sujet", "notre sélection", "à lire", "lire la suite",
    # English
    "read more", "read also", "also read", "related", "see also", "more on this",
    "read next", "you may also like", "you might also like", "don't miss", "recommended",
    "see more", "also on", "also:",
    # Arabic (with and without tanwin, hamza)
    "اقرأ أيضا", "اقرأ أيضاً", "إقرأ أيضا", "إقرأ أيضاً", "اقرأ ايضا", "اقرأ المزيد",
    # Russian
    "читайте также", "смотрите также",
    # Italian, Spanish, Portuguese, German, Dutch
    "leggi anche", "vedi anche", "lee también", "lea también", "leer más", "ver también",
    "leia também", "veja também", "lesen sie auch", "mehr zum thema", "siehe auch", "lees ook",
)
_SEP = r"[\s:|\-–—»›>•·.…,()\[\]]"
_CUE_ALT = "|".join(sorted((re.escape(c) for c in CUES), key=len, reverse=True))
# a cue opens the text: after optional punctuation or an arrow, before a separator or the end
_CUE = re.compile(rf"^[\W_]*(?:{_CUE_ALT})(?:{_SEP}|$)", re.I)
_CUE_ONLY = re.compile(rf"^[\W_]*(?:{_CUE_ALT})[\W_]*$", re.I)
_BLOCKS = frozenset({"p", "li", "div", "dd", "dt", "h2", "h3", "h4", "h5", "h6", "section",
                     "blockquote", "figure", "span", "strong", "b", "em"})
_CONTAINERS = frozenset({"p", "li", "div", "dd", "dt", "h2", "h3", "h4", "h5", "h6",
                         "section", "blockquote", "figure"})
# a class or id that names the block "read also" or "related": the whole token, optionally
# followed by a qualifier (related-posts, read-also__item, lire-aussi_list…)
RELATED_CLASS = re.compile(
    r"(?:read-?also|also-?read|lire-?aussi|a-?lire(?:-aussi)?|voir-?aussi|see-?also|related|"
    r"sur-le-meme-sujet|more-?on-?this)(?:$|[_-])", re.I)
# boxes inside the article that are not the article: promotions, newsletter sign-up, "most
# read", recommendation widgets (only small ones: a page may name its main column "popular")
# inline styles that hide an element from the reader: schema.org copies of the headline and
# dates, collapsed pop-ups (the ``hidden`` attribute is not one: tabs and accordions revealed
# by a script use it for article text, measured on WCXB)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
BOX_CLASS = re.compile(r"(?:^|[-_])(?:teasers?|promo|newsletter|subscri\w*|sign-?up|most-?read|"
                       r"popular|trending|outbrain|taboola|recommend\w*|les-plus-lus)(?:$|[-_])",
                       re.I)
MAX_BOX = 1000        # characters
ASIDE_SHARE = 0.5     # an <aside> holding half the page's text is the page, not a box
COPY_PROBE = 100      # characters from the middle of a hidden block looked for elsewhere
MAX_BLOCK = 320       # characters: a read-also block is a line, not a paragraph of text
LINK_SHARE = 0.5      # at least this share of the block's text is link text
LINK_ONLY = 0.9       # a list item that is a link and nothing else


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


def _link_chars(el: Any) -> int:
    return sum(len(" ".join("".join(a.itertext()).split())) for a in el.iter("a"))


def _drop(el: Any) -> None:
    """Remove ``el`` but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        tail = " " + el.tail  # the block separated the text around it
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _block_of(el: Any) -> Any:
    """The nearest ancestor-or-self that is a block (paragraph, item, div)."""
    while el is not None and el.tag not in _CONTAINERS:
        el = el.getparent()
    return el


def is_read_also(block: Any) -> bool:
    """A block that is a read-also link: short, opened by a cue, mostly link text (or the
    cue alone)."""
    text = _text(block)
    if not text or len(text) > MAX_BLOCK or not _CUE.match(text):
        return False
    if _CUE_ONLY.match(text):
        return True
    return _link_chars(block) >= LINK_SHARE * len(text)


def _links_block(el: Any) -> bool:
    """A list or paragraph made mostly of link text (the teasers under a cue heading)."""
    text = _text(el)
    return bool(text) and _link_chars(el) >= LINK_SHARE * len(text)


def is_link_list(el: Any) -> bool:
    """A list of three items or more, each of them a link and nothing else (teasers, "more
    stories"): a list of points with a link in each keeps its text and so stays."""
    items = [li for li in el if li.tag == "li"]
    if len(items) < 3:
        return False
    whole = _text(el)  # nothing else in the list either (a broken page nests the rest in it)
    if len(whole) > MAX_BLOCK * len(items) or _link_chars(el) < LINK_ONLY * len(whole):
        return False
    for li in items:
        text = _text(li)
        if not text or len(text) > MAX_BLOCK or _link_chars(li) < LINK_ONLY * len(text):
            return False
    return True


def asides_and_hidden(tree: Any) -> list[Any]:
    """The page's ``<aside>``s and the elements its inline styles hide, except one holding
    ``ASIDE_SHARE`` of the page's text: a page laid out in an ``<aside>``, an article a script
    reveals. A hidden copy of text shown elsewhere on the page (a "republish this article"
    pop-up) goes even then."""
    asides = list(tree.iter("aside"))
    hidden = [el for el in tree.xpath("//*[@style]") if HIDDEN_STYLE.search(el.get("style"))]
    if not asides and not hidden:
        return []
    page = _text(tree)
    out = []
    for el in asides + hidden:
        text = _text(el)
        if len(text) < ASIDE_SHARE * len(page):
            out.append(el)
        elif el in hidden:
            middle = len(text) // 2
            if page.count(text[middle:middle + COPY_PROBE]) > 1:
                out.append(el)
    return out


def prune(tree: Any) -> int:
    """Remove read-also blocks and related-content containers from an lxml HTML tree, in
    place; returns how many elements were removed."""
    doomed = asides_and_hidden(tree)
    for el in tree.iter("div", "section", "ul", "ol", "p", "li", "span"):
        names = f"{el.get('class', '')} {el.get('id', '')}".split()
        if any(RELATED_CLASS.match(n) for n in names) or (
                # classes only: an id is often a heading's anchor ("how-popular-is-…")
                any(BOX_CLASS.search(n) for n in el.get("class", "").split())
                and len(_text(el)) < MAX_BOX):
            doomed.append(el)
    doomed += [el for el in tree.iter("ul", "ol") if is_link_list(el)]
    for el in tree.iter(*_BLOCKS, "a"):
        head = (el.text or "").lstrip()
        if not head or not _CUE.match(head[:60]):
            continue
        block = _block_of(el)
        if block is None or block.tag in ("body", "html"):
            continue
        if is_read_also(block):
            doomed.append(block)
            if _CUE_ONLY.match(_text(block)):
                nxt = block.getnext()
                if nxt is not None and nxt.tag in ("ul", "ol", "p", "div") \
                        and _links_block(nxt):
                    doomed.append(nxt)
    for el in doomed:  # one inside another already removed: dropped from the detached copy
        _drop(el)
    return len(doomed)


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    return " ".join(re.findall(r"\w+", s))


# the closing lines of a page that are not the article: calls to action (subscribe, sign up,
# follow us, download the app, share), the comments' heading, credit lines, in English and
# French; only matched in the run of short lines that ends the text
CLOSING = re.compile(
    r"\b(?:subscribe|sign up|newsletter|follow us|click here|download (?:the|our)|"
    r"get the [\w ]{0,30}app|like this story|share (?:this|it) with|tell us what you think|"
    r"if you (?:enjoyed|liked) this|abonnez-vous|inscrivez-vous|suivez-nous|cliquez ici|"
    r"téléchargez (?:l'|l’|notre)|lettre d'information|lettre d’information)\b"
    r"|contributed (?:to )?(?:this )?report"
    r"|^\W*\(?(?:reporting|editing|additional reporting|writing) by\b"
    r"|^\W*(?:follow|explore further|filed under|post (?:a )?comment)\b"
    r"|^\W*\d*\s*(?:comments?|commentaires?)\W*$", re.I)
MAX_CLOSING = 6       # lines
MAX_CLOSING_LINE = 300  # characters


def without_closing(lines: list[str]) -> list[str]:
    """``lines`` without the run of closing lines (``CLOSING``) that ends them: at most
    ``MAX_CLOSING`` lines, each short; the first line always stays."""
    end, n = len(lines), 0
    while end > 1 and n < MAX_CLOSING:
        s = lines[end - 1].strip()
        if s and (len(s) > MAX_CLOSING_LINE or not CLOSING.search(s)):
            break
        end -= 1
        n += bool(s)
    return lines[:end]


def clean_text(text: str, title: str | None = None) -> str:
    """The extracted text without a leading copy of the title, without lines that are
    read-also cues (alone, or with a short link text whose markup trafilatura dropped) and
    without the closing lines that call to action (``without_closing``)."""
    lines = text.split("\n")
    if title and lines:
        t = _norm(title)
        first = _norm(lines[0])
        # the title as the site writes it in <title> may carry " - Site": a prefix counts
        if first and t and (first == t or (t.startswith(first) and len(first) >= 20
                                           and len(first) >= 0.5 * len(t))):
            lines = lines[1:]
    kept = []
    for line in lines:
        s = line.strip().lstrip("-•*").strip()
        if s and (_CUE_ONLY.match(s) or (len(s) <= 200 and _CUE.match(s)
                                         and re.match(rf"^[\W_]*(?:{_CUE_ALT})\s*[:|»›>–—-]",
                                                      s, re.I))):
            continue
        kept.append(line)
    return "\n".join(without_closing(kept)).strip()
