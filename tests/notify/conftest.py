"""Fixtures for the notifier: a real SQLite file, a real SMTP server and a real HTTP server,
both on 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from ports import SMTPController
from watchdesk.config.settings import Settings
from watchdesk.store import Store, iso

LOOPBACK = "127.0.0.1"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Recorder:
    """aiosmtpd handler: keeps every message it accepted; can refuse some recipients."""

    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.original_content or envelope.content,
                                 policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


class SMTPServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again on its port
    (chosen by the system at the first start)."""

    def __init__(self) -> None:
        self.port = 0
        self.handler = Recorder()
        self.controller: Controller | None = None

    def start(self, **kw: Any) -> None:
        self.controller = SMTPController(self.handler, port=self.port, **kw)
        self.controller.start()
        self.port = self.controller.port

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages


@contextmanager
def daemons(paths: list[str], env: dict[str, str],
            logs: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Starts ``watchdesk run`` (each one logging to ``logs/daemon-N.log``), and kills those
    still running at the end, with their workers (each has a process group of its own)."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = open(logs / f"daemon-{len(started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-m", "watchdesk", "run", *paths],
                                stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)   # its workers die with it
        log.close()
        started.append(proc)
        return proc

    try:
        yield start
    finally:
        for proc in started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@dataclass
class Hooked:
    status: int = 200
    bodies: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def hook() -> Iterator[Hooked]:
    """A stdlib HTTP server on 127.0.0.1 recording JSON POSTs (a stand-in for Mattermost)."""
    state = Hooked()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.bodies.append(json.loads(body))
            self.send_response(state.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://{LOOPBACK}:{server.server_address[1]}/hooks/secret-token"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "watchdesk.db")
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path, smtp: SMTPServer) -> Settings:
    # rules: a directory of the test's own (absent: digests head each rule with its id), not
    # the repository's rules/ that the default relative path would find
    return Settings(db=tmp_path / "watchdesk.db", rules=tmp_path / "rules",
                    smtp_host=LOOPBACK, smtp_port=smtp.port,
                    mail_from="Veille <watchdesk@example.org>",
                    mail_to=("desk@example.org",), timezone="Europe/Paris",
                    digest_time="07:00", alert_every=5)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


class World:
    """Writes feeds, articles and matches as the pipeline would, with plain SQL."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def feed(self, name: str, *, last_success_at: str | None = "2026-11-26T05:00:00Z",
             created_at: str = "2026-11-01T00:00:00Z", enabled: int = 1,
             disabled_reason: str | None = None, last_error: str | None = None,
             title: str | None = None) -> int:
        with self.store.transaction() as c:
            cur = c.execute(
                "INSERT INTO feeds(name, url, config_url, interval_s, enabled, disabled_reason,"
                " last_success_at, last_error, created_at, title) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (name, f"https://{name.lower().replace(' ', '')}.example/rss",
                 f"https://{name.lower().replace(' ', '')}.example/rss", 1800, enabled,
                 disabled_reason, last_success_at, last_error, created_at, title))
            return int(cur.lastrowid or 0)

    def article(self, feed_id: int, title: str, *, url: str | None = None,
                published_at: str = "2026-11-26T04:00:00Z", story_id: int | None = None,
                also_feeds: tuple[int, ...] = (), fetched_at: str | None = None,
                lang: str | None = None) -> int:
        with self.store.transaction() as c:
            cur = c.execute(
                "INSERT INTO articles(feed_id, url, canonical_url, title, published_at,"
                " fetched_at, extraction, content_hash, lang) VALUES (?,?,?,?,?,?,?,?,?)",
                (feed_id, url, url, title, published_at, fetched_at or published_at, "feed",
                 title, lang))
            aid = int(cur.lastrowid or 0)
            c.execute("UPDATE articles SET story_id=? WHERE id=?", (story_id or aid, aid))
            for i, f in enumerate((feed_id, *also_feeds)):
                c.execute("INSERT INTO entries(feed_id, identity, article_id, entry_hash,"
                          " first_seen_at) VALUES (?,?,?,?,?)",
                          (f, f"{aid}-{i}", aid, "h", published_at))
            return aid

    def match(self, article_id: int, rule_id: str, created_at: datetime | str, *,
              priority: str = "digest", backfill: bool = False,
              snippet_text: str = "", spans: list[list[int]] | None = None) -> int:
        snippets = ({"body": {"text": snippet_text, "spans": spans or []}}
                    if snippet_text else {})
        when = created_at if isinstance(created_at, str) else iso(created_at)
        with self.store.transaction() as c:
            cur = c.execute(
                "INSERT INTO matches(article_id, rule_id, priority, terms, snippet, snippets,"
                " backfill, created_at) VALUES (?,?,?,?,?,?,?,?)",
                (article_id, rule_id, priority, json.dumps([rule_id]), snippet_text,
                 json.dumps(snippets), int(backfill), when))
            return int(cur.lastrowid or 0)

    def story(self, feed_id: int, title: str, rule_id: str, created_at: datetime, **kw: Any,
              ) -> int:
        """An article with one match; returns the match id."""
        n = self.store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        aid = self.article(feed_id, title, url=f"https://news.example/{n + 1}")
        return self.match(aid, rule_id, created_at, **kw)


@pytest.fixture
def world(store: Store) -> World:
    return World(store)


def parts(msg: EmailMessage) -> tuple[str, str]:
    """(text, html) bodies of a multipart/alternative message."""
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()
