"""The ``watchdesk`` command: a thin layer of click commands over the library.

One module per audience: ``ops`` (run, poll, feeds, status, demo), ``rules`` (check, search,
rules test), ``notify`` (alerts, digest, outbox), ``desk`` (web, verdicts); ``_common`` holds
the group and the options every command shares.
"""

from __future__ import annotations

from . import desk, notify, ops, rules  # noqa: F401 (importing them registers their commands)
from ._common import cli

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="watchdesk")
