"""`watchdesk backup PATH`: an online copy of the database, as a real subprocess, while
another process writes to the same file the way a poll does (``Store.save_poll``)."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from watchdesk.models import ArticleWrite, FeedConfig, MatchRecord, PollResult
from watchdesk.store import Store, iso

from conftest import rfi_paragraphs, watchdesk

PER_POLL = 3  # articles per poll: one transaction writes them, their matches and one fetch row


class Poller:
    """A writer thread that commits polls of one feed into the database as fast as it can,
    each with PER_POLL new articles (body, entry, one match each) and its fetch log row."""

    def __init__(self, db: Path) -> None:
        self.store = Store(db, background_checkpoints=True)  # as the daemon opens it
        now = datetime.now(UTC)
        self.store.sync_feeds([FeedConfig("rfi-afrique", "https://rfi.example/afrique/rss")],
                              now)
        self.feed_id = self.store.feeds()[0].id
        self.body = "\n\n".join(rfi_paragraphs()) * 2
        self.polls = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def poll(self) -> None:
        now = iso(datetime.now(UTC))
        writes = []
        for _ in range(PER_POLL):
            n = self.polls * PER_POLL + len(writes)
            writes.append(ArticleWrite(
                action="new", identity=f"rfi-{n}", entry_hash=f"h{n}",
                canonical_url=f"https://rfi.example/afrique/{n}",
                title=f"Libye : une délégation militaire russe à Benghazi ({n})",
                body=self.body, extraction="page", content_hash=f"c{n}", published_at=now,
                matches=[MatchRecord("russie-libye", "alert", ["russe", "Benghazi"],
                                     "une délégation militaire russe", {})]))
        self.store.save_poll(PollResult(self.feed_id, "rfi-afrique", now, status=200),
                             writes, now)
        self.polls += 1

    def _run(self) -> None:
        while not self.stop.is_set():
            self.poll()

    def close(self) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=30)
        if not self.stop.is_set() or self.store is not None:
            self.store.close()
            self.store = None  # type: ignore[assignment]


@pytest.fixture
def poller(tmp_path: Path) -> Iterator[Poller]:
    p = Poller(tmp_path / "watchdesk.db")
    yield p
    p.close()


def one(db: Path, sql: str) -> int:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def assert_consistent(copy: Path) -> int:
    """The copy opens, passes integrity_check and holds whole polls only; returns its polls."""
    conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        q = lambda sql: int(conn.execute(sql).fetchone()[0])  # noqa: E731
        polls = q("SELECT count(*) FROM fetches")
        assert polls > 0
        assert q("SELECT count(*) FROM articles") == PER_POLL * polls
        assert q("SELECT count(*) FROM entries") == PER_POLL * polls
        assert q("SELECT count(*) FROM matches") == PER_POLL * polls
        # every match's and every entry's article exists, and the search index agrees
        assert q("SELECT count(*) FROM matches m LEFT JOIN articles a ON a.id = m.article_id"
                 " WHERE a.id IS NULL") == 0
        assert q("SELECT count(*) FROM entries e LEFT JOIN articles a ON a.id = e.article_id"
                 " WHERE a.id IS NULL") == 0
        assert q("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'benghazi'") == \
            PER_POLL * polls
        return polls
    finally:
        conn.close()


def test_backup_while_a_poller_writes_is_a_consistent_snapshot(poller: Poller,
                                                                tmp_path: Path) -> None:
    db = tmp_path / "watchdesk.db"
    while poller.polls < 300:  # a database of some size (~900 articles) before the copies
        poller.poll()
    poller.thread.start()
    copies = []
    for i in range(3):
        before = poller.polls
        copy = tmp_path / f"backup-{i}.db"
        r = watchdesk("backup", "--db", str(db), str(copy))
        assert r.returncode == 0, r.stderr
        assert poller.polls > before, "the poller wrote nothing while the backup ran"
        copies.append((copy, r.stdout))
    poller.close()
    done = one(db, "SELECT count(*) FROM fetches")
    previous = 0
    for copy, out in copies:
        polls = assert_consistent(copy)
        assert previous <= polls < done  # a snapshot taken while the writer went on
        previous = polls
        assert out.startswith(f"backup ok: {db} -> {copy}: ")
        assert f"{PER_POLL * polls:,} articles, {PER_POLL * polls:,} matches; " \
               "integrity_check ok" in out
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert not copy.with_name(copy.name + "-wal").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == [
        "backup-0.db", "backup-1.db", "backup-2.db"]  # no temporary file left


def test_an_existing_file_is_refused_unless_force(poller: Poller, tmp_path: Path) -> None:
    poller.poll()
    db, copy = tmp_path / "watchdesk.db", tmp_path / "veille-2026-12-01.db"
    copy.write_bytes(b"la sauvegarde d'hier")
    r = watchdesk("backup", "--db", str(db), str(copy))
    assert r.returncode == 1
    assert f"{copy} exists" in r.stderr and "--force" in r.stderr
    assert copy.read_bytes() == b"la sauvegarde d'hier"
    poller.poll()
    r = watchdesk("backup", "--force", "--db", str(db), str(copy))
    assert r.returncode == 0, r.stderr
    assert assert_consistent(copy) == 2


@pytest.mark.parametrize(("case", "says", "status"), [
    ("no database", "no database at", 3),           # the database cannot be used: exit 3,
    ("not a database", "is not a SQLite database", 3),  # as in every command
    ("no directory", "create it first", 1),         # the copy cannot be written: exit 1
    ("the database itself", "is the database itself", 1),
])
def test_nothing_written_and_a_clear_error(case: str, says: str, status: int,
                                           tmp_path: Path) -> None:
    db, copy = tmp_path / "watchdesk.db", tmp_path / "backup.db"
    if case == "not a database":
        db.write_bytes(b"ceci n'est pas une base SQLite\n" * 200)
    elif case != "no database":
        Store(db).close()
    if case == "no directory":
        copy = tmp_path / "absent" / "backup.db"
    if case == "the database itself":
        copy = db
    before = sorted(p.name for p in tmp_path.iterdir())
    r = watchdesk("backup", "--force", "--db", str(db), str(copy))
    assert r.returncode == status
    assert says in r.stderr and "Traceback" not in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # created nothing


def unindexed_update(db: Path) -> None:
    """An index out of step with its table: the index is hidden from SQLite while two rows
    change, then put back (the textbook way to make integrity_check report rows)."""
    conn = sqlite3.connect(db, isolation_level=None)
    row = conn.execute("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master"
                       " WHERE name = 'articles_fetched_at'").fetchone()
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("DELETE FROM sqlite_master WHERE name = 'articles_fetched_at'")
    conn.close()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("UPDATE articles SET fetched_at = '2001-01-01T00:00:00Z' WHERE id <= 2")
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("INSERT INTO sqlite_master(type, name, tbl_name, rootpage, sql)"
                 " VALUES (?,?,?,?,?)", row)
    conn.close()


def zeroed_page(db: Path) -> None:
    """A page lost to the disk: the index's root page zeroed (integrity_check cannot even
    finish on it)."""
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles_fetched_at'"
                        ).fetchone()[0]
    conn.close()
    with db.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\0" * page_size)


@pytest.mark.parametrize(("damage", "reported"), [
    (unindexed_update, "row 1 missing from index articles_fetched_at"),
    (zeroed_page, "integrity_check stopped: database disk image is malformed"),
])
def test_a_copy_that_fails_integrity_check_is_not_written(damage, reported: str,  # type: ignore[no-untyped-def]
                                                          poller: Poller,
                                                          tmp_path: Path) -> None:
    """Damaged pages are copied as they are; the check of the copy finds them, and neither
    the copy nor an older backup at PATH is touched."""
    for _ in range(20):
        poller.poll()
    poller.close()
    db, copy = tmp_path / "watchdesk.db", tmp_path / "backup.db"
    assert not db.with_name(db.name + "-wal").exists()  # everything is in the main file
    damage(db)
    copy.write_bytes(b"la sauvegarde d'hier")
    r = watchdesk("backup", "--force", "--db", str(db), str(copy))
    assert r.returncode == 1
    assert f"  {reported}\n" in r.stderr
    assert "failed PRAGMA integrity_check" in r.stderr and "nothing was written" in r.stderr
    assert "restore the last good backup" in r.stderr and "Traceback" not in r.stderr
    assert copy.read_bytes() == b"la sauvegarde d'hier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.db", "watchdesk.db"]
