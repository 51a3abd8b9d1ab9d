"""Getting matches out: ``export`` (CSV, JSON Lines) and ``feeds-out`` (Atom files)."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import click

from ..config.settings import Settings
from ..durations import Since, since_iso
from ..files import replacing
from ..store import Store
from ._common import cli, common_options, since_option
from .notify import _known_rule, _titles


@contextmanager
def _text_out(path: Path | None) -> Iterator[TextIO]:
    """stdout, or ``path`` written atomically (``files.replacing``: mode 0600, replaced once
    complete and synced), as UTF-8 whatever the locale, newlines as written (the CSV writer
    puts CRLF)."""
    if path is None:
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    with replacing(path, 0o600) as raw:
        f = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield f
        finally:
            f.detach()   # flushed into ``raw``, which ``replacing`` syncs and closes


@cli.command("export")
@common_options(feeds=False)
@since_option("30d")
@click.option("--rule", "rule_id", default=None, help="Only the articles this rule matched.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True,
              help="CSV for spreadsheets (UTF-8 with BOM, formulas neutralised), or JSON "
                   "Lines (one object a line).")
@click.option("--all", "everything", is_flag=True,
              help="Every article fetched in the period, matched or not.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (replaced only once complete) instead of stdout.")
def export_command(settings: Settings, since: Since, rule_id: str | None, fmt: str,
                   everything: bool, output: Path | None) -> None:
    """Export matched articles (fetched in the --since period) for a spreadsheet or a script:
    one row per article with its event, the event's sources, its rules, terms and snippet,
    publication and fetch times (UTC).

    CSV opens in Excel and LibreOffice as is (UTF-8 with BOM); a cell that would start a
    formula (= + - @) gets a leading '. See docs/digest.md.
    """
    from ..notify.export import export

    if rule_id and everything:
        raise click.UsageError("--all exports every article; --rule only one rule's: "
                               "use one of them")
    store = Store(settings.db, mode="read")
    try:
        if rule_id:
            _known_rule(rule_id, set(_titles(settings)) | store.matched_rule_ids(), settings)
        with _text_out(output) as out:
            n = export(store, fmt, out, since=since_iso(since), rule_id=rule_id,
                       everything=everything)
    finally:
        store.close()
    what = "article(s)" if everything else "matched article(s)"
    click.echo(f"{n} {what} of the last {since} exported"
               + (f" to {output}" if output else ""), err=True)


@cli.command("feeds-out")
@common_options(feeds=False)
@click.argument("directory", metavar="DIR",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True,
              help="Entries per feed, newest first.")
def feeds_out(settings: Settings, directory: Path, limit: int) -> None:
    """Write an Atom feed per rule (DIR/rules/<id>.atom) and one of the urgent alerts
    (DIR/urgent.atom), for any web server to serve, so analysts can follow a rule in their
    own feed reader. Each file is replaced atomically; run it from a timer (see docs/ops.md).
    """
    from ..notify.atom import write_feeds

    store = Store(settings.db, mode="read")
    try:
        written = write_feeds(store, directory, titles=_titles(settings), limit=limit,
                              web_url=settings.web_url, now=datetime.now(UTC))
    finally:
        store.close()
    click.echo(f"{len(written)} feed(s) written to {directory}", err=True)


