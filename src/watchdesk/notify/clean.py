"""Cleaning what feeds give before it reaches an email (pure): one-line bounded text, safe
links, highlighted runs, and which text is right-to-left.

Everything that comes from a feed is hostile: control characters, CR/LF in titles (header
injection), ``javascript:`` links, spans that point outside their text. The templates
autoescape HTML; this module makes the text itself safe to show.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ..dates import read_iso

SNIPPET_MAX = 320
TITLE_MAX = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")
FSI, PDI = "\u2068", "\u2069"   # first-strong isolate ... pop directional isolate


@dataclass(frozen=True)
class Segment:
    """A run of text, highlighted or not."""

    text: str
    hit: bool = False


def clean_text(text: str | None, limit: int = TITLE_MAX) -> str:
    """One line of text: control characters and runs of spaces become one space, bounded."""
    text = _SPACES.sub(" ", _CONTROL.sub(" ", text or "")).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_rtl(text: str) -> bool:
    """True when the first strongly directional character is right-to-left."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL without spaces or control characters."""
    if not url:
        return None
    url = url.strip()
    if _CONTROL.search(url) or " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def segments(text: str, spans: Iterable[Sequence[int]] = ()) -> tuple[Segment, ...]:
    """Split ``text`` into plain and highlighted runs. Spans are [start, end) offsets; bad,
    empty or out-of-range ones are dropped, overlapping ones merged. Joining the texts of the
    result gives back ``text``."""
    clean: list[tuple[int, int]] = []
    for span in spans:
        try:
            s, e = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            continue
        s, e = max(0, s), min(len(text), e)
        if s < e:
            clean.append((s, e))
    clean.sort()
    merged: list[tuple[int, int]] = []
    for s, e in clean:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    out: list[Segment] = []
    pos = 0
    for s, e in merged:
        if s > pos:
            out.append(Segment(text[pos:s]))
        out.append(Segment(text[s:e], True))
        pos = e
    if pos < len(text) or not out:
        out.append(Segment(text[pos:]))
    return tuple(x for x in out if x.text or len(out) == 1)


def clean_segments(text: str, spans: Iterable[Sequence[int]], limit: int,
                    ) -> tuple[Segment, ...]:
    """Highlight then clean each run (control chars, spaces), keeping the total bounded."""
    out: list[Segment] = []
    total = 0
    for seg in segments(text, spans):
        t = _SPACES.sub(" ", _CONTROL.sub(" ", seg.text))
        if total + len(t) > limit:
            out.append(Segment(t[: max(0, limit - total)].rstrip() + "…", seg.hit))
            break
        out.append(Segment(t, seg.hit))
        total += len(t)
    if out:
        out[0] = Segment(out[0].text.lstrip(), out[0].hit)
        out[-1] = Segment(out[-1].text.rstrip(), out[-1].hit)
    return tuple(s for s in out if s.text)


def has_rtl(text: str) -> bool:
    """Does the text hold any right-to-left letter (Arabic, Hebrew…)?"""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def isolate(text: str) -> str:
    """For plain text: wrap a run holding right-to-left letters in Unicode isolates (FSI …
    PDI), the plain-text ``<bdi>``, so it never reorders the text around it (« 3 sources :
    RFI, الجزيرة, France 24 » keeps its order). Other text is left as it is."""
    return f"{FSI}{text}{PDI}" if has_rtl(text) else text


def parse_time(text: str | None, tz: ZoneInfo) -> datetime | None:
    dt = read_iso(text)
    return dt.astimezone(tz) if dt is not None and dt.tzinfo else None
