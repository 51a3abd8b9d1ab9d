"""What a running daemon records about itself, so that ``status`` answers for *it*.

``status`` is run by another process, often by another user with other ``WATCHDESK_*``
variables (or none): reading its own settings, it announced a 07:00 digest while the daemon,
started with ``WATCHDESK_DIGEST_TIME=18:54``, sent at 18:54. So at start the daemon records its
PID and the settings ``status`` judges by (``RECORDED``: never a secret) in the database's
``meta`` table; ``status`` uses them when the lock on the database (``store.lock``) is held by
that PID, that is while this daemon runs, and its caller's own settings otherwise.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .config.settings import Settings
from .store.lock import holder

if TYPE_CHECKING:
    from .store import Store

KEY = "daemon.running"
# what status and its reader need; tuples are stored as lists
RECORDED = ("digest_time", "timezone", "digest_lang", "digest_send_empty", "mail_to", "tick",
            "alert_every", "backfill_days")


@dataclass(frozen=True)
class RunningDaemon:
    pid: int
    started_at: str
    settings: dict[str, Any]

    def applied_to(self, settings: Settings) -> Settings:
        """``settings`` with the daemon's values of ``RECORDED``."""
        values = {k: tuple(v) if isinstance(v, list) else v
                  for k, v in self.settings.items() if k in RECORDED}
        return settings.with_overrides(**values)

    def differences(self, settings: Settings) -> list[str]:
        """The recorded settings where ``settings`` (the caller's) says otherwise."""
        mine = self.applied_to(settings)
        return [k for k in RECORDED if getattr(mine, k) != getattr(settings, k)]


def record(store: Store, settings: Settings, started_at: str) -> None:
    values = {k: getattr(settings, k) for k in RECORDED}
    store.set_meta(KEY, json.dumps({"pid": os.getpid(), "started_at": started_at,
                                    "settings": values}, ensure_ascii=False))


def running(store: Store) -> RunningDaemon | None:
    """The daemon running on this database now, as it recorded itself; None when none runs
    (or the one holding the lock has not recorded itself yet)."""
    who = holder(store.path)
    if who is None or who.role != "run":
        return None
    raw = store.get_meta(KEY)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        found = RunningDaemon(int(data["pid"]), str(data["started_at"]), dict(data["settings"]))
    except (ValueError, KeyError, TypeError):
        return None
    return found if found.pid == who.pid else None
