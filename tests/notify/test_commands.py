"""``watchdesk digest`` and ``watchdesk outbox`` through click's CliRunner."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from watchdesk.notify.commands import digest_command, outbox_command
from watchdesk.settings import Settings
from watchdesk.store import Store

from .conftest import SMTPServer, World, free_port


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
    result = CliRunner().invoke(digest_command, ["--preview", str(out)], obj=settings)
    assert result.exit_code == 0, result.output
    assert "Subject: watchdesk — 1 article pour 1 règle — " in result.output
    assert "Haftar <reçoit> Wagner" in result.output                   # text part, as is
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Haftar &lt;reçoit&gt; Wagner" in html
    assert store.outbox_rows() == [] and smtp.messages == []


@pytest.mark.usefixtures("recent")
def test_preview_without_file_prints_the_text(settings: Settings) -> None:
    result = CliRunner().invoke(digest_command, ["--preview"], obj=settings)
    assert result.exit_code == 0, result.output
    assert "== haftar — 1 article" in result.output


@pytest.mark.usefixtures("recent")
def test_send_queues_and_delivers(store: Store, settings: Settings, smtp: SMTPServer) -> None:
    result = CliRunner().invoke(digest_command, ["--send"], obj=settings)
    assert result.exit_code == 0, result.output
    assert "sent to desk@example.org" in result.output
    assert len(smtp.messages) == 1
    listing = CliRunner().invoke(outbox_command, ["--json"], obj=settings)
    data = json.loads(listing.output)
    assert data["counts"] == {"sent": 1}
    assert data["messages"][0]["kind"] == "digest"
    assert data["messages"][0]["recipients"] == ["desk@example.org"]


def test_send_with_smtp_down_says_why_and_keeps_it(store: Store, settings: Settings) -> None:
    dead = replace(settings, smtp_port=free_port())
    result = CliRunner().invoke(digest_command, ["--send"], obj=dead)
    assert result.exit_code == 1
    assert "connection refused — check WATCHDESK_SMTP_HOST/PORT" in result.output
    listing = CliRunner().invoke(outbox_command, ["--status", "failed"], obj=dead)
    assert "failed" in listing.output and "attempts=1" in listing.output
    assert "last error: cannot reach SMTP server" in listing.output
    retry = CliRunner().invoke(outbox_command, ["--retry-now"], obj=dead)
    assert "1 failed message(s) will be retried at once" in retry.output


@pytest.mark.parametrize("command", [digest_command, outbox_command])
def test_every_command_and_option_is_documented(command: click.Command) -> None:
    assert command.help and len(command.help) > 40
    for p in command.params:
        if isinstance(p, click.Option):
            assert p.help, f"{command.name} {p.opts} has no help"
