"""FixtureServer over real loopback sockets, driven with httpx."""

from __future__ import annotations

import email.utils
import gzip
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from watchdesk.demo import FixtureRequestHandler, FixtureServer, redirect, slow_drip, status

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Essai</title><link>{{BASE}}/</link>
<description>Flux d’essai</description>
<item><title>Libye</title><link>{{BASE}}/articles/libye.html</link><guid>a1</guid></item>
</channel></rss>
"""


def _fixture_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("FixtureServer")]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "feed.xml").write_text(FEED, encoding="utf-8")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "libye.html").write_text(
        "<html><body><p>Benghazi, {{BASE}}</p></body></html>", encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("texte brut\n", encoding="utf-8")
    (tmp_path / "feed.atom").write_text("<feed/>", encoding="utf-8")
    (tmp_path / "feed.rss").write_text("<rss/>", encoding="utf-8")
    return tmp_path


@pytest.fixture
def srv(site: Path) -> Iterator[FixtureServer]:
    with FixtureServer(site) as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as c:
        yield c


def test_base_url_is_loopback_with_ephemeral_port(srv: FixtureServer) -> None:
    assert srv.base_url.startswith("http://127.0.0.1:")
    assert srv.port > 0
    assert srv.url("/a") == srv.url("a") == srv.base_url + "/a"


def test_refuses_non_loopback_host() -> None:
    with pytest.raises(ValueError, match="loopback"):
        FixtureServer(host="0.0.0.0")


def test_file_served_with_base_substituted(srv: FixtureServer, client: httpx.Client) -> None:
    r = client.get(srv.url("feed.xml"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/xml; charset=utf-8"
    assert "{{BASE}}" not in r.text
    assert f"<link>{srv.base_url}/articles/libye.html</link>" in r.text
    assert "Flux d’essai" in r.text
    page = client.get(srv.url("articles/libye.html"))
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.text == f"<html><body><p>Benghazi, {srv.base_url}</p></body></html>"


@pytest.mark.parametrize(
    ("name", "ctype"),
    [
        ("notes.txt", "text/plain; charset=utf-8"),
        ("feed.atom", "application/atom+xml; charset=utf-8"),
        ("feed.rss", "application/rss+xml; charset=utf-8"),
    ],
)
def test_content_types(srv: FixtureServer, client: httpx.Client, name: str, ctype: str) -> None:
    assert client.get(srv.url(name)).headers["content-type"] == ctype


def test_missing_file_and_traversal_are_404(srv: FixtureServer, client: httpx.Client) -> None:
    assert client.get(srv.url("nope.xml")).status_code == 404
    assert client.get(srv.base_url + "/../../etc/passwd").status_code == 404
    assert client.get(srv.base_url + "/articles/%2e%2e/%2e%2e/etc/hosts").status_code == 404


def test_post_to_a_file_is_405(srv: FixtureServer, client: httpx.Client) -> None:
    r = client.post(srv.url("feed.xml"))
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"


def test_head_has_headers_and_no_body(srv: FixtureServer, client: httpx.Client) -> None:
    get = client.get(srv.url("feed.xml"))
    head = client.head(srv.url("feed.xml"))
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-length"] == str(len(get.content))


def test_in_memory_body_shadows_file(srv: FixtureServer, client: httpx.Client) -> None:
    srv.set("/feed.xml", "<rss>mémoire {{BASE}}</rss>", headers={"Cache-Control": "max-age=60"})
    srv.set("/data.bin", b"\x00{{BASE}}", content_type="application/octet-stream")
    r = client.get(srv.url("feed.xml"))
    assert r.text == f"<rss>mémoire {srv.base_url}</rss>"
    assert r.headers["cache-control"] == "max-age=60"
    # binary bodies are left alone
    assert client.get(srv.url("data.bin")).content == b"\x00{{BASE}}"
    srv.unset("/feed.xml")
    assert "Flux d’essai" in client.get(srv.url("feed.xml")).text


# -- conditional GET ------------------------------------------------------------------------


def test_strong_etag_and_last_modified(srv: FixtureServer, client: httpx.Client) -> None:
    r = client.get(srv.url("feed.xml"))
    etag = r.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert email.utils.parsedate_to_datetime(r.headers["last-modified"]).tzinfo is not None
    # same body, same tag; different body, different tag
    assert client.get(srv.url("feed.xml")).headers["etag"] == etag
    srv.set("/feed.xml", "<rss>autre</rss>")
    assert client.get(srv.url("feed.xml")).headers["etag"] != etag


def test_if_none_match_gives_304_without_body(srv: FixtureServer, client: httpx.Client) -> None:
    first = client.get(srv.url("feed.xml"))
    r = client.get(srv.url("feed.xml"), headers={"If-None-Match": first.headers["etag"]})
    assert r.status_code == 304
    assert r.content == b""
    assert r.headers["etag"] == first.headers["etag"]
    assert "content-length" not in r.headers or r.headers["content-length"] == "0"
    # a list containing the tag, weak or not, also matches; '*' matches anything
    listed = f'"other", W/{first.headers["etag"]}'
    assert client.get(srv.url("feed.xml"), headers={"If-None-Match": listed}).status_code == 304
    assert client.get(srv.url("feed.xml"), headers={"If-None-Match": "*"}).status_code == 304
    stale = client.get(srv.url("feed.xml"), headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200
    assert stale.content == first.content


def test_if_modified_since(srv: FixtureServer, client: httpx.Client) -> None:
    srv.set("/feed.xml", "<rss/>", last_modified=1_692_700_000)  # 2023-08-22
    lm = client.get(srv.url("feed.xml")).headers["last-modified"]
    assert lm == "Tue, 22 Aug 2023 10:26:40 GMT"
    same = client.get(srv.url("feed.xml"), headers={"If-Modified-Since": lm})
    assert same.status_code == 304
    assert same.content == b""
    later = client.get(
        srv.url("feed.xml"), headers={"If-Modified-Since": "Wed, 23 Aug 2023 00:00:00 GMT"}
    )
    assert later.status_code == 304
    earlier = client.get(
        srv.url("feed.xml"), headers={"If-Modified-Since": "Mon, 21 Aug 2023 00:00:00 GMT"}
    )
    assert earlier.status_code == 200
    garbage = client.get(srv.url("feed.xml"), headers={"If-Modified-Since": "hier"})
    assert garbage.status_code == 200


def test_if_none_match_takes_precedence(srv: FixtureServer, client: httpx.Client) -> None:
    lm = client.get(srv.url("feed.xml")).headers["last-modified"]
    r = client.get(
        srv.url("feed.xml"), headers={"If-None-Match": '"stale"', "If-Modified-Since": lm}
    )
    assert r.status_code == 200


def test_validators_can_be_removed(srv: FixtureServer, client: httpx.Client) -> None:
    srv.set("/bare.xml", "<rss/>", headers={"ETag": None, "Last-Modified": None})
    r = client.get(srv.url("bare.xml"))
    assert "etag" not in r.headers
    assert "last-modified" not in r.headers
    again = client.get(
        srv.url("bare.xml"),
        headers={"If-None-Match": "*", "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"},
    )
    assert again.status_code == 200


def test_conditional_can_be_disabled(site: Path, client: httpx.Client) -> None:
    with FixtureServer(site, conditional=False) as srv:
        etag = client.get(srv.url("feed.xml")).headers["etag"]
        r = client.get(srv.url("feed.xml"), headers={"If-None-Match": etag})
        assert r.status_code == 200


# -- gzip -----------------------------------------------------------------------------------


def test_gzip_when_asked(site: Path) -> None:
    with FixtureServer(site, gzip=True) as srv, httpx.Client() as client:
        zipped = client.get(srv.url("feed.xml"), headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["vary"] == "Accept-Encoding"
        assert srv.base_url in zipped.text  # httpx decoded it
        plain = client.get(srv.url("feed.xml"), headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.text == zipped.text
        # the two representations have different strong tags, both revalidate
        assert zipped.headers["etag"] != plain.headers["etag"]
        for tag in (zipped.headers["etag"], plain.headers["etag"]):
            r = client.get(
                srv.url("feed.xml"), headers={"Accept-Encoding": "gzip", "If-None-Match": tag}
            )
            assert r.status_code == 304
        refused = client.get(srv.url("feed.xml"), headers={"Accept-Encoding": "gzip;q=0"})
        assert "content-encoding" not in refused.headers


def test_gzip_raw_bytes_on_the_wire(site: Path) -> None:
    with FixtureServer(site, gzip=True) as srv, httpx.Client() as client:
        with client.stream("GET", srv.url("feed.xml"), headers={"Accept-Encoding": "gzip"}) as r:
            raw = b"".join(r.iter_raw())
        assert raw[:2] == b"\x1f\x8b"
        assert int(r.headers["content-length"]) == len(raw)
        assert srv.base_url.encode() in gzip.decompress(raw)


def test_no_gzip_unless_enabled(srv: FixtureServer, client: httpx.Client) -> None:
    r = client.get(srv.url("feed.xml"), headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in r.headers


# -- request log ----------------------------------------------------------------------------


def test_request_log(srv: FixtureServer, client: httpx.Client) -> None:
    client.get(
        srv.url("feed.xml?x=1"), headers={"User-Agent": "watchdesk-test/1", "X-Desk": "libye"}
    )
    client.get(srv.url("nope"))
    log = srv.requests
    assert [(r.method, r.path, r.status) for r in log] == [
        ("GET", "/feed.xml?x=1", 200),
        ("GET", "/nope", 404),
    ]
    assert log[0].headers["user-agent"] == "watchdesk-test/1"
    assert log[0].headers["x-desk"] == "libye"
    assert log[0].headers["host"] == srv.base_url.removeprefix("http://")
    assert srv.hits("/feed.xml") == 1
    srv.clear_log()
    assert srv.requests == []


def test_request_log_is_thread_safe(srv: FixtureServer) -> None:
    def worker() -> None:
        with httpx.Client() as c:
            for _ in range(10):
                c.get(srv.url("feed.xml"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(srv.requests) == 80
    assert all(r.status == 200 for r in srv.requests)


# -- custom routes --------------------------------------------------------------------------


def test_custom_route_handler(srv: FixtureServer, client: httpx.Client) -> None:
    def teapot(req: FixtureRequestHandler) -> None:
        req.send_body(418, f"théière {req.command} {req.path}".encode(), headers={"X-A": "1"})

    srv.route("/tea", teapot)
    r = client.post(srv.url("tea?q=1"))
    assert (r.status_code, r.text, r.headers["x-a"]) == (418, "théière POST /tea?q=1", "1")
    assert srv.requests[-1].status == 418
    # the connection after a custom handler is closed, and the next request still works
    assert r.headers["connection"] == "close"
    assert client.get(srv.url("feed.xml")).status_code == 200


def test_redirect_helper(srv: FixtureServer, client: httpx.Client) -> None:
    srv.route("/old.xml", redirect("{{BASE}}/feed.xml"))
    srv.route("/moved.xml", redirect("/feed.xml", status=308))
    r = client.get(srv.url("old.xml"))
    assert r.status_code == 301
    assert r.headers["location"] == srv.url("feed.xml")
    followed = client.get(srv.url("moved.xml"), follow_redirects=True)
    assert followed.status_code == 200
    assert [h.status_code for h in followed.history] == [308]


def test_redirect_loop(srv: FixtureServer, client: httpx.Client) -> None:
    srv.route("/a", redirect("/b", status=302))
    srv.route("/b", redirect("/a", status=302))
    with pytest.raises(httpx.TooManyRedirects):
        client.get(srv.url("a"), follow_redirects=True)


def test_status_helper(srv: FixtureServer, client: httpx.Client) -> None:
    srv.route("/busy", status(429, {"Retry-After": "120"}, b"slow down"))
    srv.route("/gone", status(410))
    r = client.get(srv.url("busy"))
    assert (r.status_code, r.headers["retry-after"], r.content) == (429, "120", b"slow down")
    assert client.get(srv.url("gone")).status_code == 410


def test_slow_drip(srv: FixtureServer, client: httpx.Client) -> None:
    srv.route("/drip.xml", slow_drip(4000, body=b"x" * 1000))
    started = time.monotonic()
    r = client.get(srv.url("drip.xml"))
    elapsed = time.monotonic() - started
    assert r.content == b"x" * 1000
    assert 0.15 <= elapsed < 2.0  # 1000 bytes at 4000 B/s: ~0.25 s


def test_slow_drip_default_body_is_a_feed(srv: FixtureServer, client: httpx.Client) -> None:
    srv.route("/drip.xml", slow_drip(1_000_000))
    r = client.get(srv.url("drip.xml"))
    assert r.text.startswith("<?xml") and r.text.rstrip().endswith("</rss>")


# -- latency and lifecycle ------------------------------------------------------------------


def test_latency_is_honoured(site: Path, client: httpx.Client) -> None:
    with FixtureServer(site, latency=0.2) as srv:
        started = time.monotonic()
        client.get(srv.url("feed.xml"))
        assert 0.2 <= time.monotonic() - started < 1.5
        srv.latency = 0
        started = time.monotonic()
        client.get(srv.url("feed.xml"))
        assert time.monotonic() - started < 0.2


def test_clean_shutdown_leaves_no_thread(site: Path) -> None:
    before = _fixture_threads()
    with FixtureServer(site) as srv, httpx.Client() as client:
        client.get(srv.url("feed.xml"))  # keep-alive connection left open
        assert _fixture_threads()
    assert _fixture_threads() == before
    with pytest.raises(RuntimeError):
        _ = srv.base_url


def test_stop_interrupts_hanging_handlers_fast(site: Path) -> None:
    srv = FixtureServer(site, latency=30).start()
    srv.route("/drip", slow_drip(1))
    errors: list[BaseException] = []

    def call(path: str) -> None:
        try:
            httpx.get(srv.url(path), timeout=10)
        except httpx.HTTPError as e:
            errors.append(e)

    callers = [threading.Thread(target=call, args=(p,)) for p in ("feed.xml", "drip")]
    for t in callers:
        t.start()
    deadline = time.monotonic() + 5
    while len(srv.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 1.0
    for t in callers:
        t.join(5)
    assert len(errors) == 2
    assert _fixture_threads() == []
    srv.stop()  # idempotent


def test_restart_after_stop(site: Path, client: httpx.Client) -> None:
    srv = FixtureServer(site)
    with srv:
        assert client.get(srv.url("feed.xml")).status_code == 200
    with srv:
        assert client.get(srv.url("feed.xml")).status_code == 200
    with pytest.raises(RuntimeError):
        srv.start().start()
    srv.stop()
