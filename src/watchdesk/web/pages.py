"""What each page shows, assembled from the library the CLI and the digest already use:
``notify.digest.compose`` (events, their sources and rules, the week at a glance),
``notify.recent`` (an article's rule hits and best snippet), ``search`` (the rule language
over stored articles, ``compare`` for gains and losses), ``verdicts`` (how a rule fares
against the desk's verdicts), ``status.feed_line`` (feed health). Nothing here writes; the
store handed in is read-only. Feed text is passed on as text: the templates escape it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .. import verdicts as verdicts_mod
from ..config.settings import Settings
from ..errors import ConfigError
from ..notify.clean import SNIPPET_MAX, Segment, clean_segments, clean_text, is_rtl, parse_time
from ..notify.digest import Digest, compose
from ..notify.recent import RecentArticle, recent_articles
from ..rules import Query, Rule, RuleSet, Snippet, compile_query
from ..rules.matcher import Verdict
from ..search import Diff, Hit, Target, compare, count_stored, search_counted, stored_targets
from ..status import age, feed_line
from ..store import Store, iso

PER_PAGE = 20          # search results per page (?per=5..100 changes it)


def snippet_segments(s: Snippet, limit: int = SNIPPET_MAX) -> tuple[Segment, ...]:
    return clean_segments(s.text, s.spans, limit)


# -- / ------------------------------------------------------------------------------------------

def home(store: Store, s: Settings, titles: Mapping[str, str], now: datetime,
         ) -> tuple[Digest, bool]:
    """The events of the last 24 h as the digest composes them (or the latest ones when
    there are none: then the bool is True)."""
    start = now - timedelta(hours=24)
    rows = store.recent_match_rows(iso(start), limit=2000)
    latest = False
    if not rows:
        rows = store.recent_match_rows(None, limit=200)
        latest = bool(rows)
    d = compose(rows, kind="digest", now=now, window_start=start, window_end=now,
                timezone=s.timezone, titles=titles, health=store.feed_health(now),
                reports=store.event_reports(int(r["story_id"]) for r in rows),
                daily=store.daily_matches(iso(now)), max_items=30, max_total=200)
    return d, latest


# -- /events/<id> --------------------------------------------------------------------------------

@dataclass
class Report:
    """One report of an event."""

    article_id: int
    title: str
    url: str | None
    feed: str
    lang: str
    when: datetime | None
    snippet: tuple[Segment, ...]
    rules: list[tuple[str, str, tuple[str, ...]]]   # (rule id, title, terms)
    after: str | None = None                        # how long after the first report: 12m

    @property
    def rtl(self) -> bool:
        return is_rtl(self.title)


def _report(a: RecentArticle, art: Any, titles: Mapping[str, str],
            tz: ZoneInfo) -> Report:
    from ..notify.clean import safe_url

    return Report(
        article_id=a.article_id, title=clean_text(a.title), url=safe_url(a.url),
        feed=clean_text(art["feed_title"] or art["feed_name"], 120),
        lang=clean_text(art["lang"] or "", 12),
        when=parse_time(a.published_at or a.fetched_at, tz),
        snippet=snippet_segments(a.hits[0].snippet) if a.hits else (),
        rules=[(h.rule_id, clean_text(titles.get(h.rule_id) or h.rule_id, 160), h.terms)
               for h in a.hits])


def event(store: Store, s: Settings, story_id: int, titles: Mapping[str, str],
          now: datetime) -> tuple[Digest, list[Report]] | None:
    """The event as the digest shows it (headline, sources, labels) and every report of it,
    in time order (the timeline)."""
    rows = store.story_match_rows(story_id)
    if not rows:
        return None
    tz = ZoneInfo(s.timezone)
    d = compose(rows, now=now, window_start=None, window_end=now, timezone=s.timezone,
                titles=titles, reports=store.event_reports([story_id]), max_items=1,
                max_total=1)
    arts = {int(r["id"]): r for r in store.articles_by_id(int(r["article_id"]) for r in rows)}
    reports = [_report(a, arts[a.article_id], titles, tz) for a in recent_articles(rows)]
    reports.sort(key=lambda r: (r.when is None, r.when or now, r.article_id))
    first = next((r.when for r in reports if r.when), None)
    for r in reports:
        if first and r.when:
            r.after = age(r.when - first)
    return d, reports


# -- /articles/<id> ------------------------------------------------------------------------------

@dataclass
class ArticleView:
    row: Any                                      # the articles row
    title: str
    url: str | None
    published: datetime | None
    fetched: datetime | None
    paragraphs: list[str]
    hits: RecentArticle | None
    why: dict[str, Verdict]                       # rule id -> explanation (running rules)
    verdicts: list[dict[str, Any]]
    mine: dict[str, str]                          # rule id -> my verdict
    also_in: list[str]
    titles: Mapping[str, str]
    snippets: dict[str, tuple[Segment, ...]] = field(default_factory=dict)

    @property
    def rtl(self) -> bool:
        return is_rtl(self.title)


def article(store: Store, s: Settings, article_id: int, ruleset: RuleSet,
            titles: Mapping[str, str], who: str) -> ArticleView | None:
    row = store.article(article_id)
    if row is None:
        return None
    tz = ZoneInfo(s.timezone)
    from ..notify.clean import safe_url
    from ..rules import Document

    grouped = recent_articles(store.article_match_rows(article_id))
    hits = grouped[0] if grouped else None
    doc = Document(row["title"], row["summary"], row["body"], row["lang"], row["url"])
    why: dict[str, Verdict] = {}
    tags = tuple(json.loads(row["feed_tags"] or "[]"))
    for h in hits.hits if hits else ():
        rule = ruleset.get(h.rule_id)
        if rule is not None and rule.enabled:
            why[h.rule_id] = ruleset.explain(h.rule_id, doc, row["feed_name"], tags)
    vs = [dict(v) for v in store.verdicts(article_id=article_id)]
    body = row["body"] or row["summary"] or ""
    return ArticleView(
        row=row, title=clean_text(row["title"]) or "", url=safe_url(row["url"]),
        published=parse_time(row["published_at"], tz), fetched=parse_time(row["fetched_at"], tz),
        paragraphs=[p.strip() for p in body.split("\n") if p.strip()], hits=hits, why=why,
        verdicts=vs, mine={v["rule_id"]: v["verdict"] for v in vs if v["who"] == who},
        also_in=store.other_feeds(article_id), titles=titles,
        snippets={h.rule_id: snippet_segments(h.snippet) for h in (hits.hits if hits else ())})


# -- /search -------------------------------------------------------------------------------------

@dataclass
class SearchView:
    q: str
    since: str
    page: int
    per: int = PER_PAGE
    error: ConfigError | None = None
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    exact: bool = True     # False: ``total`` is an estimate (shown as "about")
    looked_at: int = 0

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per))


Lists = tuple[Mapping[str, Any], Mapping[str, str]]   # the folder's @lists, and broken ones


def compile_text(text: str, lists: Lists, label: str = "query") -> Query:
    """A query typed in a form, with the rules folder's @lists (as ``watchdesk search``)."""
    return compile_query(text, path=label, lists=dict(lists[0]), broken_lists=dict(lists[1]))


def search(store: Store, lists: Lists, q: str, since_iso: str, since: str,
           page: int, per: int = PER_PAGE) -> SearchView:
    v = SearchView(q, since, page, per)
    if not q.strip():
        return v
    try:
        query = compile_text(q, lists)
    except ConfigError as e:
        v.error = e
        return v
    want = page * per
    # counted as `watchdesk search` counts: the hits up to this page listed, the rest by
    # reading at most CHECK candidates, and estimated beyond (said to be an estimate)
    hits, beyond = search_counted(query, stored_targets(store, since_iso, query=query), want)
    v.hits = hits[(page - 1) * per:]
    v.total = len(hits) + beyond.estimate
    v.exact = beyond.exact
    v.looked_at = count_stored(store, since_iso)
    return v


# -- /rules --------------------------------------------------------------------------------------

@dataclass
class RuleRow:
    rule: Rule
    file: str
    count: int                      # matches over the last 14 days
    running: bool                   # the daemon runs this very version
    score: verdicts_mod.Score | None


def rules_page(store: Store, rules: Sequence[Rule], now: datetime,
               running: Mapping[str, Rule]) -> list[RuleRow]:
    """``running``: the rules the daemon runs (``store.rule_state.running_rules``)."""
    from pathlib import Path

    daily = store.daily_matches(iso(now))
    judged, targets = verdicts_mod.load(store, [r.id for r in rules])
    scores = verdicts_mod.score(rules, judged, targets)
    return [RuleRow(r, Path(r.path).name, sum(daily.get(r.id, ())),
                    r.id in running and running[r.id].version == r.version, scores.get(r.id))
            for r in rules]


# -- /rules/test ---------------------------------------------------------------------------------

@dataclass
class TestView:
    """What a query or draft matches, gains and loses, and how it fares against verdicts."""

    hits: list[Hit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    looked_at: int = 0
    diffs: list[Diff] = field(default_factory=list)
    scores: dict[str, verdicts_mod.Score] = field(default_factory=dict)
    error: ConfigError | None = None


def test_rules(store: Store, rules: Sequence[Rule], since_iso: str,
               running: Mapping[str, Rule]) -> TestView:
    """``rules`` (a draft's, or one built from a query) on the articles stored since
    ``since_iso``, as ``watchdesk rules test`` runs them, against ``running``."""
    from ..search import run_rules

    v = TestView()
    wanted = list(rules) + [running[r.id] for r in rules if r.id in running]
    targets: list[Target] = list(stored_targets(store, since_iso, rules=wanted)) if wanted \
        else []
    v.hits, v.counts, _ = run_rules(rules, targets)
    v.looked_at = count_stored(store, since_iso)
    v.diffs = compare(rules, dict(running), targets)
    judged, judged_targets = verdicts_mod.load(store, [r.id for r in rules])
    v.scores = verdicts_mod.score(rules, judged, judged_targets)
    return v


def query_rule(q: str, lists: Lists, replaces: Rule | None) -> Rule:
    """A query typed on /rules/test as a rule: in place of ``replaces`` (its id, exclusion,
    feeds and priority), or on its own (id ``query``)."""
    query = compile_text(q, lists)
    if replaces is None:
        return Rule("query", "query", q, compiled=query)
    return Rule(replaces.id, replaces.title, q, replaces.exclude, replaces.priority,
                replaces.feeds, True, path=replaces.path, compiled=query,
                compiled_exclude=replaces.compiled_exclude)


# -- /feeds --------------------------------------------------------------------------------------

@dataclass
class FeedRow:
    name: str
    title: str
    last_poll: str
    status: str
    articles: int
    errors: int
    next_poll: str
    why: str


def feeds(store: Store, now: datetime) -> tuple[list[FeedRow], list[str]]:
    from ..store import parse_iso

    def ago(ts: str | None) -> str:
        dt = parse_iso(ts)
        return "-" if dt is None else age(now - dt)

    def until(ts: str | None) -> str:
        dt = parse_iso(ts)
        return "0s" if dt is None or dt <= now else age(dt - now)

    out, notes = [], []
    for r in store.feed_report():
        status, why = feed_line(r)
        notes += why
        active = r["enabled"] and not r["disabled_reason"]
        out.append(FeedRow(
            r["name"], clean_text(r["title"] or r["name"], 120), ago(r["last_polled_at"]),
            status, int(r["articles"]), int(r["errors"]),
            until(r["next_poll_at"]) if active else "-",
            (r["next_poll_reason"] or ("first poll" if not r["last_polled_at"] else ""))
            if active else ""))
    return out, notes
