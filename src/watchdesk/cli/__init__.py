"""The ``watchdesk`` command: a thin layer of click commands over the library.

One module per audience: ``ops`` (run, poll, feeds, status, demo), ``sources`` (feeds add,
feeds import, feeds export), ``rules`` (check, search, rules test), ``notify`` (alerts,
digest, outbox), ``show`` (one stored article), ``chat`` (notify test), ``exports`` (export,
feeds-out), ``desk`` (web, verdicts); ``_common`` holds the group and the options every
command shares.
"""

from __future__ import annotations

from ._common import cli

# Importing a module registers its commands; a command runs with its own modules only
# (WatchdeskGroup.lazy). tests/test_cli.py checks this table against the modules.
cli.lazy = {
    "run": ("ops",), "poll": ("ops",), "feeds": ("ops", "sources"), "status": ("ops",),
    "backup": ("ops",), "demo": ("ops",),
    "check": ("rules",), "search": ("rules",), "rules": ("rules",),
    "alerts": ("notify",), "digest": ("notify",), "outbox": ("notify",),
    "show": ("show",), "notify": ("chat",), "export": ("exports",), "feeds-out": ("exports",),
    "web": ("desk",), "verdicts": ("desk",),
}

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="watchdesk")
