"""`watchdesk poll`, as a real subprocess, against hostile servers in the same cycle as
healthy feeds.

Every hostile behaviour gets its own loopback address (127.0.0.10, .11, ...), as it would be
its own site, so the per-host limit does not serialise them; the healthy site is on
127.0.0.1; 127.0.0.2 stands in for an internal host (a server listens there only to prove
that nothing reaches it). No traffic leaves 127.0.0.0/8.

For each fault: the cycle ends within its bound, the poll process's peak memory stays under
its bound, the healthy feeds of the same cycle are stored, and `watchdesk feeds` shows what
happened.
"""

from __future__ import annotations

import gzip
import json
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureRequestHandler, FixtureServer, redirect, slow_drip, status

from .test_extraction_bounds import huge_page
from .test_hostile_xml import billion_laughs
from conftest import article_page, cli_env, rfi_paragraphs, rss, write_feeds

TIMEOUT = 3.0           # WATCHDESK_TIMEOUT: the total deadline of each request
CYCLE_BOUND = 20.0      # seconds for one `watchdesk poll`, start-up included
MEMORY_BOUND_MB = 250   # peak RSS of the poll process (workers have their own RLIMIT_AS)
MB = 1024 * 1024


def hang(req: FixtureRequestHandler) -> None:
    req.fixture.sleep(60)  # never answers (until the server stops)


def gzip_bomb() -> bytes:
    return gzip.compress(b"<" * (200 * MB), compresslevel=9)  # 200 kB on the wire


def endless(size: int) -> object:
    def handler(req: FixtureRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", "application/rss+xml")
        req.send_header("Content-Length", str(size))
        req.end_headers()
        chunk = b"<item>" * 10_000
        try:
            for _ in range(size // len(chunk)):
                req.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return
    return handler


class ChangingGuids:
    """A feed that mints new GUIDs on every request."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, req: FixtureRequestHandler) -> None:
        self.n += 1
        body = rss([{"title": f"Tripoli : réunion du gouvernement ({i})",
                     "link": f"{req.fixture.base_url}/guids/{i}", "guid": f"{self.n}-{i}",
                     "summary": "Le gouvernement de Tripoli s'est réuni lundi."}
                    for i in range(3)]).replace("{{BASE}}", req.fixture.base_url)
        req.send_body(200, body.encode(), content_type="application/rss+xml")


@dataclass
class Run:
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


@dataclass
class World:
    settings: Settings
    healthy: FixtureServer
    internal: FixtureServer
    urls: dict[str, str]


HOSTILE = ["hang", "drip", "error500", "busy429", "loop", "gone", "gzipbomb", "huge",
           "laughs", "html", "badutf8", "guids"]


@pytest.fixture
def world(tmp_path: Path, rules_dir: Path) -> Iterator[World]:
    servers: list[FixtureServer] = []

    def server(host: str) -> FixtureServer:
        s = FixtureServer(host=host).start()
        servers.append(s)
        return s

    try:
        healthy = server("127.0.0.1")
        internal = server("127.0.0.2")
        internal.set("/secret", "internal only")
        healthy.set("/afrique/rss.xml", rss([
            {"title": "Libye : une délégation militaire russe à Benghazi",
             "link": "{{BASE}}/afrique/libye-delegation-russe", "guid": "rfi-1",
             "summary": "Une délégation russe est arrivée."},
            {"title": "Libye : le très long article",
             "link": "{{BASE}}/afrique/long", "guid": "rfi-2",
             "summary": "Un article de 19 Mo."}]))
        healthy.set("/afrique/libye-delegation-russe", article_page(
            "Libye : une délégation militaire russe à Benghazi", rfi_paragraphs()))
        healthy.set("/afrique/long", huge_page(19 * MB), content_type="text/html")
        healthy.set("/planted/rss.xml", rss([
            {"title": "Benghazi : note interne", "guid": "p-1",
             "link": f"http://127.0.0.2:{internal.port}/secret",
             "summary": "Le maréchal Haftar a reçu une note."}], title="Planté"))
        healthy.route("/old/rss.xml", redirect("/moved/rss.xml", status=301))
        healthy.set("/moved/rss.xml", rss([
            {"title": "Tobrouk : le port s'agrandit", "link": "{{BASE}}/moved/1",
             "guid": "m-1", "summary": "Le port de Tobrouk s'agrandit."}], title="Déménagé"))

        hostile: dict[str, FixtureServer] = {}
        for i, name in enumerate(HOSTILE):
            hostile[name] = server(f"127.0.0.{10 + i}")
        hostile["hang"].route("/rss.xml", hang)
        hostile["drip"].route("/rss.xml", slow_drip(bytes_per_second=1, tick=1.0))
        hostile["error500"].route("/rss.xml", status(500, body=b"Internal Server Error"))
        hostile["busy429"].route("/rss.xml", status(429, headers={"Retry-After": "3600"}))
        hostile["loop"].route("/rss.xml", redirect("/b.xml"))
        hostile["loop"].route("/b.xml", redirect("/rss.xml"))
        hostile["gone"].route("/rss.xml", status(410))
        hostile["gzipbomb"].set("/rss.xml", gzip_bomb(), content_type="application/rss+xml",
                                headers={"Content-Encoding": "gzip"})
        hostile["huge"].route("/rss.xml", endless(50 * MB))  # type: ignore[arg-type]
        hostile["laughs"].set("/rss.xml", billion_laughs(), content_type="application/rss+xml")
        hostile["html"].set("/rss.xml", article_page("Accueil", ["Bienvenue sur notre site."]),
                            content_type="text/html; charset=utf-8")
        bad_utf8 = rss([{"title": "Derna : la reconstruction avance", "link": "{{BASE}}/d/1",
                         "guid": "d-1", "summary": "Un an après la crue."}]).encode()
        hostile["badutf8"].set("/rss.xml", bad_utf8.replace(b"avance", b"avan\xe7e \xff\xfe"),
                               content_type="application/rss+xml; charset=utf-8")
        hostile["guids"].route("/rss.xml", ChangingGuids())

        urls = {name: s.url("/rss.xml") for name, s in hostile.items()}
        urls |= {"afrique": healthy.url("/afrique/rss.xml"),
                 "planted": healthy.url("/planted/rss.xml"),
                 "moved": healthy.url("/old/rss.xml")}
        feeds = write_feeds(tmp_path / "feeds.yaml", sorted(urls.items()))
        settings = Settings(feeds=feeds, rules=rules_dir, db=tmp_path / "watchdesk.db")
        yield World(settings, healthy, internal, urls)
    finally:
        for s in servers:
            s.stop(timeout=2)


# The poll process reports its own peak RSS (VmHWM) when it exits, into the file named by its
# first argument. That name is read before sys.argv is replaced (read at exit, it was the
# command, and a file `poll` full of kilobytes landed in the working directory).
_WRAPPER = """
import atexit, sys
PEAK_FILE = sys.argv[1]
def peak():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM'):
            open(PEAK_FILE, 'w').write(line.split()[1])
atexit.register(peak)
sys.argv = ['watchdesk'] + sys.argv[2:]
from watchdesk.cli import main
main()
"""


def watchdesk_measured(world: World, tmp: Path, *args: str) -> Run:
    s = world.settings
    env = cli_env(WATCHDESK_TIMEOUT=str(TIMEOUT), WATCHDESK_EXTRACT_TIMEOUT="8",
                  WATCHDESK_MAX_PAGE_BYTES=str(20 * MB), WATCHDESK_WORKERS="2")
    peak = tmp / "peak"
    t0 = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(peak), *args, "--feeds", str(s.feeds),
         "--rules", str(s.rules), "--db", str(s.db)],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    seconds = time.monotonic() - t0
    assert out.returncode == 0, out.stderr[-3000:]
    return Run(seconds, int(peak.read_text()) / 1024, out.stdout, out.stderr)


def notes(feeds_output: str) -> dict[str, str]:
    """`watchdesk feeds` note lines, joined per feed."""
    out: dict[str, str] = {}
    for line in feeds_output.splitlines():
        m = re.match(r"  (\w+): (.*)", line)
        if m:
            out[m[1]] = (out.get(m[1], "") + " " + m[2]).strip()
    return out


def rows(db: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    with sqlite3.connect(db) as c:
        c.row_factory = sqlite3.Row
        return list(c.execute(sql, params))


def test_one_cycle_with_every_fault(world: World, tmp_path: Path) -> None:
    first = watchdesk_measured(world, tmp_path, "poll")
    print(f"cycle 1: {first.seconds:.1f}s, peak {first.peak_mb:.0f} MB")
    assert first.seconds < CYCLE_BOUND, first.seconds
    assert first.peak_mb < MEMORY_BOUND_MB, first.peak_mb
    db = world.settings.db

    # healthy feeds of the same cycle are stored, the long page extracted within its bounds
    arts = {r["title"]: r for r in rows(db, "SELECT * FROM articles")}
    rfi = arts["Libye : une délégation militaire russe à Benghazi"]
    assert rfi["extraction"] == "page" and "Evkourov" in rfi["body"]
    assert rows(db, "SELECT count(*) FROM matches WHERE article_id = ?", rfi["id"])[0][0] == 2
    long = arts["Libye : le très long article"]
    assert long["extraction"] == "page" and len(long["body"]) < 3 * MB
    # the planted link was not fetched: the article is the feed's text
    planted = arts["Benghazi : note interne"]
    assert planted["extraction"] == "summary" and "Haftar" in planted["summary"]
    assert world.internal.requests == []
    # readable feeds despite their faults are stored too
    assert "Tobrouk : le port s'agrandit" in arts
    assert any(t.startswith("Derna : la reconstruction") for t in arts)
    assert sum(t.startswith("Tripoli : réunion") for t in arts) == 3
    assert any(t.startswith("Un milliard") for t in arts)

    feeds = subprocess.run(
        [sys.executable, "-m", "watchdesk", "feeds", "--feeds", str(world.settings.feeds),
         "--rules", str(world.settings.rules), "--db", str(db)],
        capture_output=True, text=True, env=cli_env(), timeout=60, check=True).stdout
    n = notes(feeds)
    expected = {
        "hang": "DeadlineExceeded",
        "drip": "DeadlineExceeded",
        "error500": "HTTPStatusError: HTTP 500",
        "busy429": "HTTPStatusError: HTTP 429",
        "loop": "TooManyRedirects: redirect loop",
        "gone": "410 Gone",
        "gzipbomb": "TooLarge: body larger than 10485760 bytes (after decompression)",
        "huge": "TooLarge",
        "html": "ContentError: an HTML page without a feed link",
        "laughs": "warning: the feed is malformed but was read",
        "badutf8": "warning: the feed is malformed but was read: CharacterEncodingOverride",
        "planted": "warning: 1 article page(s) not used",
        "moved": f"moved permanently from {world.urls['moved']}",
    }
    for name, text in expected.items():
        assert text in n.get(name, ""), (name, n.get(name), feeds)
    assert "BlockedAddress" in n["planted"] and "127.0.0.2" in n["planted"]
    table = {line.split()[0]: line for line in feeds.splitlines()[1:] if line[:1].isalnum()}
    for name in ("hang", "drip", "error500", "busy429", "loop", "gzipbomb", "huge", "html"):
        assert "failing x1" in table[name], table[name]
    assert "disabled" in table["gone"]
    for name in ("afrique", "planted", "moved", "laughs", "badutf8", "guids"):
        assert " ok 200 " in table[name], table[name]
    state = {r["name"]: r for r in rows(db, "SELECT * FROM feeds")}
    assert state["moved"]["url"] == world.healthy.url("/moved/rss.xml")
    retry = datetime.fromisoformat(state["busy429"]["next_poll_at"].replace("Z", "+00:00"))
    assert (retry - datetime.now(UTC)).total_seconds() > 3500  # Retry-After honoured

    # a second cycle: nothing is stored twice, not even from the feed that changes GUIDs
    before = rows(db, "SELECT count(*) FROM articles")[0][0]
    second = watchdesk_measured(world, tmp_path, "poll")
    print(f"cycle 2: {second.seconds:.1f}s, peak {second.peak_mb:.0f} MB")
    assert second.seconds < CYCLE_BOUND and second.peak_mb < MEMORY_BOUND_MB
    assert "0 new articles" in second.stdout, second.stdout
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == before
    assert rows(db, "SELECT count(*) FROM articles GROUP BY canonical_url"
                " HAVING count(*) > 1") == []
    assert world.internal.requests == []
    fails = json.loads(subprocess.run(
        [sys.executable, "-m", "watchdesk", "feeds", "--json", "--feeds",
         str(world.settings.feeds), "--rules", str(world.settings.rules), "--db", str(db)],
        capture_output=True, text=True, env=cli_env(), timeout=60, check=True).stdout)
    assert {f["name"]: f["error_count"] for f in fails if f["error_count"]} == {
        "hang": 2, "drip": 2, "error500": 2, "busy429": 2, "loop": 2, "gzipbomb": 2,
        "huge": 2, "html": 2,
        "gone": 1}  # disabled after its first 410: not polled again
