"""The pages in a real browser: Debian's chromium, headless, driven by Playwright (never a
browser of Playwright's own), against `watchdesk run` serving them beside the daemon.

The desk's day: open /, click an event, search, mark a verdict, test a draft rule, save it
and see the daemon apply it (its backfill matches appear on /rules). Screenshots at 1280
and 390 px wide are written under the test's folder (looked at when the pages change:
tests/web/README.md)."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import Web

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
    reason=f"{CHROMIUM} not installed (Debian package `chromium`; .ci/run installs it)")


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def shoot(page: Any, folder: Path, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"))


def test_the_desks_day_in_a_browser(daemon_web: Callable[..., Web], browser: Any,
                                    tmp_path: Path, desk: tuple[Path, Path]) -> None:
    w = daemon_web()
    shots = tmp_path / "screenshots"
    shots.mkdir()
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(w.url) else None)

    # 1. the last 24 hours, by rule
    page.goto(w.url + "/")
    assert page.title().startswith("Les dernières 24 heures")
    shoot(page, shots, "home")
    page.set_viewport_size({"width": 390, "height": 900})
    assert no_horizontal_scroll(page), "the home page scrolls sideways on a phone"
    page.set_viewport_size({"width": 1280, "height": 900})

    # 2. click an event: every report of it
    first = page.locator(".item .title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/events/\d+$"))
    assert page.locator("h1").inner_text() == title
    assert page.locator("article.report").count() >= 1
    shoot(page, shots, "event")

    # 3. search, with the matched terms highlighted
    page.click("nav >> text=Recherche")
    page.fill("#q", "haftar OR wagner")
    page.click("form.search button")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("ol.hits > li").count() >= 5
    assert page.locator("ol.hits mark").count() >= 5
    shoot(page, shots, "search")

    # 4. a verdict on one of the results
    page.locator("ol.hits .title a").first.click()
    page.wait_for_url(re.compile(r"/articles/\d+$"))
    shoot(page, shots, "article")
    page.locator("form.verdict").first.locator("button[value=off_topic]").click()
    page.wait_for_url(re.compile(r"/articles/\d+\?saved=1"))
    assert "Avis enregistré" in page.inner_text("main")
    chosen = page.locator("form.verdict").first.locator("button.chosen")
    assert chosen.inner_text() == "hors sujet"

    # 5. test a draft rule against the running one and the verdicts
    page.goto(w.url + "/rules/test")
    page.fill("#q", "tannhäuser OR bayreuth")
    page.select_option("select[name=rule]", "wagner")
    page.click("form.search button")
    text = page.inner_text("main")
    assert re.search(r"wagner par rapport à la version en service : \+\d+ gagnés", text)
    assert "jugés hors sujet" in text or "jugés pertinents" in text or "aucun avis" in text
    shoot(page, shots, "rule-test")

    # 6. save a new rule in the rules file, then the daemon applies it
    page.goto(w.url + "/rules/libye.yaml")
    editor = page.locator("textarea[name=text]")
    draft = editor.input_value().replace(
        "\nrules:\n",
        "\nrules:\n  - id: opera\n    title: Opéra\n    query: tannhäuser OR bayreuth\n", 1)
    assert "id: opera" in draft
    editor.fill(draft)
    page.click("button[value=check]")
    assert "se charge sans erreur" in page.inner_text("main")
    shoot(page, shots, "rule-edit")
    page.click("button[value=save]")
    assert "Enregistré" in page.inner_text("main")
    assert "id: opera" in (desk[1] / "libye.yaml").read_text()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page.goto(w.url + "/rules")
        row = page.locator("#rule-opera")
        if row.count() and "appliquée par le démon" in row.inner_text() \
                and row.locator("td.num").inner_text() != "0":
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"the daemon did not apply the saved rule:\n{w.logs()[-3000:]}")
    shoot(page, shots, "rules")
    page.goto(w.url + "/feeds")
    shoot(page, shots, "feeds")

    assert errors == []                     # no CSP violation, no script error
    assert outside == []                    # nothing loaded from another host
    ctx.close()
    assert w.stop() == 0
