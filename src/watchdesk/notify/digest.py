"""Composing a digest or an alert: match rows in, a ``Digest`` model out.

Pure: no database, no network, no clock (``now`` is a parameter), no formatting of dates (the
templates do that in the reader's language). The rules of composition:

1. Matches are grouped by rule. Rules with ``alert`` priority come first, then by number of
   stories (most first), then by title.
2. A *story* is a set of articles sharing ``story_id`` or URL. Each story is shown once in full,
   under the first rule (in that order) it matched; the other feeds that carried it are named
   ("also in"); under any later rule it matched it appears as a one-line reference.
3. Within a rule, newest story first; at most ``max_items`` per rule and ``max_total`` in all
   (so the HTML stays under Gmail's 102 KB clipping), the rest counted.
4. Only ``http``/``https`` URLs are kept as links. Text is cleaned of control characters and
   bounded; highlighting comes from the match's spans, validated against the text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

SNIPPET_MAX = 320
TITLE_MAX = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Segment:
    """A run of text, highlighted or not."""

    text: str
    hit: bool = False


@dataclass(frozen=True)
class Item:
    """One story under one rule."""

    article_id: int
    title: str
    title_segments: tuple[Segment, ...]
    url: str | None              # None: no link (missing or not http/https)
    feed: str
    also_in: tuple[str, ...]     # other feeds that carried the same story
    when: datetime | None        # publication (or fetch) time, in the digest's time zone
    snippet: tuple[Segment, ...]
    terms: tuple[str, ...]
    backfill: bool = False       # found by checking a new rule against older articles
    shown_under: str | None = None  # already shown in full under this (earlier) rule

    @property
    def rtl(self) -> bool:
        """Is the title in a right-to-left script (Arabic here)? The HTML gives it a slightly
        larger size: Arabic at the size of Latin text reads small."""
        return is_rtl(self.title)


@dataclass(frozen=True)
class RuleGroup:
    rule_id: str
    title: str
    priority: str                # alert | digest
    items: tuple[Item, ...]
    count: int                   # stories matched by the rule
    more: int = 0                # stories left out (over max_items)


@dataclass(frozen=True)
class FeedIssue:
    """A feed the footer warns about."""

    name: str
    kind: str                    # disabled (feeds.yaml) | stopped (e.g. 410) | failing
    since: datetime | None       # last success, in the digest's time zone (None: never)
    detail: str = ""


@dataclass(frozen=True)
class Digest:
    kind: str                    # digest | alert
    now: datetime                # in the digest's time zone
    window_start: datetime | None
    window_end: datetime
    groups: tuple[RuleGroup, ...]
    n_stories: int
    n_matches: int
    health: tuple[FeedIssue, ...] = ()
    rules_dir: str = "rules"
    recipients: tuple[str, ...] = field(default=())

    @property
    def n_rules(self) -> int:
        return len(self.groups)

    @property
    def empty(self) -> bool:
        return not self.groups


# -- small pure helpers -------------------------------------------------------------------------

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


def _clean_segments(text: str, spans: Iterable[Sequence[int]], limit: int,
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


def _parse_time(text: str | None, tz: ZoneInfo) -> datetime | None:
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.astimezone(tz) if dt.tzinfo else None


def _snippets(row: Mapping[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(row.get("snippets") or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [str(x) for x in value] if isinstance(value, list) else []


# -- stories ------------------------------------------------------------------------------------

def _story_keys(rows: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    """article_id -> story key: articles sharing story_id or URL share a key (union-find)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first_by: dict[tuple[str, object], int] = {}
    for r in rows:
        aid = int(r["article_id"])
        find(aid)
        keys: list[tuple[str, object]] = [("story", r.get("story_id") or aid)]
        for col in ("canonical_url", "url"):
            if r.get(col):
                keys.append(("url", str(r[col]).strip()))
        for k in keys:
            if k in first_by:
                union(aid, first_by[k])
            else:
                first_by[k] = aid
    return {aid: find(aid) for aid in parent}


def _item(rows: Sequence[Mapping[str, Any]], tz: ZoneInfo) -> Item:
    """One item from the rows (one rule, one story, maybe several articles)."""
    def when(r: Mapping[str, Any]) -> str:
        return str(r.get("published_at") or r.get("fetched_at") or r.get("created_at") or "")

    ordered = sorted(rows, key=lambda r: (when(r), int(r["article_id"])))
    rep = ordered[0]
    feed = clean_text(rep.get("feed_name"), 120)
    also: list[str] = []
    for r in ordered:
        for name in [r.get("feed_name"), *_list(r.get("other_feeds"))]:
            name = clean_text(name, 120)
            if name and name != feed and name not in also:
                also.append(name)
    title = clean_text(rep.get("title"))
    snips = _snippets(rep)
    title_snip = snips.get("title")
    if isinstance(title_snip, dict) and clean_text(title_snip.get("text")) == title:
        title_segments = _clean_segments(str(title_snip.get("text") or ""),
                                         title_snip.get("spans") or (), TITLE_MAX)
    else:
        title_segments = (Segment(title),) if title else ()
    snippet: tuple[Segment, ...] = ()
    for name in ("body", "summary"):
        s = snips.get(name)
        if isinstance(s, dict) and s.get("text"):
            snippet = _clean_segments(str(s["text"]), s.get("spans") or (), SNIPPET_MAX)
            break
    else:
        plain = clean_text(rep.get("snippet"), SNIPPET_MAX)
        if plain and plain != title:
            snippet = (Segment(plain),)
    terms: list[str] = []
    for r in ordered:
        for t in _list(r.get("terms")):
            if t not in terms:
                terms.append(t)
    return Item(
        article_id=int(rep["article_id"]), title=title, title_segments=title_segments,
        url=safe_url(rep.get("url")), feed=feed, also_in=tuple(also),
        when=_parse_time(rep.get("published_at") or rep.get("fetched_at"), tz),
        snippet=snippet, terms=tuple(terms), backfill=all(bool(r.get("backfill")) for r in rows),
    )


def group_matches(rows: Iterable[Any], *, titles: Mapping[str, str], tz: ZoneInfo,
                  max_items: int = 25, max_total: int = 80,
                  ) -> tuple[tuple[RuleGroup, ...], int]:
    """Group match rows by rule, each story once. Returns (groups, number of stories)."""
    rows = [dict(r) for r in rows]  # sqlite3.Row or mapping
    story_of = _story_keys(rows)
    by_rule: dict[str, dict[int, list[dict[str, Any]]]] = {}
    priority: dict[str, str] = {}
    for r in rows:
        rule = str(r["rule_id"])
        by_rule.setdefault(rule, {}).setdefault(story_of[int(r["article_id"])], []).append(r)
        if r.get("priority") == "alert":
            priority[rule] = "alert"
        else:
            priority.setdefault(rule, "digest")

    def title_of(rule: str) -> str:
        return clean_text(titles.get(rule) or rule, 160)

    order = sorted(by_rule, key=lambda rule: (priority[rule] != "alert", -len(by_rule[rule]),
                                              title_of(rule).casefold(), rule))
    shown: dict[int, str] = {}   # story -> title of the rule it was shown under
    groups: list[RuleGroup] = []
    for rule in order:
        items = [_item(story_rows, tz) for story_rows in by_rule[rule].values()]
        keys = list(by_rule[rule])
        pairs = sorted(zip(keys, items, strict=True),
                       key=lambda p: (p[1].when is None, -(p[1].when.timestamp()
                                                           if p[1].when else 0), p[1].article_id))
        out: list[Item] = []
        for key, item in pairs:
            if key in shown:
                item = replace(item, shown_under=shown[key])
            else:
                shown[key] = title_of(rule)
            out.append(item)
        keep = max(1, min(max_items, max_total))   # every rule shows at least one story
        max_total -= keep
        groups.append(RuleGroup(rule_id=rule, title=title_of(rule), priority=priority[rule],
                                items=tuple(out[:keep]), count=len(out),
                                more=max(0, len(out) - keep)))
    return tuple(groups), len(shown)


def feed_issues(rows: Iterable[Any], tz: ZoneInfo) -> tuple[FeedIssue, ...]:
    """Footer warnings from ``Store.feed_health()`` rows."""
    out = []
    for row in rows:
        r = dict(row)
        since = _parse_time(r.get("last_success_at"), tz)
        if r.get("disabled_reason"):
            out.append(FeedIssue(clean_text(r["name"], 120), "stopped", since,
                                 clean_text(r["disabled_reason"], 200)))
        elif not r.get("enabled", 1):
            out.append(FeedIssue(clean_text(r["name"], 120), "disabled", since))
        else:
            out.append(FeedIssue(clean_text(r["name"], 120), "failing", since,
                                 clean_text(r.get("last_error"), 200)))
    return tuple(out)


def compose(rows: Iterable[Any], *, kind: str = "digest", now: datetime,
            window_start: datetime | None, window_end: datetime, timezone: str,
            titles: Mapping[str, str] | None = None, health: Iterable[Any] = (),
            rules_dir: str = "rules", recipients: Sequence[str] = (),
            max_items: int = 25, max_total: int = 80) -> Digest:
    """The digest (or alert) for these match rows. ``now`` and the window are aware
    datetimes; they are shown in ``timezone``."""
    tz = ZoneInfo(timezone)
    rows = [dict(r) for r in rows]
    groups, n_stories = group_matches(rows, titles=titles or {}, tz=tz, max_items=max_items,
                                      max_total=max_total)
    return Digest(
        kind=kind, now=now.astimezone(tz),
        window_start=window_start.astimezone(tz) if window_start else None,
        window_end=window_end.astimezone(tz), groups=groups, n_stories=n_stories,
        n_matches=len(rows), health=feed_issues(health, tz), rules_dir=rules_dir,
        recipients=tuple(recipients),
    )
