"""A real HTTP server on 127.0.0.1 standing in for a chat service: Apprise's ``json://``
plugin POSTs to it. It records what it accepted, can answer 500 (an outage), or be stopped
and started again on the same port (down)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOOPBACK = "127.0.0.1"


@dataclass
class Post:
    path: str
    body: dict[str, Any]
    status: int


@dataclass
class ChatServer:
    status: int = 200
    posts: list[Post] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    def start(self) -> ChatServer:
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status = state.status
                state.posts.append(Post(self.path, json.loads(raw or b"{}"), status))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"down")

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer((LOOPBACK, self.port), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def url(self, path: str = "/hooks/s3cr3t-T0KEN-abcdef") -> str:
        """The Apprise URL of this server (the path plays the secret token)."""
        return f"json://{LOOPBACK}:{self.port}{path}"

    @property
    def host_port(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def accepted(self) -> list[Post]:
        return [p for p in self.posts if 200 <= p.status < 300]
