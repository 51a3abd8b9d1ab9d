"""A loopback HTTP server for the demo, the test-suite and the benchmarks.

``FixtureServer`` serves a directory and/or in-memory bodies on ``127.0.0.1`` (ephemeral port)
from a daemon thread. It behaves like a well-run news site: strong ``ETag`` and
``Last-Modified`` validators, ``304 Not Modified`` on conditional GET, optional gzip, and the
placeholder ``{{BASE}}`` in text bodies replaced by its own base URL so feed links point back
at it. Custom handlers (``route``) let tests inject faults; ``requests`` records every request.

Lookup order for a request path: routes, then bodies given to ``set``, then files under ``root``
(a directory serves its ``index.html``).

    with FixtureServer(data_dir) as srv:
        httpx.get(f"{srv.base_url}/rfi-afrique.xml")

It refuses to bind anything but a loopback address.
"""

from __future__ import annotations

import contextlib
import email.utils
import gzip as gziplib
import hashlib
import ipaddress
import mimetypes
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = [
    "FixtureRequestHandler",
    "FixtureServer",
    "Handler",
    "RequestRecord",
    "redirect",
    "slow_drip",
    "status",
]

PLACEHOLDER = b"{{BASE}}"

CONTENT_TYPES: dict[str, str] = {
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".yaml": "application/yaml; charset=utf-8",
    ".yml": "application/yaml; charset=utf-8",
}

_TEXTUAL = ("text/", "xml", "json", "yaml", "javascript")


def guess_content_type(path: str) -> str:
    """Content-Type for a file name: our table first, then :mod:`mimetypes`."""
    suffix = Path(path).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


@dataclass
class RequestRecord:
    """One request as the server saw it: ``path`` as sent (with any query string), ``headers``
    with lower-case keys.

    ``status`` is the status line sent (``None`` while the handler has not sent one, or when a
    custom handler wrote raw bytes).
    """

    method: str
    path: str
    headers: dict[str, str]
    status: int | None = None
    time: float = field(default_factory=time.monotonic)


@dataclass
class _Entry:
    """An in-memory body registered with :meth:`FixtureServer.set`."""

    body: bytes
    content_type: str
    headers: dict[str, str | None]
    last_modified: float


class FixtureRequestHandler(BaseHTTPRequestHandler):
    """Request handler; custom route handlers receive an instance of it.

    Useful attributes for handlers: ``fixture`` (the :class:`FixtureServer`), ``path``,
    ``headers``, ``wfile``, ``send_response``/``send_header``/``end_headers``, and
    :meth:`send_body` for a complete response.
    """

    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "watchdesk-fixture/1"
    sys_version = ""
    timeout = 30  # idle keep-alive connections give up after this many seconds

    _record: RequestRecord | None = None
    _custom = False

    @property
    def fixture(self) -> FixtureServer:
        """The :class:`FixtureServer` this request belongs to."""
        return self.server.fixture

    # -- plumbing ---------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        """Silent unless the server is verbose."""
        if self.fixture.verbose:
            super().log_message(format, *args)

    def send_response(self, code: int, message: str | None = None) -> None:
        """Send the status line and note it in the request log."""
        if self._record is not None:
            self.fixture._set_status(self._record, code)
        super().send_response(code, message)
        if self._custom:
            # Custom handlers may omit Content-Length: tell the client not to reuse the socket.
            self.send_header("Connection", "close")

    def send_body(
        self,
        code: int,
        body: bytes = b"",
        content_type: str = "text/plain; charset=utf-8",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Send a complete response with ``Content-Length`` (no body on HEAD)."""
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    # -- dispatch ---------------------------------------------------------------------------

    def _dispatch(self) -> None:
        fixture = self.fixture
        headers = {name.lower(): value for name, value in self.headers.items()}
        self._record = fixture._log(self.command, self.path, headers)
        self._custom = False
        if fixture.latency > 0 and not fixture.sleep(fixture.latency):
            self.close_connection = True
            return
        path = unquote(urlsplit(self.path).path) or "/"
        handler = fixture._routes.get(path)
        if handler is not None:
            # A custom handler may write anything: never reuse the connection after it.
            self._custom = True
            self.close_connection = True
            handler(self)
            return
        if self.command not in ("GET", "HEAD"):
            self.send_body(
                HTTPStatus.METHOD_NOT_ALLOWED,
                b"method not allowed\n",
                headers={"Allow": "GET, HEAD"},
            )
            return
        entry = fixture._lookup(path)
        if entry is None:
            self.send_body(HTTPStatus.NOT_FOUND, b"not found\n")
            return
        self._serve(entry)

    def _serve(self, entry: _Entry) -> None:
        fixture = self.fixture
        preset = {name.lower(): value for name, value in entry.headers.items()}
        body = entry.body
        if "content-encoding" not in preset and _is_textual(entry.content_type):
            body = body.replace(PLACEHOLDER, fixture.base_url.encode("ascii"))

        use_gzip = (
            fixture.gzip
            and "content-encoding" not in preset
            and _accepts_gzip(self.headers.get("Accept-Encoding", ""))
        )
        digest = hashlib.sha256(body).hexdigest()[:32]
        # A strong ETag names one representation: the gzip one gets its own tag.
        etag = f'"{digest}-gzip"' if use_gzip else f'"{digest}"'
        validators: dict[str, str | None] = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(entry.last_modified, usegmt=True),
        }
        out: dict[str, str | None] = {"Content-Type": entry.content_type, **validators}
        if fixture.gzip:
            out["Vary"] = "Accept-Encoding"
        if use_gzip:
            out["Content-Encoding"] = "gzip"
        _merge(out, entry.headers)

        sent_etag = out.get("ETag")
        # Both codings of the same body are the same resource state: either tag revalidates.
        equivalent: set[str | None] = (
            {f'"{digest}"', f'"{digest}-gzip"'} if sent_etag == etag else {sent_etag}
        )
        if fixture.conditional and self._not_modified(
            sent_etag, equivalent, entry.last_modified, out
        ):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            for name in ("ETag", "Last-Modified", "Vary", "Cache-Control", "Expires"):
                value = out.get(name)
                if value is not None:
                    self.send_header(name, value)
            self.end_headers()
            return

        payload = gziplib.compress(body, mtime=0) if use_gzip else body
        self.send_response(HTTPStatus.OK)
        for name, value in out.items():
            if value is not None:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _not_modified(
        self,
        etag: str | None,
        equivalent: set[str | None],
        last_modified: float,
        out: Mapping[str, str | None],
    ) -> bool:
        """RFC 9110 §13.1: If-None-Match wins over If-Modified-Since."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            if etag is None:
                return False
            tags = {_strip_weak(t) for t in inm.split(",") if t.strip()}
            return "*" in tags or bool(tags & equivalent)
        ims = self.headers.get("If-Modified-Since")
        if ims is None or out.get("Last-Modified") is None:
            return False
        try:
            since = email.utils.parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:  # RFC 850/asctime dates are GMT
            return False
        return int(last_modified) <= since.timestamp()


Handler = Callable[[FixtureRequestHandler], None]
"""A custom route: writes the whole response itself."""


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that tracks its connections so it can cut them on stop."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], fixture: FixtureServer) -> None:
        self.fixture = fixture
        self._conns_lock = threading.Lock()
        self._conns: dict[threading.Thread, socket.socket] = {}
        super().__init__(address, FixtureRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"{self.fixture.thread_name}-conn",
            daemon=True,
        )
        with self._conns_lock:
            self._conns[thread] = request
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self._conns_lock:
                self._conns.pop(threading.current_thread(), None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Client hang-ups and stop() cutting connections are normal here."""
        if self.fixture.verbose:
            super().handle_error(request, client_address)

    def cut_connections(self, timeout: float) -> list[threading.Thread]:
        """Shut down every open connection; return the threads still alive after ``timeout``."""
        with self._conns_lock:
            conns = list(self._conns.items())
        for _, sock in conns:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread, _ in conns:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [t for t, _ in conns if t.is_alive()]


class FixtureServer:
    """Threaded HTTP server on a loopback address, for demo, tests and benchmarks.

    Args:
        root: directory to serve files from (optional).
        gzip: gzip bodies when the client sends ``Accept-Encoding: gzip``.
        latency: seconds to wait before answering each request (settable later).
        conditional: answer conditional GETs with 304 (set False to mimic servers that don't).
        verbose: print access logs and handler errors to stderr.
        host: loopback address to bind; anything else is refused.
        port: 0 for an ephemeral port.
    """

    def __init__(
        self,
        root: str | Path | None = None,
        *,
        gzip: bool = False,
        latency: float = 0.0,
        conditional: bool = True,
        verbose: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"FixtureServer binds loopback addresses only, not {host!r}")
        self.root = Path(root).resolve() if root is not None else None
        self.gzip = gzip
        self.latency = latency
        self.conditional = conditional
        self.verbose = verbose
        self.host = host
        self.port = port  # the bound port once started
        self._requested_port = port
        self.thread_name = "FixtureServer"
        self._routes: dict[str, Handler] = {}
        self._entries: dict[str, _Entry] = {}
        self._log_lock = threading.Lock()
        self._log_records: list[RequestRecord] = []
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> FixtureServer:
        """Bind and serve from a daemon thread. Returns ``self``."""
        if self._httpd is not None:
            raise RuntimeError("FixtureServer already started")
        self._stopping.clear()
        httpd = _Server((self.host, self._requested_port), self)
        self.port = httpd.server_address[1]
        self.thread_name = f"FixtureServer-{self.port}"
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=self.thread_name,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, cut open connections, join every thread. Idempotent."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._stopping.set()  # wakes handlers sleeping in latency / drips
        httpd.shutdown()
        thread.join(timeout)
        httpd.server_close()
        stuck = httpd.cut_connections(timeout)
        self._httpd = self._thread = None
        if stuck:
            raise RuntimeError(f"FixtureServer: {len(stuck)} handler thread(s) did not finish")

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self._httpd is None:
            raise RuntimeError("FixtureServer is not running")
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url + "/" + path.lstrip("/")

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` has begun; long-running handlers should give up."""
        return self._stopping.is_set()

    def sleep(self, seconds: float) -> bool:
        """Sleep in a handler; returns False early if the server is stopping."""
        return not self._stopping.wait(seconds)

    # -- content ----------------------------------------------------------------------------

    def set(
        self,
        path: str,
        body: bytes | str,
        content_type: str | None = None,
        headers: Mapping[str, str | None] | None = None,
        last_modified: float | None = None,
    ) -> None:
        """Serve ``body`` at ``path`` (shadows a file of that name).

        ``headers`` are added to (or override) the defaults; a ``None`` value removes a default
        header, e.g. ``{"ETag": None}`` for a server without ETags. A preset
        ``Content-Encoding`` sends the body as-is (no placeholder, no gzip).
        """
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        self._entries[_norm(path)] = _Entry(
            body=data,
            content_type=content_type or guess_content_type(path),
            headers=dict(headers or {}),
            last_modified=time.time() if last_modified is None else last_modified,
        )

    def unset(self, path: str) -> None:
        """Forget a body given to :meth:`set`."""
        self._entries.pop(_norm(path), None)

    def route(self, path: str, handler: Handler) -> None:
        """Answer every request for ``path`` (any method, any query) with ``handler``.

        The connection is closed after a custom handler. Handlers that wait must use
        ``req.fixture.sleep(seconds)`` (returns False when stopping) so that :meth:`stop` is fast.
        """
        self._routes[_norm(path)] = handler

    def _lookup(self, path: str) -> _Entry | None:
        entry = self._entries.get(path)
        if entry is not None or self.root is None:
            return entry
        file = (self.root / path.lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_relative_to(self.root) or not file.is_file():
            return None
        return _Entry(
            body=file.read_bytes(),
            content_type=guess_content_type(file.name),
            headers={},
            last_modified=file.stat().st_mtime,
        )

    # -- request log ------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log, oldest first."""
        with self._log_lock:
            return list(self._log_records)

    def clear_log(self) -> None:
        """Empty the request log."""
        with self._log_lock:
            self._log_records.clear()

    def hits(self, path: str) -> int:
        """How many requests asked for ``path`` (query string ignored)."""
        wanted = _norm(path)
        return sum(1 for r in self.requests if _norm(urlsplit(r.path).path) == wanted)

    def _log(self, method: str, path: str, headers: dict[str, str]) -> RequestRecord:
        record = RequestRecord(method=method, path=path, headers=headers)
        with self._log_lock:
            self._log_records.append(record)
        return record

    def _set_status(self, record: RequestRecord, code: int) -> None:
        with self._log_lock:
            if record.status is None:
                record.status = int(code)


# -- ready-made handlers for route() ----------------------------------------------------------


def redirect(to: str, status: int = 301) -> Handler:
    """Redirect to ``to`` (absolute, relative, or containing ``{{BASE}}``)."""

    def handler(req: FixtureRequestHandler) -> None:
        location = to.replace(PLACEHOLDER.decode(), req.fixture.base_url)
        req.send_body(status, b"", headers={"Location": location})

    return handler


def status(
    code: int,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
    content_type: str = "text/plain; charset=utf-8",
) -> Handler:
    """Always answer ``code`` with ``headers`` and ``body`` (e.g. 410, 429 + Retry-After)."""
    fixed = dict(headers or {})

    def handler(req: FixtureRequestHandler) -> None:
        req.send_body(code, body, content_type=content_type, headers=fixed)

    return handler


def slow_drip(
    bytes_per_second: float,
    body: bytes | None = None,
    content_type: str = "application/rss+xml; charset=utf-8",
    tick: float = 0.1,
) -> Handler:
    """Announce the full ``Content-Length`` then send ``body`` at ``bytes_per_second``.

    The default body is a valid RSS feed of about 2 KB. Stops early when the server stops or
    the client hangs up.
    """
    payload = body if body is not None else _drip_feed()
    per_tick = max(1, round(bytes_per_second * tick))

    def handler(req: FixtureRequestHandler) -> None:
        req.send_response(HTTPStatus.OK)
        req.send_header("Content-Type", content_type)
        req.send_header("Content-Length", str(len(payload)))
        req.end_headers()
        req.wfile.flush()
        try:
            for start in range(0, len(payload), per_tick):
                req.wfile.write(payload[start : start + per_tick])
                req.wfile.flush()
                if not req.fixture.sleep(tick):
                    return
        except (BrokenPipeError, ConnectionResetError):
            return

    return handler


def _drip_feed() -> bytes:
    items = "".join(
        f"<item><title>Dépêche {i}</title><link>{{{{BASE}}}}/drip/{i}</link>"
        f"<guid>drip-{i}</guid><description>Élément {i} d’un flux servi au goutte-à-goutte."
        "</description></item>"
        for i in range(12)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Goutte-à-goutte</title><link>http://127.0.0.1/</link>"
        f"<description>Flux lent</description>{items}</channel></rss>\n"
    ).encode()


# -- helpers ------------------------------------------------------------------------------------


def _norm(path: str) -> str:
    return "/" + path.lstrip("/")


def _is_textual(content_type: str) -> bool:
    ct = content_type.lower()
    return any(marker in ct for marker in _TEXTUAL)


def _accepts_gzip(accept_encoding: str) -> bool:
    """True if ``gzip`` (or ``*``) is acceptable with q > 0."""
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip().lower()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


def _strip_weak(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def _merge(out: dict[str, str | None], extra: Mapping[str, str | None]) -> None:
    """Case-insensitive update of ``out`` with ``extra``."""
    for name, value in extra.items():
        for existing in [k for k in out if k.lower() == name.lower()]:
            del out[existing]
        out[name] = value
