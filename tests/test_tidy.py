"""The session check that the suite leaves the checkout clean (see conftest.repo_litter)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import repo_litter


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_repo_litter_sees_new_files_but_not_caches(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("*.db\n")
    (tmp_path / "kept.txt").write_text("x")
    subprocess.run(["git", "-C", str(tmp_path), "add", "."], check=True)
    before = repo_litter(tmp_path)
    assert before == set()
    (tmp_path / "poll").write_text("165588")              # untracked
    (tmp_path / "watchdesk.db").write_text("")            # ignored, still litter
    (tmp_path / ".hypothesis").mkdir()                    # a cache
    (tmp_path / ".hypothesis" / "x").write_text("")
    assert repo_litter(tmp_path) == {"poll", "watchdesk.db"}


def test_repo_litter_outside_a_work_tree_is_none(tmp_path: Path) -> None:
    assert repo_litter(tmp_path) is None
