"""``AiohttpTransport``: aiohttp on the wire under httpx's API, against servers on 127.0.0.1.

The transport is used here as any httpx transport is (``httpx.AsyncClient(transport=...)``):
responses, streamed bodies, httpx's exceptions for aiohttp's, the address guard's refusal
as it is, and cookies kept by the client as httpx keeps them."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from rawhttp import port as _port
from rawhttp import serve as _server
from watchdesk.config.settings import Settings
from watchdesk.errors import BlockedAddress, FetchError
from watchdesk.sources.fetch import Fetcher
from watchdesk.sources.transport import AddressGuard, AiohttpTransport, Client, allowed_hosts


def _client(timeout: float = 3.0) -> httpx.AsyncClient:
    guard = AddressGuard()
    return httpx.AsyncClient(transport=AiohttpTransport(guard, concurrency=4, per_host=2),
                             timeout=timeout)


def test_a_response_comes_back_as_httpx_with_its_body_streamed() -> None:
    body = b"<rss>" + b"x" * 200_000 + b"</rss>"

    async def answer(head: bytes, w: asyncio.StreamWriter) -> None:
        w.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Twice: a\r\n"
                b"X-Twice: b\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
                + body)

    async def go() -> tuple[int, str, list[str], int, list[int], bytes]:
        heads: list[bytes] = []
        srv = await _server(answer, heads)
        token = allowed_hosts.set(frozenset({"127.0.0.1"}))
        try:
            async with _client() as c, c.stream(
                    "GET", f"http://127.0.0.1:{_port(srv)}/f.xml",
                    headers={"If-None-Match": '"v1"'}) as r:
                sizes = [len(chunk) async for chunk in r.aiter_raw()]
                return (r.status_code, r.headers["content-type"],
                        r.headers.get_list("x-twice"), sum(sizes), sizes, heads[0])
        finally:
            allowed_hosts.reset(token)
            srv.close()

    status, ctype, twice, size, sizes, head = asyncio.run(go())
    assert (status, ctype, twice, size) == (200, "application/rss+xml", ["a", "b"], len(body))
    assert len(sizes) > 1   # read as it arrived, not in one piece
    assert b'\r\nif-none-match: "v1"\r\n' in head.lower()


def test_the_guards_refusal_comes_through_as_it_is() -> None:
    # "localhost" is resolved by the guard (aiohttp's resolver) and refused: BlockedAddress,
    # not an httpx.ConnectError wrapping it.
    async def go() -> None:
        async with _client() as c:
            await c.get("http://localhost:9/feed.xml")

    with pytest.raises(BlockedAddress, match="not a public address"):
        asyncio.run(go())


def test_aiohttp_errors_become_httpx_errors() -> None:
    async def hang_after_head(head: bytes, w: asyncio.StreamWriter) -> None:
        if b"/hang" in head:
            w.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
            await w.drain()
            await asyncio.sleep(5)
        else:   # /cut: the connection closes in the middle of the body
            w.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
            await w.drain()
            w.transport.abort()

    async def go() -> list[type[Exception]]:
        srv = await _server(hang_after_head, [])
        free = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        closed = _port(free)
        free.close()
        await free.wait_closed()
        token = allowed_hosts.set(frozenset({"127.0.0.1"}))
        seen: list[type[Exception]] = []
        try:
            async with _client(timeout=0.5) as c:
                for path in (f"http://127.0.0.1:{_port(srv)}/hang",
                             f"http://127.0.0.1:{_port(srv)}/cut",
                             f"http://127.0.0.1:{closed}/refused"):
                    try:
                        r = await c.get(path)
                    except httpx.TransportError as e:
                        seen.append(type(e))
                    else:
                        raise AssertionError(f"{path}: {r.status_code}, no error")
        finally:
            allowed_hosts.reset(token)
            srv.close()
        return seen

    assert asyncio.run(go()) == [httpx.ReadTimeout, httpx.RemoteProtocolError,
                                 httpx.ConnectError]


def test_a_refused_connection_is_a_fetch_error_naming_it() -> None:
    async def go() -> None:
        free = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = _port(free)
        free.close()
        await free.wait_closed()
        async with Fetcher(Settings(timeout=3.0)) as f:
            await f.get(f"http://127.0.0.1:{port}/f.xml", allowed_hosts=("127.0.0.1",))

    with pytest.raises(FetchError, match=r"^ConnectError: "):
        asyncio.run(go())


def test_cookies_are_kept_as_httpx_keeps_them() -> None:
    # A cookie set by one response is sent with the next request to its host; responses
    # without Set-Cookie (read past urllib's cookie machinery) change nothing.
    async def answer(head: bytes, w: asyncio.StreamWriter) -> None:
        extra = b"Set-Cookie: consent=yes; Path=/\r\n" if b"/first" in head else b""
        w.write(b"HTTP/1.1 200 OK\r\n" + extra + b"Content-Length: 6\r\n\r\n<rss/>")

    async def go() -> list[bytes]:
        heads: list[bytes] = []
        srv = await _server(answer, heads)
        token = allowed_hosts.set(frozenset({"127.0.0.1"}))
        try:
            async with Client(transport=AiohttpTransport(AddressGuard(), concurrency=2,
                                                         per_host=2)) as c:
                for path in ("/before", "/first", "/second", "/third"):
                    (await c.get(f"http://127.0.0.1:{_port(srv)}{path}")).raise_for_status()
                assert dict(c.cookies) == {"consent": "yes"}
        finally:
            allowed_hosts.reset(token)
            srv.close()
        return heads

    heads = asyncio.run(go())
    sent = [b"cookie: consent=yes" in h.lower() for h in heads]
    assert sent == [False, False, True, True]
