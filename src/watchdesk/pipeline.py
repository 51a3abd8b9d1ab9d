"""The poll cycle: the one place that knows the order of the stages.

For each due feed, concurrently (bounded by the fetcher's global and per-host limits):

1. **fetch** the feed with a conditional GET (``fetch``); 304 ends here;
2. **parse** the bytes in a worker process, by the source's kind (``sources.kinds``: feed,
   sitemap, html listing, telegram channel); a feed's HTML page that links to a feed is
   followed to it (discovery), and the feed's URL then replaces the page's; a sitemap
   index's recent children and a channel's older pages, back to what is stored, are read
   (``sources.read``); a feed that parses with complaints (bozo), or a source whose reader
   noticed something (a selector that matches nothing), is used, the complaint kept as its
   warning; the next poll interval adapts to the entries' dates and the publisher's hints
   (``schedule``);
3. **plan**: decide which entries are new, updated or already known (``identity``, pure);
4. **fetch** each new or updated entry's article page (same fetcher; links to internal
   addresses are refused unless on the feed's own host);
5. **extract** the body in a worker process (``extract``); a page that is a consent wall or
   a paywall (``extract.walls``), or whose body another URL of its site carried (asked of
   the store: ``walls.repeated``), is not used; the article falls back to the feed's own
   content, then its summary, recording which was used and why (``articles.wall``);
6. **match** the article against every rule at once (``rules``), and if it matches, take
   its terms for event grouping (``events``: the store gives it the story of the recent
   matched articles that report the same event, copies of one wire text included);
7. **store** the feed's articles, matches, new state and fetch log in one transaction
   (``store``).

A feed that fails at any step becomes a ``PollResult`` with its error and its next poll time
(backoff); it never stops the other feeds. One log line per feed per cycle says how it went.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from . import events, identity, logs, schedule, sources
from .config.settings import Settings
from .errors import ContentError, ExtractError, FeedGone, FetchError
from .extract import walls
from .models import ArticleWrite, Entry, FeedState, MatchRecord, ParsedFeed, PollResult
from .rules import Document, RuleSet
from .rules.language import article_language
from .sources.fetch import PAGE_ACCEPT, Fetcher, Response
from .sources.sniff import looks_like
from .store import Store, iso
from .urls import host_of
from .workers import Workers

log = logging.getLogger("watchdesk.poll")

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def _dates(entries: Sequence[Entry]) -> list[datetime]:
    out = []
    for e in entries:
        if e.published_at:
            try:
                out.append(datetime.fromisoformat(e.published_at.replace("Z", "+00:00")))
            except ValueError:
                continue
    return out


@dataclass
class CycleReport:
    results: list[PollResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def new(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def updated(self) -> int:
        return sum(r.updated for r in self.results)

    @property
    def matched(self) -> int:
        return sum(r.matched for r in self.results)

    @property
    def failed(self) -> list[PollResult]:
        return [r for r in self.results if not r.ok]

    @property
    def not_modified(self) -> int:
        return sum(1 for r in self.results if r.not_modified)


def to_record(m: Any) -> MatchRecord:
    """rules.Match -> what the store keeps."""
    best = next((m.snippets[f].text for f in ("body", "summary", "title")
                 if f in m.snippets), "")
    return MatchRecord(rule_id=m.rule_id, priority=m.priority, terms=list(m.terms),
                       snippet=best, snippets={f: s.as_json() for f, s in m.snippets.items()})


class Pipeline:
    def __init__(self, settings: Settings, store: Store, fetcher: Fetcher, workers: Workers,
                 rules: Callable[[], RuleSet], *, clock: Clock = utcnow,
                 rng: random.Random | None = None) -> None:
        self.settings = settings
        self.store = store
        self.fetcher = fetcher
        self.workers = workers
        self.rules = rules
        self.clock = clock
        self.rng = rng or random.Random()
        self._stopping = False
        # Feeds in progress at once. Without a bound every feed of a big cycle starts at once,
        # they all advance in step and finish together at the end: every fetched page and
        # every article waits in memory until then (556 MB for 1,000 feeds x 20 new entries,
        # see benchmarks/), and nothing is committed before the end of the cycle.
        self._feeds = asyncio.Semaphore(settings.concurrency)
        # Article pages in hand at once (being fetched, or fetched and not yet extracted):
        # the same bound as when each feed's pages held their host slot through extraction
        # (concurrency x per_host), but one queue for the whole cycle. A feed's slot is held
        # for the request only, so a feed's pages reach the pool as soon as they arrive;
        # pages are let in in the order they are asked for, so the first feeds finish first
        # and the next ones start while the pool still has work (held per feed, the pages of
        # all feeds in flight advanced in step, finished together, and the pool ran dry at
        # each wave's end while their articles were matched and stored: benchmarks/README).
        self._pages = asyncio.Semaphore(max(1, settings.concurrency * settings.per_host))

    def stop(self) -> None:
        """Accept no new feeds; feeds in flight finish and commit."""
        self._stopping = True

    async def poll(self, feeds: Sequence[FeedState],
                   on_result: Callable[[PollResult], None] | None = None) -> CycleReport:
        t0 = time.monotonic()
        report = CycleReport()

        async def one(feed: FeedState) -> None:
            async with self._feeds:
                if self._stopping:
                    return
                result = await self.poll_feed(feed)
            report.results.append(result)
            if on_result:
                on_result(result)

        await asyncio.gather(*(one(f) for f in feeds))
        report.seconds = time.monotonic() - t0
        return report

    async def poll_feed(self, feed: FeedState) -> PollResult:
        now = self.clock()
        result = PollResult(feed_id=feed.id, feed_name=feed.name, started_at=iso(now))
        t0 = time.monotonic()
        writes: list[ArticleWrite] = []
        interval = feed.poll_interval or feed.interval
        try:
            resp = await self.fetcher.get(feed.url, etag=feed.etag,
                                          last_modified=feed.last_modified,
                                          max_bytes=self.settings.max_feed_bytes,
                                          allowed_hosts=[host_of(feed.url)])
            result.status = resp.status
            result.bytes = len(resp.body)
            result.new_url = resp.permanent_url
            if resp.not_modified:
                result.not_modified = True
                kept = schedule.kept_interval(feed.poll_interval, feed.interval,
                                              explicit=feed.interval_explicit)
                if kept is not None:
                    interval = kept.seconds
                    result.poll_interval, result.schedule_reason = kept.seconds, kept.reason
            else:
                limit = feed.max_entries or self.settings.max_entries
                parsed = await self.workers.read(feed.kind, resp.body, resp.headers, resp.url,
                                                 dict(feed.select))
                if not parsed.is_feed and feed.kind == "feed":
                    resp, parsed = await self._discover(feed, resp, parsed)
                    result.new_url = resp.url
                    result.bytes = len(resp.body)
                elif not parsed.is_feed:
                    raise ContentError(f"not a {feed.kind} source: {parsed.bozo}")
                parsed = await sources.follow(feed.kind, parsed, self._page_reader(feed, resp),
                                              known=self._known(feed), limit=limit)
                result.etag = resp.headers.get("etag")
                result.last_modified = resp.headers.get("last-modified")
                warnings = [f"the feed is malformed but was read: {parsed.bozo}"
                            ] if parsed.bozo else []
                warnings += parsed.warnings
                result.feed_title, result.site_url = parsed.title, parsed.link
                entries = parsed.entries[:limit]
                result.skipped = len(parsed.entries) - len(entries)
                plan = schedule.plan_interval(
                    feed.interval, _dates(parsed.entries), now,
                    explicit=feed.interval_explicit, ttl=parsed.ttl,
                    max_age=schedule.max_age(resp.headers))
                interval = result.poll_interval = plan.seconds
                result.schedule_reason = plan.reason
                page_errors: list[str] = []
                writes = await self._articles(feed, entries, resp.url, page_errors,
                                              parsed.language)
                if page_errors:
                    warnings.append(f"{len(page_errors)} article page(s) not used, the feed's"
                                    f" text was stored instead; first: {page_errors[0]}")
                result.warning = "; ".join(warnings)[:1000] or None
        except FeedGone as e:
            result.gone, result.error, result.status = True, str(e), 410
            result.error_kind = type(e).__name__
        except (FetchError, ExtractError) as e:
            result.error = f"{type(e).__name__}: {e}"
            result.error_kind = type(e).__name__
            result.status = getattr(e, "status", None) or result.status
            wait = schedule.backoff(feed.interval, feed.error_count + 1,
                                    getattr(e, "retry_after", None))
            result.schedule_reason = wait.reason
            result.next_poll_at = iso(now + timedelta(
                seconds=schedule.jittered(wait.seconds, self.rng)))
        result.ms = int((time.monotonic() - t0) * 1000)
        if result.next_poll_at is None:
            result.next_poll_at = iso(schedule.next_poll_at(now, interval, rng=self.rng))
        self.store.save_poll(result, writes, iso(self.clock()))
        self._log(result)
        return result

    def _known(self, feed: FeedState) -> sources.Known:
        """Whether any of some entries of ``feed`` is already stored (``sources.read``)."""
        def known(entries: Sequence[Entry]) -> bool:
            return bool(self.store.known_entries(feed.id, identity.entry_keys(entries)[0]))
        return known

    def _page_reader(self, feed: FeedState, first: Response) -> sources.ReadPage:
        """Fetch and parse a further page of ``feed``'s source (``sources.read``): same bounds,
        same address guard (the source's own host, and the host its first page came from)."""
        allowed = [host_of(feed.url), host_of(first.url)]

        async def read(url: str) -> ParsedFeed:
            resp = await self.fetcher.get(url, max_bytes=self.settings.max_feed_bytes,
                                          allowed_hosts=allowed)
            return await self.workers.read(feed.kind, resp.body, resp.headers, resp.url,
                                           dict(feed.select))

        return read

    async def _discover(self, feed: FeedState, page: Response,
                        parsed: ParsedFeed) -> tuple[Response, ParsedFeed]:
        """The configured URL gave an HTML page: follow its ``<link rel="alternate">`` feed
        (feed discovery). The caller stores the feed's URL as the feed's own, as for a
        permanent redirect. Raises ContentError when there is nothing to follow."""
        if not page.body.strip():
            raise ContentError("empty body: the server sent no feed")
        if not parsed.alternates:
            other = looks_like(page.body)
            if other:
                raise ContentError(f"not a feed but a {other} source: write 'kind: {other}' "
                                   f"on feeds[{feed.name}] in feeds.yaml")
            what = "an HTML page without a feed link" if parsed.html else "not a feed"
            raise ContentError(f"{what} ({parsed.bozo})")
        url = parsed.alternates[0]
        resp = await self.fetcher.get(url, max_bytes=self.settings.max_feed_bytes,
                                      allowed_hosts=[host_of(feed.url)])
        found = await self.workers.parse(resp.body, resp.headers, resp.url)
        if not found.is_feed:
            raise ContentError(f"an HTML page whose feed link {url} is not a feed either")
        log.info("feed=%s discovered feed url=%s from page=%s", feed.name, resp.url, page.url)
        return resp, found

    async def _articles(self, feed: FeedState, entries: Sequence[Entry], base_url: str,
                        page_errors: list[str], feed_lang: str | None = None
                        ) -> list[ArticleWrite]:
        ids, urls = identity.entry_keys(entries)
        decisions = identity.plan(entries, self.store.known_entries(feed.id, ids),
                                  self.store.articles_by_url(feed.id, urls))
        todo = [d for d in decisions if d.action != "skip"]
        allowed = {host_of(feed.url), host_of(base_url)}
        # A feed's pages mostly share its host: no more in flight than the host allows.
        slot = asyncio.Semaphore(self.settings.per_host)
        writes = list(await asyncio.gather(*(self._page(feed, d, allowed, slot, page_errors)
                                             for d in todo)))
        self._repeated_bodies(feed, writes)
        return [self._finish(feed, d.entry, w, feed_lang) for d, w in zip(todo, writes,
                                                                         strict=True)]

    async def _page(self, feed: FeedState, d: identity.Decision, allowed: set[str],
                    slot: asyncio.Semaphore, page_errors: list[str]) -> ArticleWrite:
        """The entry's write, with its page's body when the page gives one (``extraction``
        is then ``page``), or with why the page is a wall (``wall``)."""
        e = d.entry
        w = ArticleWrite(action=d.action, identity=d.identity, entry_hash=d.entry_hash,
                         article_id=d.article_id, guid=e.guid, url=e.link,
                         canonical_url=d.canonical_url, title=e.title, summary=e.summary,
                         author=e.author, published_at=e.published_at)
        if d.action == "link" or not (feed.fetch_articles and e.link):
            return w
        try:
            async with self._pages:
                async with slot:
                    page = await self.fetcher.get(e.link,
                                                  max_bytes=self.settings.max_page_bytes,
                                                  allowed_hosts=allowed, accept=PAGE_ACCEPT)
                ex = await self.workers.extract(page.body, page.url,
                                                page.headers.get("content-type", ""))
        except (FetchError, ExtractError) as err:
            why = f"{type(err).__name__}: {err}"
            page_errors.append(f"{e.link}: {why}")
            log.info("article page not used feed=%s url=%s error=%s", feed.name, e.link, why)
            return w
        if ex is None:
            return w
        w.truncated = ex.truncated
        if ex.wall:
            w.wall = ex.wall
            log.info("article page is a wall feed=%s url=%s wall=%r", feed.name, e.link, ex.wall)
            if not walls.keeps_teaser(ex.wall, ex.body, e.content or e.summary):
                return w   # its title, author and language are the wall's, not the article's
        w.author = w.author or ex.author
        w.lang = ex.lang
        w.title = w.title or (ex.title or "")
        w.body, w.extraction = ex.body, "page"
        if walls.repeatable(ex.body, e.title or ""):   # else: one article under two URLs
            w.body_site, w.body_key = host_of(page.url), walls.body_key(ex.body)
        return w

    def _repeated_bodies(self, feed: FeedState, writes: Sequence[ArticleWrite]) -> None:
        """A page body seen on another URL of its site (in this batch, or stored before) is
        the site's, not an article's: those pages are walls too (``walls.repeated``)."""
        pages = [w for w in writes if w.body_key is not None and w.body_site is not None]
        if not pages:
            return
        keys = [(w.body_site or "", w.body_key or "", w.canonical_url or w.url or "")
                for w in pages]
        seen = self.store.bodies_seen([(site, key) for site, key, _ in keys])
        for i in sorted(walls.repeated(keys, seen)):
            w, (site, key, url) = pages[i], keys[i]
            others = [seen.get((site, key)), *(u for s, k, u in keys if (s, k) == (site, key))]
            other = next((u for u in others if u and u != url), url)
            w.wall = walls.repeated_reason(site, other)
            w.body, w.extraction = "", "none"
            log.info("article page is a wall feed=%s url=%s wall=%r", feed.name, w.url, w.wall)

    def _finish(self, feed: FeedState, e: Entry, w: ArticleWrite,
                feed_lang: str | None = None) -> ArticleWrite:
        """The text the article keeps (its page's, else the feed's content, else its
        summary), its language, matches and event terms."""
        if w.action == "link":
            return w
        body = w.body if w.extraction == "page" else ""
        how = "page" if body else "none"
        if not body and e.content:
            body, how = e.content, "feed"
        if not body and e.summary:
            how = "summary"
        w.body, w.extraction = body, how
        w.content_hash = identity.content_hash(w.title, body or w.summary)
        # the page's declared language, else the feed's, else detected (rules: lang:, ~word)
        w.lang = article_language(w.lang, feed_lang, w.title, w.summary, body)
        doc = Document(title=w.title, summary=w.summary, body=body, lang=w.lang, url=w.url)
        w.matches = [to_record(m) for m in self.rules().match(doc, feed.name, feed.tags)]
        if w.action == "new" and w.matches:
            # Events exist for the digest and alerts, which show matched articles only: an
            # article no rule wants is not grouped (most of what a desk polls). An update
            # that makes an article match is grouped by the store.
            w.event_terms = events.terms_of(w.title, body, w.summary, w.lang or "")
        return w

    def _log(self, r: PollResult) -> None:
        """The one line per feed per cycle; with --log-format json its values are keys too."""
        if r.ok:
            status = "not-modified" if r.not_modified else "ok"
            log.info("feed=%s status=%s http=%s new=%d updated=%d matched=%d bytes=%d ms=%d"
                     " interval=%s%s", r.feed_name, status, r.status, r.new, r.updated,
                     r.matched, r.bytes, r.ms, r.poll_interval or "-",
                     f" warning={r.warning!r}" if r.warning else "",
                     extra=logs.fields(feed=r.feed_name, status=status, http=r.status,
                                       new=r.new, updated=r.updated, matched=r.matched,
                                       bytes=r.bytes, ms=r.ms, interval=r.poll_interval,
                                       next=r.next_poll_at, warning=r.warning))
        else:
            status = "gone" if r.gone else "error"
            log.warning("feed=%s status=%s http=%s error=%r next=%s ms=%d", r.feed_name,
                        status, r.status, r.error, r.next_poll_at, r.ms,
                        extra=logs.fields(feed=r.feed_name, status=status, http=r.status,
                                          error=r.error, next=r.next_poll_at, ms=r.ms))
