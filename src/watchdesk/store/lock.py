"""One daemon per database: an advisory lock on ``<db>.lock`` that dies with its process.

``watchdesk run`` takes ``fcntl.flock(LOCK_EX)`` on a file beside the database and keeps it
for its whole life; a second ``run`` on the same database finds it taken and is refused with
the first one's PID. The kernel releases a flock when the process exits, however it exits
(SIGKILL, OOM killer, power cut), so there is never a stale lock to remove by hand. The file
holds ``PID role`` (``run``, or the one-off command holding it) only to name the holder in
the refusal; the lock itself is the flock, not the file's existence.

Why a file of its own rather than the database: SQLite takes POSIX ``fcntl`` locks on the
database, which a process drops when it closes *any* descriptor of the file (a backup or a
second connection would release ours), and a ``.lock`` file can be read for its PID by a user
who may not write the database. flock is per open file description, so neither problem arises.

``holder`` tells who holds it without taking it (``status``, ``outbox --retry-now``): it never
creates the file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from ..errors import StoreError

__all__ = ["DbLock", "Holder", "holder", "lock_path"]


@dataclass(frozen=True)
class Holder:
    """Who holds the lock: its PID (None if it has not written it yet) and role."""

    pid: int | None
    role: str

    def __str__(self) -> str:
        what = "watchdesk run" if self.role == "run" else f"watchdesk {self.role}"
        return f"{what} (PID {self.pid if self.pid is not None else 'unknown'})"


def lock_path(db: str | Path) -> Path:
    return Path(f"{db}.lock")


def _read_holder(fd: int) -> Holder:
    try:
        text = os.pread(fd, 200, 0).decode("ascii", "replace").split()
    except OSError:
        text = []
    pid = int(text[0]) if text and text[0].isdigit() else None
    return Holder(pid, text[1] if len(text) > 1 else "run")


def holder(db: str | Path) -> Holder | None:
    """Who holds the lock on ``db`` now; None when nobody does (or there is no lock file)."""
    try:
        fd = os.open(lock_path(db), os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


class DbLock:
    """``with DbLock(db, "run"):`` holds the database's lock, or raises StoreError
    (``kind="in_use"``) naming the holder.

    ``wait``: how long to keep trying before refusing (``holder``'s probe holds it for an
    instant). A one-off command (``role`` other than ``run``) holding it is waited for up to
    ``wait_for_command`` seconds instead: it ends by itself within seconds, and a daemon
    starting meanwhile should not fail for it.
    """

    def __init__(self, db: str | Path, role: str = "run", *, wait: float = 0.5,
                 wait_for_command: float = 60.0) -> None:
        self.db = db
        self.path = lock_path(db)
        self.role = role
        self.wait = wait
        self.wait_for_command = wait_for_command
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as e:
            raise StoreError(f"cannot open the lock file {self.path}: {e.strerror}; the "
                             "folder of the database must be writable by this user",
                             path=str(self.db), kind="readonly") from e
        start = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                who = _read_holder(fd)
                limit = self.wait if who.role == "run" else max(self.wait,
                                                                self.wait_for_command)
                if time.monotonic() - start >= limit:
                    os.close(fd)
                    raise StoreError(
                        f"{self.db} is in use by {who}: one daemon per database; stop that "
                        "one first (`systemctl stop watchdesk`, or kill "
                        f"{who.pid if who.pid is not None else 'it'}), or give this one "
                        "another --db", path=str(self.db), kind="in_use") from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {self.role}\n".encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> DbLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
