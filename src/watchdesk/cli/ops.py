"""The administrator's commands: ``run``, ``poll``, ``feeds``, ``status``, ``backup``,
``demo``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..config.settings import Settings
from ..store import Store
from ._common import (
    _ago,
    _config_errors,
    _print_table,
    _progress,
    _until,
    cli,
    common,
    common_options,
    explicit,
    pass_on,
)


@cli.command()
@common
def run(settings: Settings) -> None:
    """Run the daemon in the foreground until SIGTERM/SIGINT.

    Polls each feed at its interval (with jitter and backoff), reloads edited rule files
    within seconds and on SIGHUP, and speaks the systemd notify protocol when started by
    systemd. A broken rule file runs its last good version from the database (a broken
    feeds.yaml, the feeds of the database): only a broken feeds.yaml with no good version
    ever loaded stops the start. One daemon per database: a second `run` on it is refused
    (exit 3), naming the first one's PID.
    """
    from ..signals import catch_early

    catch_early()  # before the daemon's imports: a stop during them is clean too
    from ..forkserver import start_early

    start_early()  # the workers' imports overlap the daemon's, before READY
    from ..daemon import run as run_daemon

    sys.exit(run_daemon(settings))


@cli.command()
@common
@click.option("--feed", "names", multiple=True, metavar="NAME",
              help="Poll only this feed (repeatable).")
def poll(settings: Settings, names: tuple[str, ...]) -> None:
    """Poll every feed (or --feed NAME) once now, then exit.

    Configuration errors are handled as `run` does: a broken rule file runs its last good
    version from the database (none: its rules are left out), said on stderr. Exit status 0
    when every feed was polled (even if some failed: see `watchdesk feeds`), 1 when feeds.yaml
    is broken and no good version of it was ever loaded.
    """
    from ..forkserver import first_poll, start_early

    if first_poll(settings.db):
        start_early()  # every page is new: the workers' imports overlap ours
    from ..app import Watchdesk

    async def go() -> Any:
        async with Watchdesk(settings) as wd:
            known = {f.name for f in wd.feed_configs}
            unknown = [n for n in names if n not in known]
            if unknown:
                raise click.BadParameter(f"no feed named {', '.join(unknown)} in "
                                         f"{settings.feeds}", param_hint="'--feed'")
            total = len(names) if names else len(wd.store.feeds(active_only=True))
            bar = _progress(total, "polling")
            try:
                return await wd.poll(list(names) or None, on_result=lambda r: bar(1))
            finally:
                bar(None)

    from .. import eventloop  # asyncio and uvloop: only for the commands that poll

    report = eventloop.run(go())
    click.echo(f"polled {len(report.results)} feeds in {report.seconds:.1f}s: "
               f"{report.new} new articles, {report.updated} updated, "
               f"{report.matched} matches, {report.not_modified} not modified, "
               f"{len(report.failed)} failed")
    for r in report.failed:
        click.echo(f"  {r.feed_name}: {r.error}")


@cli.group(invoke_without_command=True)
@common
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array).")
def feeds(settings: Settings, as_json: bool) -> None:
    """Show each feed: last poll, status, articles, errors, and when and why it is polled next.

    WALLS counts the feed's article pages that were a consent wall, a paywall or a text the
    site gives for several URLs (the feed's own text was stored instead); CUT counts the
    pages cut at the extraction bounds (3 MB, 12,000 tags) before the end of the article.

    WHY says what set the next poll: the configured interval, the adaptive interval (from
    the entries' dates, between its bounds), a publisher's hint (ttl, Cache-Control),
    backoff after errors, or the server's Retry-After. KIND (shown when a source is not a
    feed) is feed, sitemap, html or telegram.

    `watchdesk feeds add`, `feeds import` and `feeds export` edit and export feeds.yaml.
    """
    from ..status import feed_line

    ctx = click.get_current_context()
    if ctx.invoked_subcommand is not None:
        if as_json:
            raise click.UsageError("--json is for `watchdesk feeds` alone", ctx=ctx)
        pass_on(settings)
        return
    store = Store(settings.db, mode="read")
    try:
        rows = store.feed_report()
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([dict(r) for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no feeds yet: run `watchdesk poll` first")
        return
    kinds = any(r["kind"] != "feed" for r in rows)
    table = [("FEED", *(("KIND",) if kinds else ()), "LAST POLL", "STATUS", "ARTICLES",
              "ERRORS", "WALLS", "CUT", "NEXT POLL", "WHY")]
    notes = []
    for r in rows:
        status, why = feed_line(r)
        notes += why
        active = r["enabled"] and not r["disabled_reason"]
        table.append((r["name"], *((r["kind"],) if kinds else ()), _ago(r["last_polled_at"]),
                      status, str(r["articles"]),
                      str(r["errors"]), str(r["walls"]), str(r["truncated"]),
                      _until(r["next_poll_at"]) if active else "-",
                      (r["next_poll_reason"] or ("first poll" if not r["last_polled_at"]
                                                 else "")) if active else ""))
    _print_table(table)
    for n in notes:
        click.echo(f"  {n}")
    config_errors = _config_errors(settings)
    if config_errors:
        click.echo(f"{len(config_errors)} configuration error(s): the daemon keeps the last good "
                   "version of each broken file")
        for e in config_errors:
            click.echo(f"  {e}")


@cli.command()
@common
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object).")
@click.option("--no-config", is_flag=True, help="Skip checking feeds.yaml and the rule files.")
def status(settings: Settings, as_json: bool, no_config: bool) -> None:
    """Show the service's health from the database, for people and monitoring checks.

    Shows the last cycle, feeds failing or disabled, the outbox, the next digest and, per
    feed, the article pages that were a consent wall or a paywall (the feed's text was
    stored instead; informational, no change of level). Exit
    status (monitoring-plugin convention): 0 OK, 1 WARNING (a feed failing for over a day or
    disabled, a failed delivery, configuration errors), 2 CRITICAL (the daemon is not polling,
    every feed failing, a message undelivered for 6 h), 3 UNKNOWN (database unreadable).
    """
    from ..status import check_health

    report = check_health(settings, check_config=not no_config)
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if as_json
               else report.text())
    sys.exit(int(report.level))


@cli.command()
@common
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True,
              help="Replace PATH if it exists (only once the new copy has passed its check).")
def backup(settings: Settings, path: Path, force: bool) -> None:
    """Copy the database to PATH while the daemon runs, and check the copy.

    SQLite's online backup copies one consistent snapshot (the daemon keeps polling and
    writing); the copy is then checked with PRAGMA integrity_check and only then written to
    PATH, as one self-contained file readable by this user only. An existing PATH is refused
    unless --force. Exit status 0 when the copy is written and passed its check; 1 when
    nothing was written (PATH exists, cannot write there, or the copy failed its check); 3
    when the database cannot be read (as every command).
    """
    from ..store import backup as backup_db

    report = backup_db(settings.db, path, replace=force)
    if not report.ok:
        for problem in report.integrity:
            click.echo(f"  {problem}", err=True)
        raise click.ClickException(
            f"the copy of {report.source} failed PRAGMA integrity_check "
            f"({len(report.integrity)} problem(s) above): nothing was written. Run the backup "
            "again; if it fails again the database itself is damaged: keep the file, stop the "
            "service and restore the last good backup (deploy/README.md)")
    counts = ", ".join(f"{n:,} {t}" for t, n in report.counts.items())
    click.echo(f"backup ok: {report.source} -> {report.path}: {report.bytes / 1e6:.1f} MB, "
               f"{counts}; integrity_check ok ({report.seconds:.1f} s)")


@cli.command()
@common_options(feeds=False)
def demo(settings: Settings) -> None:
    """Run the real pipeline offline on bundled feeds, served from 127.0.0.1.

    Starts a local HTTP server with a few French, English and Arabic feeds and article pages,
    polls them into a fresh database (a temporary one, or --db PATH, which is kept) with the
    bundled default rules (or --rules DIR), and prints what was stored and matched. The feeds
    are always the bundled ones (their server lives only while the demo runs), so the demo
    takes no --feeds.
    """
    from ..demo.run import run_demo

    rules = settings.rules if explicit("rules") else None
    report = run_demo(settings, db=settings.db if explicit("db") else None, rules=rules)
    click.echo(report.text())
