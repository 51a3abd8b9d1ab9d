"""`watchdesk demo`, as a new user runs it: the real pipeline on the bundled site."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

from watchdesk.demo import data_dir

from conftest import watchdesk


def test_demo_stores_full_articles_and_each_matches_its_default_rules(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    r = watchdesk("demo", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "watchdesk demo: done" in r.stdout and "feeds polled     5 (0 failed)" in r.stdout
    assert "articles stored  15 (15 with the full text" in r.stdout
    assert f"database         {db}" in r.stdout

    manifest = json.loads((data_dir() / "manifest.json").read_text(encoding="utf-8"))
    with sqlite3.connect(db) as c:
        c.row_factory = sqlite3.Row
        rows = {row["guid"]: row for row in c.execute(
            "SELECT a.guid, a.body, a.extraction, group_concat(m.rule_id) AS rules"
            " FROM articles a LEFT JOIN matches m ON m.article_id = a.id GROUP BY a.id")}
    assert len(rows) == 15
    for item in manifest["items"]:
        row = rows[item["guid"]]
        assert row["extraction"] == "page", item["id"]
        for s in item["body_must_contain"]:
            assert s in row["body"], (item["id"], s)
        for s in item["body_must_not_contain"]:
            assert s not in row["body"], (item["id"], s)
        matched = set(row["rules"].split(",")) if row["rules"] else set()
        assert matched == set(item["rules"]), (item["id"], row["rules"])

    rfi = rows["tag:demo.watchdesk,2023-08-22:rfi-20230822-libye-delegation-russe"]
    assert "Evkourov" in rfi["body"] and "d'Ingouchie" in rfi["body"]
    assert "russie-libye" in rfi["rules"].split(",")

    # the report lists the default rules with their number of matches and titles
    counts = Counter(rule for item in manifest["items"] for rule in item["rules"])
    assert set(counts) == {"libye", "haftar", "wagner", "russie-libye"}
    for rule, title in [("libye", "Libye"), ("haftar", "Haftar et l'Armée nationale libyenne"),
                        ("wagner", "Wagner et Africa Corps"), ("russie-libye", "Russie en Libye")]:
        assert re.search(rf"^    {rule} +{counts[rule]}  {re.escape(title)}$", r.stdout, re.M), rule
    assert "[russie-libye] Libye : une délégation militaire russe à Benghazi" in r.stdout


def test_demo_without_db_leaves_nothing_behind(tmp_path: Path) -> None:
    from conftest import cli_env

    r = watchdesk("demo", "-q", env=cli_env(TMPDIR=str(tmp_path)))
    assert r.returncode == 0, r.stderr
    assert "temporary database removed" in r.stdout
    assert list(tmp_path.iterdir()) == []


def test_demo_takes_no_feeds_file(tmp_path: Path) -> None:
    """The demo polls its bundled feeds: --feeds (after or before the command) and the old
    --keep (which did nothing) are refused instead of being accepted and ignored."""
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n")
    after = watchdesk("demo", "--feeds", str(feeds), "--db", str(tmp_path / "d.db"))
    assert after.returncode == 2 and "No such option '--feeds'" in after.stderr
    before = watchdesk("--feeds", str(feeds), "demo", "--db", str(tmp_path / "d.db"))
    assert before.returncode == 2 and "`watchdesk demo` takes no --feeds" in before.stderr
    keep = watchdesk("demo", "--keep")
    assert keep.returncode == 2 and "No such option '--keep'" in keep.stderr
    assert not (tmp_path / "d.db").exists()


def test_demo_db_before_the_command_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    r = watchdesk("--db", str(db), "demo", "-q")
    assert r.returncode == 0, r.stderr
    assert f"database         {db}" in r.stdout and db.is_file()
