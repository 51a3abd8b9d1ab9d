"""SIGTERM at any moment of a real `watchdesk run`: exit 0, no traceback, nothing logged after
`stopped`, no work started after the stop (issue 21, item 3).

Each test waits for a log line (or a request, or an email) marking the moment, then sends a
real SIGTERM: while starting up (before `watchdesk running`), right after it (the first jobs
being submitted), in the middle of a poll cycle, and while the outbox is being delivered."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from ports import SMTPController
from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer
from watchdesk.store import AlertBatch, OutboxWrite, Store

from .proc import Run, lines
from conftest import rss, write_feeds


@pytest.fixture
def runs(tmp_path: Path) -> Iterator[list[Run]]:
    started: list[Run] = []
    yield started
    for r in started:
        r.close()


def start(runs: list[Run], settings: Settings, tmp: Path, **env: str) -> Run:
    r = Run(["--feeds", str(settings.feeds), "--rules", str(settings.rules),
             "--db", str(settings.db)], tmp / f"run-{len(runs)}.log",
            WATCHDESK_TICK="0.5", **env)
    runs.append(r)
    return r


def assert_clean_stop(r: Run) -> list[str]:
    """Exit 0; no traceback, no error; one `stopping`; `stopped` is the last line."""
    assert r.wait(timeout=60) == 0, r.logs()
    log = r.logs()
    out = lines(log)
    assert "Traceback" not in log and "CancelledError" not in log, log
    assert not [x for x in out if " ERROR " in x], log
    assert sum("stopping (SIGTERM)" in x for x in out) == 1, log
    assert out[-1].endswith("watchdesk.daemon: stopped"), log
    return out


def feed_requests_after(site: FixtureServer, t: float) -> list[str]:
    return [q.path for q in site.requests if q.time > t and q.path.endswith(".xml")]


def wait_file(path: Path, r: Run, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline and r.proc.poll() is None, r.logs()
        time.sleep(0.01)


def test_sigterm_while_starting_up(runs: list[Run], settings: Settings, tmp_path: Path,
                                   site: FixtureServer) -> None:
    r = start(runs, settings, tmp_path)
    wait_file(settings.db, r)  # the database is being opened: the workers are not started
    r.signal(signal.SIGTERM)
    out = assert_clean_stop(r)
    assert not any("watchdesk running" in x for x in out), out
    assert site.hits("/afrique/rss.xml") == 0      # no poll was started after the stop


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0, 3.5])
def test_sigterm_seconds_after_start(runs: list[Run], settings: Settings, tmp_path: Path,
                                     delay: float) -> None:
    """The reported case: SIGTERM 1-4 s after `watchdesk run` (counted from the moment the
    database exists, so that a loaded machine's slow imports do not shift the moments)."""
    r = start(runs, settings, tmp_path)
    wait_file(settings.db, r)
    time.sleep(delay)
    r.signal(signal.SIGTERM)
    assert_clean_stop(r)


def test_sigterm_just_after_running(runs: list[Run], settings: Settings, tmp_path: Path,
                                    site: FixtureServer) -> None:
    r = start(runs, settings, tmp_path)
    r.wait_log("watchdesk running")    # the first poll, rules and notify jobs are starting
    r.signal(signal.SIGTERM)
    t = time.monotonic()
    assert_clean_stop(r)
    assert feed_requests_after(site, t + 0.5) == []


def test_sigterm_mid_cycle_starts_no_new_feed(runs: list[Run], settings: Settings,
                                              tmp_path: Path, site: FixtureServer) -> None:
    # four slow feeds polled one at a time: the stop comes while the first is in flight
    names = [f"f{i}" for i in range(4)]
    for n in names:
        site.set(f"/{n}.xml", rss([{"title": f"Libye {n}", "link": f"{{{{BASE}}}}/{n}/1",
                                    "guid": f"{n}-1"}]))
    write_feeds(settings.feeds, [(n, site.url(f"/{n}.xml")) for n in names])
    site.latency = 1.0
    r = start(runs, settings, tmp_path, WATCHDESK_CONCURRENCY="1")
    r.wait_log("watchdesk running")
    deadline = time.monotonic() + 30
    while not any(q.path.endswith(".xml") for q in site.requests):
        assert time.monotonic() < deadline, r.logs()
        time.sleep(0.02)
    r.signal(signal.SIGTERM)
    t = time.monotonic()
    assert_clean_stop(r)
    assert feed_requests_after(site, t + 0.3) == []
    with sqlite3.connect(settings.db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


class SlowInbox:
    """A real SMTP server on 127.0.0.1 that takes a while over each message."""

    def __init__(self, delay: float) -> None:
        self.started: list[float] = []
        self.received: list[Any] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                outer.started.append(time.monotonic())
                await asyncio.sleep(delay)
                outer.received.append(message_from_bytes(envelope.content,
                                                         policy=policy.default))
                return "250 OK"

        self.controller = SMTPController(Handler())
        self.controller.start()
        self.port = self.controller.port

    def stop(self) -> None:
        self.controller.stop()


def test_sigterm_while_delivering_sends_no_further_message(
        runs: list[Run], settings: Settings, tmp_path: Path) -> None:
    for f in settings.rules.glob("*.yaml"):   # no rule: only the three messages below
        f.unlink()
    store = Store(settings.db)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for i in range(3):
        store.queue_alert_rows([AlertBatch(OutboxWrite(
            kind="alert", message_id=f"<stop-{i}@test>", recipients=("desk@example.org",),
            subject=f"alert {i}", body_text=f"body {i}"))], now)
    store.close()
    inbox = SlowInbox(delay=1.5)
    try:
        r = start(runs, settings, tmp_path, WATCHDESK_SMTP_HOST="127.0.0.1",
                  WATCHDESK_SMTP_PORT=str(inbox.port), WATCHDESK_MAIL_TO="desk@example.org")
        deadline = time.monotonic() + 60
        while not inbox.started:      # the first message is being sent
            assert time.monotonic() < deadline and r.proc.poll() is None, r.logs()
            time.sleep(0.02)
        r.signal(signal.SIGTERM)
        out = assert_clean_stop(r)
        # the message in flight was finished and marked; no other one was started
        assert len(inbox.started) == 1 and len(inbox.received) == 1, out
        assert sum("outbox sent" in x for x in out) == 1, out
        with sqlite3.connect(settings.db) as c:
            states = [s for (s,) in c.execute("SELECT status FROM outbox WHERE message_id "
                                              "LIKE '<stop-%' ORDER BY id")]
        assert sorted(states) == ["pending", "pending", "sent"]
    finally:
        inbox.stop()
