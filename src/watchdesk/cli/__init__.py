"""The ``watchdesk`` command: a thin layer of click commands over the library.

One module per audience: ``ops`` (run, poll, feeds, status, demo), ``sources`` (feeds add,
feeds import, feeds export), ``rules`` (check, search, rules test), ``notify`` (alerts,
digest, outbox), ``show`` (one stored article), ``chat`` (notify test), ``exports`` (export,
feeds-out), ``desk`` (web, verdicts); ``_common`` holds the group and the options every
command shares.
"""

from __future__ import annotations

from . import chat, desk, exports, notify, ops, rules, show, sources  # noqa: F401 (importing them registers their commands)
from ._common import cli

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="watchdesk")
