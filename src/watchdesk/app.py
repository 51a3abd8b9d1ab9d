"""The assembled application: settings + store + rules + fetcher + workers + pipeline.

The CLI commands and the daemon both go through ``Watchdesk``; nothing here decides anything
about a feed or an article (that is ``pipeline`` and the pure modules), it only wires the
parts together, loads configuration and runs rule backfills.

Starting with broken configuration (``run`` and ``poll`` alike): a broken rule file runs the
last good text of it the database holds (``rule_files``; none: its rules are left out), the
other files run as they are, and each is said in the log; a broken feeds.yaml keeps the feeds
the database holds from its last good version. Only a broken (or missing) feeds.yaml with no
feeds ever loaded, or a missing rules folder with no rule file ever loaded, stops the start
(``StartError``): there is nothing sensible to run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from .config.feeds import check_feeds
from .config.settings import Settings
from .errors import ConfigError, WatchdeskError
from .models import FeedConfig, FeedState, PollResult
from .rules import Document, RuleBook, RuleSet
from .store import Store, iso
from .store.rule_state import rule_definition, save_rule_files, stored_rule_files

if TYPE_CHECKING:   # the pipeline (the HTTP client, the worker pool) is imported to start it
    from .pipeline import Clock, CycleReport, Pipeline
    from .sources.fetch import Fetcher
    from .workers import Workers

log = logging.getLogger("watchdesk")


class StartError(WatchdeskError):
    """Nothing sensible to run: feeds.yaml (or the rules folder) is broken and the database
    holds no earlier good version of it."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class Watchdesk:
    """Use as ``async with Watchdesk(settings) as wd: await wd.poll()``.

    Entering it loads the configuration (``load``: feeds.yaml checked, the rules compiled and
    backfilled) and then starts the pipeline (``start``: the HTTP client, the worker pool);
    the daemon calls ``load`` first, says READY, and only then imports and starts the
    pipeline (docs/design.md, "The start of a reading command")."""

    def __init__(self, settings: Settings, *, clock: Clock = utcnow) -> None:
        self.settings = settings
        self.clock = clock
        self.loaded = False
        self.store = Store(settings.db, background_checkpoints=True)
        self.stored_rules = stored_rule_files(self.store)
        self.rulebook = RuleBook(settings.rules, targets=settings.target_names,
                                 stored={p: t for p, (t, _) in self.stored_rules.items()})
        self._rules_logged = False  # the first reload_rules says what runs from the database
        self._saved_generation = -1  # RuleBook.generation whose good texts are stored
        self.feed_errors: list[ConfigError] = []
        self._logged_rule_errors: set[str] = set()
        self.feed_configs: list[FeedConfig] = []
        self.fetcher: Fetcher | None = None
        self.workers: Workers | None = None
        self.pipeline: Pipeline | None = None

    # configuration -----------------------------------------------------------------------

    def reload_feeds(self, *, starting: bool = False) -> list[ConfigError]:
        """Re-read feeds.yaml. A broken file keeps the feeds we had (and says why); at the
        start, those of the database, unless it has none (``StartError``)."""
        feeds, errors = check_feeds(self.settings.feeds)
        self.feed_errors = errors
        if errors:
            kept = len(self.store.feeds(active_only=True))
            if starting and not self.store.feeds():
                raise StartError(
                    f"{len(errors)} error(s) in {self.settings.feeds} and no earlier good "
                    f"version of it in {self.settings.db}: nothing to poll. First error: "
                    f"{errors[0]} (`watchdesk check` lists them all)")
            for e in errors:
                if starting:
                    log.error("feeds.yaml not loaded, running the %d feeds of its last good "
                              "version (from the database): %s", kept, e)
                else:
                    log.error("feeds not reloaded: %s", e)
            return errors
        self.feed_configs = feeds
        self.store.sync_feeds(feeds, self.clock())
        return []

    def reload_rules(self) -> list[ConfigError]:
        """Re-read changed rule files (a broken file keeps its last good rules), then
        backfill new or changed rules over recent articles."""
        before = _rule_index(self.rulebook.ruleset)
        errors = self.rulebook.reload() if self._rules_logged else self.rulebook.errors
        if not self._rules_logged:
            self._rules_logged = True
            stored = self.rulebook.from_stored
            for path, n in sorted(stored.items()):
                saved = self.stored_rules.get(str(Path(path).resolve()), ("", "?"))[1]
                log.warning("rule file %s is broken: running its last good version, applied "
                            "%s (%d rules, from the database) until it is fixed", path, saved, n)
            for path in sorted({e.path for e in errors} - set(stored)):
                if Path(path).is_file():
                    log.error("rule file %s is broken and no good version of it was ever "
                              "loaded: its rules are not running", path)
        fresh = [e for e in errors if str(e) not in self._logged_rule_errors]
        for e in fresh:
            log.error("rule file not applied, its last good version keeps running: %s", e)
        for w in self.rulebook.warnings:
            if str(w) not in self._logged_rule_errors:
                log.warning("rule file: %s", w)
        self._logged_rule_errors = {str(e) for e in [*errors, *self.rulebook.warnings]}
        for line in describe_changes(before, _rule_index(self.rulebook.ruleset)):
            log.info("%s", line)
        if self.rulebook.generation != self._saved_generation:   # a file was read again
            save_rule_files(self.store, self.rulebook.good_texts(), iso(self.clock()))
            self._saved_generation = self.rulebook.generation
        self.backfill_changed()
        return errors

    def reload_summary(self, feed_errors: Sequence[ConfigError],
                       rule_errors: Sequence[ConfigError]) -> str:
        """The result of a reload, in one line (SIGHUP)."""
        feeds = len(self.store.feeds(active_only=True))
        parts = [f"{feeds} feeds" + (f" (feeds.yaml not applied: {len(feed_errors)} "
                                     "error(s), the previous feeds keep running)"
                                     if feed_errors else ""),
                 f"{len(self.rulebook.ruleset.rules)} rules"]
        broken = sorted({e.path for e in rule_errors})
        if broken:
            parts.append(f"{len(broken)} rule file(s) not applied, their last good version "
                         f"keeps running: {', '.join(broken)}")
        return ", ".join(parts)

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
        from .pipeline import to_record

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

    def load(self) -> None:
        """The configuration: feeds.yaml and the rule files read and checked (``StartError``
        when there is nothing sensible to run), new or changed rules backfilled."""
        self.reload_feeds(starting=True)
        if not self.rulebook.directory.is_dir() and not self.stored_rules:
            raise StartError(f"rules folder not found: {self.settings.rules} (create it, or "
                             "pass --rules DIR)")
        self.reload_rules()
        self.loaded = True

    def start(self) -> None:
        """The pipeline: its HTTP client and its worker pool (imported here: aiohttp, pebble,
        the extraction's modules are half of the daemon's start)."""
        from .pipeline import Pipeline
        from .sources.fetch import Fetcher
        from .workers import Workers

        self.fetcher = Fetcher(self.settings)
        self.workers = Workers(self.settings.workers, timeout=self.settings.extract_timeout,
                               memory_mb=self.settings.extract_memory_mb)
        self.pipeline = Pipeline(self.settings, self.store, self.fetcher, self.workers,
                                 self.ruleset, clock=self.clock)

    async def __aenter__(self) -> Watchdesk:
        if not self.loaded:
            self.load()
        self.start()
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


RuleIndex = dict[str, tuple[str, tuple[object, ...]]]


def _rule_index(ruleset: RuleSet) -> RuleIndex:
    """rule id -> (file, what a change of would be worth saying)."""
    return {r.id: (r.path, (r.version, r.title, r.priority, r.enabled, r.recipients,
                            r.feeds, r.alert_when)) for r in ruleset.rules}


def describe_changes(before: RuleIndex, after: RuleIndex) -> list[str]:
    """One line per rule file whose running rules changed: added, changed, removed."""
    files: dict[str, dict[str, list[str]]] = {}
    for rid, (path, what) in after.items():
        if rid not in before:
            files.setdefault(path, {}).setdefault("added", []).append(rid)
        elif before[rid][1] != what or before[rid][0] != path:
            files.setdefault(path, {}).setdefault("changed", []).append(rid)
    for rid, (path, _) in before.items():
        if rid not in after:
            files.setdefault(path, {}).setdefault("removed", []).append(rid)
    out = []
    for path, changes in sorted(files.items()):
        said = "; ".join(f"{len(ids)} {how} ({', '.join(sorted(ids))})"
                         for how in ("added", "changed", "removed")
                         if (ids := changes.get(how)))
        gone = "" if Path(path).exists() else " (file removed)"
        out.append(f"rule file applied: {path}{gone}: {said}")
    return out
