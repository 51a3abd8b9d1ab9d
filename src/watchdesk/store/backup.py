"""Online backup: a consistent copy of the database while the daemon keeps writing to it.

1. SQLite's backup API copies every page within **one read transaction** of a connection
   that only reads (``mode=rw`` without create: a mistyped path creates nothing; the
   source is never written to). In WAL mode the writer is not
   blocked; the copy is the database as it was when the copy began, committed transactions
   only, so every match's article and every entry's article are in it.
2. The copy goes to a temporary file beside the destination (mode 0600: the database is
   private), is turned into a single self-contained file (rollback journal, no ``-wal``),
3. is checked with ``PRAGMA integrity_check``,
4. and only then renamed onto the destination. A failed copy or check leaves nothing behind,
   and an existing destination (``replace=True``) untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import files
from ..errors import BackupError
from .opening import database_error, missing

COUNTED = ("feeds", "articles", "matches")


@dataclass
class BackupReport:
    source: Path
    path: Path                         # where the copy is (when ``ok``)
    bytes: int = 0
    seconds: float = 0.0
    integrity: list[str] = field(default_factory=list)  # ["ok"], or what SQLite found
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"]


def backup(source: str | Path, dest: str | Path, *, replace: bool = False) -> BackupReport:
    """Copy the database at ``source`` to ``dest`` and check the copy (see the module doc).

    Returns the report; ``report.ok`` is False when the copy failed ``integrity_check`` (then
    nothing was written). Raises StoreError when the database itself cannot be read (as
    every command does: exit 3), BackupError when no copy could be written, saying why.
    """
    src, dst = Path(source).absolute(), Path(dest).absolute()
    if not src.is_file():
        raise missing(str(src))
    if dst.is_dir():
        raise BackupError(f"{dst} is a directory — name the backup file, e.g. "
                          f"{dst / 'watchdesk-YYYY-MM-DD.db'}")
    if dst.exists() and dst.samefile(src):
        raise BackupError(f"{dst} is the database itself — name another file")
    if dst.exists() and not replace:
        raise BackupError(f"{dst} exists — choose another name (e.g. with the date) or pass "
                          "--force to replace it once the new copy has passed its check")
    if not dst.parent.is_dir():
        raise BackupError(f"no directory {dst.parent} — create it first")
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.partial")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as e:
        raise BackupError(f"cannot write in {dst.parent}: {e.strerror} — the backup runs as "
                          "this user (sudo watchdesk: the service's user), who must be able "
                          "to create files there") from e
    report = BackupReport(source=src, path=dst)
    t0 = time.monotonic()
    try:
        _copy(src, tmp, report)
        report.bytes = tmp.stat().st_size
        if report.ok:
            os.replace(tmp, dst)
            files.sync_folder(dst.parent)   # the rename (SQLite synced the copy)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    report.seconds = time.monotonic() - t0
    return report


def _copy(src: Path, tmp: Path, report: BackupReport) -> None:
    try:
        # rw without create: a missing file is an error, not a new database; a file this
        # user may not write is opened read-only by SQLite. Unlike mode=ro, the last
        # connection to close removes the -wal/-shm files it had to create.
        source = sqlite3.connect(f"{src.as_uri()}?mode=rw", uri=True, timeout=30)
    except sqlite3.Error as e:
        raise database_error(str(src), e) from e
    try:
        target = sqlite3.connect(tmp, isolation_level=None)
        try:
            try:
                source.backup(target)  # pages=-1: all pages in one step, one snapshot
            except sqlite3.DatabaseError as e:
                if _is_source_error(e):
                    raise database_error(str(src), e) from e
                raise BackupError(f"cannot write the backup {report.path}: {e}") from e
            target.execute("PRAGMA journal_mode=DELETE")  # one file, like any other
            try:
                report.integrity = [str(r[0]) for r in target.execute(
                    "PRAGMA integrity_check(20)")]
            except sqlite3.DatabaseError as e:  # damage bad enough to stop the check itself
                report.integrity = [f"integrity_check stopped: {e}"]
            if report.ok:
                report.counts = {t: int(target.execute(f"SELECT count(*) FROM {t}")
                                        .fetchone()[0]) for t in COUNTED}
        finally:
            target.close()
    finally:
        source.close()


def _is_source_error(e: sqlite3.DatabaseError) -> bool:
    text = str(e).lower()
    return "not a database" in text or "malformed" in text or "unable to open" in text
