"""The desk's commands: ``web`` (the pages, and ``web adduser``) and ``verdicts export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config.settings import Settings
from ..errors import ConfigError
from ..store import Store
from ._common import cli, common_options


@cli.group(invoke_without_command=True)
@common_options(feeds=False)
@click.option("--listen", default=None, metavar="HOST:PORT",
              help="Address to serve on (env WATCHDESK_WEB_LISTEN; default 127.0.0.1:8080). "
                   "Beyond loopback only with authentication configured.")
@click.pass_context
def web(ctx: click.Context, settings: Settings, listen: str | None) -> None:
    """Serve the desk's web pages: events, search, rules, verdicts, feed health.

    Pages: / (the last 24 hours by rule), /events/ID (every report of an event), /articles/ID
    (the stored article, its matches, the verdicts), /search?q=…&since=…, /rules,
    /rules/test, /rules/FILE (editing, for editors), /feeds. The database is read only;
    verdicts and saved rules are the only writes.

    Without WATCHDESK_WEB_USERS or WATCHDESK_WEB_TRUSTED_HEADER nobody is asked who they are,
    so the pages are served on a loopback address only (the user is the account running
    this command). See docs/ops.md, "The web pages", for a proxy with TLS.
    """
    ctx.obj = settings
    if ctx.invoked_subcommand is not None:
        return
    from ..web import DEFAULT_LISTEN, parse_listen, serve

    try:
        where = parse_listen(listen or settings.web_listen or DEFAULT_LISTEN)
        sys.exit(serve(settings, where))
    except ConfigError as e:
        raise click.ClickException(str(e)) from e


@web.command()
@click.argument("name")
@click.option("--editor", is_flag=True, help="May save rule files from the browser.")
@click.pass_obj
def adduser(settings: Settings, name: str, editor: bool) -> None:
    """Add NAME to the users file WATCHDESK_WEB_USERS (or set their password and role).

    The password is asked twice (or read from standard input, one line, when it is not a
    terminal) and stored as an argon2 hash; the file is rewritten readable by its owner only.
    """
    from ..web.access import add_user

    if not settings.web_users:
        raise click.ClickException("set WATCHDESK_WEB_USERS to the users file first, e.g. "
                                   "WATCHDESK_WEB_USERS=/etc/watchdesk/web-users")
    if sys.stdin.isatty():
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        new = add_user(Path(settings.web_users), name, password, editor=editor)
    except ConfigError as e:
        raise click.ClickException(str(e)) from e
    role = "editor" if editor else "reader"
    click.echo(f"{'added' if new else 'updated'} {name} ({role}) in {settings.web_users}")


@cli.group()
def verdicts() -> None:
    """The analysts' verdicts (given on the web pages)."""


@verdicts.command("export")
@common_options(feeds=False)
@click.option("--rule", "rule_id", required=True, metavar="ID", help="The rule's id.")
def verdicts_export(settings: Settings, rule_id: str) -> None:
    """Print a rule's verdicts as an `examples:` block to paste into the rule.

    Articles judged relevant go under `match:`, those judged off-topic under `no_match:`
    (the latest verdict of each article counts). Each example carries the title and the
    summary, and the body only when the rule's outcome depends on it. Once pasted, `watchdesk
    check` tells when the rule stops keeping what the desk wanted, or still matches what it
    did not.
    """
    from .. import verdicts as v
    from ..rules import RuleBook
    from ..store.rule_state import running_rules

    store = Store(settings.db, mode="read")
    try:
        rule = None
        if settings.rules.is_dir():
            rule = RuleBook(settings.rules).ruleset.get(rule_id)
        rule = rule or running_rules(store).get(rule_id)
        if rule is None:
            raise click.ClickException(f"no rule {rule_id!r} in {settings.rules} or among the "
                                       "rules the daemon runs")
        judged, targets = v.load(store, [rule_id])
    finally:
        store.close()
    if not judged:
        click.echo(f"no verdict on rule {rule_id} yet", err=True)
    click.echo(v.examples_yaml(rule, judged, targets), nl=False)
