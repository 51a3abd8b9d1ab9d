"""Every refusal of the web pages, over HTTP against a real `watchdesk web`: no CSRF token,
a foreign Origin, a wrong Host, non-loopback without authentication, unknown users and wrong
passwords, a proxy header from anywhere but the proxy, a reader saving a rule. And what
every response carries: CSP without script, frame-ancestors 'none', nosniff."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from watchdesk.errors import ConfigError
from watchdesk.web import Listen, check_listen
from watchdesk.web.access import Access, UsersFile, parse_users

from .conftest import Web, csrf_of, first_event
from conftest import cli_env, watchdesk


def verdict_count(db: Path) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute("SELECT count(*) FROM verdicts").fetchone()[0])


def an_article(w: Web) -> tuple[int, str, str]:
    """(article id, one of its rules, the page's CSRF token)."""
    ev = w.client.get(f"/events/{first_event(w.client)}").text
    import re

    aid = int(re.findall(r'href="/articles/(\d+)"', ev)[0])
    page = w.client.get(f"/articles/{aid}").text
    rule = re.findall(r'name="rule" value="([^"]+)"', page)[0]
    return aid, rule, csrf_of(page)


def test_every_page_carries_the_security_headers(web: Callable[..., Web]) -> None:
    w = web()
    for path in ("/", "/search?q=haftar", "/rules", "/rules/test?q=libye", "/feeds",
                 "/rules/libye.yaml", "/static/desk.css", "/nowhere"):
        r = w.client.get(path)
        assert r.status_code == (404 if path == "/nowhere" else 200), (path, r.text)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, path
        assert "script-src" not in csp and "unsafe-inline" not in csp, path
        assert r.headers["x-content-type-options"] == "nosniff", path
    home = w.client.get("/").text
    assert "<script" not in home and " style=" not in home   # nothing the CSP would block
    assert "http://" not in home.split("</head>")[0]           # no resource from elsewhere


def test_a_wrong_host_is_refused(web: Callable[..., Web]) -> None:
    w = web()
    assert w.client.get("/", headers={"Host": "localhost"}).status_code == 200
    r = w.client.get("/", headers={"Host": "evil.example"})
    assert r.status_code == 400 and "unknown host" in r.text
    r = w.client.get("/", headers={"Host": "evil.example:8080"})
    assert r.status_code == 400


def test_a_post_without_the_csrf_token_writes_nothing(web: Callable[..., Web],
                                                      desk: tuple[Path, Path]) -> None:
    w = web()
    aid, rule, token = an_article(w)
    r = w.client.post(f"/articles/{aid}/verdict", data={"rule": rule, "verdict": "off_topic"})
    assert r.status_code == 403 and "CSRF" in r.text
    r = w.client.post(f"/articles/{aid}/verdict",
                      data={"rule": rule, "verdict": "off_topic", "csrf": "0" * 40})
    assert r.status_code == 403
    r = w.client.post(f"/articles/{aid}/verdict", headers={"Origin": "https://evil.example"},
                      data={"rule": rule, "verdict": "off_topic", "csrf": token})
    assert r.status_code == 403 and "cross-site" in r.text
    assert verdict_count(desk[0]) == 0
    r = w.client.post(f"/articles/{aid}/verdict", headers={"Origin": w.url},
                      data={"rule": rule, "verdict": "off_topic", "csrf": token})
    assert r.status_code == 303, r.text
    assert verdict_count(desk[0]) == 1


def test_no_listening_beyond_loopback_without_authentication(desk: tuple[Path, Path]) -> None:
    db, rules = desk
    r = watchdesk("web", "--db", str(db), "--rules", str(rules), "--listen", "0.0.0.0:0",
                  timeout=60)
    assert r.returncode == 1
    assert "refusing to serve the pages on 0.0.0.0 without authentication" in r.stderr
    assert "WATCHDESK_WEB_USERS" in r.stderr
    r = watchdesk("web", "--db", str(db), "--rules", str(rules), timeout=60,
                  env=cli_env(WATCHDESK_WEB_LISTEN="[::]:0"))
    assert r.returncode == 1 and "without authentication" in r.stderr


def test_the_daemon_refuses_it_too(tmp_path: Path, desk: tuple[Path, Path]) -> None:
    db, rules = desk
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - name: x\n    url: http://127.0.0.1:9/feed.xml\n")
    r = watchdesk("run", "--db", str(db), "--rules", str(rules), "--feeds", str(feeds),
                  env=cli_env(WATCHDESK_WEB_LISTEN="0.0.0.0:0", WATCHDESK_WORKERS="1"),
                  timeout=90)
    assert r.returncode == 1
    assert "without authentication" in r.stderr


def add_user(users: Path, name: str, password: str, *flags: str) -> None:
    p = subprocess.run([sys.executable, "-m", "watchdesk", "web", "adduser", name, *flags],
                       input=password + "\n", capture_output=True, text=True, timeout=60,
                       env=cli_env(WATCHDESK_WEB_USERS=str(users)), check=False)
    assert p.returncode == 0, p.stderr


def test_users_file_unknown_user_wrong_password_and_roles(
        web: Callable[..., Web], tmp_path: Path, desk: tuple[Path, Path]) -> None:
    users = tmp_path / "web-users"
    add_user(users, "amina", "s3cret-amina", "--editor")
    add_user(users, "bruno", "s3cret-bruno")
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    parsed = parse_users(users.read_text(), str(users))
    assert parsed["amina"].editor and not parsed["bruno"].editor
    assert parsed["amina"].hash.startswith("$argon2id$")

    w = web(WATCHDESK_WEB_USERS=str(users))
    r = w.client.get("/")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
    assert w.client.get("/", auth=("mallory", "s3cret-amina")).status_code == 401
    assert w.client.get("/", auth=("amina", "wrong")).status_code == 401
    assert w.client.get("/static/desk.css").status_code == 401
    ok = w.client.get("/", auth=("bruno", "s3cret-bruno"))
    assert ok.status_code == 200 and "bruno" in ok.text

    # a reader may not save a rule file; an editor may
    rule_file = desk[1] / "libye.yaml"
    before = rule_file.read_text()
    page = w.client.get("/rules/libye.yaml", auth=("bruno", "s3cret-bruno")).text
    assert 'value="save"' not in page      # no save button for a reader
    import re

    base = re.search(r'name="base" value="([^"]+)"', page)[1]   # type: ignore[index]
    edited = before.replace("# Default watch rules", "# Edited watch rules")
    form = {"csrf": csrf_of(page), "base": base, "text": edited, "action": "save"}
    r = w.client.post("/rules/libye.yaml", data=form, auth=("bruno", "s3cret-bruno"))
    assert r.status_code == 403 and "only editors" in r.text
    assert rule_file.read_text() == before
    # the token is per user: bruno's does not work for amina
    r = w.client.post("/rules/libye.yaml", data=form, auth=("amina", "s3cret-amina"))
    assert r.status_code == 403 and "CSRF" in r.text
    page = w.client.get("/rules/libye.yaml", auth=("amina", "s3cret-amina")).text
    form["csrf"] = csrf_of(page)
    r = w.client.post("/rules/libye.yaml", data=form, auth=("amina", "s3cret-amina"))
    assert r.status_code == 200, r.text
    assert rule_file.read_text() == edited
    with sqlite3.connect(desk[0]) as c:
        assert c.execute("SELECT who FROM rule_history").fetchall() == [("amina",)]

    # with authentication configured, another address may be listened on (checked without
    # opening it: tests listen on loopback only)
    check_listen(Listen("0.0.0.0", 8080), Access("users", users=UsersFile(users)))
    check_listen(Listen("::", 8080), Access("header", header="X-Remote-User"))
    with pytest.raises(ConfigError, match="without authentication"):
        check_listen(Listen("192.0.2.1", 8080), Access("local"))
    check_listen(Listen("::1", 8080), Access("local"))


def test_trusted_header_only_from_the_proxy(web: Callable[..., Web],
                                            desk: tuple[Path, Path]) -> None:
    w = web(WATCHDESK_WEB_TRUSTED_HEADER="X-Remote-User", WATCHDESK_WEB_EDITORS="chef")
    r = w.client.get("/")
    assert r.status_code == 403 and "X-Remote-User".lower() in r.text.lower()
    r = w.client.get("/", headers={"X-Remote-User": "chef"})
    assert r.status_code == 200 and "chef" in r.text
    page = w.client.get("/rules/libye.yaml", headers={"X-Remote-User": "leila"}).text
    assert 'value="save"' not in page

    # the test client is not among the trusted proxies: the header is not believed
    far = web(WATCHDESK_WEB_TRUSTED_HEADER="X-Remote-User",
              WATCHDESK_WEB_TRUSTED_PROXIES="10.0.0.0/8")
    r = far.client.get("/", headers={"X-Remote-User": "chef"})
    assert r.status_code == 403 and "authenticating proxy" in r.text


def test_bad_users_file_is_an_error_naming_file_and_line(tmp_path: Path,
                                                         desk: tuple[Path, Path]) -> None:
    users = tmp_path / "users"
    users.write_text("# desk\namina:$argon2id$v=19$m=65536,t=3,p=4$abc$def:editor\nbob\n")
    r = watchdesk("web", "--db", str(desk[0]), "--listen", "127.0.0.1:0", timeout=60,
                  env=cli_env(WATCHDESK_WEB_USERS=str(users)))
    assert r.returncode == 1 and f"{users}:3:1: expected NAME:ARGON2-HASH" in r.stderr


def test_static_css_is_served_locally(web: Callable[..., Web]) -> None:
    w = web()
    r = w.client.get("/static/desk.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert "@import" not in r.text and "url(" not in r.text
    assert isinstance(w.client, httpx.Client)
    assert w.stop() == 0                      # SIGTERM: a clean stop
