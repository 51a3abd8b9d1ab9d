"""``kind: telegram``: a public channel's web preview (``https://t.me/s/CHANNEL``) (pure).

Each message (``div.tgme_widget_message``, ``data-post="CHANNEL/ID"``) is an entry: its
permalink (``https://t.me/CHANNEL/ID``) as link and identity, its ``<time datetime>``, its
text as the body, the first line as the title; "Forwarded from" and the links in the text
are kept in the body (a link's address in parentheses after its words). No page is
fetched for a message. The page shows the latest ~20 messages; its "before" link
(``<link rel="prev">``, or the ``tme_messages_more`` loader) is returned in ``more`` so that
``sources.read`` can walk back, on a channel's first poll, up to ``max_entries``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from ..models import Entry, ParsedFeed
from .dates import iso_date

MAX_PAGE_CHARS = 5_000_000
TITLE_CHARS = 200


def preview_url(url: str) -> str:
    """``https://t.me/CHANNEL`` -> ``https://t.me/s/CHANNEL`` (the page with the messages)."""
    parts = urlsplit(url)
    if parts.hostname in ("t.me", "telegram.me") and not parts.path.startswith("/s/"):
        name = parts.path.strip("/").split("/")[0]
        if name:
            return f"https://t.me/s/{name}"
    return url


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def _find(el: Any, cls: str) -> Any:
    found = el.xpath(f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]")
    return found[0] if found else None


def _message_text(el: Any) -> str:
    """The message's text: line breaks kept, each link's address after its words."""
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for a in el.iter("a"):
        href = (a.get("href") or "").strip()
        words = " ".join(a.text_content().split())
        # hashtags link to "?q=%23tag", mentions to t.me: their words say it all
        if href.startswith(("http://", "https://")) and words != href \
                and urlsplit(href).hostname not in ("t.me", "telegram.me"):
            a.tail = f" ({href})" + (a.tail or "")
    lines = [" ".join(line.split()) for line in el.text_content().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _title(text: str) -> str:
    first = text.split("\n", 1)[0]
    if len(first) <= TITLE_CHARS:
        return first
    cut = first[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _before(doc: Any, url: str) -> str | None:
    for link in doc.xpath("//link[@rel='prev'][@href]"):
        return urljoin(url, link.get("href"))
    more = doc.xpath("//*[contains(@class, 'tme_messages_more')][@data-before]")
    if more:
        href = more[0].get("href") or f"?before={more[0].get('data-before')}"
        return urljoin(url, href)
    return None


def parse_channel(body: bytes, url: str) -> ParsedFeed:
    """The messages of a channel's preview page, newest first; never raises."""
    try:
        doc = lxml.html.document_fromstring(body[:MAX_PAGE_CHARS], base_url=url)
    except (etree.ParserError, ValueError) as e:
        return ParsedFeed(title=None, link=None, entries=[], is_feed=False,
                          bozo=f"not an HTML page: {e}")
    messages = [m for m in doc.xpath("//div[@data-post]")
                if "tgme_widget_message" in _classes(m)]
    if not messages:
        return ParsedFeed(title=None, link=None, entries=[], is_feed=False, html=True,
                          bozo="no Telegram messages on the page (tgme_widget_message): the "
                               "channel is private, does not exist, or has no public preview;"
                               " the url must be https://t.me/s/CHANNEL")
    og = doc.xpath("//meta[@property='og:title']/@content")
    title = str(og[0]).strip() if og else None
    entries: list[Entry] = []
    bad_dates = 0
    for m in messages:
        post = (m.get("data-post") or "").strip()
        date_link = _find(m, "tgme_widget_message_date")
        link = (date_link.get("href") if date_link is not None else None) or \
            f"https://t.me/{post}"
        time_el = date_link.find(".//time") if date_link is not None else None
        raw_date = time_el.get("datetime") if time_el is not None else None
        published = iso_date(raw_date)
        bad_dates += not published
        text_el = _find(m, "js-message_text")
        text = _message_text(text_el) if text_el is not None else ""
        fwd = _find(m, "tgme_widget_message_forwarded_from_name")
        if fwd is not None:
            who = " ".join(fwd.text_content().split())
            href = fwd.get("href")
            text = f"Forwarded from {who}" + (f" ({href})" if href else "") + \
                ("\n\n" + text if text else "")
        signed = _find(m, "tgme_widget_message_from_author")  # channels with signatures
        # a forwarded message's title is its own first line, not "Forwarded from"
        headline = text.split("\n\n", 1)[-1] if fwd is not None and text_el is not None \
            else text
        entries.append(Entry(
            guid=link[:2000], link=link[:2000],
            title=_title(headline) or "(message without text)",
            summary="", content=text[:200_000],
            author=(" ".join(signed.text_content().split()) or None) if signed is not None
            else title,
            published_at=published))
    entries.reverse()  # the page lists oldest first
    warnings = [f"{bad_dates} message date(s) missing or unreadable (kept, undated)"
                ] if bad_dates else []
    return ParsedFeed(title=title, link=url, entries=entries, warnings=warnings,
                      more=[b] if (b := _before(doc, url)) else [])
