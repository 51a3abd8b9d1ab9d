"""Editing rule files (``web.rulefiles``) without the server: the round-trip of examples
keeps comments, a failed write leaves the file and the history as they were, names that
are not rule files are refused."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from watchdesk.demo.run import default_rules_dir
from watchdesk.store import Store
from watchdesk.web import rulefiles


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), d)
    return d


def test_add_examples_keeps_comments_and_layout(folder: Path) -> None:
    text = (folder / "libye.yaml").read_text()
    out = rulefiles.add_examples(text, "wagner", {
        "match": [{"title": "Wagner en Libye : Haftar reçoit Moscou"}],
        "no_match": [{"title": "Tannhäuser à Bayreuth", "body": "Richard Wagner, l'opéra"}]})
    # every comment line of the file is still there, in order
    comments = [x for x in text.splitlines() if x.lstrip().startswith("#")]
    kept = [x for x in out.splitlines() if x.lstrip().startswith("#")]
    assert comments == kept
    draft = rulefiles.check(folder, "libye.yaml", out)
    assert draft.errors == [], draft.errors
    wagner = next(r for r in draft.rules if r.id == "wagner")
    assert wagner.query == next(r for r in rulefiles.check(folder, "libye.yaml", text).rules
                                if r.id == "wagner").query
    assert "Tannhäuser à Bayreuth" in out
    with pytest.raises(KeyError):
        rulefiles.add_examples(text, "no-such-rule", {"match": []})


def test_a_failed_write_changes_nothing(folder: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "w.db")
    text = (folder / "libye.yaml").read_text()

    def record(fail: bool) -> Callable[..., int]:
        def go(previous: str, diff: str, saved: str, write: Callable[[], None]) -> int:
            with store.transaction() as c:
                c.execute("INSERT INTO rule_history(file, who, created_at, diff, previous,"
                          " saved_hash) VALUES ('libye.yaml', 'x', 'now', ?, ?, ?)",
                          (diff, previous, saved))
                if fail:
                    raise OSError(30, "Read-only file system")
                write()
            return 1
        return go

    with pytest.raises(OSError):
        rulefiles.save(folder, "libye.yaml", text + "# edited\n", rulefiles.version(text),
                       record(True))
    assert (folder / "libye.yaml").read_text() == text
    with sqlite3.connect(tmp_path / "w.db") as c:
        assert c.execute("SELECT count(*) FROM rule_history").fetchone()[0] == 0
    rulefiles.save(folder, "libye.yaml", text + "# edited\n", rulefiles.version(text),
                   record(False))
    assert (folder / "libye.yaml").read_text().endswith("# edited\n")
    store.close()


@pytest.mark.parametrize("name", ["../x.yaml", ".hidden.yaml", "x.txt", "a/b.yaml", ""])
def test_only_rule_file_names(folder: Path, name: str) -> None:
    with pytest.raises(rulefiles.BadName):
        rulefiles.path_of(folder, name)
