"""`watchdesk demo`: the real pipeline, offline, on the bundled feeds.

A FixtureServer on 127.0.0.1 serves the feeds and article pages in ``demo/data``; the feeds
file is written with the server's address; the pipeline polls everything once into a fresh
database, exactly as `watchdesk poll` would.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .. import eventloop
from ..app import Watchdesk
from ..config.settings import Settings
from ..store import Store
from . import FixtureServer, data_dir, render_feeds_yaml


def default_rules_dir() -> Path:
    return Path(str(resources.files("watchdesk").joinpath("defaults", "rules")))


@dataclass
class DemoReport:
    db: Path
    kept: bool
    feeds: int = 0
    failed: list[str] = field(default_factory=list)
    articles: int = 0
    from_page: int = 0
    seconds: float = 0.0
    per_rule: list[tuple[str, str, int]] = field(default_factory=list)
    examples: list[tuple[str, str, str]] = field(default_factory=list)

    def text(self) -> str:
        lines = [
            "watchdesk demo: done",
            f"  feeds polled     {self.feeds} ({len(self.failed)} failed)",
            f"  articles stored  {self.articles} ({self.from_page} with the full text "
            "extracted from the article page)",
            f"  time             {self.seconds:.1f}s "
            f"({self.articles / self.seconds if self.seconds else 0:.1f} articles/s)",
            "  matches per rule:",
        ]
        lines += [f"    {rid:<28} {n:>3}  {title}" for rid, title, n in self.per_rule]
        if self.examples:
            lines.append("  for example:")
            lines += [f"    [{rid}] {title}\n      {snippet}" for rid, title, snippet in
                      self.examples]
        lines += [f"  failed: {f}" for f in self.failed]
        if self.kept:
            lines += [f"  database         {self.db}",
                      f"  look inside:     watchdesk alerts --db {self.db} --matched-since 30d",
                      f"                   watchdesk show --db {self.db} ID   (an article whole: "
                      "ID is the #ID alerts prints)"]
        else:
            lines.append("  (temporary database removed; pass --db demo.db to keep it)")
        return "\n".join(lines)


def run_demo(settings: Settings, *, db: Path | None = None, rules: Path | None = None
             ) -> DemoReport:
    with tempfile.TemporaryDirectory(prefix="watchdesk-demo-") as tmp:
        db_path = db or Path(tmp) / "demo.db"
        with FixtureServer(data_dir()) as server:
            feeds_file = Path(tmp) / "feeds.yaml"
            feeds_file.write_text(render_feeds_yaml(server.base_url), encoding="utf-8")
            s = settings.with_overrides(feeds=feeds_file, db=db_path,
                                        rules=rules or default_rules_dir())
            t0 = time.monotonic()

            titles: dict[str, str] = {}

            async def go() -> list[str]:
                async with Watchdesk(s) as wd:
                    titles.update({r.id: r.title for r in wd.ruleset().rules})
                    report = await wd.poll()
                    return [f"{r.feed_name}: {r.error}" for r in report.failed]

            failed = eventloop.run(go())
            seconds = time.monotonic() - t0
        return _report(db_path, db is not None, failed, seconds, titles)


def _report(db_path: Path, kept: bool, failed: list[str], seconds: float,
            titles: dict[str, str]) -> DemoReport:
    store = Store(db_path)
    try:
        rep = DemoReport(db=db_path, kept=kept, failed=failed, seconds=seconds)
        rep.feeds = store.counts()["feeds"]
        rep.articles = store.counts()["articles"]
        rep.from_page = store.query(
            "SELECT count(*) FROM articles WHERE extraction='page'")[0][0]
        rep.per_rule = [(r[0], titles.get(r[0], ""), r[1]) for r in store.query(
            "SELECT rule_id, count(*) FROM matches GROUP BY rule_id ORDER BY 2 DESC")]
        rep.examples = [(r["rule_id"], r["title"], r["snippet"][:160].replace("\n", " "))
                        for r in store.query(
            "SELECT m.rule_id, a.title, m.snippet FROM matches m JOIN articles a"
            " ON a.id = m.article_id ORDER BY m.priority = 'alert' DESC, m.id LIMIT 3")]
        return rep
    finally:
        store.close()
