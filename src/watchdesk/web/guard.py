"""The gate every request passes: host check, who is asking, security headers; and the
CSRF tokens every form carries.

- **Host**: only the names the pages are reached by (loopback names, the listen address,
  the host of ``WATCHDESK_WEB_URL``) are answered; anything else is 400 (a DNS-rebinding
  page in a browser would otherwise read the loopback server);
- **who**: ``access.Access`` (401 asks for credentials; 403 refuses);
- **headers** on every response: a Content-Security-Policy allowing nothing but this host's
  own stylesheet and images (no script at all, no inline style, no frames: ``frame-ancestors
  'none'``), ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin`` (an
  article link does not tell the outlet what the desk reads), no caching of pages;
- **CSRF**: each POST form carries ``csrf``, an HMAC of the user's name with a key drawn
  when the server starts; a POST without the right token, or whose ``Origin`` is another
  site, is refused (403) before anything is written.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .access import Access, Refusal, User

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def host_name(host: str) -> str:
    """``example.org:8080`` -> ``example.org``; ``[::1]:8080`` -> ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def allowed_hosts(listen_host: str, web_url: str) -> frozenset[str]:
    names = set(LOOPBACK_NAMES)
    if listen_host and listen_host not in ("0.0.0.0", "::"):
        names.add(host_name(listen_host) if listen_host.startswith("[") else listen_host)
    if web_url:
        names.add((urlsplit(web_url).hostname or "").lower())
    return frozenset(n for n in names if n)


class Csrf:
    def __init__(self, key: bytes | None = None) -> None:
        self.key = key or secrets.token_bytes(32)

    def token(self, user: User) -> str:
        return hmac.new(self.key, user.name.encode(), hashlib.sha256).hexdigest()[:40]

    def valid(self, user: User, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.token(user), str(token))


class Gate:
    """ASGI middleware: host, user (``scope["user"]``), security headers."""

    def __init__(self, app: ASGIApp, *, access: Access, hosts: Iterable[str]) -> None:
        self.app = app
        self.access = access
        self.hosts = frozenset(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                names = {k.lower() for k, _ in message["headers"]}
                message["headers"] += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
            await send(message)

        headers = Headers(scope=scope)
        if host_name(headers.get("host", "")) not in self.hosts:
            await PlainTextResponse("unknown host: this server answers only to the names it "
                                    "is reached by (see WATCHDESK_WEB_URL)\n", 400)(
                scope, receive, send_with_headers)
            return
        client = scope.get("client")
        who = self.access.identify({k: v for k, v in headers.items()},
                                   client[0] if client else None)
        if isinstance(who, Refusal):
            extra = {"www-authenticate": 'Basic realm="watchdesk", charset="UTF-8"'} \
                if who.challenge else {}
            await PlainTextResponse(who.message + "\n", who.status, headers=extra)(
                scope, receive, send_with_headers)
            return
        scope["user"] = who
        await self.app(scope, receive, send_with_headers)
