"""Offline demo content and the loopback server that serves it.

``data_dir()`` is the bundled demo site (feeds, article pages, ``feeds.yaml``, ``manifest.json``);
``FixtureServer`` serves it, or anything else, on 127.0.0.1 for ``watchdesk demo``, the tests
and the benchmarks.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .server import FixtureRequestHandler, FixtureServer, RequestRecord, redirect, slow_drip, status

__all__ = [
    "FixtureRequestHandler",
    "FixtureServer",
    "RequestRecord",
    "data_dir",
    "redirect",
    "render_feeds_yaml",
    "slow_drip",
    "status",
]


def data_dir() -> Path:
    """Directory of the bundled demo site (a real directory: the package is not zipped)."""
    return Path(str(resources.files(__package__) / "data"))


def render_feeds_yaml(base_url: str) -> str:
    """The demo ``feeds.yaml`` with ``{{BASE}}`` replaced by ``base_url``."""
    text = (data_dir() / "feeds.yaml").read_text(encoding="utf-8")
    return text.replace("{{BASE}}", base_url.rstrip("/"))
