"""Options as a new user types them: durations, unknown rule ids, limits, global options before
the command, one style for errors and help texts. Real subprocesses on a polled database."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from watchdesk.cli import cli
from watchdesk.config.settings import Settings
from watchdesk.durations import parse_since

from conftest import cli_env, paths, watchdesk


@pytest.mark.parametrize(("text", "seconds"), [
    ("90m", 5400), ("24h", 86400), ("7d", 7 * 86400), ("2w", 14 * 86400), ("2W", 14 * 86400),
    ("30s", 30), (" 3 d ", 3 * 86400),
])
def test_since_durations(text: str, seconds: int) -> None:
    assert parse_since(text).seconds == seconds


@pytest.mark.parametrize(("text", "says"), [
    ("30", "30 needs a unit: 30d for 30 days"),      # not 30 seconds, silently
    ("hier", "not a duration: 'hier'"),
    ("2 semaines", "not a duration"),
    ("-1d", "not a duration"),
])
def test_since_refuses_what_it_would_guess(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        parse_since(text)


def test_since_on_the_command_line(polled: Settings) -> None:
    bare = watchdesk("alerts", "--since", "30", *paths(polled))
    assert bare.returncode == 2
    assert "Error: Invalid value for '--since': 30 needs a unit: 30d for 30 days" in bare.stderr
    weeks = watchdesk("alerts", "--matched-since", "2w", "--json", *paths(polled))
    assert weeks.returncode == 0 and '"rule_id": "russie-libye"' in weeks.stdout


def test_unknown_rule_id_is_refused_with_the_close_ones(polled: Settings) -> None:
    r = watchdesk("alerts", "--rule", "russie-lybie", *paths(polled))
    assert r.returncode == 2
    assert "no rule 'russie-lybie'" in r.stderr and "did you mean russie-libye?" in r.stderr
    far = watchdesk("alerts", "--rule", "zzz", *paths(polled))
    assert far.returncode == 2 and "rules: haftar, russie-libye" in far.stderr
    # a rule removed from the files but with stored matches is still known
    (polled.rules / "libye.yaml").rename(polled.rules / "libye.yaml.off")
    kept = watchdesk("alerts", "--rule", "haftar", "--matched-since", "1h", *paths(polled))
    assert kept.returncode == 0 and "haftar" in kept.stdout


def test_search_limit_says_how_many_more_matched(polled: Settings) -> None:
    both = watchdesk("search", "haftar OR benghazi OR libye OR senegal", *paths(polled))
    assert "2 article(s)" in both.stdout and "more matched" not in both.stdout
    one = watchdesk("search", "haftar OR benghazi OR libye OR senegal", "--limit", "1",
                    *paths(polled))
    assert one.returncode == 0
    assert one.stdout.rstrip().endswith("1 article(s)\n1 more matched: --limit 2 shows them all")


def test_global_options_before_the_command(polled: Settings, tmp_path: Path) -> None:
    before = watchdesk(*paths(polled), "alerts", "--matched-since", "1h")
    assert before.returncode == 0, before.stderr
    assert "russie-libye" in before.stdout
    nested = watchdesk(*paths(polled), "rules", "test", "--since", "1h")
    assert nested.returncode == 0 and "russie-libye" in nested.stdout
    # the command's own option wins over the one before it
    wrong = ["--db", str(tmp_path / "nothing-here.db")]
    assert watchdesk(*wrong, "alerts", *paths(polled)).returncode == 0
    assert watchdesk(*paths(polled), "alerts", *wrong).returncode == 3
    # logging options too
    logged = watchdesk("--log-format", "json", *paths(polled), "poll")
    assert logged.returncode == 0 and '"logger": "watchdesk.poll"' in logged.stderr
    quiet = watchdesk("-q", *paths(polled), "poll")
    assert quiet.returncode == 0 and "feed=afrique" not in quiet.stderr


def test_query_errors_have_one_label_everywhere(polled: Settings) -> None:
    a = watchdesk("search", "haftar AND", *paths(polled))
    b = watchdesk("rules", "test", "--query", "haftar AND", *paths(polled))
    for r in (a, b):
        assert r.returncode == 1
        assert r.stderr.startswith("Error: query:1:11: "), r.stderr


def test_error_lines_start_with_error(settings: Settings, tmp_path: Path) -> None:
    # (a broken rule file no longer stops `poll`, issue 21: a broken feeds.yaml never loaded
    # does)
    broken = tmp_path / "feeds2.yaml"
    broken.write_text("feeds:\n  - nom: x\n")
    r = watchdesk("poll", "--feeds", str(broken), "--rules", str(settings.rules),
                  "--db", str(settings.db))
    assert r.returncode == 1
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("Error: ") for line in lines), r.stderr


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = [(prefix.strip() or "watchdesk", group)]
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += _commands(cmd, prefix + name + " ")
        else:
            out.append((prefix + name, cmd))
    return out


@pytest.mark.parametrize(("name", "command"), _commands(cli))
def test_help_texts_in_one_style(name: str, command: click.Command) -> None:
    """Option help: a sentence, capital first, full stop last (as click's own --help)."""
    for p in command.params:
        if isinstance(p, click.Option) and p.help:
            assert p.help[0].isupper() and p.help.endswith("."), (name, p.opts, p.help)
    assert command.help, name
    first = command.help.split("\n\n")[0]
    assert first[0].isupper() or first.startswith("watchdesk"), (name, first)


def _first_sentence(cmd: click.Command) -> str:
    return cmd.get_short_help_str(limit=10_000)


@pytest.mark.parametrize("columns", ["60", "100"])
def test_command_summaries_are_not_cut(columns: str) -> None:
    r = watchdesk("--help", env=cli_env(COLUMNS=columns))
    assert r.returncode == 0
    listing = " ".join(r.stdout.split("Commands:", 1)[1].split())
    assert "..." not in listing
    for name, cmd in cli.commands.items():
        summary = " ".join(_first_sentence(cmd).split())
        assert summary.endswith("."), (name, summary)
        assert f"{name} {summary}" in listing, (name, summary)
