"""The desk's web pages, served for real: `watchdesk web` (or `watchdesk run`) as a
subprocess on 127.0.0.1 (port chosen by the system), over a database filled by `watchdesk
demo` (the real pipeline on the bundled feeds), with an editable copy of the default
rules."""

from __future__ import annotations

import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from watchdesk.demo.run import default_rules_dir

from conftest import cli_env

URL_LINE = re.compile(r"watchdesk web: (http://\S+?)/? ")
LOG_URL = re.compile(r"web pages at (http://\S+)")


def copy_desk(folder: Path, demo_db: Path) -> tuple[Path, Path]:
    """(database, rules folder) in ``folder``: a copy of the session's demo database
    (``demo_db``, tests/conftest.py) and of the default rules the demo ran (so the files are
    the versions the database records as running)."""
    db = folder / "desk.db"
    shutil.copy(demo_db, db)
    rules = folder / "rules"
    shutil.copytree(default_rules_dir(), rules)
    return db, rules


@pytest.fixture
def desk(tmp_path: Path, demo_db: Path) -> tuple[Path, Path]:
    """(database, rules folder) of one test (``copy_desk``)."""
    return copy_desk(tmp_path, demo_db)


def web_args(db: Path, rules: Path, *extra: str) -> list[str]:
    return ["web", "--db", str(db), "--rules", str(rules), "--listen", "127.0.0.1:0", *extra]


class Web:
    """A `watchdesk web` (or `run`) subprocess and an HTTP client on its address."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path,
                 pattern: re.Pattern[str] = URL_LINE, timeout: float = 60) -> None:
        self.log = log
        self.stderr = log.open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "watchdesk", *args],
                                     stdout=subprocess.PIPE, stderr=self.stderr, text=True,
                                     env=cli_env(**env))
        self.url = self._wait_url(pattern, timeout)
        self.client = httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)

    def _wait_url(self, pattern: re.Pattern[str], timeout: float) -> str:
        assert self.proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        end = time.monotonic() + timeout
        seen = ""
        while time.monotonic() < end:
            if pattern is URL_LINE:
                if sel.select(timeout=0.2):
                    line = self.proc.stdout.readline()
                    seen += line
                    if m := pattern.search(line):
                        return m[1].rstrip("/")
            else:
                if m := pattern.search(self.log.read_text()):
                    return m[1].rstrip("/")
                time.sleep(0.1)
            if self.proc.poll() is not None:
                break
        self.close()
        raise AssertionError(f"no address from the server:\n{seen}\n{self.log.read_text()}")

    def logs(self) -> str:
        return self.log.read_text()

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.stderr.close()
        if hasattr(self, "client"):
            self.client.close()


@pytest.fixture
def web(tmp_path: Path, desk: tuple[Path, Path]) -> Iterator[Callable[..., Web]]:
    """Start `watchdesk web` on the test's database and rules; extra WATCHDESK_* as keyword
    arguments (e.g. ``WATCHDESK_WEB_USERS=...``)."""
    started: list[Web] = []
    db, rules = desk

    def start(*extra: str, **env: str) -> Web:
        w = Web(web_args(db, rules, *extra), env, tmp_path / f"web{len(started)}.log")
        started.append(w)
        return w

    yield start
    for w in started:
        w.close()


CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, "no CSRF token in the page"
    return m[1]


def first_event(c: httpx.Client) -> int:
    r = c.get("/")
    assert r.status_code == 200, r.text
    return int(re.findall(r'href="/events/(\d+)"', r.text)[0])


@pytest.fixture
def daemon_web(tmp_path: Path, desk: tuple[Path, Path]) -> Iterator[Callable[..., Web]]:
    """Start `watchdesk run` with WATCHDESK_WEB_LISTEN on the test's database and rules,
    polling the demo's feeds from a loopback server; the address is read from its log."""
    from watchdesk.demo import data_dir, render_feeds_yaml
    from watchdesk.demo.server import FixtureServer

    db, rules = desk
    started: list[Web] = []
    with FixtureServer(data_dir()) as site:
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(render_feeds_yaml(site.base_url), encoding="utf-8")

        def start(**env: str) -> Web:
            env = {"WATCHDESK_WEB_LISTEN": "127.0.0.1:0", "WATCHDESK_WORKERS": "1", **env}
            w = Web(["run", "--db", str(db), "--rules", str(rules), "--feeds", str(feeds)],
                    env, tmp_path / f"run{len(started)}.log", pattern=LOG_URL, timeout=90)
            started.append(w)
            return w

        yield start
        for w in started:
            w.close()
