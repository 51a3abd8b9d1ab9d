"""The connection layer under ``fetch``: aiohttp on the wire, under httpx's API.

``fetch`` decides what a request may do (bounds, redirects, politeness) and sends it through
an ``httpx.AsyncClient``; this module is that client's transport (``AiohttpTransport``, an
``httpx.AsyncBaseTransport``), which opens and keeps the connections with aiohttp:

- ``AddressGuard`` refuses loopback, private, link-local and metadata addresses unless the
  host is one the current request allows (``allowed_hosts``, a context variable that
  ``Fetcher.get`` sets: the feed's own host) or the address lies in an allowed network. It
  runs on the *resolved* address when a connection is opened (``GuardedResolver``: aiohttp
  asks it for the addresses of a host name on every new connection, its DNS cache being
  off, and connects only to the addresses it returns, all checked), so DNS tricks and
  redirects to internal hosts are caught on every hop. aiohttp does not resolve a host
  that is an IP address: ``AddressGuard.admit``, called by ``fetch`` before every hop,
  checks those, and re-checks a host reached earlier only because another request allowed
  it (a kept-alive connection to it must not serve a request that does not allow it).
- ``BoundedConnector`` keeps connections alive per origin (host, port, TLS) and closes the
  idle ones of the least recently used origins beyond ``max_origins``, which bounds the
  sockets a poll of thousands of hosts keeps open.

- ``AiohttpTransport`` sends an ``httpx.Request`` through one aiohttp session (made on the
  first request, inside the event loop) and gives back an ``httpx.Response`` whose body is
  streamed from the socket (``fetch`` bounds it while reading); aiohttp's errors become
  httpx's (``ConnectError``, ``ConnectTimeout``, ``ReadTimeout``, ``RemoteProtocolError``,
  ...), the guard's refusal (``BlockedAddress``) goes through as it is.

Why aiohttp under httpx rather than httpx's own transport (httpcore, which the project used
before): the same 1,000 conditional GETs answered 304 (32 in flight, 50 loopback hosts)
cost 0.56-0.64 s of the event loop's CPU through httpx and httpcore, 0.12-0.13 s through
aiohttp alone (its HTTP parser is C), and a re-poll is little else; httpx's client layer on
top (request and response objects, headers, cookies) costs less than httpcore's parser. See
benchmarks/README.md.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import socket
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from typing import Any

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from ..errors import BlockedAddress, FetchError
from ..urls import IPAddress, Network, is_public_address, parse_ip

# Hosts the current request may reach whatever their address (the feed's own host).
allowed_hosts: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "watchdesk_allowed_hosts", default=frozenset())


class AddressGuard:
    """Resolves hosts itself and refuses the addresses watchdesk must not fetch."""

    def __init__(self, allow: Iterable[Network] = ()) -> None:
        self._allow = tuple(allow)
        # Hosts we connected to only because the request allowed them (a feed's own host):
        # a kept-alive connection to one of them must not serve a request that does not.
        self.exempted: set[str] = set()

    def _refuse(self, host: str, addrs: list[IPAddress]) -> None:
        bad = [a for a in addrs if not is_public_address(a, self._allow)]
        if bad or not addrs:
            raise BlockedAddress(
                f"refused to connect to {host} ({', '.join(map(str, bad or addrs))}): not a "
                "public address (set WATCHDESK_ALLOW_NETWORKS to allow an intranet range)")

    async def check(self, host: str, port: int) -> list[IPAddress]:
        """The addresses of ``host``; BlockedAddress unless every one may be fetched."""
        addrs = await self.resolve(host, port)
        self._refuse(host, addrs)
        return addrs

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        ip = parse_ip(host)
        if ip is not None:
            return [ip]
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as e:
            raise FetchError(f"ConnectError: cannot resolve {host}: {e.strerror}") from e
        out: list[IPAddress] = []
        for info in infos:
            parsed = parse_ip(str(info[4][0]).split("%")[0])
            if parsed is not None and parsed not in out:
                out.append(parsed)
        return out

    async def admit(self, host: str, port: int) -> None:
        """Before each hop to ``host``: what the connection's resolver cannot see. An
        allowed host is noted (its connections may be reused by requests that do not
        allow it: those check it here); an IP address, which aiohttp never resolves, is
        checked; a host name is checked when it is connected to (``GuardedResolver``)."""
        host = host.lower()
        if host in allowed_hosts.get():
            self.exempted.add(host)
            return
        ip = parse_ip(host)
        if ip is not None:
            self._refuse(host, [ip])
        elif host in self.exempted:
            await self.check(host, port)


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver: only checked addresses (or those of an allowed host)."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        if host.lower() in allowed_hosts.get():
            self.guard.exempted.add(host.lower())
            addrs = await self.guard.resolve(host, port)
        else:
            addrs = await self.guard.check(host, port)
        return [{"hostname": host, "host": str(a), "port": port,
                 "family": socket.AF_INET6 if a.version == 6 else socket.AF_INET,
                 "proto": 0, "flags": socket.AI_NUMERICHOST} for a in addrs]

    async def close(self) -> None:
        return None


class BoundedConnector(aiohttp.TCPConnector):
    """TCPConnector whose idle connections are kept for ``max_origins`` origins at most.

    aiohttp keeps every released connection alive (per origin, until its keep-alive expires)
    and bounds only those in use; a poll of thousands of hosts would keep thousands of
    sockets. Here, once more than ``max_origins`` origins have idle connections, those of
    the least recently used origins are closed. (``_release`` and ``_conns`` are aiohttp's
    own, not its public API: tests/test_fetch.py checks the bound.)
    """

    def __init__(self, *, max_origins: int, **kw: Any) -> None:
        super().__init__(**kw)
        self._max_origins = max(1, max_origins)
        self._recent: OrderedDict[Any, None] = OrderedDict()

    def _release(self, key: Any, protocol: Any, *, should_close: bool = False) -> None:
        super()._release(key, protocol, should_close=should_close)
        self._recent[key] = None
        self._recent.move_to_end(key)
        while len(self._recent) > self._max_origins:
            old, _ = self._recent.popitem(last=False)
            for proto, _t in self._conns.pop(old, ()):
                proto.close()

    def idle_origins(self) -> int:
        """Origins with at least one idle connection kept alive."""
        return sum(1 for conns in self._conns.values() if conns)


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """Certificate checks against certifi's roots when it is installed (as with httpx
    before), else the system's. Made on the first https request: loading the roots costs
    0.1 s of CPU, which a poll of http feeds need not pay."""
    try:
        import certifi
    except ImportError:  # pragma: no cover - certifi comes with the dependencies
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def open_session(guard: AddressGuard, *, concurrency: int, per_host: int,
                 timeout: aiohttp.ClientTimeout) -> aiohttp.ClientSession:
    """The aiohttp session under an ``AiohttpTransport`` (call from a coroutine). No
    default headers and no cookie jar: the httpx client above sends both."""
    connector = BoundedConnector(
        max_origins=2 * max(1, concurrency), limit=max(concurrency, per_host),
        limit_per_host=0, use_dns_cache=False, resolver=GuardedResolver(guard),
        keepalive_timeout=5.0)   # https: ssl_context(), given with each request
    return aiohttp.ClientSession(
        connector=connector, auto_decompress=False, trust_env=False,
        cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout,
        # long Set-Cookie and Content-Security-Policy lines are common on news sites
        max_line_size=65536, max_field_size=65536)


def _httpx_error(e: aiohttp.ClientError, request: httpx.Request) -> httpx.TransportError:
    """The httpx exception that stands for an aiohttp one (most specific class first)."""
    kind: type[httpx.TransportError]
    if isinstance(e, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(e, aiohttp.ServerTimeoutError):
        kind = httpx.ReadTimeout
    elif isinstance(e, aiohttp.ClientConnectorError):   # refused, DNS, TLS certificate
        kind = httpx.ConnectError
    elif isinstance(e, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError,
                        aiohttp.ClientResponseError)):
        kind = httpx.RemoteProtocolError
    elif isinstance(e, aiohttp.ClientOSError):
        kind = httpx.ReadError
    elif isinstance(e, aiohttp.InvalidURL):
        kind = httpx.UnsupportedProtocol
    else:
        kind = httpx.TransportError
    return kind(str(e) or type(e).__name__, request=request)


class _Body(httpx.AsyncByteStream):
    """A response body read from aiohttp as it arrives; closing it before its end closes
    the connection (aiohttp keeps only connections whose response was read to the end)."""

    def __init__(self, resp: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._resp = resp
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._resp.content.iter_any():
                yield chunk
        except aiohttp.ClientError as e:
            raise _httpx_error(e, self._request) from e

    async def aclose(self) -> None:
        self._resp.release()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx's transport over aiohttp, with the address guard and bounded idle connections.

    Redirects, bounds and decoding stay with the caller (``fetch``): the transport sends
    one request and returns the raw, still encoded body as a stream."""

    def __init__(self, guard: AddressGuard, *, concurrency: int, per_host: int) -> None:
        self.guard = guard
        self._concurrency = concurrency
        self._per_host = per_host
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple[Any, ...], aiohttp.ClientTimeout] = {}

    @property
    def connector(self) -> BoundedConnector | None:
        """The connection pool (None before the first request)."""
        if self._session is None:
            return None
        conn = self._session.connector
        return conn if isinstance(conn, BoundedConnector) else None

    def _timeout(self, request: httpx.Request) -> aiohttp.ClientTimeout:
        t = request.extensions.get("timeout") or {}
        key = (t.get("connect"), t.get("read"))
        got = self._timeouts.get(key)
        if got is None:
            got = self._timeouts[key] = aiohttp.ClientTimeout(
                total=None, connect=key[0], sock_read=key[1])
        return got

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = self._timeout(request)
        if self._session is None:
            self._session = open_session(self.guard, concurrency=self._concurrency,
                                         per_host=self._per_host, timeout=timeout)
        url = str(request.url)
        body = await request.aread()
        headers = [(k.decode("latin-1"), v.decode("latin-1"))
                   for k, v in request.headers.raw]
        tls = ssl_context() if url[:6].lower() == "https:" else True   # True: unused
        try:
            resp = await self._session.request(
                request.method, url, headers=headers, data=body or None,
                allow_redirects=False, ssl=tls, timeout=timeout)
        except aiohttp.ClientError as e:
            raise _httpx_error(e, request) from e
        return httpx.Response(
            resp.status, headers=list(resp.raw_headers), stream=_Body(resp, request),
            request=request,
            extensions={"http_version": b"HTTP/1.1",
                        "reason_phrase": (resp.reason or "").encode("latin-1", "replace")})

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class _Cookies(httpx.Cookies):
    """Cookies that look at a response only when it sets one: httpx reads every response
    through urllib's cookie machinery (0.1 ms of CPU a response, a tenth of a re-poll's
    requests), and few feeds set cookies."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


class Client(httpx.AsyncClient):
    """``httpx.AsyncClient`` keeping cookies as it does, read only from the responses that
    set one (``_Cookies``)."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._jar = _Cookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._jar

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._jar = _Cookies(cookies)

