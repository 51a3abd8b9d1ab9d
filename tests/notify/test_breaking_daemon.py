"""A breaking story through the real daemon: three outlets on a loopback server report one
event within the hour, ``watchdesk run`` (a real subprocess) groups them and alerts, through
a real SMTP server, exactly once: also when it is SIGKILLed after queuing the alert and
before sending it, and when it is SIGKILLed and restarted after sending it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from watchdesk.demo.server import FixtureServer

from .conftest import SMTPServer, daemons
from conftest import article_page, cli_env, rss, watchdesk, write_feeds

DATA = json.loads((Path(__file__).parents[1] / "data" / "events.json").read_text(
    encoding="utf-8"))["articles"]
OUTLETS = {"rfi": "rfi-delegation", "france24": "france24-delegation",
           "lemonde": "lemonde-delegation"}


@pytest.fixture
def site() -> Iterator[FixtureServer]:
    """Three outlets, each with its own text of the event, published 50, 30 and 10 minutes
    ago (a breaking story is a recent one)."""
    now = datetime.now(UTC)
    with FixtureServer() as srv:
        for n, (feed, name) in enumerate(OUTLETS.items()):
            a = next(x for x in DATA if x["id"] == name)
            published = format_datetime(now - timedelta(minutes=50 - 20 * n), usegmt=True)
            srv.set(f"/{feed}.xml", rss([{"title": a["title"], "link": f"{{{{BASE}}}}/{feed}/1",
                                         "guid": f"{feed}-1", "date": published}],
                                       title=a["feed"]))
            srv.set(f"/{feed}/1", article_page(a["title"], [a["lead"]]))
        yield srv


@pytest.fixture
def paths(tmp_path: Path, site: FixtureServer) -> list[str]:
    feeds = write_feeds(tmp_path / "feeds.yaml", [(f, site.url(f"/{f}.xml")) for f in OUTLETS])
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "libye.yaml").write_text(
        "rules:\n  - id: russie-libye\n    title: Russie en Libye\n"
        "    query: (libye OR libyen* OR benghazi) AND (russe* OR russie OR moscou)\n"
        "    alert_when: {sources: 3, within: 60m}\n", encoding="utf-8")
    return ["--feeds", str(feeds), "--rules", str(rules), "--db", str(tmp_path / "w.db")]


def query(db: str, sql: str) -> list[tuple[object, ...]]:
    if not Path(db).exists():
        return []
    with sqlite3.connect(db, timeout=30) as c:
        try:
            return list(c.execute(sql))
        except sqlite3.OperationalError:   # not created yet
            return []


def wait_until(pred: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def daemon(paths: list[str], smtp: SMTPServer, tmp_path: Path,
           ) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    # no rate limit (WATCHDESK_ALERT_EVERY=0): only exactly-once may keep a second alert away
    env = cli_env(WATCHDESK_TICK="0.5", WATCHDESK_WORKERS="2", WATCHDESK_LOG_LEVEL="DEBUG",
                  WATCHDESK_ALERT_EVERY="0",
                  WATCHDESK_SMTP_HOST="127.0.0.1", WATCHDESK_SMTP_PORT=str(smtp.port),
                  WATCHDESK_MAIL_FROM="watchdesk@example.org",
                  WATCHDESK_MAIL_TO="desk@example.org", WATCHDESK_TIMEZONE="UTC",
                  WATCHDESK_DIGEST_TIME=f"{datetime.now(UTC) + timedelta(hours=12):%H:%M}")
    with daemons(paths, env, tmp_path) as start:
        yield start


def kill(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=15)


def breaking_alerts(smtp: SMTPServer) -> list[str]:
    return [str(m.message["Subject"]) for m in smtp.messages
            if "alerts" in str(m.message["List-ID"])]


@pytest.mark.timeout(180)
def test_a_breaking_story_alerts_exactly_once_across_sigkill_and_restart(
        daemon: Callable[[], subprocess.Popen[bytes]], paths: list[str], smtp: SMTPServer,
        tmp_path: Path) -> None:
    db = paths[-1]
    smtp.stop()                       # the mail server is down: the alert waits, queued
    first = daemon()
    wait_until(lambda: query(db, "SELECT status FROM outbox WHERE kind = 'alert'")
               == [("failed",)], "the alert to be queued and its first attempt to fail")
    assert len({r[0] for r in query(db, "SELECT story_id FROM articles")}) == 1  # one event
    assert query(db, "SELECT rule_id, sources FROM event_alerts") == [("russie-libye", 3)]
    kill(first)                       # between queuing and sending

    smtp.start()
    # no daemon runs: the command sends it itself, with the operator's mail settings
    retry = watchdesk("outbox", "--retry-now", "--db", db, env=cli_env(
        WATCHDESK_SMTP_HOST="127.0.0.1", WATCHDESK_SMTP_PORT=str(smtp.port),
        WATCHDESK_MAIL_FROM="watchdesk@example.org"))
    assert retry.returncode == 0 and "1 sent" in retry.stderr, retry.stderr
    second = daemon()
    wait_until(lambda: len(breaking_alerts(smtp)) >= 1, "the alert to arrive")
    wait_until(lambda: query(db, "SELECT status FROM outbox WHERE kind = 'alert'")
               == [("sent",)], "the alert to be marked sent")
    (subject,) = breaking_alerts(smtp)
    assert subject.startswith("watchdesk ALERTE — Russie en Libye — Ça monte : 3 sources en ")
    kill(second)                      # after sending

    third = daemon()
    log = tmp_path / "daemon-2.log"
    wait_until(lambda: log.exists() and "notify digest=" in log.read_text(errors="replace"),
               "the restarted daemon to run its notifier")
    time.sleep(1.0)
    kill(third)
    assert len(breaking_alerts(smtp)) == 1                    # exactly once
    assert query(db, "SELECT count(*) FROM outbox WHERE kind = 'alert'") == [(1,)]
    assert query(db, "SELECT count(*) FROM event_alerts") == [(1,)]
