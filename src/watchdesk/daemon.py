"""The long-running service: APScheduler jobs on one asyncio loop.

Jobs (APScheduler 3, ``AsyncIOScheduler``):

- ``poll``: every ``tick`` seconds, poll the feeds that are due (each feed's own interval,
  backoff and jitter are decided by ``schedule`` and kept in the database, so they survive
  restarts); never two cycles at once;
- ``rules``: every 2 seconds, look for edited, added or removed rule files and apply them
  (a broken file keeps its last good version);
- ``notify``: every minute and at start, in a worker thread with its own connection: queue the
  digest if its time has come (or was missed while we were down), batch urgent alerts and
  breaking stories (``alert_when``), and deliver what the outbox holds
  (``notify.outbox.notify_tick``);
- ``retention``: every ``RETENTION_SECONDS``, between polls, drop the bodies that
  ``WATCHDESK_KEEP_UNMATCHED`` / ``WATCHDESK_KEEP_MATCHED`` no longer keep, in small
  transactions on this loop, none while a poll runs (``retention.prune``);
- ``watchdog``: at half of ``WATCHDOG_USEC``, tell systemd we are alive, but only if the
  database answers, from the scheduler's own loop, so a hung loop gets restarted.

With ``WATCHDESK_METRICS`` set, each cycle's report, the feeds' states, the outbox and the
worker pool's restarts are handed to ``metrics``, served from a thread of its own.

Signals: SIGHUP reloads feeds and rules; SIGTERM/SIGINT stop accepting new work, let feeds in
flight commit (or cancel them after ``STOP_GRACE`` seconds; a feed's transaction is never
interrupted halfway since writes are synchronous) and exit 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from . import eventloop, retention
from .app import Watchdesk
from .config.settings import Settings
from .errors import WatchdeskError
from .notify.outbox import alert_conditions, notify_tick, rule_maps
from .notify.schedule import next_digest_at, no_digest_reason
from .pipeline import CycleReport
from .store import Store
from .systemd import Notifier

if TYPE_CHECKING:
    from .metrics import Metrics

log = logging.getLogger("watchdesk.daemon")

STOP_GRACE = 8.0
RULES_CHECK_SECONDS = 2.0
NOTIFY_SECONDS = 60.0
RETENTION_SECONDS = 60.0    # a run with nothing to do reads one row
RETENTION_FIRST = 5.0       # seconds after start: the first poll goes first


class Daemon:
    def __init__(self, settings: Settings, *, notifier: Notifier | None = None) -> None:
        self.settings = settings
        self.notifier = notifier or Notifier()
        self.wd = Watchdesk(settings)
        self.stop_event = asyncio.Event()
        self.cycle_task: asyncio.Task[CycleReport] | None = None
        self.last_cycle: CycleReport | None = None
        self.last_cycle_at: datetime | None = None
        self.cycles = 0
        self._notify_error: str | None = None
        self._notify_again = False
        self.scheduler: AsyncIOScheduler | None = None
        self.metrics: Metrics | None = None
        if settings.metrics:
            from .metrics import Metrics  # prometheus_client only when asked for
            self.metrics = Metrics()

    # jobs --------------------------------------------------------------------------------

    async def poll_due(self) -> None:
        if self.stop_event.is_set():
            return
        self.cycle_task = asyncio.ensure_future(self.wd.poll(due_only=True))
        try:
            report = await self.cycle_task
        except asyncio.CancelledError:
            if self.stop_event.is_set():
                return
            raise
        finally:
            self.cycle_task = None
        self.observe(report)
        if report.results:
            self.cycles += 1
            self.last_cycle, self.last_cycle_at = report, datetime.now(UTC)
            log.info("cycle feeds=%d new=%d updated=%d matched=%d failed=%d not_modified=%d "
                     "seconds=%.2f", len(report.results), report.new, report.updated,
                     report.matched, len(report.failed), report.not_modified, report.seconds)
            self.notifier.status(self.status_line())
            if report.matched and self.scheduler is not None:
                # urgent alerts go out now, not at the next minute (if the job is running
                # already, the flag makes it go round once more)
                self._notify_again = True
                self.scheduler.modify_job("notify", next_run_time=datetime.now(UTC))

    async def check_rules(self) -> None:
        self.wd.reload_rules()

    async def prune(self) -> None:
        """Retention, between polls: no transaction starts while a cycle runs."""
        if self.stop_event.is_set():
            return
        now = datetime.now(UTC)
        report = await retention.prune(
            self.wd.store, retention.cutoffs(self.settings, now), now,
            busy=lambda: self.cycle_task is not None or self.stop_event.is_set())
        if report.articles or report.fetches or report.pages:
            log.info("retention pruned=%d fetches=%d pages_freed=%d transactions=%d%s",
                     report.articles, report.fetches, report.pages, report.transactions,
                     "" if report.finished else " (more next time)")

    def notify(self) -> None:
        """Digest, alerts, delivery. Blocking (SMTP): runs in the scheduler's thread pool."""
        store = Store(self.settings.db)
        try:
            again = True
            while again:
                self._notify_again = False
                rules = self.wd.ruleset().rules
                titles, recipients = rule_maps(rules)
                report = notify_tick(store, self.settings, datetime.now(UTC), titles=titles,
                                     recipients=recipients,
                                     conditions=alert_conditions(rules))
                log.debug("notify %s", report)
                again = self._notify_again and not self.stop_event.is_set()
            if self.metrics is not None:
                self.metrics.observe_outbox(store.outbox_counts())
            self._notify_error = None
        except WatchdeskError as e:
            if str(e) != self._notify_error:
                log.error("digest/alerts: %s", e)
            self._notify_error = str(e)
        finally:
            store.close()

    def observe(self, report: CycleReport | None = None) -> None:
        """Hand what the daemon knows to the metrics (feeds' states after a cycle or reload)."""
        if self.metrics is None:
            return
        if report is not None:
            self.metrics.observe_cycle(report, datetime.now(UTC))
        if report is None or report.results:
            self.metrics.observe_feeds(self.wd.store.feed_status_counts())
        if self.wd.workers is not None:
            self.metrics.observe_workers(self.wd.workers.restarts)

    async def watchdog(self) -> None:
        # Only claim to be alive if the database answers too.
        self.wd.store.query("SELECT 1")
        self.notifier.watchdog()

    def status_line(self) -> str:
        feeds = len(self.wd.store.feeds(active_only=True))
        parts = [f"{feeds} feeds"]
        if self.last_cycle_at and self.last_cycle:
            parts.append(f"last cycle {self.last_cycle_at.astimezone():%H:%M}")
            parts.append(f"{self.last_cycle.matched} new matches")
            if self.last_cycle.failed:
                parts.append(f"{len(self.last_cycle.failed)} failing")
        errors = len(self.wd.rulebook.errors) + len(self.wd.feed_errors)
        if errors:
            parts.append(f"{errors} config errors (see watchdesk check)")
        try:
            nxt = next_digest_at(self.settings, datetime.now(UTC))
            parts.append(f"next digest {nxt:%a %H:%M}" if nxt
                         else f"no digest ({no_digest_reason(self.settings)})")
        except WatchdeskError:
            parts.append("digest time invalid")
        return ", ".join(parts)

    def reload(self) -> None:
        log.info("reloading feeds and rules (SIGHUP)")
        self.notifier.reloading()
        self.wd.reload_feeds()
        self.wd.reload_rules()
        self.observe()
        self.notifier.ready(self.status_line())

    def request_stop(self, signame: str) -> None:
        if not self.stop_event.is_set():
            log.info("stopping (%s): no new feeds; waiting for feeds in flight", signame)
            self.notifier.stopping()
            self.stop_event.set()
            if self.wd.pipeline:
                self.wd.pipeline.stop()

    # main --------------------------------------------------------------------------------

    def _add(self, scheduler: AsyncIOScheduler, fn: Callable[[], Awaitable[None]],
             seconds: float, job_id: str, first: datetime | None = None) -> None:
        scheduler.add_job(fn, "interval", seconds=seconds, id=job_id, max_instances=1,
                          coalesce=True, misfire_grace_time=None,
                          next_run_time=first or datetime.now(UTC))

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig, name in ((signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")):
            loop.add_signal_handler(sig, self.request_stop, name)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
        async with self.wd:
            assert self.wd.workers is not None
            await self.wd.workers.warm_up()
            if self.metrics is not None:
                self.metrics.serve(self.settings.metrics)  # before READY: a taken port is fatal
                self.observe()
            scheduler = self.scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC)
            self._add(scheduler, self.poll_due, self.settings.tick, "poll")
            self._add(scheduler, self.check_rules, RULES_CHECK_SECONDS, "rules")
            self._add(scheduler, self.prune, RETENTION_SECONDS, "retention",
                      datetime.now(UTC) + timedelta(seconds=RETENTION_FIRST))
            if self.notifier.watchdog_seconds:
                self._add(scheduler, self.watchdog, self.notifier.watchdog_seconds / 2,
                          "watchdog")
            scheduler.add_job(self.notify, "interval", seconds=NOTIFY_SECONDS, id="notify",
                              max_instances=1, coalesce=True, misfire_grace_time=None,
                              next_run_time=datetime.now(UTC))
            scheduler.start()
            log.info("watchdesk running: db=%s feeds=%s rules=%s tick=%gs", self.settings.db,
                     self.settings.feeds, self.settings.rules, self.settings.tick)
            self.notifier.ready(self.status_line())
            try:
                await self.stop_event.wait()
                scheduler.shutdown(wait=False)
                await self._drain()
            finally:
                if self.metrics is not None:
                    self.metrics.close()
        log.info("stopped")
        return 0

    async def _drain(self) -> None:
        task = self.cycle_task
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_GRACE)
        except TimeoutError:
            log.warning("feeds still in flight after %gs: cancelled (nothing half-written)",
                        STOP_GRACE)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        except asyncio.CancelledError:
            pass


def run(settings: Settings) -> int:
    return eventloop.run(Daemon(settings).run())
