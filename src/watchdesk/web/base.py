"""What every handler of the pages shares: the rules as the pages see them
(``RulesHolder``), and ``DeskBase``: the database per request (read-only; for writing
only for a verdict or a save), rendering, checked forms, ``since``, errors."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..config.settings import Settings
from ..durations import parse_since, since_iso
from ..errors import StoreError
from ..notify.clean import isolate, parse_time, safe_url
from ..notify.glance import sparkline
from ..rules import Rule, RuleBook, RuleSet
from ..store import Store
from ..store.rule_state import running_rules
from ..urls import host_of
from . import pages
from .access import Access, User
from .guard import Csrf, allowed_hosts
from .i18n import WebLang

T = TypeVar("T")
log = logging.getLogger("watchdesk.web")
HERE = Path(__file__).parent


class RulesHolder:
    """The rules folder, reloaded when its files change (as the daemon does); when there is
    no folder (``watchdesk web --db demo.db``), the rules the daemon last ran. Also the rules
    the daemon runs, compiled again only when ``rule_state`` changes (compiling the expanded
    lists of every rule is most of a page's time otherwise)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._book: RuleBook | None = None
        self._lock = threading.Lock()
        self._running: tuple[str, dict[str, Rule]] = ("", {})

    @property
    def editable(self) -> bool:
        return self.folder.is_dir()

    def _reloaded(self) -> RuleBook | None:
        if not self.folder.is_dir():
            return None
        if self._book is None:
            self._book = RuleBook(self.folder)
        else:
            self._book.reload()
        return self._book

    def current(self, store: Store) -> RuleSet:
        with self._lock:
            book = self._reloaded()
            if book is not None:
                return book.ruleset
        return RuleSet(list(self.running(store).values()))

    def lists(self) -> pages.Lists:
        with self._lock:
            book = self._reloaded()
            return (book.lists, book.broken_lists) if book is not None else ({}, {})

    def rules_of(self, name: str) -> list[Rule]:
        with self._lock:
            book = self._reloaded()
            return book.rules_of(self.folder / name) if book is not None else []

    def running(self, store: Store) -> dict[str, Rule]:
        key = str(store.conn.execute(
            "SELECT group_concat(rule_id || ':' || hash, ' ') FROM"
            " (SELECT rule_id, hash FROM rule_state ORDER BY rule_id)").fetchone()[0])
        with self._lock:
            if self._running[0] != key:
                self._running = (key, running_rules(store))
            return self._running[1]


class DeskBase:
    def __init__(self, settings: Settings, access: Access, *, listen_host: str = "") -> None:
        self.settings = settings
        self.access = access
        self.csrf = Csrf()
        self.rules = RulesHolder(settings.rules)
        self.hosts = allowed_hosts(listen_host, settings.web_url)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters["isolate"] = isolate
        self.env.filters["sparkline"] = sparkline
        self.env.filters["segs"] = pages.snippet_segments
        self.env.filters["safe_href"] = lambda u: safe_url(u) or ""
        self.env.filters["host"] = lambda u: host_of(u) or ""
        zone = ZoneInfo(settings.timezone)
        self.env.filters["localtime"] = lambda ts: parse_time(ts, zone)

    # -- helpers ---------------------------------------------------------------------------

    def store(self, write: bool = False) -> Store:
        """Read-only for pages (never upgraded here: ``serve`` opened it once at start, as
        every reading command does); for writing only for a verdict or a rule save."""
        if write:
            return Store(self.settings.db, mode="write")
        return Store(self.settings.db, mode="read", upgrade=False)

    def render(self, request: Request, template: str, status: int = 200, **ctx: Any
               ) -> Response:
        user: User = request.scope["user"]
        t = WebLang(self.settings.digest_lang)
        html = self.env.get_template(template).render(
            t=t, user=user, csrf=self.csrf.token(user), path=request.url.path,
            now=datetime.now(UTC), **ctx)
        return HTMLResponse(html, status)

    async def read(self, fn: Callable[[Store], T]) -> T:
        def go() -> T:
            store = self.store()
            try:
                return fn(store)
            finally:
                store.close()
        return await run_in_threadpool(go)

    async def form(self, request: Request) -> FormData:
        """The posted form, once its CSRF token and Origin are checked (403 otherwise)."""
        origin = request.headers.get("origin")
        if origin and origin != "null":
            from urllib.parse import urlsplit

            from .guard import host_name
            if host_name(urlsplit(origin).netloc) != host_name(request.headers.get("host", "")):
                raise HTTPException(403, "cross-site form refused")
        form = await request.form(max_files=0, max_fields=20, max_part_size=512 * 1024)
        token = form.get("csrf")
        if not self.csrf.valid(request.scope["user"], token if isinstance(token, str)
                               else None):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page and "
                                     "try again")
        return form

    def titles(self, ruleset: RuleSet) -> dict[str, str]:
        return {r.id: r.title or r.id for r in ruleset.rules}

    # -- pages -----------------------------------------------------------------------------

    def _since(self, request: Request, default: str = "30d") -> tuple[str, str]:
        text = request.query_params.get("since") or default
        try:
            since = parse_since(text)
        except ValueError as e:
            raise HTTPException(400, str(e)) from e
        return since.text, since_iso(since)

    async def error(self, request: Request, exc: Exception) -> Response:
        if isinstance(exc, StoreError):    # locked, damaged, gone: say what, as the CLI does
            exc = HTTPException(503, str(exc))
        assert isinstance(exc, HTTPException)
        if "user" not in request.scope:
            return Response(exc.detail, exc.status_code)
        return self.render(request, "error.html", exc.status_code, message=exc.detail,
                           code=exc.status_code)
