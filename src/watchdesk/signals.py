"""SIGTERM, SIGINT and SIGHUP that come before the daemon's event loop handles them.

``watchdesk run`` calls :func:`catch_early` first thing, before importing the daemon: a stop
asked while Python imports it, the configuration is read or the database opened is noted
here, and the daemon stops cleanly as soon as its loop runs (instead of a
``KeyboardInterrupt`` traceback, or SIGHUP's default action: death). Kept out of ``daemon``
so that catching costs no import.
"""

from __future__ import annotations

import signal
from types import FrameType

early: list[str] = []   # names of the signals caught so far, in order


def _note(signum: int, _frame: FrameType | None) -> None:
    early.append(signal.Signals(signum).name)


def catch_early() -> None:
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _note)
