"""All network access: one async HTTP client with limits, politeness and an address guard.

Every byte watchdesk downloads comes through ``Fetcher.get``, which

- bounds each request: a total deadline (not only per-read timeouts, so a server dripping a
  byte a second cannot hold a request forever), a maximum body size enforced while streaming
  *after* decompression (the raw stream is decoded here with bounded gzip/deflate/brotli
  decoders: httpx's own decoders have no output limit), and a maximum number of redirects;
- is polite: a global limit on requests in flight and a smaller one per host, a User-Agent
  that says who we are, conditional GET (If-None-Match / If-Modified-Since);
- never connects to loopback, private, link-local or metadata addresses unless the host is
  one the operator chose (the feed's own host) or lies in an allowed network. The check runs
  on the resolved address at connect time (``GuardedBackend``), so DNS tricks and redirects
  to internal hosts are caught on every hop; only http and https are followed.

Errors are ``FetchError`` subclasses (see ``errors``): a failing URL is a value for the
caller to record, never a crash of the cycle.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import socket
import time
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import brotli
import httpcore
import httpx

from .. import __version__
from ..config.settings import Settings
from ..errors import (
    BlockedAddress,
    ContentError,
    DeadlineExceeded,
    FeedGone,
    FetchError,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
)
from ..urls import IPAddress, Network, host_of, is_public_address, parse_ip

USER_AGENT = f"watchdesk/{__version__} (+https://github.com/watchdesk/watchdesk; news monitoring)"
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, "
               "text/html;q=0.5, */*;q=0.1")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = {301, 302, 303, 307, 308}

# Hosts the current request may reach whatever their address (the feed's own host).
_allowed_hosts: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "watchdesk_allowed_hosts", default=frozenset())


@dataclass
class Response:
    url: str                     # final URL after redirects
    status: int                  # 200, or 304 for "not modified"
    headers: dict[str, str]      # lower-cased names
    body: bytes
    elapsed_ms: int
    permanent_url: str | None = None   # set when every redirect hop was permanent (301/308)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that resolves the host itself and refuses non-public addresses."""

    def __init__(self, allow: Iterable[Network] = ()) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow = tuple(allow)
        # Hosts we connected to only because the request allowed them (a feed's own host):
        # a kept-alive connection to one of them must not serve a request that does not.
        self.exempted: set[str] = set()

    async def check(self, host: str, port: int) -> list[IPAddress]:
        """The addresses of ``host``; BlockedAddress unless every one may be fetched."""
        addrs = await self._resolve(host, port)
        bad = [a for a in addrs if not is_public_address(a, self._allow)]
        if bad or not addrs:
            raise BlockedAddress(
                f"refused to connect to {host} ({', '.join(map(str, bad or addrs))}): not a "
                "public address (set WATCHDESK_ALLOW_NETWORKS to allow an intranet range)")
        return addrs

    async def _resolve(self, host: str, port: int) -> list[IPAddress]:
        ip = parse_ip(host)
        if ip is not None:
            return [ip]
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as e:
            raise httpcore.ConnectError(f"cannot resolve {host}: {e.strerror}") from e
        out: list[IPAddress] = []
        for info in infos:
            parsed = parse_ip(str(info[4][0]).split("%")[0])
            if parsed is not None and parsed not in out:
                out.append(parsed)
        return out

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        if host.lower() in _allowed_hosts.get():
            target = host
            self.exempted.add(host.lower())
        else:
            target = str((await self.check(host, port))[0])  # connect to what was checked
        return await self._inner.connect_tcp(target, port, timeout=timeout,
                                             local_address=local_address,
                                             socket_options=socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PoolPerOrigin:
    """httpcore's connection pool interface, with one small pool per origin.

    One shared pool of ``concurrency`` connections over many hosts closes a kept-alive
    connection to one host to open one to another, so almost every request reconnected
    (1,050 connections for 1,100 requests on the 50-host bench farm); and a bigger shared
    pool is slower still, as it checks every connection it holds on each request (the poll
    process's CPU per article went up 40% with 128). Here each origin keeps up to
    ``per_host`` connections alive, checked only by requests to that origin; the pools of
    the least recently used origins are closed beyond ``2 * concurrency`` origins (when
    none of their connections is in use), which bounds the sockets kept open.
    """

    def __init__(self, settings: Settings) -> None:
        self._ssl = httpx.create_ssl_context(trust_env=False)
        self._backend = GuardedBackend(settings.allow_networks)
        self._keep = max(1, settings.per_host)
        self._max_connections = max(settings.concurrency, settings.per_host)
        self._max_pools = 2 * max(1, settings.concurrency)
        self._pools: OrderedDict[tuple[bytes, bytes, int | None],
                                 httpcore.AsyncConnectionPool] = OrderedDict()

    def _new_pool(self) -> httpcore.AsyncConnectionPool:
        return httpcore.AsyncConnectionPool(
            ssl_context=self._ssl, max_connections=self._max_connections,
            max_keepalive_connections=self._keep, network_backend=self._backend,
            keepalive_expiry=httpx.Limits(max_connections=None).keepalive_expiry)

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        url = request.url
        key = (url.scheme, url.host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = self._new_pool()
            if len(self._pools) > self._max_pools:
                await self._trim()
        else:
            self._pools.move_to_end(key)
        return await pool.handle_async_request(request)

    async def _trim(self) -> None:
        for key in list(self._pools)[: len(self._pools) - self._max_pools]:
            pool = self._pools[key]
            if all(c.is_idle() or c.is_closed() for c in pool.connections):
                del self._pools[key]
                await pool.aclose()

    @property
    def connections(self) -> list[httpcore.AsyncConnectionInterface]:
        return [c for p in self._pools.values() for c in p.connections]

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        for p in pools:
            await p.aclose()

    async def __aenter__(self) -> PoolPerOrigin:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class _BoundedDecoder:
    """Decode a Content-Encoding incrementally, refusing to produce more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.chunks: list[bytes] = []
        enc = encoding.strip().lower()
        self._zlib: Any = None
        self._brotli: Any = None
        if enc in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self._zlib = zlib.decompressobj()
            self._deflate_probe = True
        elif enc == "br":
            self._brotli = brotli.Decompressor()
        elif enc not in ("", "identity"):
            raise ContentError(f"unsupported Content-Encoding {encoding!r}")

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge(f"body larger than {self.limit} bytes (after decompression)")
        if data:
            self.chunks.append(data)

    def feed(self, raw: bytes) -> None:
        room = self.limit - self.size + 1
        try:
            if self._zlib is not None:
                if getattr(self, "_deflate_probe", False):
                    self._deflate_probe = False
                    if raw and (raw[0] & 0x0F) != 8:  # raw deflate without zlib header
                        self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._zlib.decompress(raw, room)
                self._add(out)
                if self._zlib.unconsumed_tail:
                    raise TooLarge(f"body larger than {self.limit} bytes (after decompression)")
            elif self._brotli is not None:
                out = self._brotli.process(raw, output_buffer_limit=room)
                self._add(out)
                while not self._brotli.can_accept_more_data():
                    self._add(self._brotli.process(b"", output_buffer_limit=room))
            else:
                self._add(raw)
        except (zlib.error, brotli.error) as e:
            raise ContentError(f"corrupt compressed body: {e}") from e

    def finish(self) -> bytes:
        if self._zlib is not None:
            try:
                self._add(self._zlib.flush())
            except zlib.error as e:
                raise ContentError(f"corrupt compressed body: {e}") from e
            if not self._zlib.eof and self.size:
                raise ContentError("truncated compressed body")
        if self._brotli is not None and not self._brotli.is_finished() and self.size:
            raise ContentError("truncated compressed body")
        return b"".join(self.chunks)


DRAIN_BYTES = 64 * 1024


async def _drain(resp: httpx.Response, limit: int = DRAIN_BYTES) -> None:
    """Read the (unused) body of a 304, a redirect or an error, up to ``limit`` bytes.

    A response closed before its end closes its connection too: every 304 of a re-poll then
    cost a new TCP connection (1,000 connects for 1,000 feeds). Read to its end (a 304 has no
    body, an error page a few KB), the connection goes back to its pool for the next request
    to that host. A longer body is not worth reading: the connection is closed instead.
    """
    size = 0
    async for chunk in resp.aiter_raw():
        size += len(chunk)
        if size > limit:
            return


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds (it may be a number or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class Fetcher:
    """The one HTTP client. Use as ``async with Fetcher(settings) as f: await f.get(url)``."""

    def __init__(self, settings: Settings, *,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._guard: GuardedBackend | None = None
        if transport is None:
            t = httpx.AsyncHTTPTransport(trust_env=False)
            pool = PoolPerOrigin(settings)
            self._guard = pool._backend
            t._pool = pool  # type: ignore[assignment]
            transport = t
        self.client = httpx.AsyncClient(
            transport=transport, follow_redirects=False, trust_env=False,
            timeout=httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
            headers={"User-Agent": settings.user_agent or USER_AGENT,
                     "Accept-Encoding": "gzip, deflate, br"})
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        host = host_of(url)
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return sem

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                  max_bytes: int | None = None, allowed_hosts: Iterable[str] = (),
                  accept: str = FEED_ACCEPT) -> Response:
        """GET ``url`` within every bound; 304 comes back as a Response, errors as FetchError."""
        token = _allowed_hosts.set(frozenset(h.lower() for h in allowed_hosts))
        t0 = time.monotonic()
        try:
            # The deadline starts once the request holds its slots (see _follow): waiting in
            # line behind other requests is not the server's fault.
            async with asyncio.timeout(None) as deadline:
                resp = await self._follow(url, etag, last_modified,
                                          max_bytes or self.settings.max_feed_bytes, accept,
                                          deadline)
        except TimeoutError as e:
            raise DeadlineExceeded(
                f"no complete answer within {self.settings.timeout:g}s") from e
        finally:
            _allowed_hosts.reset(token)
        resp.elapsed_ms = int((time.monotonic() - t0) * 1000)
        return resp

    async def _check_reuse(self, host: str, port: int) -> None:
        """A host connected to because another request allowed it may have a kept-alive
        connection in the pool, which the connect-time guard would not see again: check it
        here when this request does not allow it."""
        host = host.lower()
        if (self._guard is not None and host in self._guard.exempted
                and host not in _allowed_hosts.get()):
            await self._guard.check(host, port)

    async def _follow(self, url: str, etag: str | None, last_modified: str | None,
                      max_bytes: int, accept: str, deadline: asyncio.Timeout) -> Response:
        seen = {url}
        permanent = True
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https"):
                raise BlockedAddress(f"only http and https are fetched, not {current!r}")
            await self._check_reuse(parts.hostname or "", parts.port or 0)
            headers = {"Accept": accept}
            if etag and current == url:
                headers["If-None-Match"] = etag
            if last_modified and current == url:
                headers["If-Modified-Since"] = last_modified
            # Host first: a request waiting for its host must not hold a global slot.
            async with self._host_slot(current), self._global:
                if deadline.when() is None:
                    deadline.reschedule(asyncio.get_running_loop().time()
                                        + self.settings.timeout)
                try:
                    resp = await self._request(current, headers, max_bytes)
                except FetchError:
                    raise
                except httpx.TimeoutException as e:
                    raise DeadlineExceeded(f"timed out: {type(e).__name__}") from e
                except httpx.HTTPError as e:
                    raise FetchError(f"{type(e).__name__}: {e}") from e
            if resp.status in _REDIRECTS and "location" in resp.headers:
                nxt = urljoin(current, resp.headers["location"])
                permanent = permanent and resp.status in (301, 308)
                if nxt in seen:
                    raise TooManyRedirects(f"redirect loop at {nxt}")
                seen.add(nxt)
                current = nxt
                continue
            if resp.status == 304:
                return resp
            if resp.status == 410:
                raise FeedGone("410 Gone", status=410)
            if resp.status >= 400:
                raise HTTPStatusError(
                    f"HTTP {resp.status}", status=resp.status,
                    retry_after=retry_after_seconds(resp.headers.get("retry-after")))
            if current != url and permanent:
                resp.permanent_url = current
            return resp
        raise TooManyRedirects(f"more than {self.settings.max_redirects} redirects")

    async def _request(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        req = self.client.build_request("GET", url, headers=headers)
        resp = await self.client.send(req, stream=True)
        try:
            hdrs = {k.lower(): v for k, v in resp.headers.items()}
            if resp.status_code != 200:
                await _drain(resp)
                return Response(url, resp.status_code, hdrs, b"", 0)
            declared = hdrs.get("content-length", "")
            encoding = hdrs.get("content-encoding", "")
            if declared.isdigit() and int(declared) > max_bytes and not encoding:
                raise TooLarge(f"body of {declared} bytes is over the {max_bytes} bytes bound")
            decoder = _BoundedDecoder(encoding, max_bytes)
            async for chunk in resp.aiter_raw():
                decoder.feed(chunk)
            return Response(url, 200, hdrs, decoder.finish(), 0)
        except httpx.RemoteProtocolError as e:
            raise ContentError(f"connection broke mid-body: {e}") from e
        finally:
            await resp.aclose()

