"""What every ``watchdesk`` command shares: the group, the common options, small helpers.

Every command takes ``--feeds``, ``--rules`` and ``--db`` (environment: ``WATCHDESK_FEEDS``,
``WATCHDESK_RULES``, ``WATCHDESK_DB``), defaulting to ``feeds.yaml``, ``rules/`` and
``watchdesk.db`` in the current directory. Logs go to stderr; results to stdout.

Exit status, the same for every command (``status`` has its own 0-3, see its help):

====  ====================================================================================
0     done
1     an error the message explains (configuration errors, a failed delivery, ...)
2     a usage error: unknown option, bad value (click's)
3     the database cannot be used: none at that path, damaged, read-only, locked, not yet
      upgraded; one line says what to do (``-v`` adds the traceback)
====  ====================================================================================
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from .. import __version__, logs
from ..config import check_config, parse_duration
from ..errors import ConfigError, WatchdeskError
from ..settings import Settings, from_env
from ..store import as_store_error, iso, parse_iso

EXIT_DATABASE = 3


class DatabaseProblem(click.ClickException):
    """The database cannot be used (exit status 3)."""

    exit_code = EXIT_DATABASE


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
        except Exception as e:
            err = _as_click_error(e, settings)
            if err is None:
                raise
            raise err from e

    return wrapper


def _as_click_error(e: Exception, settings: Settings) -> click.ClickException | None:
    """Our errors as one line (and exit status); None for anything else (a bug: it goes on
    with its traceback)."""
    store_error = as_store_error(e, str(settings.db))
    if store_error is None and not isinstance(e, WatchdeskError):
        return None
    if settings.log_level == "DEBUG":  # -v: the traceback too
        click.echo(traceback.format_exc().rstrip(), err=True)
    if store_error is not None:
        return DatabaseProblem(str(store_error))
    return click.ClickException(str(e))


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
    Only `poll`, `run` and `demo` create the database; the other commands read it.

    Exit status: 0 done; 1 an error the message explains; 2 a usage error (unknown option,
    bad value); 3 the database cannot be used (none at that path, damaged, read-only,
    locked, not yet upgraded: the message says what to do, -v adds the traceback).
    `watchdesk status` has its own: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    """



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
    return check_config(settings.feeds, settings.rules).errors



def _ago(ts: str | None) -> str:
    dt = parse_iso(ts)
    if dt is None:
        return "never"
    secs = int((datetime.now(UTC) - dt).total_seconds())
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= n:
            return f"{secs // n}{unit} ago"
    return f"{max(secs, 0)}s ago"


def _print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


