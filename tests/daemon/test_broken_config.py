"""A broken rule file at start (issue 21, item 2): `watchdesk run` (a real subprocess) starts
with the last good version of each broken file, kept in the database, says so in its log and
in `status`, and goes on; only a broken feeds.yaml never loaded stops it. `poll` does the
same. And what was applied is logged (item 11): one line per edited file, and SIGHUP's
result."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer

from .proc import Run, lines
from conftest import cli_env, paths, rss, watchdesk

KAOLACK = ("rules:\n  - id: kaolack\n    title: Kaolack\n    query: kaolack OR @arachide\n"
           "    priority: alert\n    recipients: [agri@example.org]\n"
           "lists:\n  arachide: arachide* OR groundnut*\n")


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute(sql).fetchone()[0])


@pytest.fixture
def runs() -> Iterator[list[Run]]:
    started: list[Run] = []
    yield started
    for r in started:
        r.close()


def start(runs: list[Run], settings: Settings, tmp: Path, **env: str) -> Run:
    r = Run(paths(settings), tmp / f"run-{len(runs)}.log", WATCHDESK_TICK="0.5", **env)
    runs.append(r)
    return r


def stop(r: Run) -> list[str]:
    r.signal(signal.SIGTERM)
    assert r.wait() == 0, r.logs()
    return lines(r.logs())


def kaolack_news(site: FixtureServer) -> None:
    site.set("/afrique/rss.xml", rss([
        {"title": "Kaolack : la récolte d'arachide s'annonce bonne",
         "link": "{{BASE}}/afrique/kaolack", "guid": "rfi-3",
         "summary": "Les producteurs de Kaolack sont confiants."}]))


def test_restart_with_broken_rule_files_runs_their_last_good_version(
        runs: list[Run], settings: Settings, tmp_path: Path, site: FixtureServer) -> None:
    kaolack = settings.rules / "kaolack.yaml"
    kaolack.write_text(KAOLACK, encoding="utf-8")
    first = start(runs, settings, tmp_path)
    first.wait_log("watchdesk running")
    first.wait_for(lambda _: count(settings.db, "SELECT count(*) FROM rule_files") == 2)
    stop(first)

    # an analyst breaks kaolack.yaml and adds a draft that never loaded; then a reboot
    kaolack.write_text(KAOLACK.replace("query: kaolack", "query: (kaolack"), encoding="utf-8")
    draft = settings.rules / "brouillon.yaml"
    draft.write_text("rules:\n  - id: brouillon\n    query: mali AND\n", encoding="utf-8")
    kaolack_news(site)
    with sqlite3.connect(settings.db) as c:
        c.execute("UPDATE feeds SET next_poll_at = NULL")
    second = start(runs, settings, tmp_path)
    second.wait_log("watchdesk running")
    log = second.logs()
    assert (f"rule file {kaolack} is broken: running its last good version, applied "
            in log) and "(1 rules, from the database)" in log, log
    assert f"rule file {draft} is broken and no good version of it was ever loaded" in log
    assert f"{kaolack}:4:" in log      # and its error, with file and line
    # the stored version runs, with its list: the new article matches it
    second.wait_for(lambda _: count(
        settings.db, "SELECT count(*) FROM matches m JOIN articles a ON a.id = m.article_id "
        "WHERE m.rule_id = 'kaolack' AND a.guid = 'rfi-3' AND m.backfill = 0") == 1,
        what="a match of the stored kaolack rule")
    # status says it, about the running daemon
    st = watchdesk("status", *paths(settings))
    assert st.returncode == 1, st.stdout
    assert f"rules:        {kaolack} is broken: its last good version, applied " in st.stdout
    assert f"no good version of {draft} was ever loaded" in st.stdout
    assert f"daemon:       running, PID {second.pid}" in st.stdout
    out = stop(second)
    assert out[-1].endswith("stopped")


def test_broken_feeds_yaml_stops_only_without_a_good_version(
        runs: list[Run], settings: Settings, tmp_path: Path) -> None:
    good = settings.feeds.read_text(encoding="utf-8")
    settings.feeds.write_text("feeds:\n  - nom: x\n", encoding="utf-8")
    refused = watchdesk("run", *paths(settings), env=cli_env(WATCHDESK_TICK="0.5"))
    assert refused.returncode == 1
    errors = [x for x in refused.stderr.splitlines() if x.startswith("Error: ")]
    assert len(errors) == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert "no earlier good version of it" in errors[0]
    assert f"{settings.feeds}:2:" in errors[0]

    settings.feeds.write_text(good, encoding="utf-8")
    assert watchdesk("poll", *paths(settings)).returncode == 0
    settings.feeds.write_text("feeds:\n  - nom: x\n", encoding="utf-8")
    r = start(runs, settings, tmp_path)
    r.wait_log("watchdesk running")
    assert "feeds.yaml not loaded, running the 1 feeds of its last good version" in r.logs()
    stop(r)


def test_poll_runs_the_last_good_version_too(settings: Settings, site: FixtureServer) -> None:
    kaolack = settings.rules / "kaolack.yaml"
    kaolack.write_text(KAOLACK, encoding="utf-8")
    assert watchdesk("poll", *paths(settings)).returncode == 0
    kaolack.write_text("rules: [\n", encoding="utf-8")
    kaolack_news(site)
    r = watchdesk("poll", *paths(settings))
    assert r.returncode == 0, r.stderr
    assert f"rule file {kaolack} is broken: running its last good version" in r.stderr
    assert count(settings.db, "SELECT count(*) FROM matches m JOIN articles a ON "
                 "a.id = m.article_id WHERE m.rule_id = 'kaolack' AND a.guid = 'rfi-3'") == 1


def test_applied_rule_changes_and_sighup_are_logged(
        runs: list[Run], settings: Settings, tmp_path: Path) -> None:
    libye = settings.rules / "libye.yaml"
    r = start(runs, settings, tmp_path)
    r.wait_log("watchdesk running")
    text = libye.read_text(encoding="utf-8")
    # change `haftar`, remove `russie-libye`, add `tripoli`
    edited = text.replace("query: haftar OR hafter", "query: haftar OR hafter OR heftar")
    start_of = edited.index("  - id: russie-libye")
    end_of = edited.index("  - id: haftar")
    edited = (edited[:start_of] + edited[end_of:] +
              "  - id: tripoli\n    title: Tripoli\n    query: tripoli\n")
    libye.write_text(edited, encoding="utf-8")
    r.wait_log(f"rule file applied: {libye}: 1 added (tripoli); 1 changed (haftar); "
               "1 removed (russie-libye)", timeout=30)
    r.signal(signal.SIGHUP)
    r.wait_log("reload done: 1 feeds, 2 rules", timeout=30)
    (settings.rules / "z.yaml").write_text("rules:\n  - id: z\n    query: (z\n")
    r.signal(signal.SIGHUP)
    r.wait_log(f"reload done: 1 feeds, 2 rules, 1 rule file(s) not applied, their last good "
               f"version keeps running: {settings.rules / 'z.yaml'}", timeout=30)
    out = stop(r)
    assert sum("rule file applied" in x for x in out) == 1, out
