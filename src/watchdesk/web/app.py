"""The desk's web pages: routes (Starlette), each a thin handler over ``pages`` (what to
show), ``rulefiles`` (editing) and the store.

Every handler opens the database read-only for the request (``Store(mode="read")``), in a
worker thread (SQLite and the rule engine are blocking); the two writes, a verdict and a
rule save, open it for writing just for that. Pages render on the server (Jinja2,
autoescaped) and need no script.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import verdicts as verdicts_mod
from ..cli._common import parse_since
from ..config.settings import Settings
from ..errors import ConfigError, StoreError
from ..notify.clean import isolate, parse_time, safe_url
from ..notify.glance import sparkline
from ..rules import Rule, RuleBook, RuleSet
from ..store import VERDICTS, Store, iso
from ..store.rule_state import running_rules
from ..urls import host_of
from . import pages, rulefiles
from .access import Access, User
from .guard import Csrf, Gate, allowed_hosts
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


class Desk:
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

    async def home(self, request: Request) -> Response:
        now = datetime.now(UTC)

        def go(store: Store) -> Any:
            return pages.home(store, self.settings, self.titles(self.rules.current(store)), now)
        d, latest = await self.read(go)
        return self.render(request, "index.html", d=d, latest=latest)

    async def event(self, request: Request) -> Response:
        story_id = int(request.path_params["story_id"])
        now = datetime.now(UTC)

        def go(store: Store) -> Any:
            return pages.event(store, self.settings, story_id,
                               self.titles(self.rules.current(store)), now)
        found = await self.read(go)
        if found is None:
            raise HTTPException(404, "no such event")
        d, reports = found
        return self.render(request, "event.html", d=d, item=d.groups[0].items[0],
                           reports=reports, story_id=story_id)

    async def article(self, request: Request) -> Response:
        article_id = int(request.path_params["article_id"])
        user: User = request.scope["user"]

        def go(store: Store) -> Any:
            rs = self.rules.current(store)
            return pages.article(store, self.settings, article_id, rs, self.titles(rs),
                                 user.name)
        view = await self.read(go)
        if view is None:
            raise HTTPException(404, "no such article")
        return self.render(request, "article.html", a=view,
                           saved=request.query_params.get("saved") == "1")

    async def verdict(self, request: Request) -> Response:
        article_id = int(request.path_params["article_id"])
        form = await self.form(request)
        rule_id, verdict = str(form.get("rule", "")), str(form.get("verdict", ""))
        if verdict not in VERDICTS or not rule_id:
            raise HTTPException(400, f"verdict must be one of {', '.join(VERDICTS)}, "
                                     "for a rule")
        who = request.scope["user"].name

        def go() -> str | None:
            store = self.store(write=True)
            try:
                if store.article(article_id) is None:
                    return "no such article"
                if rule_id not in {r["rule_id"] for r in store.article_match_rows(article_id)}:
                    return f"rule {rule_id} did not match this article"
                store.add_verdict(article_id, rule_id, verdict, who, iso(datetime.now(UTC)))
                return None
            finally:
                store.close()
        problem = await run_in_threadpool(go)
        if problem is not None:
            raise HTTPException(404, problem)
        log.info("verdict article=%d rule=%s verdict=%s who=%s", article_id, rule_id, verdict,
                 who)
        return RedirectResponse(f"/articles/{article_id}?saved=1#verdicts", 303)

    def _since(self, request: Request, default: str = "30d") -> tuple[str, str]:
        text = request.query_params.get("since") or default
        try:
            since = parse_since(text)
        except ValueError as e:
            raise HTTPException(400, str(e)) from e
        from datetime import timedelta
        return since.text, iso(datetime.now(UTC) - timedelta(seconds=since.seconds))

    async def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "")
        since, since_iso = self._since(request)
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            page = 1
        view = await self.read(lambda st: pages.search(st, self.rules.lists(), q, since_iso,
                                                       since, page))
        return self.render(request, "search.html", v=view, per_page=pages.PER_PAGE)

    async def rules_index(self, request: Request) -> Response:
        now = datetime.now(UTC)

        def go(store: Store) -> Any:
            rs = self.rules.current(store)
            return pages.rules_page(store, list(rs.rules), now, self.rules.running(store))
        rows = await self.read(go)
        return self.render(request, "rules.html", rows=rows, editable=self.rules.editable,
                           files=rulefiles.files(self.settings.rules))

    async def rules_test(self, request: Request) -> Response:
        """GET ?q=…[&rule=ID]: a query, alone or in place of a rule; POST file+text: a draft
        of a rule file."""
        since, since_iso = self._since(request)
        q, rule_id, draft_text, draft_name = "", "", None, ""
        if request.method == "POST":
            form = await self.form(request)
            draft_name = str(form.get("file", ""))
            draft_text = str(form.get("text", ""))
        else:
            q = request.query_params.get("q", "")
            rule_id = request.query_params.get("rule", "")

        def go(store: Store) -> Any:
            rs = self.rules.current(store)
            if draft_text is not None:
                try:
                    draft = rulefiles.check(self.settings.rules, draft_name, draft_text)
                except rulefiles.BadName as e:
                    raise HTTPException(400, str(e)) from e
                return draft, pages.test_rules(store, draft.rules, since_iso,
                                               self.rules.running(store))
            if not q.strip():
                return None, None
            try:
                rule = pages.query_rule(q, self.rules.lists(),
                                        rs.get(rule_id) if rule_id else None)
            except ConfigError as e:
                return None, pages.TestView(error=e)
            return None, pages.test_rules(store, [rule], since_iso, self.rules.running(store))
        draft, view = await self.read(go)
        rule_ids = [r.id for r in (await self.read(lambda st: self.rules.current(st))).rules]
        return self.render(request, "rule_test.html", q=q, rule_id=rule_id, rule_ids=rule_ids,
                           since=since, v=view, draft=draft, draft_name=draft_name)

    async def rule_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        user: User = request.scope["user"]
        folder = self.settings.rules
        if not folder.is_dir():
            raise HTTPException(404, f"no rules folder at {folder} (WATCHDESK_RULES)")
        try:
            current = rulefiles.read(folder, name)
        except rulefiles.BadName as e:
            raise HTTPException(404, str(e)) from e
        since, since_iso = self._since(request)
        ctx: dict[str, Any] = {"name": name, "text": current or "", "base":
                               rulefiles.version(current), "draft": None, "view": None,
                               "conflict": None, "saved": False, "refused": False,
                               "current": current, "since": since}
        status = 200
        if request.method == "POST":
            form = await self.form(request)
            action = str(form.get("action", "check"))
            text = str(form.get("text", "")).replace("\r\n", "\n")
            base = str(form.get("base", ""))
            ctx.update(text=text, base=base)
            if action == "save":
                if not user.editor:
                    raise HTTPException(403, f"{user.name} may not save rules: only editors "
                                             "may (WATCHDESK_WEB_USERS role, or "
                                             "WATCHDESK_WEB_EDITORS)")
                status = await run_in_threadpool(self._save, name, text, base, user, ctx)
            else:
                ctx["draft"] = await run_in_threadpool(rulefiles.check, folder, name, text)
            if ctx["draft"] is not None and ctx["draft"].rules:
                rules = ctx["draft"].rules
                ctx["view"] = await self.read(lambda st: pages.test_rules(
                    st, rules, since_iso, self.rules.running(st)))
        elif current is None and not user.editor:
            raise HTTPException(404, "no such rule file")
        return await self._editor(request, status, ctx)

    async def _editor(self, request: Request, status: int, ctx: dict[str, Any]) -> Response:
        """The editor page: ``ctx`` plus the file's history and its rules' ids (for the
        "add the verdicts as examples" button)."""
        name = ctx["name"]
        rules = ctx["draft"].rules if ctx["draft"] is not None else \
            await run_in_threadpool(self.rules.rules_of, name)
        history = await self.read(lambda st: [dict(r) for r in st.rule_history(name)])
        return self.render(request, "rule_edit.html", status, history=history,
                           rule_ids=[r.id for r in rules], **ctx)

    def _save(self, name: str, text: str, base: str, user: User, ctx: dict[str, Any]) -> int:
        store = self.store(write=True)

        def record(previous: str, diff: str, saved_hash: str, write: Callable[[], None]) -> int:
            with store.transaction() as c:
                cur = c.execute("INSERT INTO rule_history(file, who, created_at, diff, previous,"
                                " saved_hash) VALUES (?,?,?,?,?,?)",
                                (name, user.name, iso(datetime.now(UTC)), diff, previous,
                                 saved_hash))
                write()
                return int(cur.lastrowid or 0)
        try:
            ctx["draft"] = rulefiles.save(self.settings.rules, name, text, base, record)
            log.info("rule file saved file=%s who=%s", name, user.name)
            ctx.update(saved=True, base=rulefiles.version(text if text.endswith("\n")
                                                          else text + "\n"),
                       current=text)
            return 200
        except rulefiles.Conflict as e:
            ctx.update(conflict=rulefiles.diff(e.current, text, name), current=e.current)
            log.info("rule file not saved (changed meanwhile) file=%s who=%s", name, user.name)
            return 409
        except rulefiles.Refused as e:
            ctx.update(draft=e.draft, refused=True)
            return 422
        except OSError as e:   # e.g. the rules folder is read-only to the service
            raise HTTPException(500, f"cannot write {self.settings.rules / name}: "
                                     f"{e.strerror}: nothing was saved (docs/ops.md, \"Where "
                                     "editable rules live\")") from e
        finally:
            store.close()

    async def restore(self, request: Request) -> Response:
        """Put back the text an earlier save replaced (itself a save: recorded, checked)."""
        name = request.path_params["name"]
        form = await self.form(request)
        user: User = request.scope["user"]
        if not user.editor:
            raise HTTPException(403, f"{user.name} may not save rules: only editors may")
        try:
            entry_id = int(str(form.get("entry", "")))
        except ValueError as e:
            raise HTTPException(400, "which version?") from e
        entry = await self.read(lambda st: st.rule_history_entry(entry_id))
        if entry is None or entry["file"] != name:
            raise HTTPException(404, "no such version")
        current = rulefiles.read(self.settings.rules, name)
        ctx: dict[str, Any] = {"name": name, "draft": None, "view": None, "conflict": None,
                               "saved": False, "refused": False, "since": "30d"}
        status = await run_in_threadpool(self._save, name, entry["previous"],
                                         rulefiles.version(current), user, ctx)
        ctx.setdefault("text", entry["previous"])
        ctx["text"] = entry["previous"]
        ctx.setdefault("current", current)
        ctx.setdefault("base", rulefiles.version(current))
        return await self._editor(request, status, ctx)

    async def examples(self, request: Request) -> Response:
        """The rule file with a rule's verdicts added as examples, as a draft (not saved)."""
        name = request.path_params["name"]
        form = await self.form(request)
        rule_id = str(form.get("rule", ""))
        text = str(form.get("text", "")).replace("\r\n", "\n")

        def go(store: Store) -> dict[str, Any]:
            rs = self.rules.current(store)
            rule = rs.get(rule_id)
            if rule is None:
                raise HTTPException(404, "no such rule")
            judged, targets = verdicts_mod.load(store, [rule_id])
            import yaml
            return dict(yaml.safe_load(verdicts_mod.examples_yaml(rule, judged, targets))
                        ["examples"])
        block = await self.read(go)
        try:
            text = rulefiles.add_examples(text, rule_id, block)
        except KeyError as e:
            raise HTTPException(400, f"rule {rule_id} is not in this file") from e
        draft = await run_in_threadpool(rulefiles.check, self.settings.rules, name, text)
        return await self._editor(request, 200, {
            "name": name, "text": text, "base": str(form.get("base", "")), "draft": draft,
            "view": None, "conflict": None, "saved": False, "refused": False,
            "current": rulefiles.read(self.settings.rules, name), "since": "30d"})

    async def feeds(self, request: Request) -> Response:
        now = datetime.now(UTC)
        rows, notes = await self.read(lambda st: pages.feeds(st, now))
        return self.render(request, "feeds.html", rows=rows, notes=notes)

    async def error(self, request: Request, exc: Exception) -> Response:
        if isinstance(exc, StoreError):    # locked, damaged, gone: say what, as the CLI does
            exc = HTTPException(503, str(exc))
        assert isinstance(exc, HTTPException)
        if "user" not in request.scope:
            return Response(exc.detail, exc.status_code)
        return self.render(request, "error.html", exc.status_code, message=exc.detail,
                           code=exc.status_code)


def create_app(settings: Settings, access: Access | None = None, *,
               listen_host: str = "") -> Starlette:
    """The ASGI application: the routes behind the gate (host, user, headers)."""
    access = access or Access.from_settings(settings)
    desk = Desk(settings, access, listen_host=listen_host)
    routes = [
        Route("/", desk.home),
        Route("/events/{story_id:int}", desk.event),
        Route("/articles/{article_id:int}", desk.article),
        Route("/articles/{article_id:int}/verdict", desk.verdict, methods=["POST"]),
        Route("/search", desk.search),
        Route("/rules", desk.rules_index),
        Route("/rules/test", desk.rules_test, methods=["GET", "POST"]),
        Route("/rules/{name}/restore", desk.restore, methods=["POST"]),
        Route("/rules/{name}/examples", desk.examples, methods=["POST"]),
        Route("/rules/{name}", desk.rule_file, methods=["GET", "POST"]),
        Route("/feeds", desk.feeds),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: desk.error,
                                                       StoreError: desk.error})
    app.add_middleware(Gate, access=access, hosts=desk.hosts)
    app.state.desk = desk
    return app


__all__ = ["Desk", "Rule", "create_app"]
