"""Every command and the daemon run on uvloop's event loop when it is installed, on
asyncio's own when it is not, with the same result."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from watchdesk import eventloop
from watchdesk.app import Watchdesk
from watchdesk.config.settings import Settings
from watchdesk.store import Store

from conftest import paths, watchdesk


async def _loop_module() -> str:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop()).__module__


def test_run_uses_uvloop_when_it_is_installed() -> None:
    pytest.importorskip("uvloop")
    assert eventloop.run(_loop_module()).startswith("uvloop")


def test_run_falls_back_to_asyncio_without_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)   # `import uvloop` now raises ImportError
    assert eventloop.loop_factory() is None
    assert eventloop.run(_loop_module()).startswith("asyncio")


def test_uvloop_is_installed_where_watchdesk_declares_it() -> None:
    # pyproject.toml makes uvloop a dependency on every platform but Windows: a missing one
    # means the environment was not installed from it (and polls cost ~10% more CPU)
    if sys.platform == "win32":
        pytest.skip("uvloop is not a dependency on Windows")
    assert eventloop.loop_factory() is not None


def test_a_poll_on_uvloop_stores_and_matches_what_one_on_asyncio_does(
        settings: Settings, tmp_path: Path) -> None:
    pytest.importorskip("uvloop")
    r = watchdesk("poll", *paths(settings))                     # the command: uvloop
    assert r.returncode == 0, r.stderr
    other = settings.with_overrides(db=tmp_path / "asyncio.db")

    async def poll() -> None:
        async with Watchdesk(other) as wd:
            await wd.poll()

    asyncio.run(poll())                                         # asyncio's own loop

    def stored(db: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        store = Store(db, mode="read")
        try:
            articles = [(r["url"], r["body"]) for r in store.query(
                "SELECT url, body FROM articles ORDER BY url")]
            matches = [(r["url"], r["rule_id"]) for r in store.query(
                "SELECT a.url, m.rule_id FROM matches m JOIN articles a ON a.id = m.article_id"
                " ORDER BY 1, 2")]
        finally:
            store.close()
        return articles, matches

    on_uvloop, on_asyncio = stored(settings.db), stored(other.db)
    assert len(on_uvloop[0]) == 2 and len(on_uvloop[1]) == 2
    assert on_uvloop == on_asyncio
