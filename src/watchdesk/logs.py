"""Logging: one line per event on stderr, readable in a terminal and in journalctl.

Under systemd (``JOURNAL_STREAM`` set) the timestamp is left to the journal. ``--log-format
json`` (or ``WATCHDESK_LOG_FORMAT=json``) writes one JSON object per line instead; a line
logged with ``extra=fields(feed=..., new=...)`` (the per-feed line of each poll) carries those
values as keys of its object too, with their types, beside the text ``message``. httpx logs
every request at INFO: it is set to WARNING here, so a daemon's log says what happened to each
feed, not each request.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        extra = getattr(record, FIELDS, None)
        if isinstance(extra, dict):
            out.update({k: v for k, v in extra.items() if k not in out})
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


FIELDS = "watchdesk_fields"


def fields(**values: Any) -> dict[str, Any]:
    """``extra=`` for a log call whose values JSON logs should carry as keys."""
    return {FIELDS: values}


def setup(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    elif os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "aiohttp", "apscheduler", "trafilatura", "htmldate",
                  "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
