"""files.replacing / write_atomic: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from watchdesk.files import replacing, write_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_atomic_replaces_the_file_with_the_mode_given(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o644)
    write_atomic(path, "nouveau été\n", 0o600, durable=True)
    assert path.read_text(encoding="utf-8") == "nouveau été\n"
    assert _mode(path) == 0o600
    write_atomic(path, b"\x00bytes", 0o640)
    assert path.read_bytes() == b"\x00bytes" and _mode(path) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]   # no temporary file left


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary_file(
        tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError, match="disk full"), replacing(path, 0o600) as f:
        f.write(b"half of the new")
        raise RuntimeError("disk full")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_new_file_is_created(tmp_path: Path) -> None:
    path = tmp_path / "new.atom"
    with replacing(path, 0o644) as f:
        f.write(b"<feed/>")
        assert not path.exists()        # not there until the block ends
    assert path.read_bytes() == b"<feed/>" and _mode(path) == 0o644
