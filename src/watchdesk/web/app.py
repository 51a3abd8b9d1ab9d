"""The desk's web pages: routes (Starlette), each a thin handler over ``pages`` (what to
show) and the store; rule editing is in ``editor``, over ``rulefiles``.

Every handler opens the database read-only for the request (``Store(mode="read")``), in a
worker thread (SQLite and the rule engine are blocking); the two writes, a verdict and a
rule save, open it for writing just for that. Pages render on the server (Jinja2,
autoescaped) and need no script.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..config.settings import Settings
from ..errors import ConfigError, StoreError
from ..store import VERDICTS, Store, iso
from . import pages, rulefiles
from .access import Access, User
from .base import HERE, log
from .editor import EditorRoutes
from .guard import Gate


class Desk(EditorRoutes):
    """The pages' handlers (reading pages here, rule editing in ``editor``)."""

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
        if found is None:   # (regrouped into another story since a link named it?)
            now_in = await self.read(lambda store: store.story_now(story_id))
            if now_in is not None and now_in != story_id:
                return RedirectResponse(f"/events/{now_in}", 307)
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

    async def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "")
        since, since_iso = self._since(request)
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            page = 1
        try:
            per = min(100, max(5, int(request.query_params.get("per", pages.PER_PAGE))))
        except ValueError:
            per = pages.PER_PAGE
        view = await self.read(lambda st: pages.search(st, self.rules.lists(), q, since_iso,
                                                       since, page, per))
        return self.render(request, "search.html", v=view)

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

    async def atom(self, request: Request) -> Response:
        """``/rules/<id>.atom`` and ``/urgent.atom``: the Atom feeds ``watchdesk feeds-out``
        writes (``notify.atom``), so an analyst can follow a rule in their own reader."""
        from ..notify.atom import rule_feed, urgent_feed

        rule_id = request.path_params.get("rule_id")
        now = datetime.now(UTC)

        def go(store: Store) -> bytes | None:
            if rule_id is None:
                return urgent_feed(store.urgent_feed_rows(), now=now,
                                   web_url=self.settings.web_url)
            titles = self.titles(self.rules.current(store))
            if rule_id not in titles and rule_id not in store.feed_rule_ids():
                return None
            return rule_feed(rule_id, titles.get(rule_id, rule_id),
                             store.rule_feed_rows(rule_id), now=now,
                             web_url=self.settings.web_url)
        body = await self.read(go)
        if body is None:
            raise HTTPException(404, "no such rule")
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    async def feeds(self, request: Request) -> Response:
        now = datetime.now(UTC)
        rows, notes = await self.read(lambda st: pages.feeds(st, now))
        return self.render(request, "feeds.html", rows=rows, notes=notes)

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
        Route("/urgent.atom", desk.atom),
        Route("/rules/{rule_id}.atom", desk.atom),   # before /rules/{name}, which would take it
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


__all__ = ["Desk", "create_app"]
