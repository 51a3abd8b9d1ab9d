"""The long-lived writer never checkpoints inside a commit: a thread of its own does."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from watchdesk.store import Store
from watchdesk.store.base import Checkpointer


def _fill(store: Store, rows: int) -> None:
    with store.transaction() as c:
        c.execute("CREATE TABLE IF NOT EXISTS filler(x BLOB)")
        c.executemany("INSERT INTO filler VALUES (?)", [(os.urandom(4000),)] * rows)


def _in_main_file(db: Path) -> int:
    """Rows of ``filler`` in the database file itself, not counting the write-ahead log.

    ``immutable=1`` reads the file without locks, so a read while a checkpoint is copying
    pages can see a half-copied file ("malformed"): that counts as not checkpointed yet.
    """
    try:
        with sqlite3.connect(f"file:{db}?immutable=1", uri=True) as c:
            if not c.execute("SELECT 1 FROM sqlite_master WHERE name = 'filler'").fetchone():
                return 0
            return int(c.execute("SELECT count(*) FROM filler").fetchone()[0])
    except sqlite3.DatabaseError:
        return -1


def test_commits_leave_the_log_to_the_checkpointer(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    store = Store(db, background_checkpoints=True)
    assert store.checkpointer is not None
    store.checkpointer.close()
    store.checkpointer = Checkpointer(str(db), every=3600)  # only when asked, below
    _fill(store, 2000)  # ~2,000 pages: over SQLite's automatic threshold of 1,000
    assert _in_main_file(db) == 0, "a commit checkpointed the log itself"
    busy, logged, copied = store.checkpointer.checkpoint()
    assert busy == 0 and logged >= 2000 and copied == logged
    assert _in_main_file(db) == 2000
    store.close()


def test_the_checkpointer_thread_copies_the_log_while_the_writer_goes_on(
        tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    store = Store(db, background_checkpoints=True)
    assert store.checkpointer is not None
    store.checkpointer.close()
    store.checkpointer = Checkpointer(str(db), every=0.05)
    _fill(store, 500)
    deadline = time.monotonic() + 10
    while _in_main_file(db) < 500:
        assert time.monotonic() < deadline, "the log was not checkpointed by the thread"
        time.sleep(0.05)
    _fill(store, 10)  # the writer is not blocked by the checkpointer
    store.close()
    assert not store.checkpointer._thread.is_alive()


def test_short_lived_commands_keep_sqlite_automatic_checkpoints(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.db")
    assert store.checkpointer is None
    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    store.close()
