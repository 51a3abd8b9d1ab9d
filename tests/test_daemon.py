"""The daemon as a real subprocess: systemd notify, signals, hot reload."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer

from conftest import cli_env, rss


class NotifySocket:
    """A datagram socket standing in for systemd's NOTIFY_SOCKET."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.messages: list[str] = []

    def wait_for(self, pred: Callable[[str], bool], timeout: float = 30, n: int = 1) -> str:
        """The n-th message (ever received) that satisfies ``pred``."""
        deadline = time.monotonic() + timeout
        while True:
            hits = [m for m in self.messages if pred(m)]
            if len(hits) >= n:
                return hits[n - 1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no such notify message; got {self.messages}")
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                continue

    def close(self) -> None:
        self.sock.close()


class Daemon:
    def __init__(self, settings: Settings, tmp: Path, n: int = 0, **env: str) -> None:
        self.notify = NotifySocket(tmp / f"notify-{n}.sock")
        self.log = open(tmp / f"daemon-{n}.log", "w+")  # noqa: SIM115
        e = cli_env(NOTIFY_SOCKET=str(self.notify.path), WATCHDESK_TICK="0.5", **env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "watchdesk", "run", "--feeds", str(settings.feeds),
             "--rules", str(settings.rules), "--db", str(settings.db)],
            stdout=self.log, stderr=subprocess.STDOUT, env=e)

    def logs(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=15)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.notify.close()
        self.log.close()


@pytest.fixture
def daemon(settings: Settings, tmp_path: Path) -> Iterator[Callable[..., Daemon]]:
    started: list[Daemon] = []

    def start(**env: str) -> Daemon:
        d = Daemon(settings, tmp_path, len(started), **env)
        started.append(d)
        return d

    yield start
    for d in started:
        d.close()


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute(sql).fetchone()[0])


def make_due(db: Path) -> None:
    """Let time pass: every feed is due now."""
    with sqlite3.connect(db) as c:
        c.execute("UPDATE feeds SET next_poll_at = NULL")


def wait_until(pred: Callable[[], bool], timeout: float = 30, logs: Daemon | None = None,
               ) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time" +
                         (f"; daemon log:\n{logs.logs()}" if logs else ""))


def test_ready_watchdog_status_and_clean_stop(daemon: Callable[..., Daemon],
                                              settings: Settings) -> None:
    d = daemon(WATCHDOG_USEC="1000000")
    ready = d.notify.wait_for(lambda m: "READY=1" in m)
    assert "STATUS=" in ready
    d.notify.wait_for(lambda m: m == "WATCHDOG=1", n=3)
    status = d.notify.wait_for(lambda m: m.startswith("STATUS=") and "last cycle" in m)
    assert "1 feeds" in status and "2 new matches" in status
    wait_until(lambda: count(settings.db, "SELECT count(*) FROM articles") == 2)
    t0 = time.monotonic()
    d.proc.send_signal(signal.SIGTERM)
    assert d.proc.wait(timeout=15) == 0
    assert time.monotonic() - t0 < 10
    d.notify.wait_for(lambda m: m == "STOPPING=1", timeout=1)
    with sqlite3.connect(settings.db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


READY_PROBE = """
import asyncio, sys
from watchdesk.config.settings import from_env
from watchdesk.daemon import Daemon

class Notifier:   # says what was imported when READY was sent
    watchdog_seconds = 0
    def ready(self, status):
        heavy = ("aiohttp", "pebble", "apscheduler.schedulers", "watchdesk.pipeline",
                 "watchdesk.sources.fetch", "watchdesk.workers", "watchdesk.notify.outbox")
        print("READY", status, "| imported:", *[m for m in heavy if m in sys.modules])
    def __getattr__(self, name):
        return lambda *a, **k: None

d = Daemon(from_env(), notifier=Notifier())
d.wd.load()
asyncio.run(d._serve())
d.wd.store.close()
"""


def test_ready_follows_the_configuration_and_precedes_the_pipeline(settings: Settings) -> None:
    """READY=1 means the configuration was checked and the database opened (a feeds.yaml
    that cannot run stops the start before it: tests/daemon/test_broken_config.py); the HTTP
    client, the worker pool, the scheduler and the notifier's templates are imported only
    after it. (The first start backfills the new rules, with the pipeline's conversion of
    a match; a start with the rules already known, as most are, imports none of it.)"""
    env = cli_env(WATCHDESK_FEEDS=str(settings.feeds), WATCHDESK_RULES=str(settings.rules),
                  WATCHDESK_DB=str(settings.db))
    for _ in range(2):
        r = subprocess.run([sys.executable, "-c", READY_PROBE], capture_output=True,
                           text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("READY 1 feeds"), r.stdout
    assert r.stdout.rstrip().endswith("| imported:"), r.stdout


def test_sigterm_mid_cycle_exits_zero_quickly_and_consistent(
        daemon: Callable[..., Daemon], settings: Settings, site: FixtureServer) -> None:
    site.latency = 0.5  # every request is slow: the cycle is in flight when we stop
    d = daemon()
    d.notify.wait_for(lambda m: "READY=1" in m)
    wait_until(lambda: site.hits("/afrique/rss.xml") >= 1)
    t0 = time.monotonic()
    assert d.stop() == 0
    assert time.monotonic() - t0 < 10
    with sqlite3.connect(settings.db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        articles = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        entries = c.execute("SELECT count(*) FROM entries").fetchone()[0]
    assert articles == entries  # nothing half-written


def test_rule_files_are_hot_reloaded(daemon: Callable[..., Daemon], settings: Settings,
                                     site: FixtureServer) -> None:
    d = daemon()
    d.notify.wait_for(lambda m: "READY=1" in m)
    wait_until(lambda: count(settings.db, "SELECT count(*) FROM matches") == 2)
    rule_file = Path(settings.rules) / "senegal.yaml"
    # add: a new rule is picked up within seconds and backfilled over stored articles
    rule_file.write_text("rules:\n  - id: senegal\n    title: Sénégal\n    query: kaolack\n")
    wait_until(lambda: count(settings.db, "SELECT count(*) FROM matches WHERE "
                             "rule_id='senegal' AND backfill=1") == 1, timeout=15)
    # break: the error is logged with file and line, the previous version keeps running
    rule_file.write_text("rules:\n  - id: senegal\n    title: Sénégal\n    query: (kaolack\n")
    wait_until(lambda: f"{rule_file}:4" in d.logs(), timeout=15)
    site.set("/afrique/rss.xml", rss([
        {"title": "Kaolack : la récolte s'annonce bonne", "link": "{{BASE}}/afrique/kaolack",
         "guid": "rfi-3", "summary": "Les producteurs de Kaolack sont confiants."}]))
    make_due(settings.db)
    wait_until(lambda: count(settings.db, "SELECT count(*) FROM matches m JOIN articles a ON "
                             "a.id=m.article_id WHERE rule_id='senegal' AND a.guid='rfi-3'") == 1,
               timeout=30)
    # fix: the new version replaces it
    rule_file.write_text("rules:\n  - id: senegal\n    title: Sénégal\n    query: dakar\n")
    wait_until(lambda: "senegal" in d.logs().split("backfill rules=")[-1], timeout=15)
    # delete: the rule goes away (no error)
    rule_file.unlink()
    wait_until(lambda: f"rule file applied: {rule_file} (file removed): 1 removed (senegal)"
               in d.logs(), timeout=15)
    assert d.proc.poll() is None
    assert d.stop() == 0


def test_sighup_reloads_feeds(daemon: Callable[..., Daemon], settings: Settings,
                              site: FixtureServer) -> None:
    d = daemon()
    d.notify.wait_for(lambda m: "READY=1" in m)
    site.set("/second.xml", rss([{"title": "Benghazi : reprise du trafic aérien",
                                  "link": "{{BASE}}/afrique/aeroport", "guid": "s-1"}]))
    settings.feeds.write_text(settings.feeds.read_text() +
                              f"  - name: second\n    url: {site.url('/second.xml')}\n")
    os.kill(d.proc.pid, signal.SIGHUP)
    d.notify.wait_for(lambda m: "RELOADING=1" in m)
    d.notify.wait_for(lambda m: "READY=1" in m, n=2)
    wait_until(lambda: site.hits("/second.xml") >= 1)
    # a broken feeds.yaml on SIGHUP keeps the feeds we had
    settings.feeds.write_text("feeds: [\n")
    os.kill(d.proc.pid, signal.SIGHUP)
    wait_until(lambda: "feeds not reloaded" in d.logs())
    assert d.proc.poll() is None
    assert d.stop() == 0


class Inbox:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        from email import message_from_bytes, policy

        from ports import SMTPController

        self.messages: list = []

        class Handler:
            async def handle_DATA(inner, server, session, envelope):  # type: ignore[no-untyped-def]
                self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        self.controller = SMTPController(Handler())
        self.controller.start()
        self.port = self.controller.port

    def kinds(self) -> list[str]:
        return [str(m["List-ID"]).split()[1] for m in self.messages]

    def stop(self) -> None:
        self.controller.stop()


def test_missed_digest_is_sent_once_on_start_and_alerts_follow_a_cycle(
        daemon: Callable[..., Daemon], settings: Settings) -> None:
    from datetime import UTC, datetime, timedelta

    inbox = Inbox()
    try:
        now = datetime.now(UTC)
        digest_at = now - timedelta(minutes=10)   # we start ten minutes after digest time
        # the previous digest went out yesterday at digest time
        from watchdesk.store import Store, iso
        store = Store(settings.db)
        store.set_meta("digest.window_end", iso(digest_at - timedelta(days=1)))
        store.close()
        env = {"WATCHDESK_SMTP_HOST": "127.0.0.1", "WATCHDESK_SMTP_PORT": str(inbox.port),
               "WATCHDESK_MAIL_TO": "desk@example.org", "WATCHDESK_TIMEZONE": "UTC",
               "WATCHDESK_DIGEST_TIME": f"{digest_at:%H:%M}"}
        d = daemon(**env)
        d.notify.wait_for(lambda m: "READY=1" in m)
        wait_until(lambda: sorted(inbox.kinds()) == ["alerts", "digest"], timeout=30, logs=d)
        alert = next(m for m in inbox.messages if "alerts" in str(m["List-ID"]))
        assert "Benghazi" in str(alert.get_body(("plain",)).get_content())
        assert d.stop() == 0
        # a restart sends nothing again
        d2 = daemon(**env, WATCHDESK_LOG_LEVEL="DEBUG")
        d2.notify.wait_for(lambda m: "READY=1" in m)
        d2.notify.wait_for(lambda m: "last cycle" in m or "next digest" in m)
        # its notifier ran at start (logged once done), and found nothing to send
        wait_until(lambda: "notify digest=- alerts=0 sent=0" in d2.logs(), timeout=30, logs=d2)
        assert sorted(inbox.kinds()) == ["alerts", "digest"]
        assert d2.stop() == 0
    finally:
        inbox.stop()
