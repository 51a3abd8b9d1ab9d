"""The fetcher's bounds and guard, against a hostile server on 127.0.0.1.

Every case must end within its time bound with a FetchError of the right kind: a failing URL
is a value for the caller, never a hang or a crash."""

from __future__ import annotations

import asyncio
import gzip
import random
import time
import zlib

import brotli
import pytest

import rawhttp
from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureRequestHandler, FixtureServer, redirect, slow_drip, status
from watchdesk.errors import (
    BlockedAddress,
    ContentError,
    DeadlineExceeded,
    FeedGone,
    FetchError,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
)
from watchdesk.sources.fetch import Fetcher, Response, retry_after_seconds
from watchdesk.sources.transport import BoundedConnector

LIMIT = 1024 * 1024


def get(url: str, *, allowed: tuple[str, ...] = ("127.0.0.1",), timeout: float = 3.0,
        **kw: object) -> Response:
    settings = Settings(timeout=timeout, max_feed_bytes=LIMIT, max_redirects=3)

    async def go() -> Response:
        async with Fetcher(settings) as f:
            return await f.get(url, allowed_hosts=allowed, **kw)  # type: ignore[arg-type]
    return asyncio.run(go())


@pytest.fixture
def srv() -> FixtureServer:
    with FixtureServer() as s:
        yield s


def encoded(encoding: str, body: bytes):  # type: ignore[no-untyped-def]
    def handler(req: FixtureRequestHandler) -> None:
        req.send_body(200, body, content_type="application/rss+xml",
                      headers={"Content-Encoding": encoding})
    return handler


def test_plain_get_and_user_agent(srv: FixtureServer) -> None:
    srv.set("/f.xml", "<rss/>")
    r = get(srv.url("/f.xml"))
    assert (r.status, r.body) == (200, b"<rss/>")
    ua = srv.requests[0].headers["user-agent"]
    assert ua.startswith("watchdesk/") and "+https://" in ua


def test_conditional_get_gives_304(srv: FixtureServer) -> None:
    srv.set("/f.xml", "<rss/>")
    first = get(srv.url("/f.xml"))
    again = get(srv.url("/f.xml"), etag=first.headers["etag"],
                last_modified=first.headers["last-modified"])
    assert again.status == 304 and again.not_modified and again.body == b""
    assert srv.requests[1].headers["if-none-match"] == first.headers["etag"]


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compressed_bodies_are_decoded(srv: FixtureServer, encoding: str) -> None:
    body = "<rss>Benghazi é</rss>".encode() * 100
    comp = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}[encoding]
    srv.route("/c.xml", encoded(encoding, comp(body)))
    assert get(srv.url("/c.xml")).body == body


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_decompression_bomb_stops_at_the_bound(srv: FixtureServer, encoding: str) -> None:
    bomb = (gzip.compress if encoding == "gzip" else brotli.compress)(b"\0" * (64 * LIMIT))
    assert len(bomb) < LIMIT  # small on the wire, 64 MB once inflated
    srv.route("/bomb.xml", encoded(encoding, bomb))
    t0 = time.monotonic()
    with pytest.raises(TooLarge, match="after decompression"):
        get(srv.url("/bomb.xml"))
    assert time.monotonic() - t0 < 3


def test_large_body_stops_at_the_bound(srv: FixtureServer) -> None:
    srv.set("/big.xml", b"x" * (5 * LIMIT))
    with pytest.raises(TooLarge):
        get(srv.url("/big.xml"))


def test_large_body_without_content_length(srv: FixtureServer) -> None:
    def handler(req: FixtureRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", "application/rss+xml")
        req.end_headers()
        for _ in range(50):
            req.wfile.write(b"y" * 65536)
    srv.route("/stream.xml", handler)
    with pytest.raises(TooLarge):
        get(srv.url("/stream.xml"))


def test_truncated_gzip_is_a_content_error(srv: FixtureServer) -> None:
    body = random.Random(1).randbytes(20000)
    srv.route("/t.xml", encoded("gzip", gzip.compress(body)[:5000]))
    with pytest.raises(ContentError, match="truncated"):
        get(srv.url("/t.xml"))


def test_dripping_server_hits_the_total_deadline(srv: FixtureServer) -> None:
    srv.route("/drip.xml", slow_drip(bytes_per_second=20))
    t0 = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        get(srv.url("/drip.xml"), timeout=1.5)
    assert time.monotonic() - t0 < 3


def test_hanging_server_hits_the_deadline(srv: FixtureServer) -> None:
    srv.route("/hang.xml", lambda req: req.fixture.sleep(30))
    t0 = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        get(srv.url("/hang.xml"), timeout=1.0)
    assert time.monotonic() - t0 < 3


def test_redirect_loop_and_long_chain(srv: FixtureServer) -> None:
    srv.route("/a", redirect("/b"))
    srv.route("/b", redirect("/a"))
    with pytest.raises(TooManyRedirects, match="loop"):
        get(srv.url("/a"))
    for i in range(6):
        srv.route(f"/hop{i}", redirect(f"/hop{i + 1}", status=302))
    with pytest.raises(TooManyRedirects, match="more than 3"):
        get(srv.url("/hop0"))


def test_permanent_redirect_reports_the_new_url(srv: FixtureServer) -> None:
    srv.route("/old.xml", redirect("/new.xml", status=301))
    srv.set("/new.xml", "<rss/>")
    r = get(srv.url("/old.xml"))
    assert r.permanent_url == srv.url("/new.xml") and r.url == srv.url("/new.xml")
    srv.route("/tmp.xml", redirect("/new.xml", status=302))
    assert get(srv.url("/tmp.xml")).permanent_url is None


def test_gone_and_errors_and_retry_after(srv: FixtureServer) -> None:
    srv.route("/gone.xml", status(410))
    with pytest.raises(FeedGone):
        get(srv.url("/gone.xml"))
    srv.route("/busy.xml", status(429, headers={"Retry-After": "120"}))
    with pytest.raises(HTTPStatusError) as e:
        get(srv.url("/busy.xml"))
    assert e.value.status == 429 and e.value.retry_after == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60


def test_other_loopback_hosts_are_refused_unless_allowed(srv: FixtureServer) -> None:
    # 127.0.0.2 stands in for an internal host; the guard refuses before connecting.
    with pytest.raises(BlockedAddress, match="not a public address"):
        get(f"http://127.0.0.2:{srv.port}/x", allowed=("127.0.0.1",))
    with pytest.raises(BlockedAddress):
        get(f"http://localhost:{srv.port}/x", allowed=())
    assert srv.requests == []


def test_redirect_to_an_internal_address_is_refused(srv: FixtureServer) -> None:
    srv.route("/r", redirect(f"http://127.0.0.2:{srv.port}/secret"))
    with pytest.raises(BlockedAddress):
        get(srv.url("/r"))
    srv.route("/s", redirect("file:///etc/passwd"))
    with pytest.raises(BlockedAddress, match="only http and https"):
        get(srv.url("/s"))


def test_connections_are_kept_per_origin_and_old_origins_closed() -> None:
    # Connections are kept alive per origin (a request to one host does not evict another
    # host's); beyond 2 x concurrency origins with idle connections, those of the least
    # recently used origins are closed (sources/transport.BoundedConnector).
    counts: dict[str, list[int]] = {"a": [], "b": [], "c": []}
    answers = {"/feed.xml": (200, b"<rss/>", "")}

    async def go() -> list[int]:
        servers = {k: await _keepalive_server(answers, v) for k, v in counts.items()}
        try:
            async with Fetcher(Settings(concurrency=1, timeout=3.0)) as f:
                statuses = []
                for k in "abacbc":
                    port = servers[k].sockets[0].getsockname()[1]
                    r = await f.get(f"http://127.0.0.1:{port}/feed.xml",
                                    allowed_hosts=("127.0.0.1",))
                    statuses.append(r.status)
                    connector = f.transport.connector
                    assert isinstance(connector, BoundedConnector)
                    assert connector.idle_origins() <= 2
                return statuses
        finally:
            for srv in servers.values():
                srv.close()

    assert asyncio.run(go()) == [200] * 6
    # a: kept and reused; b: closed when c came (a was used more recently), then reopened;
    # c: kept and reused
    assert {k: len(v) for k, v in counts.items()} == {"a": 1, "b": 2, "c": 1}


def test_a_kept_alive_connection_to_an_allowed_host_serves_no_other_request(
        srv: FixtureServer) -> None:
    """The feed's own host (loopback here) is allowed for its feed; an article link from
    another feed to that host must still be refused, although a kept-alive connection to
    it is in the pool and the connect-time guard would not run again."""
    srv.set("/feed.xml", "<rss/>")
    srv.set("/internal", "secret")
    settings = Settings(timeout=3.0, max_feed_bytes=LIMIT)

    async def go() -> None:
        async with Fetcher(settings) as f:
            ok = await f.get(srv.url("/feed.xml"), allowed_hosts=["127.0.0.1"])
            assert ok.status == 200
            with pytest.raises(BlockedAddress):
                await f.get(srv.url("/internal"), allowed_hosts=["other.example"])
    asyncio.run(go())
    assert srv.hits("/internal") == 0


async def _keepalive_server(answers: dict[str, tuple[int, bytes, str]],
                            connections: list[int]) -> asyncio.Server:
    """A server that keeps every connection alive (FixtureServer closes them after a custom
    route): ``answers[path]`` = (status, body, extra header line)."""
    async def answer(head: bytes, writer: asyncio.StreamWriter) -> None:
        path = head.split(b" ", 2)[1].decode()
        code, body, extra = answers[path]
        lines = [f"HTTP/1.1 {code} X", *([extra] if extra else [])]
        if code != 304:
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return await rawhttp.serve(answer, connections=connections)


def test_304s_redirects_and_errors_leave_their_connection_for_the_next_request() -> None:
    """A response whose body watchdesk does not use (304, a redirect, an error page) is read
    to its end, so that its connection is kept alive: a re-poll of a host's feeds is one
    connection, not one per feed. A long error page is not read: its connection is closed."""
    connections: list[int] = []
    answers = {"/a.xml": (304, b"", 'ETag: "v1"'), "/b.xml": (304, b"", ""),
               "/moved": (302, b"moved", "Location: /a.xml"),
               "/missing": (404, b"not here " * 100, ""),
               "/huge-error": (500, b"x" * 200_000, "")}

    async def go() -> list[int | str]:
        server = await _keepalive_server(answers, connections)
        port = server.sockets[0].getsockname()[1]
        out: list[int | str] = []
        try:
            async with Fetcher(Settings(timeout=3.0, max_feed_bytes=LIMIT, per_host=1)) as f:
                for path in ("/a.xml", "/b.xml", "/moved", "/a.xml", "/missing", "/b.xml",
                             "/huge-error", "/b.xml"):
                    before = len(connections)
                    try:
                        r = await f.get(f"http://127.0.0.1:{port}{path}", etag='"v1"',
                                        allowed_hosts=["127.0.0.1"])
                        out.append(r.status)
                    except HTTPStatusError as e:
                        out.append(f"error {e.status}")
                    out.append(len(connections) - before)   # new connections it took
        finally:
            server.close()
        return out

    assert asyncio.run(go()) == [
        304, 1,              # the first connection
        304, 0, 304, 0,      # a 304, a redirect (then a 304): the same connection
        304, 0, "error 404", 0, 304, 0,
        "error 500", 0,      # a long error page: its connection closed, not read
        304, 1]


def test_a_host_name_is_checked_when_connected_to_and_again_on_reuse(srv: FixtureServer) -> None:
    """``localhost`` goes through the connection's resolver (sources/transport): fetched
    when the request allows it, and then refused to a request that does not, although a
    kept-alive connection to it waits in the pool."""
    srv.set("/feed.xml", "<rss/>")
    srv.set("/internal", "secret")
    settings = Settings(timeout=3.0, max_feed_bytes=LIMIT)

    async def go() -> None:
        async with Fetcher(settings) as f:
            ok = await f.get(f"http://localhost:{srv.port}/feed.xml",
                             allowed_hosts=["localhost"])
            assert (ok.status, ok.body) == (200, b"<rss/>")
            with pytest.raises(BlockedAddress, match="not a public address"):
                await f.get(f"http://localhost:{srv.port}/internal",
                            allowed_hosts=["other.example"])
            with pytest.raises(BlockedAddress):
                await f.get(f"http://LocalHost:{srv.port}/internal")
    asyncio.run(go())
    assert srv.hits("/internal") == 0 and srv.hits("/feed.xml") == 1


def test_https_checks_the_certificate() -> None:
    """https is fetched with certificate checks (certifi's roots): a server whose certificate
    no known authority signed is a FetchError, never read."""
    import ssl

    import trustme

    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    connections: list[int] = []

    async def go() -> None:
        server = await _keepalive_server({"/f.xml": (200, b"<rss/>", "")}, connections)
        tls = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0, ssl=server_ctx)
        port, tls_port = (s.sockets[0].getsockname()[1] for s in (server, tls))
        try:
            async with Fetcher(Settings(timeout=3.0)) as f:
                with pytest.raises(FetchError, match=r"(?i)certificate"):
                    await f.get(f"https://127.0.0.1:{tls_port}/f.xml",
                                allowed_hosts=["127.0.0.1"])
                ok = await f.get(f"http://127.0.0.1:{port}/f.xml", allowed_hosts=["127.0.0.1"])
                assert ok.body == b"<rss/>"
        finally:
            server.close()
            tls.close()
    asyncio.run(go())
