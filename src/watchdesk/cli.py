"""The ``watchdesk`` command: a thin layer over the library.

Every command takes ``--feeds``, ``--rules`` and ``--db`` (environment: ``WATCHDESK_FEEDS``,
``WATCHDESK_RULES``, ``WATCHDESK_DB``), defaulting to ``feeds.yaml``, ``rules/`` and
``watchdesk.db`` in the current directory. Logs go to stderr; results to stdout.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from . import __version__, logs
from .config import check_feeds, parse_duration
from .errors import ConfigError, WatchdeskError
from .rules import load_rules
from .settings import Settings, from_env
from .store import Store, iso, parse_iso


def _settings(feeds: Path | None, rules: Path | None, db: Path | None,
              verbose: int, quiet: bool, log_format: str | None) -> Settings:
    try:
        s = from_env()
    except ConfigError as e:
        raise click.UsageError(str(e)) from e
    level = "DEBUG" if verbose else ("WARNING" if quiet else s.log_level)
    s = s.with_overrides(feeds=feeds, rules=rules, db=db, log_format=log_format,
                         log_level=level)
    logs.setup(s.log_level, s.log_format)
    return s


def common(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--feeds/--rules/--db and logging options, turned into a Settings first argument."""

    @click.option("--feeds", type=click.Path(path_type=Path), default=None,
                  help="feeds file [env WATCHDESK_FEEDS; default feeds.yaml]")
    @click.option("--rules", type=click.Path(path_type=Path), default=None,
                  help="rules folder [env WATCHDESK_RULES; default rules/]")
    @click.option("--db", type=click.Path(path_type=Path), default=None,
                  help="SQLite database [env WATCHDESK_DB; default watchdesk.db]")
    @click.option("-v", "--verbose", count=True, help="debug logging")
    @click.option("-q", "--quiet", is_flag=True, help="only warnings and errors on stderr")
    @click.option("--log-format", type=click.Choice(["text", "json"]), default=None,
                  help="log line format [env WATCHDESK_LOG_FORMAT; default text]")
    @functools.wraps(fn)
    def wrapper(feeds: Path | None, rules: Path | None, db: Path | None, verbose: int,
                quiet: bool, log_format: str | None, **kw: Any) -> Any:
        settings = _settings(feeds, rules, db, verbose, quiet, log_format)
        click.get_current_context().obj = settings
        try:
            return fn(settings, **kw)
        except WatchdeskError as e:
            raise click.ClickException(str(e)) from e

    return wrapper


def since_option(default: str) -> Callable[..., Any]:
    return click.option("--since", default=default, show_default=True,
                        help="how far back: e.g. 90m, 24h, 7d")


def since_iso(value: str) -> str:
    try:
        seconds = parse_duration(value)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--since") from e
    return iso(datetime.now(UTC) - timedelta(seconds=seconds))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="watchdesk")
def cli() -> None:
    """watchdesk: watch news feeds, extract full articles, flag what matches your rules.

    Start with `watchdesk demo` (offline, on bundled feeds), then `watchdesk check` and
    `watchdesk poll` on your own feeds.yaml and rules/, and `watchdesk run` as a service.
    """


@cli.command()
@common
def run(settings: Settings) -> None:
    """Run the daemon in the foreground until SIGTERM/SIGINT.

    Polls each feed at its interval (with jitter and backoff), reloads edited rule files
    within seconds and on SIGHUP, and speaks the systemd notify protocol when started by
    systemd.
    """
    from .daemon import run as run_daemon

    _require_config(settings)
    sys.exit(run_daemon(settings))


@cli.command()
@common
@click.option("--feed", "names", multiple=True, metavar="NAME",
              help="poll only this feed (repeatable)")
def poll(settings: Settings, names: tuple[str, ...]) -> None:
    """Poll every feed (or --feed NAME) once now, then exit.

    Exit status 0 when every feed was polled (even if some failed: see `watchdesk feeds`),
    1 on configuration errors.
    """
    from .app import Watchdesk

    _require_config(settings)

    async def go() -> Any:
        async with Watchdesk(settings) as wd:
            known = {f.name for f in wd.feed_configs}
            unknown = [n for n in names if n not in known]
            if unknown:
                raise click.BadParameter(f"no feed named {', '.join(unknown)} in "
                                         f"{settings.feeds}", param_hint="--feed")
            total = len(names) if names else len(wd.store.feeds(active_only=True))
            bar = _progress(total, "polling")
            try:
                return await wd.poll(list(names) or None, on_result=lambda r: bar(1))
            finally:
                bar(None)

    report = asyncio.run(go())
    click.echo(f"polled {len(report.results)} feeds in {report.seconds:.1f}s: "
               f"{report.new} new articles, {report.updated} updated, "
               f"{report.matched} matches, {report.not_modified} not modified, "
               f"{len(report.failed)} failed")
    for r in report.failed:
        click.echo(f"  {r.feed_name}: {r.error}")


def _progress(total: int, label: str) -> Callable[[int | None], None]:
    """A progress bar on a terminal; nothing otherwise. Call with n to advance, None to end."""
    if not sys.stderr.isatty() or total < 2:
        return lambda n: None
    bar = click.progressbar(length=total, label=label, file=sys.stderr)
    bar.__enter__()

    def step(n: int | None) -> None:
        if n is None:
            bar.__exit__(None, None, None)
        else:
            bar.update(n)

    return step


def _require_config(settings: Settings) -> None:
    errors = _config_errors(settings)
    if errors:
        for e in errors:
            click.echo(f"error: {e}", err=True)
        raise click.ClickException(f"{len(errors)} configuration error(s); fix them and "
                                   "re-run `watchdesk check`")


def _config_errors(settings: Settings) -> list[ConfigError]:
    _, errors = check_feeds(settings.feeds)
    if not Path(settings.rules).is_dir():
        errors.append(ConfigError(str(settings.rules), None, None,
                                  "rules folder not found (create it, or pass --rules DIR)"))
    else:
        errors.extend(load_rules(settings.rules)[1])
    return errors


@cli.command()
@common
def check(settings: Settings) -> None:
    """Validate feeds.yaml and the rule files; exit 1 on any error.

    Each error is printed as FILE:LINE:COLUMN: what is wrong.
    """
    feeds, feed_errors = check_feeds(settings.feeds)
    rule_errors: list[ConfigError] = []
    nrules = 0
    if Path(settings.rules).is_dir():
        ruleset, rule_errors = load_rules(settings.rules)
        nrules = len(ruleset.rules)
    else:
        rule_errors = [ConfigError(str(settings.rules), None, None, "rules folder not found")]
    for e in [*feed_errors, *rule_errors]:
        click.echo(str(e))
    if feed_errors or rule_errors:
        click.echo(f"{len(feed_errors) + len(rule_errors)} error(s)", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(feeds)} feeds in {settings.feeds}, {nrules} rules in "
               f"{settings.rules}")


def _ago(ts: str | None) -> str:
    dt = parse_iso(ts)
    if dt is None:
        return "never"
    secs = int((datetime.now(UTC) - dt).total_seconds())
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= n:
            return f"{secs // n}{unit} ago"
    return f"{max(secs, 0)}s ago"


@cli.command()
@common
@click.option("--json", "as_json", is_flag=True, help="JSON output")
def feeds(settings: Settings, as_json: bool) -> None:
    """Show each feed: last poll, status, articles, errors."""
    store = Store(settings.db)
    rows = store.feed_report()
    if as_json:
        click.echo(json.dumps([dict(r) for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no feeds yet: run `watchdesk poll` first")
        return
    table = [("FEED", "LAST POLL", "STATUS", "ARTICLES", "ERRORS", "NEXT")]
    notes = []
    for r in rows:
        if r["disabled_reason"]:
            status = "disabled"
            notes.append(f"{r['name']}: {r['disabled_reason']}")
        elif not r["enabled"]:
            status = "off"
        elif r["last_error"]:
            status = f"failing x{r['error_count']}"
            notes.append(f"{r['name']}: {r['last_error']}")
        elif r["last_polled_at"]:
            status = f"ok {r['last_status'] or ''}".strip()
        else:
            status = "new"
        if r["last_warning"] and not r["last_error"]:  # fetch: a feed read despite errors
            notes.append(f"{r['name']}: warning: {r['last_warning']}")
        if r["redirected_from"]:
            notes.append(f"{r['name']}: moved permanently from {r['redirected_from']} "
                         f"to {r['url']}")
        table.append((r["name"], _ago(r["last_polled_at"]), status, str(r["articles"]),
                      str(r["errors"]), (r["next_poll_at"] or "now")[11:16] or "now"))
    _print_table(table)
    for n in notes:
        click.echo(f"  {n}")


def _print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


@cli.command()
@common
@since_option("24h")
@click.option("--rule", "rule_id", default=None, help="only this rule's matches")
@click.option("--json", "as_json", is_flag=True, help="JSON output (one array)")
def alerts(settings: Settings, since: str, rule_id: str | None, as_json: bool) -> None:
    """Show recent rule matches, newest first."""
    store = Store(settings.db)
    rows = store.matches_since(since_iso(since), rule_id=rule_id)
    if as_json:
        out = [{"rule_id": r["rule_id"], "priority": r["priority"], "title": r["title"],
                "url": r["url"], "feed": r["feed_name"], "published_at": r["published_at"],
                "matched_at": r["created_at"], "terms": json.loads(r["terms"]),
                "snippet": r["snippet"], "backfill": bool(r["backfill"]),
                "extraction": r["extraction"], "article_id": r["article_id"]} for r in rows]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"no matches in the last {since}")
        return
    for r in rows:
        flag = "!" if r["priority"] == "alert" else " "
        click.echo(f"{flag} [{r['rule_id']}] {r['title']}  ({r['feed_name']}, "
                   f"{r['created_at'][:16].replace('T', ' ')})")
        click.echo(f"    {r['url']}")
        click.echo(f"    terms: {', '.join(json.loads(r['terms']))}")
        click.echo(f"    {r['snippet'][:240]}")


@cli.command()
@common
@click.option("--keep", is_flag=True, help="keep the demo database (default when --db is given)")
def demo(settings: Settings, keep: bool) -> None:
    """Run the real pipeline offline on bundled feeds, served from 127.0.0.1.

    Starts a local HTTP server with a few French, English and Arabic feeds and article pages,
    polls them into a fresh database (a temporary one, or --db PATH) with the bundled default
    rules (or --rules DIR), and prints what was stored and matched.
    """
    from .demo.run import run_demo

    explicit_db = click.get_current_context().params.get("db") is not None
    rules = settings.rules if click.get_current_context().params.get("rules") else None
    report = run_demo(settings, db=settings.db if explicit_db else None, rules=rules)
    click.echo(report.text())


def main() -> None:
    cli(prog_name="watchdesk")
