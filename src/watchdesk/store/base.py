"""Opening the database: WAL, pragmas, migrations (the time format is ``watchdesk.dates``)."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

# the time format, kept in ..dates; re-exported for the store's modules and ``store.iso``
from ..dates import iso as iso
from ..dates import parse_iso as parse_iso
from ..errors import StoreError
from . import opening
from .opening import Mode
from .schema import migrations

log = logging.getLogger("watchdesk.store")

CHECKPOINT_EVERY = 5.0  # seconds between background checkpoints


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Checkpointer:
    """Copies the write-ahead log into the database from a thread of its own.

    SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 pages of log, on
    the writer's thread: in the daemon, that is the event loop, which then waits for the
    copy and the fsync instead of feeding the extraction workers (they went idle for a
    second every few seconds of a big poll). Here a second connection runs a PASSIVE
    checkpoint every ``every`` seconds: it copies what is committed without taking any lock
    the writer needs, and the sqlite3 module releases the GIL while it works. Durability is
    the write-ahead log's; checkpoints only move pages."""

    def __init__(self, path: str, every: float = CHECKPOINT_EVERY) -> None:
        self.every = every
        self._stop = threading.Event()
        self._conn = sqlite3.connect(path, timeout=30, check_same_thread=False,
                                     isolation_level=None)
        self._thread = threading.Thread(target=self._run, name="watchdesk-checkpoint",
                                        daemon=True)
        self._thread.start()

    def checkpoint(self) -> tuple[int, int, int]:
        """(busy, frames in the log, frames copied), as SQLite reports them."""
        row = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.checkpoint()
            except sqlite3.Error as e:  # the next round tries again
                log.warning("background checkpoint failed: %s", e)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._conn.close()


class StoreBase:
    """Owns the connection. Every write goes through ``transaction()``.

    ``mode`` (see ``opening``): ``create`` makes the file if needed and migrates it (poll,
    daemon, demo); ``write`` needs an existing file and migrates it; ``read`` needs an
    existing file and opens it read-only. A reader finding a schema older than this
    version's upgrades it first if it may write (``upgrade``, as the daemon's next start
    would), else says so; ``watchdesk status`` passes ``upgrade=False``. Any problem with the
    file is a ``StoreError`` saying what to do.

    ``background_checkpoints``: for the long-lived writer (poll, daemon), checkpoint the
    write-ahead log from a thread (see ``Checkpointer``) rather than inside commits."""

    def __init__(self, path: str | Path, *, mode: Mode = "create", upgrade: bool = True,
                 background_checkpoints: bool = False) -> None:
        self.path = str(path)
        self.mode = mode
        self.checkpointer: Checkpointer | None = None
        self.db = self._open(mode)
        if mode == "read" and upgrade and self._outdated():
            self.db.conn.close()
            try:
                StoreBase(self.path, mode="write").close()   # migrate, as the daemon would
            except StoreError as e:
                if e.kind != "readonly":
                    raise
            self.db = self._open(mode)                        # still outdated: said below
        if mode == "read":
            try:
                self._check_readable()
            except BaseException:
                self.db.conn.close()
                raise
        if background_checkpoints and self.path != ":memory:":
            self.db.execute("PRAGMA wal_autocheckpoint=0")
            self.checkpointer = Checkpointer(self.path)

    def _open(self, mode: Mode) -> Database:
        conn = opening.connect(self.path, mode)
        try:
            db = Database(conn, execute_plugins=False)
            conn.row_factory = sqlite3.Row
            if mode != "read":
                self.db = db
                self._prepare()
            else:
                db.execute("PRAGMA busy_timeout=30000")
            return db
        except sqlite3.Error as e:
            conn.close()
            raise opening.database_error(self.path, e) from e
        except BaseException:
            conn.close()
            raise

    def _outdated(self) -> bool:
        try:
            return bool(migrations.applied(self.db)) and bool(migrations.pending(self.db))
        except sqlite3.Error as e:
            raise opening.database_error(self.path, e) from e

    def _prepare(self) -> None:
        if self.db.execute("PRAGMA page_count").fetchone()[0] == 0:
            # A new file: pages freed by retention go back to the file system in small
            # steps (``retention``); only an empty database can switch without a VACUUM.
            self.db.execute("PRAGMA auto_vacuum=INCREMENTAL")
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across application crashes in WAL mode (only an OS crash can
        # lose the last transactions, never corrupt the file).
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=30000")
        # The log file is reused after each checkpoint; past this size it is truncated.
        self.db.execute("PRAGMA journal_size_limit=67108864")
        migrations.apply(self.db)

    def _check_readable(self) -> None:
        """A read-only look must find a watchdesk database whose schema is this version's."""
        try:
            self._check_schema()
        except sqlite3.Error as e:
            raise opening.database_error(self.path, e) from e

    def _check_schema(self) -> None:
        if not migrations.applied(self.db):
            if self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                raise opening.missing(self.path)
            raise StoreError(f"{self.path} is a SQLite database but not a watchdesk one: fix "
                             "--db / WATCHDESK_DB", path=self.path, kind="missing")
        pending = migrations.pending(self.db)
        if pending:
            raise StoreError(
                f"the database {self.path} was made by an older watchdesk and is not upgraded "
                f"yet ({len(pending)} migration(s) to apply), and this command may not write "
                "it: restart the daemon (or run any command as the database's owner) to "
                "upgrade it", path=self.path, kind="outdated")

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; rolled back on any exception."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            self._rolled_back()
            raise
        else:
            conn.execute("COMMIT")

    def _rolled_back(self) -> None:
        """Called after a rollback: drop in-memory state that may hold what was undone."""

    def query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        return list(self.conn.execute(sql, params))

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str, conn: sqlite3.Connection | None = None) -> None:
        (conn or self.conn).execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def integrity_check(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.close()
        self.conn.close()  # the last connection to close checkpoints what is left
