"""Serving the pages: uvicorn on a socket we bind ourselves, alone (``watchdesk web``) or
inside the daemon's event loop (``watchdesk run`` with ``WATCHDESK_WEB_LISTEN``).

The one rule enforced here: **no listening beyond loopback without authentication**
(``WATCHDESK_WEB_USERS`` or ``WATCHDESK_WEB_TRUSTED_HEADER``); ``check_listen`` refuses it
with the fix, before any socket is opened. The socket is bound here (port 0 lets the system
choose) so that the address actually listened on is logged, and uvicorn is told not to
install signal handlers: the daemon owns SIGTERM/SIGHUP and stops the server itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from collections.abc import Generator
from dataclasses import dataclass

import uvicorn

from ..config.settings import Settings, web_listen_address
from ..errors import ConfigError
from .access import Access
from .app import create_app

log = logging.getLogger("watchdesk.web")

DEFAULT_LISTEN = "127.0.0.1:8080"


@dataclass(frozen=True)
class Listen:
    host: str       # IP address, without brackets
    port: int

    @property
    def loopback(self) -> bool:
        return ipaddress.ip_address(self.host).is_loopback

    def url(self, port: int | None = None) -> str:
        h = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{h}:{self.port if port is None else port}"


def parse_listen(value: str) -> Listen:
    try:
        norm = web_listen_address(value)
    except ValueError as e:
        raise ConfigError("WATCHDESK_WEB_LISTEN", None, None, str(e)) from e
    host, _, port = norm.rpartition(":")
    return Listen(host.strip("[]"), int(port))


def check_listen(listen: Listen, access: Access) -> None:
    """Refuse an address beyond loopback when nobody is asked who they are."""
    if not listen.loopback and not access.authenticated:
        raise ConfigError("WATCHDESK_WEB_LISTEN", None, None,
                          f"refusing to serve the pages on {listen.host} without "
                          "authentication: set WATCHDESK_WEB_USERS (a users file: `watchdesk "
                          "web adduser NAME`) or WATCHDESK_WEB_TRUSTED_HEADER (an "
                          "authenticating reverse proxy), or listen on 127.0.0.1 "
                          "(docs/ops.md, \"The web pages\")")


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield   # the caller owns the signals


class WebServer:
    """The pages on one bound socket; ``await start()``, then ``await stop()``."""

    def __init__(self, settings: Settings, listen: Listen) -> None:
        from ..store import Store

        self.access = Access.from_settings(settings)
        check_listen(listen, self.access)
        # the database must be there and readable before anything listens (upgraded first
        # when it is older and may be written, as every reading command does)
        Store(settings.db, mode="read").close()
        self.listen = listen
        family = socket.AF_INET6 if ":" in listen.host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind((listen.host, listen.port))
        except OSError as e:
            self.sock.close()
            raise ConfigError("WATCHDESK_WEB_LISTEN", None, None,
                              f"cannot listen on {listen.url()}: {e.strerror}") from e
        self.sock.listen(128)
        self.port = int(self.sock.getsockname()[1])
        app = create_app(settings, self.access, listen_host=listen.host)
        config = uvicorn.Config(app, lifespan="off", access_log=False, log_config=None,
                                server_header=False, proxy_headers=False,
                                timeout_graceful_shutdown=5)
        self.server = _Server(config)
        self.task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return self.listen.url(self.port)

    async def start(self) -> None:
        self.task = asyncio.ensure_future(self.server.serve(sockets=[self.sock]))
        while not self.server.started and not self.task.done():
            await asyncio.sleep(0.01)
        if self.task.done():
            self.task.result()   # raise what stopped it
        log.info("web pages at %s (auth: %s)", self.url, self.access.mode)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task
        self.sock.close()


def serve(settings: Settings, listen: Listen) -> int:
    """``watchdesk web``: serve until SIGTERM/SIGINT; exit 0."""
    import signal

    from .. import eventloop

    web = WebServer(settings, listen)

    async def go() -> int:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await web.start()
        print(f"watchdesk web: {web.url}/ (Ctrl-C stops)", flush=True)
        await stop.wait()
        log.info("web pages stopping")
        await web.stop()
        return 0

    return eventloop.run(go())
