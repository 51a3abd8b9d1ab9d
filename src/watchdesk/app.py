"""The assembled application: settings + store + rules + fetcher + workers + pipeline.

The CLI commands and the daemon both go through ``Watchdesk``; nothing here decides anything
about a feed or an article (that is ``pipeline`` and the pure modules), it only wires the
parts together, loads configuration and runs rule backfills.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from types import TracebackType

from .config.feeds import check_feeds
from .config.settings import Settings
from .errors import ConfigError
from .models import FeedConfig, FeedState, PollResult
from .pipeline import Clock, CycleReport, Pipeline, to_record, utcnow
from .rules import Document, RuleBook, RuleSet
from .sources.fetch import Fetcher
from .store import Store, iso
from .store.rule_state import rule_definition
from .workers import Workers

log = logging.getLogger("watchdesk")


class Watchdesk:
    """Use as ``async with Watchdesk(settings) as wd: await wd.poll()``."""

    def __init__(self, settings: Settings, *, clock: Clock = utcnow) -> None:
        self.settings = settings
        self.clock = clock
        self.store = Store(settings.db, background_checkpoints=True)
        self.rulebook = RuleBook(settings.rules, targets=settings.target_names)
        self.feed_errors: list[ConfigError] = []
        self._logged_rule_errors: set[str] = set()
        self.feed_configs: list[FeedConfig] = []
        self.fetcher: Fetcher | None = None
        self.workers: Workers | None = None
        self.pipeline: Pipeline | None = None

    # configuration -----------------------------------------------------------------------

    def reload_feeds(self) -> list[ConfigError]:
        """Re-read feeds.yaml. A broken file keeps the feeds we had (and says why)."""
        feeds, errors = check_feeds(self.settings.feeds)
        self.feed_errors = errors
        if errors:
            for e in errors:
                log.error("feeds not reloaded: %s", e)
            return errors
        self.feed_configs = feeds
        self.store.sync_feeds(feeds, self.clock())
        return []

    def reload_rules(self) -> list[ConfigError]:
        """Re-read changed rule files (a broken file keeps its last good rules), then
        backfill new or changed rules over recent articles."""
        errors = self.rulebook.reload()
        fresh = [e for e in errors if str(e) not in self._logged_rule_errors]
        for e in fresh:
            log.error("rule file not applied, its previous version keeps running: %s", e)
        for w in self.rulebook.warnings:
            if str(w) not in self._logged_rule_errors:
                log.warning("rule file: %s", w)
        self._logged_rule_errors = {str(e) for e in [*errors, *self.rulebook.warnings]}
        self.backfill_changed()
        return errors

    def ruleset(self) -> RuleSet:
        return self.rulebook.ruleset

    def backfill_changed(self) -> int:
        """Check new or changed rules against the last ``backfill_days`` of articles.

        Matches found this way are marked ``backfill``: they appear in the next digest and are
        never sent as urgent alerts.
        """
        now = self.clock()
        known = {r["rule_id"]: r["hash"] for r in self.store.query(
            "SELECT rule_id, hash FROM rule_state")}
        changed = [r for r in self.rulebook.ruleset.rules
                   if r.enabled and known.get(r.id) != r.version]
        with self.store.transaction() as c:
            for r in self.rulebook.ruleset.rules:
                if known.get(r.id) != r.version:
                    c.execute(
                        "INSERT INTO rule_state(rule_id, hash, first_seen_at, changed_at,"
                        " definition) VALUES (?,?,?,?,?) ON CONFLICT(rule_id) DO UPDATE SET"
                        " hash=excluded.hash, changed_at=excluded.changed_at,"
                        " definition=excluded.definition, backfilled_at=NULL",
                        (r.id, r.version, iso(now), iso(now), rule_definition(r)))
        if not changed or self.settings.backfill_days <= 0:
            return 0
        subset = RuleSet(changed)
        since = iso(now - timedelta(days=self.settings.backfill_days))
        found = []
        checked = 0
        for row in self.store.articles_since(since):
            checked += 1
            tags = json.loads(row["feed_tags"])
            doc = Document(title=row["title"], summary=row["summary"], body=row["body"],
                           lang=row["lang"], url=row["url"])
            ms = [to_record(m) for m in subset.match(doc, row["feed_name"], tags)]
            if ms:
                found.append((row["id"], ms))
        n = self.store.save_backfill(found, iso(now))
        with self.store.transaction() as c:
            c.executemany("UPDATE rule_state SET backfilled_at=? WHERE rule_id=?",
                          [(iso(now), r.id) for r in changed])
        log.log(logging.INFO if checked else logging.DEBUG,
                "backfill rules=%s days=%d articles=%d new_matches=%d",
                ",".join(r.id for r in changed), self.settings.backfill_days, checked, n)
        return n

    # running -----------------------------------------------------------------------------

    async def __aenter__(self) -> Watchdesk:
        self.reload_feeds()
        self.reload_rules()
        self.fetcher = Fetcher(self.settings)
        self.workers = Workers(self.settings.workers, timeout=self.settings.extract_timeout,
                               memory_mb=self.settings.extract_memory_mb)
        self.pipeline = Pipeline(self.settings, self.store, self.fetcher, self.workers,
                                 self.ruleset, clock=self.clock)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.fetcher:
            await self.fetcher.aclose()
        if self.workers:
            self.workers.close()
        self.store.close()

    async def poll(self, names: Sequence[str] | None = None, *, due_only: bool = False,
                   on_result: Callable[[PollResult], None] | None = None) -> CycleReport:
        """Poll the named feeds (default: all active feeds; or only the due ones)."""
        assert self.pipeline is not None, "use 'async with Watchdesk(...)'"
        feeds: list[FeedState]
        if due_only:
            feeds = self.store.due_feeds(self.clock())
        else:
            feeds = self.store.feeds(active_only=True)
        if names:
            wanted = set(names)
            feeds = [f for f in feeds if f.name in wanted]
        return await self.pipeline.poll(feeds, on_result)
