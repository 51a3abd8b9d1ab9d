"""What every command does when the database is not there or cannot be used, run as a real
subprocess on real files: missing (read commands create nothing, poll creates it), damaged
(header overwritten, file truncated), read-only (for another user: the way an administrator
meets it), not a watchdesk database, not yet upgraded. One line, exit status 3, no traceback
unless -v."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer
from watchdesk.store.schema import migrations

from conftest import DATA, article_page, cli_env, rfi_paragraphs, rss, watchdesk, write_feeds

# Commands that only read, and the arguments that make each one read the database.
READERS = {
    "alerts": ["alerts", "--matched-since", "30d"],
    "feeds": ["feeds"],
    "search": ["search", "haftar"],
    "digest --preview": ["digest", "--preview"],
    "rules test": ["rules", "test"],
    "outbox": ["outbox"],
}
WRITERS = {
    "digest --send": ["digest", "--send"],
    "outbox --retry-now": ["outbox", "--retry-now"],
    "poll": ["poll"],
}


def run(s: Settings, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return watchdesk(*args, "--feeds", str(s.feeds), "--rules", str(s.rules), "--db",
                     str(s.db), **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database filled by a real `watchdesk poll` of a loopback site (copied per test)."""
    tmp = tmp_path_factory.mktemp("polled")
    with FixtureServer() as srv:
        srv.set("/rss.xml", rss([{"title": "Libye : une délégation militaire russe à Benghazi",
                                  "link": "{{BASE}}/libye", "guid": "1"}]))
        srv.set("/libye", article_page("Libye : une délégation russe", rfi_paragraphs()))
        feeds = write_feeds(tmp / "feeds.yaml", [("afrique", srv.url("/rss.xml"))])
        shutil.copytree(DATA / "rules", tmp / "rules")
        r = watchdesk("poll", "--feeds", str(feeds), "--rules", str(tmp / "rules"),
                      "--db", str(tmp / "polled.db"))
        assert r.returncode == 0, r.stderr
    yield tmp


@pytest.fixture
def s(polled: Path, tmp_path: Path) -> Settings:
    """Settings on a fresh copy of the polled database; the feed's server is gone, so nothing
    here may poll it (poll tests use a feeds file of their own)."""
    shutil.copy(polled / "polled.db", tmp_path / "watchdesk.db")
    return Settings(feeds=polled / "feeds.yaml", rules=polled / "rules",
                    db=tmp_path / "watchdesk.db")


def one_error_line(r: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in r.stderr, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


# -- missing --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [*READERS, "status"])
def test_read_commands_never_create_a_database(command: str, s: Settings,
                                               tmp_path: Path) -> None:
    args = READERS.get(command, ["status"])
    for db in (tmp_path / "no" / "such" / "dir" / "x.db", tmp_path / "typo.db"):
        before = sorted(tmp_path.iterdir())
        r = run(Settings(feeds=s.feeds, rules=s.rules, db=db), *args)
        assert r.returncode == 3, (r.stdout, r.stderr)
        said = r.stdout if command == "status" else one_error_line(r)
        assert f"no database at {db}" in said and "watchdesk poll" in said
        assert f"watchdesk demo --db {db}" in said
        assert sorted(tmp_path.iterdir()) == before, "created something"


def test_poll_creates_the_database_and_its_folder(tmp_path: Path) -> None:
    with FixtureServer() as srv:
        srv.set("/rss.xml", rss([]))
        feeds = write_feeds(tmp_path / "feeds.yaml", [("f", srv.url("/rss.xml"))])
        shutil.copytree(DATA / "rules", tmp_path / "rules")
        db = tmp_path / "new" / "watchdesk.db"
        r = watchdesk("poll", "--feeds", str(feeds), "--rules", str(tmp_path / "rules"),
                      "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert db.is_file()
    assert run(Settings(feeds=feeds, rules=tmp_path / "rules", db=db), "feeds").returncode == 0


# -- damaged --------------------------------------------------------------------------------


def overwrite_header(db: Path) -> None:
    with db.open("r+b") as f:
        f.write(b"this is not SQLite at all")


def truncate_half(db: Path) -> None:
    os.truncate(db, db.stat().st_size // 2)


@pytest.mark.parametrize("damage", [overwrite_header, truncate_half])
@pytest.mark.parametrize("command", [*READERS, *WRITERS])
def test_damaged_database_gives_one_line_and_exit_3(command: str, damage: object,
                                                     s: Settings) -> None:
    assert callable(damage)
    damage(s.db)
    r = run(s, *READERS.get(command) or WRITERS[command])
    assert r.returncode == 3, (r.stdout, r.stderr)
    line = one_error_line(r)
    assert str(s.db) in line and "restore it from a backup" in line
    assert ("not a SQLite database" if damage is overwrite_header else "is damaged") in line


@pytest.mark.parametrize("damage", [overwrite_header, truncate_half])
def test_status_says_damaged_as_unknown(damage: object, s: Settings) -> None:
    assert callable(damage)
    damage(s.db)
    r = run(s, "status")
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert r.stdout.startswith("watchdesk UNKNOWN") and "restore it from a backup" in r.stdout


def test_verbose_adds_the_traceback(s: Settings) -> None:
    truncate_half(s.db)
    r = run(s, "alerts", "-v")
    assert r.returncode == 3
    assert "Traceback" in r.stderr and "sqlite3.DatabaseError" in r.stderr
    assert r.stderr.rstrip().splitlines()[-1].startswith("Error: the database ")


# -- not a watchdesk database, not upgraded yet ---------------------------------------------


def test_other_sqlite_file_is_not_taken_for_a_watchdesk_database(s: Settings) -> None:
    s.db.unlink()
    with sqlite3.connect(s.db) as c:
        c.execute("CREATE TABLE notes(x)")
    r = run(s, "alerts")
    assert r.returncode == 3
    assert "is a SQLite database but not a watchdesk one" in one_error_line(r)
    empty = s.db.with_name("empty.db")
    empty.touch()
    r = run(Settings(feeds=s.feeds, rules=s.rules, db=empty), "feeds")
    assert r.returncode == 3 and "no database at" in one_error_line(r)


def old_schema(db: Path) -> str:
    """A database as the previous release left it: every migration but the last."""
    from sqlite_utils import Database

    conn = sqlite3.connect(db)
    last = migrations._migrations[-1].name
    migrations.apply(Database(conn), stop_before=last)
    conn.close()
    return last


def applied(db: Path) -> set[str]:
    with sqlite3.connect(db) as c:
        return {r[0] for r in c.execute("SELECT name FROM _sqlite_migrations")}


def test_an_older_schema_is_upgraded_by_a_reader_but_not_by_status(tmp_path: Path,
                                                                     s: Settings) -> None:
    db = tmp_path / "old.db"
    last = old_schema(db)
    old = Settings(feeds=s.feeds, rules=s.rules, db=db)
    r = run(old, "status", "--no-config")
    assert r.returncode == 3 and "made by an older watchdesk" in r.stdout
    assert last not in applied(db), "status (monitoring) migrated the database"
    assert run(old, "alerts").returncode == 0
    assert last in applied(db)                 # as the daemon's next start would have done


# -- read-only --------------------------------------------------------------------------------
# Root ignores permission bits (CAP_DAC_OVERRIDE), so as root the command runs without the two
# capabilities that bypass them (setpriv drops them from the bounding set before exec): it is
# then refused writes as any user is. Not as root, the permission bits are enough.

DAC_CAPS = "-dac_override,-dac_read_search"


def without_override(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "watchdesk", *args]
    if os.geteuid() == 0:
        cmd = ["setpriv", f"--bounding-set={DAC_CAPS}", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, env=cli_env(), timeout=60,
                          check=False)


@pytest.fixture
def shared_dir(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("root without setpriv (util-linux): cannot run a command that obeys "
                    "permission bits")
    d = tmp_path / "shared"
    d.mkdir()
    yield d
    for p in (d, *d.iterdir()):
        p.chmod(0o755)


def lock_down(path: Path) -> None:
    """Readable, not writable by anyone but root with its override."""
    path.chmod(0o555 if path.is_dir() else 0o444)


def test_folder_the_reader_cannot_write(s: Settings, shared_dir: Path) -> None:
    db = shared_dir / "watchdesk.db"
    shutil.copy(s.db, db)
    lock_down(shared_dir)
    r = without_override("alerts", "--db", str(db), "--rules", str(s.rules))
    assert r.returncode == 3, r.stderr
    line = one_error_line(r)
    assert f"may not create files in {shared_dir}" in line and "-wal and -shm" in line
    assert sorted(p.name for p in shared_dir.iterdir()) == ["watchdesk.db"]


def test_read_only_file_can_be_read_not_written(s: Settings, shared_dir: Path) -> None:
    db = shared_dir / "watchdesk.db"
    shutil.copy(s.db, db)
    # The daemon holds it open: its -wal and -shm exist (and are not writable either).
    holder = sqlite3.connect(db)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("SELECT count(*) FROM articles").fetchone()
    try:
        for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), shared_dir):
            lock_down(p)
        read = without_override("alerts", "--matched-since", "30d", "--db", str(db),
                                "--rules", str(s.rules))
        assert read.returncode == 0, read.stderr
        assert "Libye" in read.stdout
        write = without_override("outbox", "--retry-now", "--db", str(db),
                                 "--rules", str(s.rules))
        assert write.returncode == 3, write.stderr
        line = one_error_line(write)
        assert f"the database {db} is read-only for user" in line
        assert "check the permissions" in line
    finally:
        holder.close()


def test_an_older_schema_the_reader_may_not_write(tmp_path: Path, s: Settings,
                                                   shared_dir: Path) -> None:
    db = shared_dir / "old.db"
    last = old_schema(db)
    holder = sqlite3.connect(db)                      # the old daemon, still running
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("SELECT count(*) FROM feeds").fetchone()
    try:
        for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), shared_dir):
            lock_down(p)
        r = without_override("alerts", "--db", str(db), "--rules", str(s.rules))
        assert r.returncode == 3, r.stderr
        line = one_error_line(r)
        assert "made by an older watchdesk and is not upgraded yet" in line
        assert "restart the daemon" in line
    finally:
        holder.close()
    assert last not in applied(db)
