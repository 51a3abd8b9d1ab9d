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


def test_restoring_a_new_files_entry_removes_the_file(folder: Path, tmp_path: Path) -> None:
    """The first save of a file records that there was no file (``previous`` NULL, not ''):
    restoring that entry removes the file, as a save (checked, recorded), instead of
    writing an empty file that the folder would then list; restoring the removal's entry
    brings the text back."""
    store = Store(tmp_path / "w.db")

    def record(previous: str | None, diff: str, saved: str,
               write: Callable[[], None]) -> int:
        return store.record_rule_save("sahel.yaml", "amina", "2026-12-06T22:00:00Z", diff,
                                      previous, saved, write)

    text = "rules:\n  - id: sahel\n    query: sahel OR niger\n"
    rulefiles.save(folder, "sahel.yaml", text, rulefiles.NEW, record)
    (first,) = store.rule_history("sahel.yaml")
    assert first["previous"] is None and "+  - id: sahel" in first["diff"]
    rulefiles.save(folder, "sahel.yaml", first["previous"], rulefiles.version(text), record)
    assert not (folder / "sahel.yaml").exists()
    assert "sahel.yaml" not in rulefiles.files(folder)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]   # no temp file left
    removal = store.rule_history("sahel.yaml")[0]
    assert removal["previous"] == text and removal["saved_hash"] == rulefiles.NEW
    assert "-  - id: sahel" in removal["diff"] and "sahel.yaml (removed)" in removal["diff"]
    # nothing lost: the removal's own entry puts the text back
    rulefiles.save(folder, "sahel.yaml", removal["previous"], rulefiles.NEW, record)
    assert (folder / "sahel.yaml").read_text() == text
    assert len(store.rule_history("sahel.yaml")) == 3
    # a stale form is refused as for any save: the file is there again
    with pytest.raises(rulefiles.Conflict):
        rulefiles.save(folder, "sahel.yaml", None, rulefiles.NEW, record)
    assert (folder / "sahel.yaml").read_text() == text
    store.close()


def test_a_removal_the_folder_would_not_load_without_is_refused(folder: Path,
                                                                tmp_path: Path) -> None:
    """Removing a file is checked like a save: another file using its @list would no
    longer load, so nothing is removed nor recorded."""
    store = Store(tmp_path / "w.db")
    (folder / "lists.yaml").write_text("lists:\n  pays-sahel: mali OR niger\nrules: []\n")
    (folder / "uses.yaml").write_text("rules:\n  - id: sahel\n    query: '@pays-sahel'\n")
    assert rulefiles.check(folder, "uses.yaml", (folder / "uses.yaml").read_text()).ok
    calls: list[str | None] = []

    def record(previous: str | None, diff: str, saved: str,
               write: Callable[[], None]) -> int:
        calls.append(previous)
        write()
        return 1

    text = (folder / "lists.yaml").read_text()
    with pytest.raises(rulefiles.Refused) as refused:
        rulefiles.save(folder, "lists.yaml", None, rulefiles.version(text), record)
    assert refused.value.draft.others and calls == []
    assert (folder / "lists.yaml").read_text() == text
    store.close()


def test_migration_reads_earlier_new_file_entries_as_no_file(tmp_path: Path) -> None:
    """Entries written before m018 stored '' for "no file": they become NULL (restored by
    removing the file); the others keep their text."""
    from sqlite_utils import Database

    from watchdesk.store.schema import migrations

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    migrations.apply(Database(conn), stop_before="m018_rule_history_new_files")
    conn.executemany("INSERT INTO rule_history(file, who, created_at, diff, previous,"
                     " saved_hash) VALUES (?, 'x', 'now', 'd', ?, 'h')",
                     [("new.yaml", ""), ("old.yaml", "rules: []\n")])
    conn.commit()
    conn.close()
    store = Store(path)   # runs the remaining migrations
    assert [dict(r)["previous"] for r in store.rule_history("new.yaml")] == [None]
    assert [dict(r)["previous"] for r in store.rule_history("old.yaml")] == ["rules: []\n"]
    store.close()
