"""Prometheus metrics of the daemon, on a local port (``WATCHDESK_METRICS``, off by default).

Fed from what the daemon already has, never from inside a stage: each cycle's ``CycleReport``
(a failing feed is a ``PollResult`` with its error kind, counted like any other outcome), the
feeds' states and the outbox as the store reports them, the worker pool's count of replaced
workers. Served by ``prometheus_client`` from a thread of its own with a registry of its own:
a scrape reads numbers already set and never waits for the event loop or the database.

::

    watchdesk_feeds{status}                      configured feeds: ok, failing, disabled, off, new
    watchdesk_cycles_total                       poll cycles that polled at least one feed
    watchdesk_polls_total{status}                feed polls: ok, not_modified, error, gone
    watchdesk_fetch_errors_total{kind}           failed polls by error class (errors.py)
    watchdesk_articles_total{change}             articles stored by polls: new, updated
    watchdesk_matches_total                      rule matches found by polls (backfill excluded)
    watchdesk_outbox_messages{status}            emails and webhooks waiting: pending, failed
    watchdesk_last_cycle_timestamp_seconds       when the last cycle ended (Unix time)
    watchdesk_last_cycle_duration_seconds        how long it took
    watchdesk_extraction_worker_restarts_total{reason}  workers killed and replaced: timeout, died
    process_*                                    the daemon's CPU, memory, open files
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, ProcessCollector
from prometheus_client.exposition import start_http_server

from .errors import WatchdeskError

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

    from .models import PollResult
    from .pipeline import CycleReport

log = logging.getLogger("watchdesk.metrics")

FEED_STATUSES = ("ok", "failing", "disabled", "off", "new")
OUTBOX_STATUSES = ("pending", "failed")
RESTART_REASONS = ("timeout", "died")


class DaemonProcess(ProcessCollector):
    """prometheus_client's ``process_*`` metrics, with the boot time taken from the clock:
    the stock collector reads it from /proc/stat, which the unit's ``ProcSubset=pid`` hides,
    and then reports nothing at all. Everything else it reads is under /proc/self."""

    def _boot_time(self) -> float:
        return time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)


def split_address(address: str) -> tuple[str, int]:
    """``127.0.0.1:9464`` or ``[::1]:9464`` (as ``settings`` normalises it) -> host, port."""
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port)


def poll_status(r: PollResult) -> str:
    if r.gone:
        return "gone"
    if not r.ok:
        return "error"
    return "not_modified" if r.not_modified else "ok"


class Metrics:
    """The daemon's metrics; ``serve()`` exposes them, the ``observe_*`` methods feed them."""

    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        DaemonProcess(registry=r)
        self.feeds = Gauge("watchdesk_feeds", "Configured feeds by status", ["status"],
                           registry=r)
        self.cycles = Counter("watchdesk_cycles", "Poll cycles that polled at least one feed",
                              registry=r)
        self.polls = Counter("watchdesk_polls", "Feed polls by outcome", ["status"],
                             registry=r)
        self.fetch_errors = Counter("watchdesk_fetch_errors", "Failed feed polls by error kind",
                                    ["kind"], registry=r)
        self.articles = Counter("watchdesk_articles", "Articles stored by polls, new or updated",
                                ["change"], registry=r)
        self.matches = Counter("watchdesk_matches", "Rule matches found by polls", registry=r)
        self.outbox = Gauge("watchdesk_outbox_messages", "Outbox messages waiting, by status",
                            ["status"], registry=r)
        self.last_cycle = Gauge("watchdesk_last_cycle_timestamp_seconds",
                                "When the last poll cycle ended (Unix time)", registry=r)
        self.last_duration = Gauge("watchdesk_last_cycle_duration_seconds",
                                   "How long the last poll cycle took", registry=r)
        self.restarts = Counter("watchdesk_extraction_worker_restarts",
                                "Extraction workers killed and replaced, by reason",
                                ["reason"], registry=r)
        for s in ("ok", "not_modified", "error", "gone"):
            self.polls.labels(status=s)
        for c in ("new", "updated"):
            self.articles.labels(change=c)
        for reason in RESTART_REASONS:
            self.restarts.labels(reason=reason)
        self._restarts_seen: dict[str, int] = {}
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    # feeding -----------------------------------------------------------------------------

    def observe_cycle(self, report: CycleReport, ended_at: datetime) -> None:
        if not report.results:
            return
        self.cycles.inc()
        for r in report.results:
            self.polls.labels(status=poll_status(r)).inc()
            if not r.ok:
                self.fetch_errors.labels(kind=r.error_kind or "unknown").inc()
        self.articles.labels(change="new").inc(report.new)
        self.articles.labels(change="updated").inc(report.updated)
        self.matches.inc(report.matched)
        self.last_cycle.set(ended_at.timestamp())
        self.last_duration.set(report.seconds)

    def observe_feeds(self, counts: Mapping[str, int]) -> None:
        for s in FEED_STATUSES:
            self.feeds.labels(status=s).set(counts.get(s, 0))

    def observe_outbox(self, counts: Mapping[str, int]) -> None:
        for s in OUTBOX_STATUSES:
            self.outbox.labels(status=s).set(counts.get(s, 0))

    def observe_workers(self, restarts: Mapping[str, int]) -> None:
        """``restarts``: the pool's running totals by reason (``Workers.restarts``)."""
        for reason, total in restarts.items():
            delta = total - self._restarts_seen.get(reason, 0)
            if delta > 0:
                self.restarts.labels(reason=reason).inc(delta)
            self._restarts_seen[reason] = total

    # serving -----------------------------------------------------------------------------

    def serve(self, address: str) -> None:
        """Listen on ``address`` (``listen_address`` form) only. Raises WatchdeskError when
        the port cannot be had."""
        host, port = split_address(address)
        try:
            self._server, self._thread = start_http_server(port, addr=host,
                                                           registry=self.registry)
        except OSError as e:
            raise WatchdeskError(f"cannot serve metrics on {address} (WATCHDESK_METRICS): "
                                 f"{e.strerror or e} — choose another port, or leave "
                                 "WATCHDESK_METRICS empty") from e
        log.info("metrics on http://%s/metrics", address)

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
