"""Chat and push targets: ``notify test``."""

from __future__ import annotations

import click

from ..config.settings import Settings
from ..errors import DeliveryError
from ._common import cli, common_options


@cli.group()
def notify() -> None:
    """Chat and push targets (WATCHDESK_NOTIFY, WATCHDESK_NOTIFY_FILE)."""


@notify.command("test")
@common_options(feeds=False)
@click.option("--target", "names", multiple=True, metavar="NAME",
              help="Only this target (repeat for several); default: every target.")
def notify_test(settings: Settings, names: tuple[str, ...]) -> None:
    """Send a short test message to each chat/push target, now (not through the outbox),
    and say which ones took it. Targets are shown by name, never by URL (it holds tokens).

    Exit status 1 if a target failed or none is configured.
    """
    from ..notify import chat

    targets = [t for t in settings.notify if not names or t.name in names]
    unknown = sorted(set(names) - {t.name for t in settings.notify})
    if unknown:
        known = ", ".join(t.name for t in settings.notify) or "none"
        raise click.BadParameter(f"no target named {', '.join(unknown)} (targets: {known})",
                                 param_hint="'--target'")
    if not targets:
        raise click.ClickException("no notify target: set WATCHDESK_NOTIFY or "
                                   "WATCHDESK_NOTIFY_FILE (see docs/digest.md)")
    failed = 0
    for t in targets:
        try:
            chat.send(t, "watchdesk — test",
                      "Test message from watchdesk: alerts will arrive here."
                      + (f"\n{settings.web_url}" if settings.web_url else ""))
        except DeliveryError as e:
            failed += 1
            click.echo(f"FAILED {t.name}: {e}", err=True)
            continue
        role = "every alert" if t.default else "rules that name it"
        click.echo(f"ok     {t.name} ({t.scheme}; {role})")
    if failed:
        raise click.ClickException(f"{failed} of {len(targets)} target(s) failed")
