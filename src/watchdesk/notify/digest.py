"""Composing a digest or an alert: match rows in, a ``Digest`` model out.

Pure: no database, no network, no clock (``now`` is a parameter), no formatting of dates (the
templates do that in the reader's language). The rules of composition:

1. An *event* is the set of matched articles sharing ``story_id`` (event grouping, see
   ``watchdesk.events``) or URL. Each event is shown **once in the whole digest**, with every
   rule it matched as a small label, and "N sources: …" naming the feeds that carried it
   (their titles, not their slugs; all its reports, also those of earlier digests).
2. Its headline is the **earliest** report's (publication time, else fetch time; the first
   outlet to carry it, usually the most complete wire), with its link and snippet; but when
   one of its reports is in the digest's language, the earliest of those (a French digest
   shows the French title of an event reported in four languages). Under it, its other
   reports, each linked, with outlet and language, and the languages of all its reports
   ("4 sources · fr en ar ru").
3. Rules are ordered: ``alert`` priority first, then by number of events matched (most
   first), then by title. Each event goes under the first of its rules in that order (the
   most urgent); a rule whose events all went under others has no section, its label shows
   where they are.
4. Within a rule, newest events first (by their latest report); at most ``max_items`` per
   rule and ``max_total`` in all (so the HTML stays under Gmail's 102 KB clipping), every
   rule showing at least one; what is left out is counted, per rule.
5. Only ``http``/``https`` URLs are kept as links. Text is cleaned of control characters and
   bounded; highlighting comes from the match's spans, validated against the text.
6. The week at a glance (``glance``): matches per rule and day over 14 days, when the caller
   gives the counts (the digest; alerts have none).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .clean import (
    SNIPPET_MAX,
    TITLE_MAX,
    Segment,
    clean_segments,
    clean_text,
    is_rtl,
    parse_time,
    safe_url,
    segments,
)
from .glance import Glance, glance

__all__ = ["Breaking", "Digest", "FeedIssue", "Item", "Label", "Report", "RuleGroup", "Segment",
           "clean_text", "compose", "feed_issues", "group_matches", "is_rtl", "safe_url",
           "segments"]


@dataclass(frozen=True)
class Label:
    """A rule an event matched, shown as a small label."""

    rule_id: str
    title: str
    priority: str


@dataclass(frozen=True)
class Breaking:
    """Why an alert says a story is breaking: ``sources`` feeds within ``minutes``."""

    sources: int
    minutes: int


@dataclass(frozen=True)
class Report:
    """One report of an event: an article, by the feed that carried it first."""

    article_id: int
    title: str
    url: str | None
    feed: str
    lang: str                    # primary subtag ('' unknown)


@dataclass(frozen=True)
class Item:
    """One event, under one rule."""

    article_id: int              # the headline's article
    story_id: int
    title: str
    title_segments: tuple[Segment, ...]
    url: str | None              # None: no link (missing or not http/https)
    feed: str                    # the headline's feed (its title)
    sources: tuple[str, ...]     # every feed that carried the event, the headline's first
    labels: tuple[Label, ...]    # every rule it matched, in the digest's rule order
    when: datetime | None        # the headline's publication (or fetch) time, digest's zone
    latest: datetime | None      # the newest report's
    snippet: tuple[Segment, ...]
    terms: tuple[str, ...]
    backfill: bool = False       # found by checking a new rule against older articles
    breaking: Breaking | None = None
    langs: tuple[str, ...] = ()  # the languages of its reports, the headline's first
    reports: tuple[Report, ...] = ()   # its other reports, oldest first

    @property
    def rtl(self) -> bool:
        """Is the title in a right-to-left script (Arabic here)? The HTML gives it a slightly
        larger size: Arabic at the size of Latin text reads small."""
        return is_rtl(self.title)

    @property
    def n_sources(self) -> int:
        return len(self.sources)


@dataclass(frozen=True)
class RuleGroup:
    rule_id: str
    title: str
    priority: str                # alert | digest
    items: tuple[Item, ...]
    count: int                   # events shown under this rule
    more: int = 0                # of those, left out (over the caps)


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
    n_stories: int               # events
    n_matches: int
    n_rules: int = 0             # rules that matched something
    health: tuple[FeedIssue, ...] = ()
    recipients: tuple[str, ...] = field(default=())
    week: tuple[Glance, ...] = ()
    web_url: str = ""            # WATCHDESK_WEB_URL: each event links to its page there

    @property
    def empty(self) -> bool:
        return not self.groups


# -- rows ---------------------------------------------------------------------------------------

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


def _when(r: Mapping[str, Any]) -> str:
    return str(r.get("published_at") or r.get("fetched_at") or r.get("created_at") or "")


def _feed(r: Mapping[str, Any]) -> str:
    return clean_text(r.get("feed_title") or r.get("feed_name"), 120)


def _lang(r: Mapping[str, Any]) -> str:
    return str(r.get("lang") or "").split("-")[0].split("_")[0].strip().lower()[:8]


def _reports(rows: Sequence[Mapping[str, Any]], reports: Sequence[Mapping[str, Any]],
             ) -> list[Mapping[str, Any]]:
    """Every article of the event once (its match rows first, then the other reports), by
    time."""
    seen: dict[int, Mapping[str, Any]] = {}
    for r in [*rows, *reports]:
        if r.get("article_id") is not None:
            seen.setdefault(int(r["article_id"]), r)
    return sorted(seen.values(), key=lambda r: (_when(r), int(r["article_id"])))


def _event_keys(rows: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    """article_id -> event key: articles sharing story_id or URL share a key (union-find)."""
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


def _sources(rows: Sequence[Mapping[str, Any]], reports: Sequence[Mapping[str, Any]],
             headline: Mapping[str, Any]) -> tuple[str, ...]:
    """Distinct feeds that carried the event, the headline's first, then by time."""
    seen: list[tuple[str, str]] = []
    for r in rows:
        seen.append((_when(r), _feed(r)))
        seen += [(_when(r), clean_text(f, 120)) for f in
                 _list(r.get("other_feed_titles") or r.get("other_feeds"))]
    seen += [(_when(r), _feed(r)) for r in reports]
    out = [_feed(headline)]
    for _, name in sorted(seen, key=lambda x: x[0]):   # stable: an article's own feed first
        if name and name not in out:
            out.append(name)
    return tuple(x for x in out if x)


def _item(rows: Sequence[Mapping[str, Any]], reports: Sequence[Mapping[str, Any]],
          labels: tuple[Label, ...], tz: ZoneInfo,
          breaking: Breaking | None = None, lang: str | None = None) -> Item:
    """One event from its match rows (maybe several articles and rules); its headline in
    ``lang`` when one of its reports is."""
    ordered = sorted(rows, key=lambda r: (_when(r), int(r["article_id"])))
    everything = _reports(ordered, reports)
    rep = next((r for r in ordered if lang and _lang(r) == lang), ordered[0])
    if lang and _lang(rep) != lang:   # a report of another digest: its title and link
        rep = next((r for r in everything if _lang(r) == lang), rep)
    title = clean_text(rep.get("title"))
    snips = _snippets(rep)
    title_snip = snips.get("title")
    if isinstance(title_snip, dict) and clean_text(title_snip.get("text")) == title:
        title_segments = clean_segments(str(title_snip.get("text") or ""),
                                        title_snip.get("spans") or (), TITLE_MAX)
    else:
        title_segments = (Segment(title),) if title else ()
    snippet: tuple[Segment, ...] = ()
    for name in ("body", "summary"):
        s = snips.get(name)
        if isinstance(s, dict) and s.get("text"):
            snippet = clean_segments(str(s["text"]), s.get("spans") or (), SNIPPET_MAX)
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
    latest = max(_when(r) for r in ordered)
    if rep not in ordered:   # its snippet is in another language than its title
        snippet = ()
    langs = [_lang(rep), *(_lang(r) for r in everything)]
    others = tuple(Report(int(r["article_id"]), clean_text(r.get("title"), TITLE_MAX),
                          safe_url(r.get("url")), _feed(r), _lang(r))
                   for r in everything if int(r["article_id"]) != int(rep["article_id"]))
    return Item(
        article_id=int(rep["article_id"]), story_id=int(rep.get("story_id") or
                                                        rep["article_id"]),
        title=title, title_segments=title_segments, url=safe_url(rep.get("url")),
        feed=_feed(rep), sources=_sources(ordered, reports, rep), labels=labels,
        when=parse_time(rep.get("published_at") or rep.get("fetched_at"), tz),
        latest=parse_time(latest, tz), snippet=snippet, terms=tuple(terms),
        backfill=all(bool(r.get("backfill")) for r in rows), breaking=breaking,
        langs=tuple(x for x in dict.fromkeys(langs) if x), reports=others,
    )


# -- composition --------------------------------------------------------------------------------

def group_matches(rows: Iterable[Any], *, titles: Mapping[str, str], tz: ZoneInfo,
                  reports: Iterable[Any] = (),
                  breaking: Mapping[tuple[str, int], Breaking] | None = None,
                  max_items: int = 25, max_total: int = 80, lang: str | None = None,
                  ) -> tuple[tuple[RuleGroup, ...], int, int]:
    """Match rows -> (rule groups, number of events, number of rules matched). Each event
    once, under the most urgent of its rules (see the module docstring)."""
    rows = [dict(r) for r in rows]  # sqlite3.Row or mapping
    key_of = _event_keys(rows)
    by_event: dict[int, list[dict[str, Any]]] = {}
    rules_of: dict[int, set[str]] = {}
    priority: dict[str, str] = {}
    for r in rows:
        key = key_of[int(r["article_id"])]
        by_event.setdefault(key, []).append(r)
        rule = str(r["rule_id"])
        rules_of.setdefault(key, set()).add(rule)
        if r.get("priority") == "alert":
            priority[rule] = "alert"
        else:
            priority.setdefault(rule, "digest")
    reports_of: dict[int, list[dict[str, Any]]] = {}
    story_key = {int(r.get("story_id") or r["article_id"]): k
                 for k, rs in by_event.items() for r in rs}
    for rep in (dict(x) for x in reports):
        k = story_key.get(int(rep["story_id"]))
        if k is not None:
            reports_of.setdefault(k, []).append(rep)

    def title_of(rule: str) -> str:
        return clean_text(titles.get(rule) or rule, 160)

    matched = {rule: sum(rule in rs for rs in rules_of.values()) for rule in priority}
    order = sorted(priority, key=lambda rule: (priority[rule] != "alert", -matched[rule],
                                               title_of(rule).casefold(), rule))
    rank = {rule: i for i, rule in enumerate(order)}
    placed: dict[str, list[Item]] = {rule: [] for rule in order}
    for key, event_rows in by_event.items():
        rules = sorted(rules_of[key], key=rank.__getitem__)
        labels = tuple(Label(r, title_of(r), priority[r]) for r in rules)
        why = next((b for r in rules if (b := (breaking or {}).get(
            (r, int(event_rows[0].get("story_id") or event_rows[0]["article_id"]))))), None)
        placed[rules[0]].append(_item(event_rows, reports_of.get(key, []), labels, tz, why,
                                      lang))
    groups: list[RuleGroup] = []
    budget = max_total
    for rule in order:
        items = sorted(placed[rule], key=lambda it: (
            it.latest is None, -(it.latest.timestamp() if it.latest else 0), it.story_id))
        if not items:
            continue
        keep = max(1, min(max_items, budget))   # every rule shows at least one event
        shown = items[:keep]
        budget = max(0, budget - len(shown))    # what was shown, not the cap
        groups.append(RuleGroup(rule_id=rule, title=title_of(rule), priority=priority[rule],
                                items=tuple(shown), count=len(items),
                                more=len(items) - len(shown)))
    return tuple(groups), len(by_event), len(order)


def feed_issues(rows: Iterable[Any], tz: ZoneInfo) -> tuple[FeedIssue, ...]:
    """Footer warnings from ``Store.feed_health()`` rows."""
    out = []
    for row in rows:
        r = dict(row)
        name = clean_text(r["name"], 120)   # what to look for in feeds.yaml
        since = parse_time(r.get("last_success_at"), tz)
        if r.get("disabled_reason"):
            out.append(FeedIssue(name, "stopped", since, clean_text(r["disabled_reason"], 200)))
        elif not r.get("enabled", 1):
            out.append(FeedIssue(name, "disabled", since))
        else:
            out.append(FeedIssue(name, "failing", since, clean_text(r.get("last_error"), 200)))
    return tuple(out)


def compose(rows: Iterable[Any], *, kind: str = "digest", now: datetime,
            window_start: datetime | None, window_end: datetime, timezone: str,
            titles: Mapping[str, str] | None = None, health: Iterable[Any] = (),
            recipients: Sequence[str] = (),
            reports: Iterable[Any] = (), daily: Mapping[str, Sequence[int]] | None = None,
            breaking: Mapping[tuple[str, int], Breaking] | None = None,
            max_items: int = 25, max_total: int = 80, web_url: str = "",
            lang: str | None = None) -> Digest:
    """The digest (or alert) for these match rows. ``now`` and the window are aware
    datetimes; they are shown in ``timezone``. ``reports``: every report of the events
    (``Store.event_reports``), for their sources; ``daily``: matches per rule and day
    (``Store.daily_matches``), for the week at a glance; ``breaking``: (rule, story) -> why
    an alert says the event is breaking; ``web_url``: where the desk's web pages are
    reached (each event then links to ``web_url/events/<story id>``); ``lang``: the digest's
    language, which an event's headline is in when one of its reports is."""
    tz = ZoneInfo(timezone)
    rows = [dict(r) for r in rows]
    titles = titles or {}
    groups, n_events, n_rules = group_matches(
        rows, titles=titles, tz=tz, reports=reports, breaking=breaking, max_items=max_items,
        max_total=max_total, lang=lang)
    local_now = now.astimezone(tz)
    week = (glance(daily, titles, [g.rule_id for g in groups], window_end.astimezone(tz))
            if daily is not None else ())
    return Digest(
        kind=kind, now=local_now,
        window_start=window_start.astimezone(tz) if window_start else None,
        window_end=window_end.astimezone(tz), groups=groups, n_stories=n_events,
        n_matches=len(rows), n_rules=n_rules, health=feed_issues(health, tz),
        recipients=tuple(recipients), week=week,
        web_url=(safe_url(web_url) or "").rstrip("/"),
    )
