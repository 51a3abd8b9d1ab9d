"""Through the real pipeline: a feed on 127.0.0.1 links to the golden pages and to a page that
carries every read-also form; ``watchdesk poll``'s library path (fetch, worker processes,
store) must write the article alone into ``articles.body``."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_boilerplate import BODY, CUES, FORMS, LINK, page
from test_extract_golden import OUTLETS, PAGES, SITE_ONLY

from watchdesk.app import Watchdesk
from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer
from watchdesk.store import Store

from conftest import rss, write_feeds


def every_form() -> bytes:
    """One article with every read-also form of the tests, each between two paragraphs."""
    forms = [f'<p><strong>{cue} :</strong> <a href="/x">{LINK}</a></p>' for cue in CUES]
    return page("".join([*forms, *FORMS.values()]))


def test_no_read_also_menu_aside_or_footer_reaches_articles_body(tmp_path: Path,
                                                                 rules_dir: Path) -> None:
    with FixtureServer() as srv:
        items = [{"title": f"Article {o}", "link": f"{{{{BASE}}}}/a/{o}", "guid": o}
                 for o in [*OUTLETS, "toutes-les-formes"]]
        srv.set("/rss.xml", rss(items))
        for o in OUTLETS:
            srv.set(f"/a/{o}", (PAGES / f"{o}.html").read_bytes(),
                    content_type="text/html; charset=utf-8")
        srv.set("/a/toutes-les-formes", every_form(), content_type="text/html; charset=utf-8")
        feeds = write_feeds(tmp_path / "feeds.yaml", [("presse", srv.url("/rss.xml"))])
        settings = Settings(feeds=feeds, rules=rules_dir, db=tmp_path / "w.db", workers=2,
                            timeout=10.0)

        async def go() -> None:
            async with Watchdesk(settings) as wd:
                report = await wd.poll()
                assert report.new == len(items) and not report.failed

        asyncio.run(go())

    rows = {r["guid"]: r for r in Store(settings.db).query(
        "SELECT guid, body, extraction, lang FROM articles")}
    for o in OUTLETS:
        assert rows[o]["extraction"] == "page"
        expected = (PAGES / f"{o}.expected.txt").read_text(encoding="utf-8").strip()
        assert rows[o]["body"] == expected, o
        html = (PAGES / f"{o}.html").read_text(encoding="utf-8")
        assert not [w for w in SITE_ONLY if w in html and w in rows[o]["body"]], o
    assert rows["toutes-les-formes"]["body"] == "\n".join(BODY)
    assert rows["aljazeera-ar"]["lang"] == "ar"
    # the rules see the body: none of the read-also links made an article match
    assert Store(settings.db).query("SELECT count(*) FROM matches")[0][0] == 0
