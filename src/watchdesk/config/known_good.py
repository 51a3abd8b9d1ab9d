"""The configuration check of ``status`` and ``feeds``, skipped when the very same
configuration was already found without errors.

``check_config`` (feeds.yaml parsed and validated, every rule compiled, its examples run)
costs 0.2-0.3 s of CPU, and importing the rule compiler as much again: more than the rest of
``status``. Its outcome is a pure function of the texts of feeds.yaml and of the rule files
(which files, and what is in each), of the chat target names and of watchdesk's own code. So
a check that finds no error leaves a marker named by the digest of all that; a later check
whose digest has a marker knows the answer without parsing anything. Only "no errors" is
ever recorded: a changed file (fixed or broken) has another digest and is checked in full,
so a broken file is always reported with the same messages as before.

Why not the per-file digests of ``rule_files`` (the daemon's last good text of each file): a
rule file may use the ``@lists`` of another, so a file equal to its last good version can
still be broken today (the other file dropped the list and was saved as good without it).
The digest here covers the folder as a whole.

The markers are empty files in ``$XDG_CACHE_HOME/watchdesk/known-good/`` (default
``~/.cache``); one that cannot be read or written only means a full check.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from pathlib import Path

from .. import __version__
from ..errors import ConfigError

# the code whose verdict is cached: a change to it (an editable install) is another digest
_CODE_DIRS = ("config", "rules", "names", "schemas")   # names: `name:` terms and examples
_RULE_SUFFIXES = (".yaml", ".yml")  # as rules.loader.SUFFIXES (not imported: that is the cost)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "watchdesk" / "known-good"


def _code_fingerprint(h: hashlib._Hash) -> None:
    package = Path(__file__).resolve().parent.parent
    for name in _CODE_DIRS:
        for entry in sorted(os.scandir(package / name), key=lambda e: e.name):
            if entry.is_file():
                st = entry.stat()
                h.update(f"{name}/{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())


def config_digest(feeds_path: str | Path, rules_dir: str | Path,
                  targets: Collection[str] | None) -> str | None:
    """The digest of everything ``check_config`` reads; None when a file cannot be read
    (the full check says why)."""
    h = hashlib.sha256(f"watchdesk {__version__}\0".encode())
    try:
        _code_fingerprint(h)
        h.update(f"feeds\0{Path(feeds_path).resolve()}\0".encode())
        h.update(Path(feeds_path).read_bytes())
        folder = Path(rules_dir)
        h.update(f"\0rules\0{folder.resolve()}\0".encode())
        for p in sorted(folder.iterdir()):
            if p.suffix in _RULE_SUFFIXES and not p.name.startswith((".", "#")) \
                    and p.is_file():
                data = p.read_bytes()
                h.update(f"{p.name}\0{len(data)}\0".encode())
                h.update(data)
    except OSError:
        return None
    h.update(b"targets\0" + (b"T" + "\0".join(sorted(targets)).encode() if targets is not None
                             else b"N"))
    return h.hexdigest()


def config_errors(feeds_path: str | Path, rules_dir: str | Path,
                  targets: Collection[str] | None = None) -> list[ConfigError]:
    """``check_config(...).errors``, from the marker when this configuration is known good."""
    digest = config_digest(feeds_path, rules_dir, targets)
    marker = cache_dir() / digest if digest else None
    if marker is not None and marker.is_file():
        return []
    from .feeds import check_config

    errors = check_config(feeds_path, rules_dir, targets).errors
    # a file edited during the check: its verdict is not that of the digest taken before
    if not errors and marker is not None \
            and config_digest(feeds_path, rules_dir, targets) == digest:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass
    return errors
