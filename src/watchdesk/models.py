"""Plain data passed between the pipeline's stages.

Everything here is picklable (it crosses into worker processes) and free of behaviour beyond
small derived properties.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FeedConfig:
    """One feed as configured in feeds.yaml."""

    name: str
    url: str
    tags: tuple[str, ...] = ()
    interval: int = 1800  # seconds
    fetch_articles: bool = True
    enabled: bool = True
    line: int | None = None
    interval_explicit: bool = False  # `interval:` written on the feed: the adaptive ceiling
    kind: str = "feed"               # feed | sitemap | html | telegram (``sources.kinds``)
    select: tuple[tuple[str, str], ...] = ()  # kind html: (key, CSS selector) pairs
    max_entries: int | None = None   # entries taken per poll (default: settings.max_entries)


@dataclass(frozen=True)
class FeedState:
    """A feed as the database knows it (what the next poll needs)."""

    id: int
    name: str
    url: str
    tags: tuple[str, ...]
    interval: int
    fetch_articles: bool
    enabled: bool
    etag: str | None
    last_modified: str | None
    error_count: int
    next_poll_at: str | None
    last_polled_at: str | None
    disabled_reason: str | None = None
    poll_interval: int | None = None   # adaptive interval last computed (see ``schedule``)
    interval_explicit: bool = False    # see FeedConfig
    kind: str = "feed"                 # see FeedConfig
    select: tuple[tuple[str, str], ...] = ()
    max_entries: int | None = None


@dataclass
class Entry:
    """One item of a parsed feed, reduced to plain text."""

    guid: str | None
    link: str | None
    title: str
    summary: str            # plain text
    content: str            # plain text of the feed's full content, if it carries one
    author: str | None
    published_at: str | None  # UTC ISO 8601


@dataclass
class ParsedFeed:
    title: str | None
    link: str | None
    entries: list[Entry]
    ttl: int | None = None          # publisher's hint, seconds (<ttl>, sy:updatePeriod)
    bozo: str | None = None         # feedparser's complaint, if any (kept even if entries parsed)
    is_feed: bool = True            # False: it was HTML or garbage
    html: bool = False              # not a feed, and it looked like an HTML page
    alternates: list[str] = field(default_factory=list)  # feed links found in an HTML page
    language: str | None = None     # the feed's declared language (<language>, xml:lang)
    # sources without a feed (``sources/``): pages to read next (a sitemap index's recent
    # children, a Telegram channel's older messages), and what the page's reader noticed
    more: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Extracted:
    """What trafilatura made of an article page."""

    body: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    lang: str | None = None
    description: str | None = None
    wall: str | None = None         # the page is a consent wall or paywall: why (``walls``)
    truncated: str | None = None    # what the bounds cut from the page (``bounds``)


@dataclass
class MatchRecord:
    """A rule match as stored: built from ``rules.Match``."""

    rule_id: str
    priority: str
    terms: list[str]
    snippet: str
    snippets: dict[str, dict[str, object]]
    backfill: bool = False


@dataclass
class ArticleWrite:
    """What to write for one feed entry. ``action`` is decided by ``identity.plan``:

    - ``new``: a new article (and its entry row)
    - ``update``: same identity, content changed: update article ``article_id`` in place
    - ``link``: an article we already have under another feed or identity: only an entry row
    """

    action: str
    identity: str
    entry_hash: str
    article_id: int | None = None
    guid: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    title: str = ""
    summary: str = ""
    body: str = ""
    author: str | None = None
    lang: str | None = None
    published_at: str | None = None
    extraction: str = "none"
    wall: str | None = None         # why the page was not used (``extract.walls``)
    truncated: str | None = None    # what the extraction bounds cut from the page
    body_site: str | None = None    # a page body was extracted: its site and key, so that
    body_key: str | None = None     # the same body on another URL is seen (``walls``)
    content_hash: str = ""
    event_terms: dict[str, float] | None = None   # matched: its terms, to group it (``events``)
    matches: list[MatchRecord] = field(default_factory=list)


@dataclass
class PollResult:
    """The outcome of polling one feed: a value, whatever happened."""

    feed_id: int
    feed_name: str
    started_at: str
    status: int | None = None
    bytes: int = 0
    ms: int = 0
    error: str | None = None
    error_kind: str | None = None       # the error's class (errors.py), e.g. DeadlineExceeded
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    new_url: str | None = None          # permanent redirect target
    gone: bool = False                  # 410: disable the feed
    next_poll_at: str | None = None
    feed_title: str | None = None
    site_url: str | None = None
    new: int = 0
    updated: int = 0
    matched: int = 0
    skipped: int = 0                    # entries over the per-poll bound, or blocked links
    poll_interval: int | None = None    # adaptive interval computed from this poll
    schedule_reason: str | None = None  # why next_poll_at is when it is (schedule.Interval)
    warning: str | None = None          # the feed parsed, but with complaints (bozo)

    @property
    def ok(self) -> bool:
        return self.error is None
