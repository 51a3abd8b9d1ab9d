"""Writing a file so that a reader sees the old one or the new one, never half of it.

One writer for the files watchdesk replaces whole (the web editor's rule files and users
file, the Atom feeds of ``feeds-out``, ``export -o``, feeds.yaml edited by ``feeds add`` /
``feeds import``), and one way to make a rename durable (those, and backups).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replacing(path: Path, mode: int, *, durable: bool = False) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content into: a temporary file beside it that,
    once the block ends without error, is synced, given permissions ``mode`` and renamed over
    ``path``; the temporary file is removed if anything fails (``path`` then untouched).
    ``durable``: the folder is synced too, so the rename survives a crash."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if durable:
        sync_folder(path.parent)


def write_atomic(path: Path, data: bytes | str, mode: int, *, durable: bool = False) -> None:
    """Write ``data`` (text as UTF-8) to a temporary file beside ``path``, synced, with
    permissions ``mode``, then rename it over ``path``; the temporary file is removed if
    anything fails. ``durable``: the folder is synced too, so the rename survives a crash."""
    with replacing(path, mode, durable=durable) as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def sync_folder(folder: Path) -> None:
    """Make a rename or removal in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
