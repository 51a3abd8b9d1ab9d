"""``watchdesk digest`` and ``watchdesk outbox`` through click's CliRunner."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from watchdesk.cli import cli
from watchdesk.cli.notify import digest_command, outbox_command
from watchdesk.config.settings import Settings, env_name
from watchdesk.store import Store

from .conftest import SMTPServer, World


def run(settings: Settings, *args: str) -> click.testing.Result:
    """``watchdesk ARGS`` with ``settings`` given as the WATCHDESK_* variables a user sets."""
    env = {env_name(k): v for k, v in (
        ("db", str(settings.db)), ("smtp_host", settings.smtp_host),
        ("smtp_port", str(settings.smtp_port)), ("mail_from", settings.mail_from),
        ("mail_to", ",".join(settings.mail_to)), ("timezone", settings.timezone),
        ("digest_time", settings.digest_time), ("rules", str(settings.rules)))}
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def recent(world: World) -> None:
    feed = world.feed("RFI")
    world.story(feed, "Haftar <reçoit> Wagner", "haftar",
                datetime.now(UTC) - timedelta(hours=1), snippet_text="Haftar reçoit",
                spans=[[0, 6]])


@pytest.mark.usefixtures("recent")
def test_preview_writes_html_and_prints_text_without_queuing(
        tmp_path: Path, store: Store, settings: Settings, smtp: SMTPServer) -> None:
    out = tmp_path / "preview.html"
    result = run(settings, "digest", "--preview", str(out))
    assert result.exit_code == 0, result.output
    assert "Subject: watchdesk — 1 sujet pour 1 règle — " in result.output
    assert "Haftar <reçoit> Wagner" in result.output                   # text part, as is
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Haftar &lt;reçoit&gt; Wagner" in html
    assert store.outbox_rows() == [] and smtp.messages == []


@pytest.mark.usefixtures("recent")
def test_preview_without_file_prints_the_text(settings: Settings) -> None:
    result = run(settings, "digest", "--preview")
    assert result.exit_code == 0, result.output
    assert "== haftar — 1 sujet" in result.output


@pytest.mark.usefixtures("recent")
def test_send_queues_and_delivers(store: Store, settings: Settings, smtp: SMTPServer) -> None:
    result = run(settings, "digest", "--send")
    assert result.exit_code == 0, result.output
    assert "sent to desk@example.org" in result.output
    assert len(smtp.messages) == 1
    listing = run(settings, "outbox", "--json")
    data = json.loads(listing.stdout)  # output mixes in stderr: the SMTP server thread logs
    assert data["counts"] == {"sent": 1}
    assert data["messages"][0]["kind"] == "digest"
    assert data["messages"][0]["recipients"] == ["desk@example.org"]


def test_send_with_smtp_down_says_why_and_keeps_it(store: Store, settings: Settings,
                                                   refused_port: int) -> None:
    dead = replace(settings, smtp_port=refused_port)
    result = run(dead, "digest", "--send")
    assert result.exit_code == 1
    assert "connection refused — check WATCHDESK_SMTP_HOST/PORT" in result.output
    listing = run(dead, "outbox", "--status", "failed")
    assert "failed" in listing.output and "attempts=1" in listing.output
    assert "last error: cannot reach SMTP server" in listing.output
    retry = run(dead, "outbox", "--retry-now")   # sent now, and fails again (issue 21)
    assert retry.exit_code == 1
    assert "1 failed message(s) retried now (no daemon runs): 0 sent, 1 failed again" in \
        retry.output
    assert "they stay due and the daemon retries them as soon as it runs" in retry.output


@pytest.mark.parametrize("command", [digest_command, outbox_command])
def test_every_command_and_option_is_documented(command: click.Command) -> None:
    assert command.help and len(command.help) > 40
    for p in command.params:
        if isinstance(p, click.Option):
            assert p.help, f"{command.name} {p.opts} has no help"
