"""`watchdesk digest --send` beside a running daemon: the command delivered the outbox without
the database's lock, so it could race the daemon's own delivery of the same digest and send it
twice. Now, with a real `watchdesk run` holding the database, the command only queues the
digest and says which daemon (its PID) sends it; the daemon sends it, once. With no daemon,
the command sends it itself, holding the lock (a daemon starting meanwhile waits)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from daemon.proc import Run
from watchdesk.demo.server import FixtureServer
from watchdesk.store import Store
from watchdesk.store.lock import holder

from .conftest import SMTPServer, World
from .test_breaking_daemon import wait_until
from conftest import watchdesk, write_feeds


def outbox(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db, timeout=30) as c:
        return list(c.execute("SELECT kind, status FROM outbox ORDER BY id"))


@pytest.mark.timeout(180)
def test_digest_send_leaves_delivery_to_the_running_daemon(
        tmp_path: Path, site: FixtureServer, smtp: SMTPServer, store: Store,
        world: World) -> None:
    world.story(world.feed("RFI"), "Haftar reçoit une délégation russe", "haftar",
                datetime.now(UTC) - timedelta(hours=1))
    db = store.path
    feeds = write_feeds(tmp_path / "feeds.yaml", [("afrique", site.url("/afrique/rss.xml"))])
    rules = tmp_path / "rules"
    rules.mkdir()
    paths = ["--feeds", str(feeds), "--rules", str(rules), "--db", str(db)]
    env = {"WATCHDESK_SMTP_HOST": "127.0.0.1", "WATCHDESK_SMTP_PORT": str(smtp.port),
           "WATCHDESK_MAIL_FROM": "watchdesk@example.org",
           "WATCHDESK_MAIL_TO": "desk@example.org", "WATCHDESK_TIMEZONE": "UTC",
           # the daemon's own digest is not due during the test
           "WATCHDESK_DIGEST_TIME": f"{datetime.now(UTC) + timedelta(hours=12):%H:%M}"}
    daemon = Run([*paths, "-v"], tmp_path / "daemon.log", WATCHDESK_WORKERS="2", **env)
    try:
        daemon.wait_log("notify digest=")          # running, its first notify tick done
        who = holder(db)
        assert who is not None and who.pid == daemon.pid
        sent = watchdesk("digest", "--send", *paths, env=_env(env))
        assert sent.returncode == 0, sent.stderr
        assert (f"queued for desk@example.org: watchdesk run (PID {daemon.pid}) is running on "
                "this database and sends it within a minute") in sent.stdout, sent.stdout
        # the command sent nothing: the row waits for the daemon (its tick is a minute apart)
        assert smtp.messages == [] and outbox(db) == [("digest", "pending")]
        daemon.signal()
        assert daemon.wait() == 0
    finally:
        daemon.close()
    # the daemon sends it at its next notify tick: here the first one of its next start
    again = Run([*paths, "-v"], tmp_path / "daemon2.log", WATCHDESK_WORKERS="2", **env)
    try:
        wait_until(lambda: outbox(db) == [("digest", "sent")], "the daemon to send it")
        again.wait_log("notify digest=")
    finally:
        again.close()
    assert len(smtp.messages) == 1                       # exactly once
    assert smtp.messages[0].rcpt_tos == ["desk@example.org"]
    assert "Haftar reçoit une délégation russe" in str(smtp.messages[0].message.get_body(
        ("plain",)).get_content())  # type: ignore[union-attr]


def test_digest_send_without_a_daemon_sends_it_holding_the_lock(
        tmp_path: Path, smtp: SMTPServer, store: Store, world: World) -> None:
    world.story(world.feed("RFI"), "Haftar à Moscou", "haftar",
                datetime.now(UTC) - timedelta(hours=1))
    env = {"WATCHDESK_SMTP_HOST": "127.0.0.1", "WATCHDESK_SMTP_PORT": str(smtp.port),
           "WATCHDESK_MAIL_FROM": "watchdesk@example.org",
           "WATCHDESK_MAIL_TO": "desk@example.org", "WATCHDESK_TIMEZONE": "UTC",
           "WATCHDESK_RULES": str(tmp_path / "rules")}
    sent = watchdesk("digest", "--send", "--db", str(store.path), env=_env(env))
    assert sent.returncode == 0, sent.stderr
    assert "sent to desk@example.org" in sent.stdout
    assert len(smtp.messages) == 1 and outbox(store.path) == [("digest", "sent")]
    assert holder(store.path) is None                   # the lock is released


def _env(extra: dict[str, str]) -> dict[str, str]:
    from conftest import cli_env

    return cli_env(**extra)
