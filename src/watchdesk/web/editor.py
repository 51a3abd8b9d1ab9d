"""Editing rule files in the browser: the handlers of ``/rules/<file>`` (check, test,
save), ``/rules/<file>/restore`` and ``/rules/<file>/examples``, over ``rulefiles``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from .. import verdicts as verdicts_mod
from ..store import Store, iso
from . import pages, rulefiles
from .access import User
from .base import DeskBase, log


class EditorRoutes(DeskBase):
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
                               "conflict": None, "saved": False, "removed": False, "refused": False,
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

    def _save(self, name: str, text: str | None, base: str, user: User,
              ctx: dict[str, Any]) -> int:
        """Save ``text`` as the file ``name`` (None: remove it, restoring a new file's
        entry); the status of the page to show."""
        store = self.store(write=True)

        def record(previous: str | None, diff: str, saved_hash: str,
                   write: Callable[[], None]) -> int:
            return store.record_rule_save(name, user.name, iso(datetime.now(UTC)), diff,
                                          previous, saved_hash, write)
        try:
            ctx["draft"] = rulefiles.save(self.settings.rules, name, text, base, record)
            if text is None:
                log.info("rule file removed (restored as before its creation) file=%s who=%s",
                         name, user.name)
                ctx.update(removed=True, base=rulefiles.version(None), current=None, text="")
                return 200
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
        """Put back the text an earlier save replaced (itself a save: recorded, checked);
        for the save that created the file, that is no file: it is removed."""
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
        previous: str | None = entry["previous"]
        ctx: dict[str, Any] = {"name": name, "draft": None, "view": None, "conflict": None,
                               "saved": False, "removed": False, "refused": False,
                               "since": "30d"}
        status = await run_in_threadpool(self._save, name, previous,
                                         rulefiles.version(current), user, ctx)
        ctx["text"] = previous or ""
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
            "view": None, "conflict": None, "saved": False, "removed": False, "refused": False,
            "current": rulefiles.read(self.settings.rules, name), "since": "30d"})
