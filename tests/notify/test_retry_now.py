"""`watchdesk outbox --retry-now` (issue 21, item 8): it said "1 failed message(s) will be
retried at once" and sent nothing unless the daemon ran. Now it sends them at once through a
real SMTP server when no daemon runs (exactly once: a second call sends nothing), and says
plainly that the daemon sends them when one holds the database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from watchdesk.config.settings import Settings
from watchdesk.store.lock import DbLock

from .conftest import SMTPServer
from .test_commands import run


def statuses(db: Path) -> list[str]:
    with sqlite3.connect(db) as c:
        return [s for (s,) in c.execute("SELECT status FROM outbox ORDER BY id")]


def failed_digest(settings: Settings, smtp: SMTPServer) -> None:
    """A digest whose delivery failed while the mail server was down (then back up)."""
    smtp.stop()
    sent = run(settings, "digest", "--send")
    assert sent.exit_code == 1 and statuses(settings.db) == ["failed"], sent.output
    smtp.start()


@pytest.mark.usefixtures("store")   # the database exists
def test_retry_now_sends_at_once_when_no_daemon_runs(settings: Settings,
                                                     smtp: SMTPServer) -> None:
    failed_digest(settings, smtp)
    retry = run(settings, "outbox", "--retry-now")
    assert retry.exit_code == 0, retry.output
    assert "1 failed message(s) retried now (no daemon runs): 1 sent, 0 failed again" in \
        retry.output
    assert len(smtp.messages) == 1 and statuses(settings.db) == ["sent"]
    assert "desk@example.org" in smtp.messages[0].rcpt_tos
    again = run(settings, "outbox", "--retry-now")     # exactly once: nothing to resend
    assert again.exit_code == 0 and "0 sent" in again.output
    assert len(smtp.messages) == 1


@pytest.mark.usefixtures("store")
def test_retry_now_leaves_it_to_the_running_daemon(settings: Settings,
                                                   smtp: SMTPServer) -> None:
    import os

    failed_digest(settings, smtp)
    with DbLock(settings.db, "run"):          # a daemon holds the database
        retry = run(settings, "outbox", "--retry-now")
        assert retry.exit_code == 0, retry.output
        assert (f"1 failed message(s) made due now: watchdesk run (PID {os.getpid()}) is "
                "running and sends them within a minute") in retry.output
        assert smtp.messages == []            # not sent twice at once: the daemon sends it
        with sqlite3.connect(settings.db) as c:
            (due,) = c.execute("SELECT next_attempt_at <= strftime('%Y-%m-%dT%H:%M:%SZ', "
                               "'now') FROM outbox").fetchone()
        assert due == 1
    retry = run(settings, "outbox", "--retry-now")   # the daemon is gone: sent here
    assert retry.exit_code == 0 and "1 sent" in retry.output, retry.output
    assert len(smtp.messages) == 1
