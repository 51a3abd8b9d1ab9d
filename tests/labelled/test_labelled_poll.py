"""The labelled set through the real pipeline: `watchdesk poll`, as a subprocess, polls the
outlets' feeds on a FixtureServer (127.0.0.1), fetches every article page with its menus,
read-also links, most-read box and footer, extracts it in worker processes and matches it
against the default rules (``rules/``); the ``matches`` table is then read back.

Each article must end with exactly the rules of its ``expect``. A negative that fails here
but passes test_labelled_rules.py was flagged by page chrome that reached ``articles.body``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from watchdesk.demo.server import FixtureServer

from .corpus import Article, articles, feeds_yaml, outlets, serve
from conftest import watchdesk

REPO = Path(__file__).resolve().parents[2]

def poll(tmp: Path, *, read_also: bool) -> dict[str, dict[str, str]]:
    """Serve the set, run `watchdesk poll` on it with the default rules, read back each
    article's body and matched rules (by guid)."""
    with FixtureServer() as srv:
        serve(srv, read_also=read_also)
        feeds = tmp / "feeds.yaml"
        feeds.write_text(feeds_yaml(srv), encoding="utf-8")
        db = tmp / "labelled.db"
        r = watchdesk("poll", "--feeds", str(feeds), "--rules", str(REPO / "rules"),
                      "--db", str(db), timeout=600)
        assert r.returncode == 0, r.stderr
        assert f"polled {len(outlets())} feeds" in r.stdout and " 0 failed" in r.stdout, r.stdout
    with sqlite3.connect(db) as c:
        c.row_factory = sqlite3.Row
        return {row["guid"]: dict(row) for row in c.execute(
            "SELECT a.guid, a.body, a.extraction, group_concat(m.rule_id) AS rules"
            " FROM articles a LEFT JOIN matches m ON m.article_id = a.id GROUP BY a.id")}


@pytest.fixture(scope="module")
def polled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """The pages as published: chrome and inline read-also links."""
    return poll(tmp_path_factory.mktemp("labelled"), read_also=True)


@pytest.fixture(scope="module")
def polled_clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """The same pages without their inline read-also links (menus, most-read box and
    footer kept): the rules through the whole pipeline, whatever extraction still leaks."""
    return poll(tmp_path_factory.mktemp("labelled-clean"), read_also=False)


def matched(row: dict[str, str]) -> set[str]:
    return set(row["rules"].split(",")) if row["rules"] else set()


def test_every_article_was_stored_from_its_page(polled: dict[str, dict[str, str]]) -> None:
    assert set(polled) == {a.guid for a in articles()}
    assert {row["extraction"] for row in polled.values()} == {"page"}


@pytest.mark.parametrize("a", articles(), ids=lambda a: a.id)
def test_default_rules_through_watchdesk_poll(a: Article,
                                              polled: dict[str, dict[str, str]]) -> None:
    row = polled[a.guid]
    chrome = [t for t in (a.read_also or a.outlet.read_also) + a.outlet.most_read
              if t in row["body"]]
    assert matched(row) == a.expect, (
        f"{a.id}: expected {sorted(a.expect)}, got {sorted(matched(row))}; "
        f"page chrome in articles.body: {chrome or 'none'}")


def test_default_rules_through_watchdesk_poll_without_read_also_links(
        polled_clean: dict[str, dict[str, str]]) -> None:
    wrong = {a.id: (sorted(a.expect), sorted(matched(polled_clean[a.guid])))
             for a in articles() if matched(polled_clean[a.guid]) != a.expect}
    assert wrong == {}, "expected, got: " + repr(wrong)
