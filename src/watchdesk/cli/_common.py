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

import difflib
import functools
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from .. import __version__, logs
from ..config.settings import Settings, from_env
from ..durations import Since, parse_since
from ..errors import ConfigError, WatchdeskError
from ..status import age
from ..store import as_store_error, iso, parse_iso

if TYPE_CHECKING:
    from ..rules import Rule

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


# The options every command takes. They may also stand before the command name
# (`watchdesk --db x.db alerts`): the group takes them too, and the command's own win.
_OPTIONS: dict[str, Callable[..., Any]] = {
    "feeds": click.option("--feeds", type=click.Path(path_type=Path), default=None,
                          help="Feeds file (env WATCHDESK_FEEDS; default feeds.yaml)."),
    "rules": click.option("--rules", type=click.Path(path_type=Path), default=None,
                          help="Rules folder (env WATCHDESK_RULES; default rules/)."),
    "db": click.option("--db", type=click.Path(path_type=Path), default=None,
                       help="SQLite database (env WATCHDESK_DB; default watchdesk.db)."),
    "verbose": click.option("-v", "--verbose", count=True,
                            help="Debug logging, and the traceback of an error."),
    "quiet": click.option("-q", "--quiet", is_flag=True,
                          help="Only warnings and errors on stderr."),
    "log_format": click.option("--log-format", type=click.Choice(["text", "json"]),
                               default=None,
                               help="Log line format (env WATCHDESK_LOG_FORMAT; default text)."),
}
_GLOBALS = "watchdesk.global_options"
_EXPLICIT = "watchdesk.explicit"


def _with_options(fn: Callable[..., Any], names: Sequence[str]) -> Callable[..., Any]:
    for name in reversed(list(names)):
        fn = _OPTIONS[name](fn)
    return fn


def common_options(*, feeds: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--feeds/--rules/--db and the logging options, turned into a Settings first argument.
    ``feeds=False``: a command that has no use for a feeds file refuses --feeds."""
    names = [n for n in _OPTIONS if feeds or n != "feeds"]

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(**kw: Any) -> Any:
            ctx = click.get_current_context()
            given = {n: kw.pop(n) for n in names}
            merged = _merge(ctx, given, feeds_allowed=feeds)
            settings = _settings(**merged)
            ctx.obj = settings
            ctx.meta[_EXPLICIT] = {n: merged[n] is not None
                                   for n in ("feeds", "rules", "db")}
            try:
                return fn(settings, **kw)
            except Exception as e:
                err = _as_click_error(e, settings)
                if err is None:
                    raise
                raise err from e

        return _with_options(wrapper, names)

    return decorate


common = common_options()


def _merge(ctx: click.Context, given: dict[str, Any], *, feeds_allowed: bool) -> dict[str, Any]:
    """The command's options over those given before the command name."""
    before: dict[str, Any] = ctx.meta.get(_GLOBALS, {})
    if not feeds_allowed and before.get("feeds") is not None:
        raise click.UsageError(f"`watchdesk {ctx.command_path.split(' ', 1)[-1]}` takes no "
                               "--feeds", ctx=ctx)
    out: dict[str, Any] = {"feeds": None} if not feeds_allowed else {}
    for name in ("feeds", "rules", "db", "log_format"):
        if name in given:
            out[name] = given[name] if given[name] is not None else before.get(name)
    out["verbose"] = (given.get("verbose") or 0) + (before.get("verbose") or 0)
    out["quiet"] = bool(given.get("quiet") or before.get("quiet"))
    return out


def pass_on(settings: Settings) -> None:
    """In a group's callback (``watchdesk feeds --db x add URL``): the files given to the
    group count as given before the command name, for its subcommand."""
    ctx = click.get_current_context()
    given = ctx.meta.setdefault(_GLOBALS, {})
    for name in ("feeds", "rules", "db"):
        if explicit(name):
            given[name] = getattr(settings, name)


def explicit(name: str) -> bool:
    """Was --feeds / --rules / --db given (before or after the command name)?"""
    return bool(click.get_current_context().meta.get(_EXPLICIT, {}).get(name))


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


# -- durations ----------------------------------------------------------------------------------

class SinceType(click.ParamType):
    name = "DURATION"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Since:
        if isinstance(value, Since):
            return value
        try:
            return parse_since(str(value))
        except ValueError as e:
            self.fail(str(e), param, ctx)


def since_option(default: str) -> Callable[..., Any]:
    return click.option("--since", type=SinceType(), default=default, show_default=True,
                        help="How far back: 90m, 24h, 7d, 2w (a number needs its unit).")


@dataclass(frozen=True)
class Moment:
    """A point in time given on the command line: a duration back from now (``24h``) or a
    date, ``2026-12-01`` (midnight) or ``2026-12-01T18:00``, in WATCHDESK_TIMEZONE unless it
    says its own offset."""

    text: str
    seconds: int | None = None
    date: datetime | None = None

    def __str__(self) -> str:
        return self.text

    def iso(self, tz: tzinfo) -> str:
        if self.date is None:
            return iso(datetime.now(UTC) - timedelta(seconds=self.seconds or 0))
        return iso(self.date if self.date.tzinfo else self.date.replace(tzinfo=tz))

    def describe(self, past: str) -> str:
        """``in the last 24h`` / ``since 2026-12-01`` (``past`` as in ``ago``)."""
        return f"in the last {self.text}" if self.date is None else f"{past} {self.text}"


class MomentType(click.ParamType):
    name = "DURATION|DATE"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Moment:
        if isinstance(value, Moment):
            return value
        text = str(value).strip()
        try:
            return Moment(text, seconds=parse_since(text).seconds)
        except ValueError as e:
            problem = str(e)
        try:
            return Moment(text, date=datetime.fromisoformat(text))
        except ValueError:
            pass
        self.fail(f"{problem}, or a date such as 2026-12-01 or 2026-12-01T18:00", param, ctx)


# -- the group ---------------------------------------------------------------------------------


class OneLineUsageError(click.UsageError):
    """A usage error in one line, as every error (README): ``Error: No such option: --foo
    (see `watchdesk run --help`)``, instead of click's usage line, hint and error: three."""

    def show(self, file: Any = None) -> None:
        message = self.format_message()
        if self.ctx is not None:
            message = f"{message.removesuffix('.')} (see `{self.ctx.command_path} --help`)"
        click.echo(f"Error: {message}", file=file or sys.stderr)


def _one_line(e: click.UsageError) -> OneLineUsageError:
    # (every click.UsageError exits 2, as OneLineUsageError does)
    return e if isinstance(e, OneLineUsageError) else OneLineUsageError(e.format_message(),
                                                                        e.ctx)


class WatchdeskGroup(click.Group):
    """A group whose command list shows each command's whole first sentence, wrapped,
    instead of click's cut at the terminal width (``get_short_help_str(limit)``), and whose
    usage errors take one line (``OneLineUsageError``)."""

    group_class = type  # sub-groups (`watchdesk rules`) are WatchdeskGroups too
    # command name -> the modules (of watchdesk.cli) that define it and its sub-commands:
    # only those are imported to run it (`status` does not load the rule compiler, the
    # fetcher or the web desk); a name not listed, the help and a usage error load them all
    lazy: dict[str, tuple[str, ...]] | None = None
    _all_loaded = False

    def _load(self, modules: Sequence[str]) -> None:
        import importlib

        for m in modules:
            importlib.import_module(f"watchdesk.cli.{m}")

    def _load_all(self) -> None:
        if not self._all_loaded:
            self._load(sorted({m for ms in (self.lazy or {}).values() for m in ms}))
            self._all_loaded = True

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_all()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self.lazy and cmd_name in self.lazy:
            self._load(self.lazy[cmd_name])
        else:
            self._load_all()
        return super().get_command(ctx, cmd_name)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as e:
            raise _one_line(e) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as e:
            raise _one_line(e) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=WatchdeskGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="watchdesk")
@functools.partial(_with_options, names=list(_OPTIONS))
def cli(**options: Any) -> None:
    """watchdesk: watch news feeds, extract full articles, flag what matches your rules.

    Start with `watchdesk demo` (offline, on bundled feeds), then `watchdesk check` and
    `watchdesk poll` on your own feeds.yaml and rules/, and `watchdesk run` as a service.
    Only `poll`, `run` and `demo` create the database; the other commands read it. The
    options below may also be given after the command name.

    Exit status: 0 done; 1 an error the message explains; 2 a usage error (unknown option,
    bad value); 3 the database cannot be used (none at that path, damaged, read-only,
    locked, not yet upgraded: the message says what to do, -v adds the traceback).
    `watchdesk status` has its own: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    """
    click.get_current_context().meta[_GLOBALS] = options


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


def _config_errors(settings: Settings) -> list[ConfigError]:
    from ..config.known_good import config_errors

    return config_errors(settings.feeds, settings.rules, settings.target_names)


def readable_rules(settings: Settings) -> list[Rule]:
    """The rules of the rule files that load (none when the folder cannot be read): for
    titles and queries to show, never a reason to fail a reading command."""
    from ..rules import load_rules

    try:
        ruleset, _errors = load_rules(settings.rules)
    except (ConfigError, OSError):
        return []
    return list(ruleset.rules)


def must_know(value: str, known: set[str], *, what: str, where: str, empty: str,
              option: str) -> None:
    """``option`` must name one of ``known`` (a ``what`` ``where``); else a usage error that
    says the close ones, else the known ones, else ``empty``."""
    if value in known:
        return
    close = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.5)
    hint = (f"did you mean {' or '.join(close)}?" if close else
            f"{what}s: {', '.join(sorted(known))}" if known else empty)
    raise click.BadParameter(f"no {what} {value!r} {where}; {hint}", param_hint=f"'{option}'")



def _ago(ts: str | None) -> str:
    dt = parse_iso(ts)
    return "never" if dt is None else f"{age(datetime.now(UTC) - dt)} ago"


def highlight_marks() -> tuple[str, str]:
    """How matched terms are marked: bold yellow on a terminal, [ ] otherwise."""
    return ("\x1b[1;33m", "\x1b[0m") if sys.stdout.isatty() else ("[", "]")


def local_time(ts: str | None, settings: Settings) -> str:
    """A stored UTC time as ``YYYY-MM-DD HH:MM ZONE`` in WATCHDESK_TIMEZONE (UTC if invalid)."""
    dt = parse_iso(ts)
    if dt is None:
        return "?"
    return dt.astimezone(zone(settings)).strftime("%Y-%m-%d %H:%M %Z")


def zone(settings: Settings) -> tzinfo:
    """WATCHDESK_TIMEZONE (UTC if invalid)."""
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _until(ts: str | None) -> str:
    """``in 2h5m`` (from now), or ``now`` when due."""
    from ..schedule import human

    dt = parse_iso(ts)
    if dt is None:
        return "now"
    secs = (dt - datetime.now(UTC)).total_seconds()
    if secs < 1:
        return "now"
    return f"in {human(round(secs / 60) * 60 if secs >= 60 else secs)}"


def _print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


