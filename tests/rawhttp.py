"""A raw HTTP/1.1 server on 127.0.0.1 for the tests of the wire (``sources/transport``,
``sources/fetch``): each connection is kept open and serves request after request, the test's
``handler(request head, writer)`` writing each answer byte for byte (what FixtureServer, an
http.server, cannot: keep-alive after a custom answer, a cut body, a hang)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Handler = Callable[[bytes, asyncio.StreamWriter], Awaitable[None]]


async def serve(handler: Handler, heads: list[bytes] | None = None,
                connections: list[int] | None = None) -> asyncio.Server:
    """Start the server on port 0; each request's head is appended to ``heads`` and each new
    connection's client port to ``connections`` (when given)."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if connections is not None:
            connections.append(writer.get_extra_info("peername")[1])
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if heads is not None:
                    heads.append(head)
                await handler(head, writer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
    return await asyncio.start_server(handle, "127.0.0.1", 0)


def port(server: asyncio.Server) -> int:
    """The port the system gave ``server``."""
    return int(server.sockets[0].getsockname()[1])
