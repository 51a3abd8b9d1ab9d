"""Opening the database file, and saying in plain words why it cannot be used.

Three ways to open it (``Mode``):

- ``create`` (``poll``, ``run``, ``demo``): create the file and its folder if needed, apply
  the migrations;
- ``write`` (``digest --send``, ``outbox --retry-now``): the file must exist; migrations are
  applied;
- ``read`` (``alerts``, ``feeds``, ``search``, ``digest --preview``, ``rules test``,
  ``outbox``, ``status``): the file must exist and is opened read-only (``mode=ro``): nothing
  is created or written, and a database the user may only read can be read. (A schema older
  than this version's is first upgraded when the user may write it, except by ``status``:
  see ``StoreBase``.)

Every ``sqlite3`` error met while opening or using the file is turned into a ``StoreError``
by ``database_error``: what is wrong, where, and what to do (restore from a backup, check
permissions, run ``watchdesk poll``). SQLite's extended error names say which case it is
(``SQLITE_READONLY_DIRECTORY`` when the folder does not let a reader create the ``-shm`` file
of a WAL database, ``SQLITE_NOTADB`` for a file that is not a database, ...).
"""

from __future__ import annotations

import getpass
import sqlite3
from pathlib import Path
from typing import Literal

from ..errors import StoreError

Mode = Literal["create", "write", "read"]

BACKUP_HINT = "restore it from a backup (deploy/README.md, \"Back up the database\")"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        import os

        return f"uid {os.getuid()}"


def missing(path: str) -> StoreError:
    return StoreError(
        f"no database at {path}: check --db / WATCHDESK_DB; `watchdesk poll` creates it from "
        f"your feeds, `watchdesk demo --db {path}` fills it with the demo",
        path=path, kind="missing")


def connect(path: str, mode: Mode) -> sqlite3.Connection:
    """A connection to ``path`` opened as ``mode`` says (see the module docstring).

    ``isolation_level=None``: no implicit transactions; the store's are explicit."""
    if path == ":memory:":
        return sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    p = Path(path)
    if mode == "create":
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create the folder {p.parent} for the database {path}: "
                             f"{e.strerror}: check the path and the permissions of user "
                             f"{_user()}", path=path, kind="readonly") from e
        target = path
        uri = False
    else:
        if p.is_dir():
            raise StoreError(f"{path} is a folder, not a database file: point --db / "
                             "WATCHDESK_DB at the file (e.g. watchdesk.db)", path=path)
        if not p.exists():
            raise missing(path)
        # mode=ro: never create, write or migrate; mode=rw: never create the file.
        target = f"{p.resolve().as_uri()}?mode={'ro' if mode == 'read' else 'rw'}"
        uri = True
    try:
        return sqlite3.connect(target, timeout=30, check_same_thread=False,
                               isolation_level=None, uri=uri)
    except sqlite3.Error as e:
        raise database_error(path, e) from e


def database_error(path: str, e: sqlite3.Error) -> StoreError:
    """What a sqlite3 error on ``path`` means for the user, and what to do about it."""
    name = getattr(e, "sqlite_errorname", "") or ""
    user = _user()
    folder = Path(path).resolve().parent
    if name == "SQLITE_NOTADB":
        return StoreError(
            f"{path} is not a SQLite database (it is damaged, or another kind of file): "
            f"{BACKUP_HINT}, or fix --db / WATCHDESK_DB", path=path, kind="corrupt")
    if name.startswith("SQLITE_CORRUPT"):
        return StoreError(
            f"the database {path} is damaged ({e}): {BACKUP_HINT}; `sqlite3 {path} .recover` "
            "may save what is left", path=path, kind="corrupt")
    if name == "SQLITE_READONLY_DIRECTORY":
        return StoreError(
            f"cannot open the database {path}: user {user} may not create files in {folder}, "
            f"and SQLite needs its -wal and -shm files there: run the command as the "
            "database's owner (`sudo watchdesk ...` on a service install), or check the "
            "folder's permissions", path=path, kind="readonly")
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")):
        return StoreError(
            f"the database {path} is read-only for user {user} ({e}): check the permissions "
            f"of the file, of its -wal and -shm files and of {folder}, or run the command as "
            "the database's owner (`sudo watchdesk ...` on a service install)",
            path=path, kind="readonly")
    if name.startswith("SQLITE_CANTOPEN"):
        return StoreError(
            f"cannot open the database {path} ({e}): check the path and that user {user} may "
            f"read it and write in {folder}", path=path, kind="readonly")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(
            f"the database {path} stayed locked by another process ({e}): is a backup, a "
            "migration or a long sqlite3 session holding it? Try again in a moment",
            path=path, kind="locked")
    if name.startswith("SQLITE_FULL"):
        return StoreError(f"the disk holding the database {path} is full: free some space "
                          "and try again", path=path, kind="other")
    if name.startswith("SQLITE_IOERR"):
        return StoreError(
            f"input/output error on the database {path} ({e}): check the disk (dmesg); if it "
            f"persists, {BACKUP_HINT}", path=path, kind="corrupt")
    return StoreError(f"database error on {path}: {e}", path=path)


def as_store_error(exc: BaseException, path: str) -> StoreError | None:
    """``exc`` as a StoreError if it is one or a sqlite3 error; None otherwise."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, sqlite3.Error):
        return database_error(path, exc)
    return None
