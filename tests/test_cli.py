"""The command line, run as a real subprocess against the loopback site."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from watchdesk.cli import cli
from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer, status

from conftest import cli_env, paths, watchdesk, write_feeds


def test_poll_twice_second_run_stores_nothing_and_gets_304(settings: Settings,
                                                            site: FixtureServer) -> None:
    first = watchdesk("poll", *paths(settings))
    assert first.returncode == 0, first.stderr
    assert "2 new articles" in first.stdout and "2 matches" in first.stdout
    site.clear_log()
    second = watchdesk("poll", *paths(settings))
    assert second.returncode == 0, second.stderr
    assert "0 new articles" in second.stdout and "1 not modified" in second.stdout
    assert [r.status for r in site.requests] == [304]
    # one canonical log line per feed on stderr
    assert "feed=afrique status=not-modified http=304" in second.stderr


def test_environment_variables_name_the_files(settings: Settings) -> None:
    from conftest import cli_env

    env = cli_env(WATCHDESK_FEEDS=str(settings.feeds), WATCHDESK_RULES=str(settings.rules),
                  WATCHDESK_DB=str(settings.db))
    r = watchdesk("poll", env=env)
    assert r.returncode == 0, r.stderr
    assert settings.db.exists()


def test_poll_one_feed_by_name(settings: Settings, site: FixtureServer) -> None:
    site.set("/other.xml", "<rss version='2.0'><channel><title>x</title></channel></rss>")
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/rss.xml")),
                                 ("other", site.url("/other.xml"))])
    r = watchdesk("poll", "--feed", "other", *paths(settings))
    assert r.returncode == 0 and "polled 1 feeds" in r.stdout
    assert site.hits("/afrique/rss.xml") == 0
    bad = watchdesk("poll", "--feed", "nope", *paths(settings))
    assert bad.returncode == 2 and "no feed named nope" in bad.stderr


def test_check_reports_file_and_line_and_fails(tmp_path: Path, rules_dir: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - name: ok\n    url: https://a.example/rss\n"
                     "  - name: bad\n    url: https://b.example/rss\n    interval: often\n")
    r = watchdesk("check", "--feeds", str(feeds), "--rules", str(rules_dir))
    assert r.returncode == 1
    assert f"{feeds}:6:15: feeds[bad].interval" in r.stdout
    feeds.write_text("feeds:\n  - name: ok\n    url: https://a.example/rss\n")
    ok = watchdesk("check", "--feeds", str(feeds), "--rules", str(rules_dir))
    assert ok.returncode == 0 and "ok: 1 feeds" in ok.stdout and "2 rules" in ok.stdout


def test_poll_refuses_to_start_on_config_errors(tmp_path: Path, rules_dir: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - nom: x\n")
    r = watchdesk("poll", "--feeds", str(feeds), "--rules", str(rules_dir),
                  "--db", str(tmp_path / "x.db"))
    assert r.returncode == 1 and f"{feeds}:2:" in r.stderr


def test_feeds_table_shows_failures(settings: Settings, site: FixtureServer) -> None:
    site.route("/broken.xml", status(503, headers={"Retry-After": "3600"}))
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/rss.xml")),
                                 ("broken", site.url("/broken.xml"))])
    watchdesk("poll", *paths(settings))
    r = watchdesk("feeds", *paths(settings))
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["FEED", "LAST", "POLL", "STATUS", "ARTICLES", "ERRORS",
                                "WALLS", "CUT", "NEXT", "POLL", "WHY"]
    afrique = next(line for line in lines if line.startswith("afrique"))
    assert "ok 200" in afrique and " 2 " in afrique
    assert any(line.startswith("broken") and "failing x1" in line for line in lines)
    assert "broken: HTTPStatusError: HTTP 503" in r.stdout
    (settings.rules / "broken.yaml").write_text("rules:\n  - id: x\n    title: X\n"
                                                 "    query: haftar AND\n")
    r = watchdesk("feeds", *paths(settings))
    assert "1 configuration error(s)" in r.stdout and "broken.yaml:4" in r.stdout
    data = json.loads(watchdesk("feeds", "--json", *paths(settings)).stdout)
    broken = next(f for f in data if f["name"] == "broken")
    assert broken["last_status"] == 503
    # Retry-After of an hour was honoured for the next poll
    assert broken["next_poll_at"] >= broken["last_polled_at"][:11]


def test_alerts_lists_recent_matches(settings: Settings) -> None:
    watchdesk("poll", *paths(settings))
    r = watchdesk("alerts", "--matched-since", "1h", "--json", *paths(settings))
    data = json.loads(r.stdout)
    assert {d["rule_id"] for d in data} == {"russie-libye", "haftar"}
    first = next(d for d in data if d["rule_id"] == "russie-libye")
    assert first["priority"] == "alert" and first["extraction"] == "page"
    text = watchdesk("alerts", "--matched-since", "1h", *paths(settings)).stdout
    assert "! Libye : une délégation militaire russe à Benghazi  (afrique, published " in text
    assert "    [russie-libye] urgent terms: " in text
    bad = watchdesk("alerts", "--since", "yesterday", *paths(settings))
    assert bad.returncode == 2 and "not a duration" in bad.stderr


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # (the root group imports its modules on demand)
        cmd = group.get_command(ctx, name)
        assert cmd is not None
        out.append((prefix + name, cmd))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, prefix + name + " ")
    return out


def test_each_command_runs_with_the_modules_its_table_names() -> None:
    """`cli.lazy` (command -> modules imported to run it) names every command and, for each,
    the modules that define it and all its sub-commands."""
    assert cli.lazy is not None
    every = dict(_commands(cli))
    assert {n for n in every if " " not in n} == set(cli.lazy)
    for name, command in every.items():
        assert command.callback is not None
        module = command.callback.__module__.removeprefix("watchdesk.cli.")
        assert module in cli.lazy[name.split(" ")[0]], (name, module)


def test_a_command_imports_only_its_own_modules() -> None:
    code = ("import sys; from watchdesk.cli import cli; import click; "
            "cli.main(['status', '--help'], standalone_mode=False); "
            "print(sorted(m for m in sys.modules if m.startswith('watchdesk.cli.')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=cli_env(), timeout=120, check=True)
    assert r.stdout.strip().splitlines()[-1] == "['watchdesk.cli._common', 'watchdesk.cli.ops']"


@pytest.mark.parametrize(("name", "command"), _commands(cli))
def test_every_command_is_documented(name: str, command: click.Command) -> None:
    assert command.help and len(command.help) > 30, f"`watchdesk {name}` needs a help text"
    for p in command.params:
        if isinstance(p, click.Option) and p.name not in ("help",):
            assert p.help, f"`watchdesk {name} {p.opts[0]}` needs a help text"
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"watchdesk {name}" in readme, f"README does not mention `watchdesk {name}`"


def test_json_logs_carry_the_per_feed_fields_as_keys(settings: Settings,
                                                     site: FixtureServer) -> None:
    site.route("/broken.xml", status(503))
    write_feeds(settings.feeds, [("afrique", site.url("/afrique/rss.xml")),
                                 ("broken", site.url("/broken.xml"))])
    r = watchdesk("poll", "--log-format", "json", *paths(settings))
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in r.stderr.splitlines() if line.startswith("{")]
    assert len(records) == len(r.stderr.splitlines())         # every line is one object
    per_feed = {x["feed"]: x for x in records if "feed" in x and x["logger"] == "watchdesk.poll"}
    ok, bad = per_feed["afrique"], per_feed["broken"]
    assert ok["status"] == "ok" and ok["http"] == 200 and ok["new"] == 2
    assert ok["updated"] == 0 and ok["matched"] == 2 and ok["level"] == "info"
    assert isinstance(ok["bytes"], int) and ok["bytes"] > 0 and isinstance(ok["ms"], int)
    assert isinstance(ok["interval"], int) and ok["next"].endswith("Z")
    assert ok["message"].startswith("feed=afrique status=ok http=200 new=2")   # text kept
    assert bad["status"] == "error" and bad["http"] == 503 and bad["level"] == "warning"
    assert "HTTP 503" in bad["error"] and bad["next"] > bad["time"][:19]
