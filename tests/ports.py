"""Ports on 127.0.0.1 for the tests, without the race of "bind port 0, close, hand out the
number" (another test, or another program, can take the port before it is used again).

- A server the test runs itself binds port 0 and the test reads the port it got
  (``SMTPController``: aiosmtpd's Controller does not, it needs the number up front).
- A port where nothing must answer is held by a socket bound to it that never listens
  (``refusing_port``): connections are refused at once, and nothing else can bind it.
- A port a subprocess must bind itself (a daemon's ``WATCHDESK_METRICS``) is chosen below the
  system's ephemeral range (``daemon_port``), which every port-0 bind draws from: no test
  server can take it in between.
"""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

LOOPBACK = "127.0.0.1"


class SMTPController(Controller):
    """aiosmtpd's threaded Controller on 127.0.0.1, on a port the system chose at its first
    start (``port=0``, the default here), and on the same port when started again."""

    def __init__(self, handler: Any, port: int = 0, **kw: Any) -> None:
        super().__init__(handler, hostname=LOOPBACK, port=port, **kw)

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        create = super()._create_server()

        async def bound() -> asyncio.AbstractServer:
            server: Any = await create     # an asyncio.Server: it has .sockets
            self.port = int(server.sockets[0].getsockname()[1])   # before _trigger_server
            return server

        return bound()


@contextmanager
def refusing_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections for as long as the block lasts."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))       # bound, never listening: connect() gets ECONNREFUSED
        yield int(s.getsockname()[1])


def daemon_port() -> int:
    """A free port for a subprocess to bind, outside the ephemeral range."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    for port in random.sample(range(10_000, low), 200):
        with socket.socket() as s:
            try:
                s.bind((LOOPBACK, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")
