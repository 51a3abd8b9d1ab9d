"""Chat and push targets: ``WATCHDESK_NOTIFY`` and the file named by ``WATCHDESK_NOTIFY_FILE``.

A target is an Apprise URL (``tgram://…``, ``matrixs://…``, ``slack://…``, ``json://…``) with a
name. URLs hold secrets (bot tokens, webhook keys), so only names are ever stored, logged or
shown; the URL is looked up by name at the moment of sending.

The file (systemd: ``LoadCredential=notify:…``, read from ``$CREDENTIALS_DIRECTORY/notify``),
one target a line, in the shape of Apprise's own text configuration::

    # name = Apprise URL
    desk-libye = tgram://123456:AAE…/-1001234567
    chefs      = matrixs://watchdesk:pass@matrix.example.org/#chefs
    ntfys://ntfy.example.org/veille          # no name: a default target

A **default** target gets every urgent and breaking alert (as ``WATCHDESK_MAIL_TO`` does);
a named one gets the alerts of the rules that list it (``notify: [desk-libye]``). The
defaults are the file's unnamed URLs and every entry of ``WATCHDESK_NOTIFY``: Apprise URLs
(separated by spaces or commas), or names defined in the file (``WATCHDESK_NOTIFY=chefs``
makes that named target a default too). An unnamed URL is named ``<scheme>-<6 hex digits of
its hash>``: stable when lines move, and giving nothing away.

Parsing is pure: text in, targets out, every mistake a :class:`ConfigError` with its line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import ConfigError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_BEFORE_URL = re.compile(r",(?=[A-Za-z][A-Za-z0-9+.-]*://)")


@dataclass(frozen=True)
class NotifyTarget:
    """A named Apprise URL; ``default``: it gets every alert. ``repr`` hides the URL."""

    name: str
    url: str = field(repr=False)
    default: bool = False

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0].lower()

    @property
    def address(self) -> str:
        """What the outbox and the rate limit call it: ``notify:<name>``."""
        return f"notify:{self.name}"


def auto_name(url: str) -> str:
    scheme = url.split("://", 1)[0].lower()
    return f"{scheme}-{hashlib.sha256(url.encode()).hexdigest()[:6]}"


def parse_file(text: str, path: str) -> list[NotifyTarget]:
    """The targets of a targets file; raises the first mistake as ConfigError(path, line)."""
    out: list[NotifyTarget] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = re.sub(r"\s+#.*$", "", line)   # a comment after the URL (URLs hold no " #")
        name, eq, url = line.partition("=") if not _URL.match(line) else ("", "", line)
        name, url = name.strip(), url.strip()
        if eq and not NAME.match(name):
            raise ConfigError(path, n, None,
                              f"target name {name!r}: use letters, digits, '.', '_' or '-' "
                              "(e.g. desk-libye = tgram://…)")
        if not eq and not _URL.match(url):
            raise ConfigError(path, n, None,
                              "expected `name = Apprise URL` or an Apprise URL such as "
                              "tgram://TOKEN/CHAT_ID")
        if not _URL.match(url):
            raise ConfigError(path, n, None,
                              f"target {name!r}: the value is not an Apprise URL "
                              "(scheme://…, e.g. tgram://TOKEN/CHAT_ID)")
        name = name or auto_name(url)
        if name in seen:
            raise ConfigError(path, n, None, f"target {name!r} is already defined at line "
                                             f"{seen[name]}; give each target its own name")
        seen[name] = n
        out.append(NotifyTarget(name, url, default=not eq))
    return out


def parse_env(value: str, named: Iterable[NotifyTarget] = ()) -> list[NotifyTarget]:
    """``WATCHDESK_NOTIFY``: Apprise URLs or names of targets of the file, all defaults."""
    known = {t.name: t for t in named}
    out: list[NotifyTarget] = []
    for item in _items(value):
        if not item:
            continue
        if _URL.match(item):
            out.append(NotifyTarget(auto_name(item), item, default=True))
        elif item in known:
            out.append(NotifyTarget(item, known[item].url, default=True))
        else:
            hint = (f"targets of WATCHDESK_NOTIFY_FILE: {', '.join(sorted(known))}" if known
                    else "no WATCHDESK_NOTIFY_FILE defines names")
            raise ConfigError("WATCHDESK_NOTIFY", None, None,
                              f"{item.split('://')[0][:40]!r} is neither an Apprise URL "
                              f"(scheme://…) nor a target name ({hint})")
    return out


def _items(value: str) -> list[str]:
    """Split on spaces; on commas before a URL (a URL may hold commas in its query); and a
    piece without ``://`` on every comma (a list of names)."""
    out: list[str] = []
    for piece in value.split():
        for part in _BEFORE_URL.split(piece):
            out += [part] if "://" in part else part.split(",")
    return [x.strip().strip(",") for x in out]


def merge(from_file: Iterable[NotifyTarget], from_env: Iterable[NotifyTarget],
          ) -> tuple[NotifyTarget, ...]:
    """Every target once, by name; a target of the file named in WATCHDESK_NOTIFY becomes a
    default."""
    by_name = {t.name: t for t in from_file}
    for t in from_env:
        by_name[t.name] = t
    return tuple(by_name.values())
