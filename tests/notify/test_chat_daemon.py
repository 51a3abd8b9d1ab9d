"""An urgent alert through the real daemon to a chat target, exactly once.

``watchdesk run`` (a real subprocess) polls a loopback news site, a rule with
``priority: alert`` and ``notify: [desk-libye]`` matches, and the alert goes through Apprise's
real ``json://`` plugin to a loopback HTTP server named in ``WATCHDESK_NOTIFY_FILE``. The
server is down (500) at first: the message waits, queued; the daemon is SIGKILLed; the server
recovers; ``outbox --retry-now`` sends it (no daemon runs); a second daemon runs its notifier
and is SIGKILLed, a third one starts: one message arrived, and the token in its URL is in no
log."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from watchdesk.demo.server import FixtureServer

from .chatserver import ChatServer
from .conftest import daemons
from .test_breaking_daemon import kill, query, wait_until
from conftest import cli_env, watchdesk, write_feeds

TOKEN = "T0KEN-1f9e8d7c6b5a"


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer(status=500).start()       # the chat service is failing at first
    yield server
    server.stop()


@pytest.fixture
def paths(tmp_path: Path, site: FixtureServer) -> list[str]:
    feeds = write_feeds(tmp_path / "feeds.yaml", [("afrique", site.url("/afrique/rss.xml"))])
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "libye.yaml").write_text(
        "rules:\n  - id: benghazi\n    title: Benghazi\n    query: benghazi\n"
        "    priority: alert\n    notify: [desk-libye]\n", encoding="utf-8")
    return ["--feeds", str(feeds), "--rules", str(rules), "--db", str(tmp_path / "w.db")]


@pytest.fixture
def env(chat_server: ChatServer, tmp_path: Path) -> dict[str, str]:
    """The daemon's environment: its chat targets file, its clock settings."""
    targets = tmp_path / "notify"
    targets.write_text(f"# the desk\ndesk-libye = {chat_server.url('/hooks/' + TOKEN)}\n",
                       encoding="utf-8")
    return cli_env(WATCHDESK_TICK="0.5", WATCHDESK_WORKERS="2", WATCHDESK_LOG_LEVEL="DEBUG",
                  WATCHDESK_ALERT_EVERY="0", WATCHDESK_NOTIFY_FILE=str(targets),
                  WATCHDESK_WEB_URL="https://veille.example.org", WATCHDESK_TIMEZONE="UTC",
                  WATCHDESK_DIGEST_TIME=f"{datetime.now(UTC) + timedelta(hours=12):%H:%M}")


@pytest.fixture
def daemon(paths: list[str], env: dict[str, str], tmp_path: Path,
           ) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    with daemons(paths, env, tmp_path) as start:
        yield start


@pytest.mark.timeout(180)
def test_an_alert_reaches_the_chat_exactly_once_through_outage_and_sigkill(
        daemon: Callable[[], subprocess.Popen[bytes]], paths: list[str],
        chat_server: ChatServer, env: dict[str, str], tmp_path: Path) -> None:
    db = paths[-1]
    first = daemon()
    wait_until(lambda: query(db, "SELECT status FROM outbox WHERE kind = 'chat'")
               == [("failed",)], "the chat alert to be queued and its first attempt to fail")
    assert len(chat_server.posts) >= 1 and chat_server.accepted == []
    kill(first)                                   # queued, not delivered

    chat_server.status = 200                      # the service recovers
    retry = watchdesk("outbox", "--retry-now", "--db", db, env=env)   # no daemon: sent now
    assert retry.returncode == 0, retry.stderr
    assert len(chat_server.accepted) == 1
    assert query(db, "SELECT status FROM outbox WHERE kind = 'chat'") == [("sent",)]
    second = daemon()
    log = tmp_path / "daemon-1.log"
    wait_until(lambda: log.exists() and "notify digest=" in log.read_text(errors="replace"),
               "the restarted daemon to run its notifier")
    kill(second)                                  # after sending

    third = daemon()
    log = tmp_path / "daemon-2.log"
    wait_until(lambda: log.exists() and "notify digest=" in log.read_text(errors="replace"),
               "the restarted daemon to run its notifier")
    time.sleep(1.0)
    kill(third)

    (post,) = chat_server.accepted                # exactly once
    assert post.path == f"/hooks/{TOKEN}"
    assert post.body["title"].startswith("watchdesk ALERTE — Benghazi — Libye : une délégation")
    story = query(db, "SELECT story_id FROM articles WHERE title LIKE 'Libye%'")[0][0]
    assert f"https://veille.example.org/events/{story}" in post.body["message"]
    assert query(db, "SELECT count(*) FROM outbox WHERE kind = 'chat'") == [(1,)]
    assert query(db, "SELECT recipients FROM outbox WHERE kind = 'chat'") == [
        ('["notify:desk-libye"]',)]
    shown = watchdesk("outbox", "--db", db)
    assert "notify:desk-libye" in shown.stdout and TOKEN not in shown.stdout
    logs = [(tmp_path / f"daemon-{n}.log").read_text(errors="replace") for n in range(3)]
    assert "outbox failed" in logs[0] and "1 sent" in retry.stdout + retry.stderr
    assert all(TOKEN not in text for text in [*logs, retry.stdout, retry.stderr])
