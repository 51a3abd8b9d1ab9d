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

With ``WATCHDESK_WEB_LISTEN`` set, the desk's web pages (``watchdesk.web``) are served by
uvicorn on this same loop, started before READY (a taken port or a non-loopback address
without authentication is fatal) and stopped after the feeds in flight have committed.

With ``WATCHDESK_METRICS`` set, each cycle's report, the feeds' states, the outbox and the
worker pool's restarts are handed to ``metrics``, served from a thread of its own.

Signals: SIGHUP reloads feeds and rules; SIGTERM/SIGINT stop accepting new work, let feeds in
flight commit (or cancel them after ``STOP_GRACE`` seconds; a feed's transaction is never
interrupted halfway since writes are synchronous) and exit 0.

Stopping is clean at any moment, also while starting up (``signals`` notes a signal that
comes before the event loop runs): the scheduler is paused first, so no job starts after the
stop; each job checks the stop at its start (and ``notify`` between messages); then the
jobs in flight are awaited, ours (``_jobs``), not apscheduler's futures, so that none is
cancelled under it (a cancelled job is a traceback in its log); only then are the database and
the workers closed and ``stopped`` logged, the last line.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from . import eventloop, retention, running, signals
from .app import Watchdesk
from .config.settings import Settings
from .errors import WatchdeskError
from .notify.schedule import next_digest_at, no_digest_reason
from .store import Store, iso
from .store.lock import DbLock
from .systemd import Notifier

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from .metrics import Metrics
    from .pipeline import CycleReport
    from .web import WebServer

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
        self._jobs: set[asyncio.Task[None]] = set()   # our jobs in flight (see _job)
        self.scheduler: AsyncIOScheduler | None = None
        self.metrics: Metrics | None = None
        self.web: WebServer | None = None
        if settings.metrics:
            from .metrics import Metrics  # prometheus_client only when asked for
            self.metrics = Metrics()

    # jobs --------------------------------------------------------------------------------

    def _job(self, fn: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        """A job as the scheduler runs it: nothing starts once a stop was asked, and the
        stop awaits it (rather than apscheduler cancelling it: a traceback in the log)."""

        @functools.wraps(fn)
        async def job() -> None:
            if self.stop_event.is_set():
                return
            task = asyncio.current_task()
            assert task is not None
            self._jobs.add(task)
            try:
                await fn()
            finally:
                self._jobs.discard(task)

        return job

    async def poll_due(self) -> None:
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
            if report.matched and self.scheduler is not None and not self.stop_event.is_set():
                # urgent alerts go out now, not at the next minute (if the job is running
                # already, the flag makes it go round once more)
                self._notify_again = True
                self.scheduler.modify_job("notify", next_run_time=datetime.now(UTC))

    async def check_rules(self) -> None:
        self.wd.reload_rules()

    async def notify_job(self) -> None:
        # blocking (SMTP): in a thread, awaited here so that a stop waits for it
        await asyncio.to_thread(self.notify)

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
        """Digest, alerts, delivery. Blocking (SMTP): runs in a worker thread."""
        from .notify.outbox import alert_conditions, notify_tick, rule_maps  # after READY

        store = Store(self.settings.db)
        try:
            again = True
            while again:
                self._notify_again = False
                rules = self.wd.ruleset().rules
                titles, recipients = rule_maps(rules)
                report = notify_tick(store, self.settings, datetime.now(UTC), titles=titles,
                                     recipients=recipients,
                                     conditions=alert_conditions(rules),
                                     stopping=self.stop_event.is_set)
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
        if self.stop_event.is_set():
            return
        log.info("reloading feeds and rules (SIGHUP)")
        self.notifier.reloading()
        feed_errors = self.wd.reload_feeds()
        rule_errors = self.wd.reload_rules()
        self.observe()
        log.info("reload done: %s", self.wd.reload_summary(feed_errors, rule_errors))
        self.notifier.ready(self.status_line())

    def request_stop(self, signame: str) -> None:
        if not self.stop_event.is_set():
            log.info("stopping (%s): no new work; waiting for work in flight", signame)
            self.notifier.stopping()
            self.stop_event.set()
            if self.scheduler is not None and self.scheduler.running:
                self.scheduler.pause()   # no job is submitted any more
            if self.wd.pipeline:
                self.wd.pipeline.stop()

    # main --------------------------------------------------------------------------------

    def _add(self, scheduler: AsyncIOScheduler, fn: Callable[[], Awaitable[None]],
             seconds: float, job_id: str, first: datetime | None = None) -> None:
        scheduler.add_job(self._job(fn), "interval", seconds=seconds, id=job_id,
                          max_instances=1, coalesce=True, misfire_grace_time=None,
                          next_run_time=first or datetime.now(UTC))

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig, name in ((signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")):
            loop.add_signal_handler(sig, self.request_stop, name)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
        log.info("watchdesk starting: db=%s (loading feeds and rules)", self.settings.db)
        for name in signals.early:
            if name != "SIGHUP":  # a reload before the start: the start loads everything
                self.request_stop(name)
        self.wd.load()   # the configuration checked (StartError: nothing to run), before READY
        try:
            if not self.stop_event.is_set():
                await self._serve()
            async with self.wd:   # the pipeline: its client and workers (imported now)
                try:
                    if not self.stop_event.is_set():
                        await self._start(loop)
                    await self.stop_event.wait()
                    await self._drain()
                finally:
                    if self.scheduler is not None and self.scheduler.running:
                        self.scheduler.shutdown(wait=False)
        finally:
            if self.web is not None:
                await self.web.stop()
            if self.metrics is not None:
                self.metrics.close()
            self.wd.store.close()   # (closed already when the pipeline ran; twice is harmless)
        log.info("stopped")
        return 0

    async def _serve(self) -> None:
        """What must work before READY: the configuration was loaded and the database is
        open (``Watchdesk.load``); the metrics and web addresses are taken (a taken port is
        a start-up error); the daemon is recorded as running. Then READY=1: what only
        polling needs (the HTTP client, aiohttp, the worker pool, the scheduler) is started
        after it (``_start``), so systemd, and whatever waits on the unit, is not held up by
        imports and the workers' start."""
        if self.metrics is not None:
            self.metrics.serve(self.settings.metrics)  # before READY: a taken port is fatal
            self.observe()
        if self.settings.web_listen:
            from .web import WebServer, parse_listen  # starlette, uvicorn: only when asked

            self.web = WebServer(self.settings, parse_listen(self.settings.web_listen))
            await self.web.start()
        running.record(self.wd.store, self.settings, iso(datetime.now(UTC)))
        log.info("watchdesk running: db=%s feeds=%s rules=%s tick=%gs", self.settings.db,
                 self.settings.feeds, self.settings.rules, self.settings.tick)
        self.notifier.ready(self.status_line())

    async def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        from .workers import default_workers

        assert self.wd.workers is not None
        log.info("starting %d extraction workers", self.settings.workers or default_workers())
        await self.wd.workers.warm_up()
        if self.stop_event.is_set():
            return
        scheduler = self.scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC)
        self._add(scheduler, self.poll_due, self.settings.tick, "poll")
        self._add(scheduler, self.check_rules, RULES_CHECK_SECONDS, "rules")
        self._add(scheduler, self.prune, RETENTION_SECONDS, "retention",
                  datetime.now(UTC) + timedelta(seconds=RETENTION_FIRST))
        if self.notifier.watchdog_seconds:
            self._add(scheduler, self.watchdog, self.notifier.watchdog_seconds / 2, "watchdog")
        self._add(scheduler, self.notify_job, NOTIFY_SECONDS, "notify")
        scheduler.start()

    async def _drain(self) -> None:
        """Wait for the jobs in flight; cancel the poll cycle after ``STOP_GRACE``."""
        for _ in range(3):  # jobs the scheduler submitted just before the pause: let them
            await asyncio.sleep(0)  # start, see the stop and return
        if not self._jobs:
            return
        _done, pending = await asyncio.wait(set(self._jobs), timeout=STOP_GRACE)
        if pending and self.cycle_task is not None and not self.cycle_task.done():
            log.warning("feeds still in flight after %gs: cancelled (nothing half-written)",
                        STOP_GRACE)
            self.cycle_task.cancel()
        if pending:  # the cancelled cycle, or a notify thread still talking to its server
            await asyncio.wait(pending)


def run(settings: Settings) -> int:
    """Run the daemon until SIGTERM/SIGINT, holding the database's lock (``store.lock``):
    a second daemon on the same database is refused, naming the first one's PID."""
    with DbLock(settings.db, "run"):
        return eventloop.run(Daemon(settings).run())
