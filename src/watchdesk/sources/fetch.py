"""All network access: one async HTTP client with limits, politeness and an address guard.

Every byte watchdesk downloads comes through ``Fetcher.get``, which

- bounds each request: a total deadline (not only per-read timeouts, so a server dripping a
  byte a second cannot hold a request forever), a maximum body size enforced while streaming
  *after* decompression (the raw stream is decoded here with bounded gzip/deflate/brotli
  decoders, aiohttp's own decompression being off), and a maximum number of redirects;
- is polite: a global limit on requests in flight and a smaller one per host, a User-Agent
  that says who we are, conditional GET (If-None-Match / If-Modified-Since);
- never connects to loopback, private, link-local or metadata addresses unless the host is
  one the operator chose (the feed's own host) or lies in an allowed network. The check runs
  on the resolved address at connect time (``transport``: httpx's client over aiohttp),
  so DNS tricks and redirects to internal hosts are caught on every hop; only http and
  https are followed.

Errors are ``FetchError`` subclasses (see ``errors``): a failing URL is a value for the
caller to record, never a crash of the cycle.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import brotli
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
from ..urls import host_of
from .transport import AddressGuard, AiohttpTransport, Client
from .transport import allowed_hosts as allowed

USER_AGENT = f"watchdesk/{__version__} (+https://github.com/watchdesk/watchdesk; news monitoring)"
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
               "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, "
               "text/html;q=0.5, */*;q=0.1")
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = {301, 302, 303, 307, 308}

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
            return   # closed unread by the caller: the transport closes its connection


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

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.guard = AddressGuard(settings.allow_networks)
        # aiohttp under httpx's API (its session is opened by the first request)
        self.transport = AiohttpTransport(
            self.guard, concurrency=settings.concurrency, per_host=settings.per_host)
        self.client = Client(
            transport=self.transport, follow_redirects=False, trust_env=False,
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
        token = allowed.set(frozenset(h.lower() for h in allowed_hosts))
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
            allowed.reset(token)
        resp.elapsed_ms = int((time.monotonic() - t0) * 1000)
        return resp

    async def _follow(self, url: str, etag: str | None, last_modified: str | None,
                      max_bytes: int, accept: str, deadline: asyncio.Timeout) -> Response:
        seen = {url}
        permanent = True
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https"):
                raise BlockedAddress(f"only http and https are fetched, not {current!r}")
            await self.guard.admit(parts.hostname or "", parts.port or 0)
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
                except (httpx.HTTPError, httpx.InvalidURL) as e:
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
            hdrs = {k.lower(): v for k, v in resp.headers.items()}   # repeated fields joined
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
