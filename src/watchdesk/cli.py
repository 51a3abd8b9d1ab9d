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
from .config import check_config, parse_duration
from .errors import ConfigError, WatchdeskError
from .notify.commands import digest_command, outbox_command
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
    return check_config(settings.feeds, settings.rules).errors


@cli.command()
@common
def check(settings: Settings) -> None:
    """Validate feeds.yaml and the rule files; exit 1 on any error.

    Each error is printed as FILE:LINE:COLUMN: what is wrong.
    """
    result = check_config(settings.feeds, settings.rules)
    for e in result.errors:
        click.echo(str(e))
    if result.errors:
        click.echo(f"{len(result.errors)} error(s)", err=True)
        sys.exit(1)
    nrules = len(result.rules.rules) if result.rules else 0
    click.echo(f"ok: {len(result.feeds)} feeds in {settings.feeds}, {nrules} rules in "
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
    config_errors = _config_errors(settings)
    if config_errors:
        click.echo(f"{len(config_errors)} configuration error(s): the daemon keeps the last good "
                   "version of each broken file")
        for e in config_errors:
            click.echo(f"  {e}")


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
@click.option("--json", "as_json", is_flag=True, help="JSON output")
@click.option("--no-config", is_flag=True, help="skip checking feeds.yaml and the rule files")
def status(settings: Settings, as_json: bool, no_config: bool) -> None:
    """Service health from the database, for people and monitoring checks.

    Shows the last cycle, feeds failing or disabled, the outbox and the next digest. Exit
    status (monitoring-plugin convention): 0 OK, 1 WARNING (a feed failing for over a day or
    disabled, a failed delivery, configuration errors), 2 CRITICAL (the daemon is not polling,
    every feed failing, a message undelivered for 6 h), 3 UNKNOWN (database unreadable).
    """
    from .status import check_health

    report = check_health(settings, check_config=not no_config)
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if as_json
               else report.text())
    sys.exit(int(report.level))


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


def _print_hits(hits: list[Any], as_json: bool, empty: str) -> None:
    from .search import hit_json

    if as_json:
        click.echo(json.dumps([hit_json(h) for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(empty)
        return
    color = sys.stdout.isatty()
    on, off = ("\x1b[1;33m", "\x1b[0m") if color else ("[", "]")
    for h in hits:
        t = h.target
        where = ", ".join(x for x in (t.feed, (t.when or "")[:16].replace("T", " ")) if x)
        click.echo(f"{t.label}" + (f"  ({where})" if where else ""))
        if t.url:
            click.echo(f"  {t.url}")
        for m in h.matches:
            rule = "" if m.rule_id == "query" else f"[{m.rule_id}] "
            click.echo(f"  {rule}terms: {', '.join(m.terms)}")
            for fname, snip in m.snippets.items():
                text = snip.highlighted(on, off).replace("\n", " ")
                click.echo(f"    {fname}: {text}")
    click.echo(f"{len(hits)} article(s)")


@cli.command()
@common
@click.argument("query")
@since_option("30d")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True,
              help="at most this many results")
@click.option("--json", "as_json", is_flag=True, help="JSON output (one array)")
def search(settings: Settings, query: str, since: str, limit: int, as_json: bool) -> None:
    """Search stored articles with the rule query language.

    QUERY is written as in a rule, e.g. 'haftar NEAR/5 (russie OR moscou)'. The full-text index
    narrows the candidates; the rule matcher decides, so a hit here is exactly what a rule with
    this query would match.
    """
    from .rules import compile_query
    from .search import run_query, stored_targets

    q = compile_query(query, path="QUERY")
    store = Store(settings.db)
    hits = run_query(q, stored_targets(store, since_iso(since), query=q))[:limit]
    _print_hits(hits, as_json, f"no article in the last {since} matches {query!r}")


@cli.group()
def rules() -> None:
    """Try rules before the daemon runs them (see `watchdesk rules test --help`)."""


@rules.command("test")
@common
@click.argument("target", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--query", "query_text", default=None,
              help="test this query instead of rule files")
@since_option("30d")
@click.option("--file", "files", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="match local files (HTML pages or text) instead of stored articles")
@click.option("--url", default=None, help="fetch this page now and match it")
@click.option("--json", "as_json", is_flag=True, help="JSON output")
def rules_test(settings: Settings, target: Path | None, query_text: str | None, since: str,
               files: tuple[Path, ...], url: str | None, as_json: bool) -> None:
    """Run rules on stored articles, local files or a page, and show each hit.

    TARGET is a rule file or a rules folder (default: the rules folder). Without --file or
    --url, rules run on the articles stored since --since. When a rule in TARGET differs from
    the version the daemon runs, what the edit gains and loses is shown too.
    """
    from .app import running_rules
    from .rules import RuleSet, compile_query, load_rule_file, load_rules
    from .search import compare, file_target, run_query, run_rules, stored_targets, url_target

    store = Store(settings.db) if (not files and not url) or Path(settings.db).exists() else None
    if files:
        targets = [file_target(f) for f in files]
    elif url:
        targets = [url_target(settings, url)]
    else:
        assert store is not None
        targets = list(stored_targets(store, since_iso(since)))
    if query_text:
        q = compile_query(query_text, path="--query")
        _print_hits(run_query(q, targets), as_json, "no match")
        return
    source = target or settings.rules
    if source.is_dir():
        ruleset, errors = load_rules(source)
        for e in errors:
            click.echo(f"error: {e}", err=True)
        rule_list = list(ruleset.rules)
    else:
        rule_list = load_rule_file(source)
    hits = run_rules(RuleSet(rule_list), targets, respect_feeds=not (files or url))
    _print_hits(hits, as_json, f"no match among {len(targets)} article(s)")
    if store is None or as_json:
        return
    for d in compare(rule_list, running_rules(store), targets):
        click.echo(f"\n{d.rule_id}: changed since the daemon loaded it: +{len(d.gained)} "
                   f"gained, -{len(d.lost)} lost, {d.kept} kept")
        for t in d.gained:
            click.echo(f"  + {t.label}")
        for t in d.lost:
            click.echo(f"  - {t.label}")


def adopt(cmd: click.Command) -> click.Command:
    """Give a command defined elsewhere (with ``@click.pass_obj`` Settings) the common options."""
    inner = cmd.callback
    assert inner is not None

    @common
    def callback(settings: Settings, **kw: Any) -> Any:
        return inner(**kw)

    params = [*cmd.params, *reversed(callback.__click_params__)]  # type: ignore[attr-defined]
    return click.Command(cmd.name, params=params, callback=callback, help=cmd.help,
                         short_help=cmd.short_help, epilog=cmd.epilog)


cli.add_command(adopt(digest_command))
cli.add_command(adopt(outbox_command))


def main() -> None:
    cli(prog_name="watchdesk")
