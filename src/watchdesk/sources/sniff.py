"""What kind of source a page that is not a feed seems to be (pure, light: no parser
imported), for ``discover`` and for the error of a source configured as a feed."""

from __future__ import annotations

MAX_SNIFF = 1_000_000


def looks_like(body: bytes) -> str | None:
    """``sitemap`` or ``telegram`` when the page looks like one, else None."""
    head = body[:4096].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"tgme_widget_message" in body[:MAX_SNIFF]:
        return "telegram"
    return None
