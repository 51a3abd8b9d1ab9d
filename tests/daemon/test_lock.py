"""Two daemons on one database (issue 21, item 4): the second `watchdesk run` is refused,
naming the first one's PID; the lock dies with its process, however it ends."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest

from watchdesk.config.settings import Settings
from watchdesk.errors import StoreError
from watchdesk.store.lock import DbLock, holder

from .proc import Run
from conftest import paths, watchdesk


def run(settings: Settings, log: Path) -> Run:
    return Run(paths(settings), log, WATCHDESK_TICK="0.5")


def test_second_daemon_on_the_same_database_is_refused_with_the_first_pid(
        settings: Settings, tmp_path: Path) -> None:
    first = run(settings, tmp_path / "first.log")
    try:
        first.wait_log("watchdesk running")
        second = watchdesk("run", *paths(settings), timeout=60)
        assert second.returncode == 3, second.stderr
        assert f"in use by watchdesk run (PID {first.pid})" in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1, second.stderr
        assert first.proc.poll() is None       # the first one is untouched
        who = holder(settings.db)
        assert who is not None and who.pid == first.pid and who.role == "run"
        # SIGKILL: no clean-up at all, and yet the lock is gone with the process
        first.signal(signal.SIGKILL)
        first.wait()
        assert holder(settings.db) is None
        again = run(settings, tmp_path / "again.log")
        try:
            again.wait_log("watchdesk running")
            again.signal(signal.SIGTERM)
            assert again.wait() == 0
        finally:
            again.close()
    finally:
        first.close()
    with sqlite3.connect(settings.db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_daemon_on_another_database_is_not_refused(settings: Settings,
                                                     tmp_path: Path) -> None:
    first = run(settings, tmp_path / "first.log")
    other = Run([*paths(settings)[:4], "--db", str(tmp_path / "other.db")],
                tmp_path / "other.log", WATCHDESK_TICK="0.5")
    try:
        first.wait_log("watchdesk running")
        other.wait_log("watchdesk running")
    finally:
        for r in (first, other):
            r.signal(signal.SIGTERM)
            assert r.wait() == 0
            r.close()


def test_lock_is_refused_in_process_and_released(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with DbLock(db, "run"):
        with pytest.raises(StoreError, match="in use by watchdesk run") as e:
            DbLock(db, "run", wait=0.2).acquire()
        assert e.value.kind == "in_use"
    assert holder(db) is None
    with DbLock(db, "run"):
        pass
