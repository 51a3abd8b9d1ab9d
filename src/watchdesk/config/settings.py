"""Per-install settings: environment variables ``WATCHDESK_*``, overridden by CLI flags.

Settings that differ from one install to another (paths, SMTP, digest time) live here so that
systemd can pass them with ``Environment=``/``EnvironmentFile=``; what analysts edit (feeds,
rules) lives in files. Nothing is required: every setting has a default that works for a first
run in the current directory.

Secrets (the SMTP password) are read from ``WATCHDESK_SMTP_PASSWORD`` or from the file named by
``WATCHDESK_SMTP_PASSWORD_FILE`` (systemd ``LoadCredential=`` puts it in
``$CREDENTIALS_DIRECTORY/smtp-password``), are never logged and never shown by ``repr``. So
are the chat targets' Apprise URLs: ``WATCHDESK_NOTIFY`` and the file named by
``WATCHDESK_NOTIFY_FILE`` (or ``$CREDENTIALS_DIRECTORY/notify``), see ``targets``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ..durations import parse_duration
from ..errors import ConfigError
from . import targets as _targets
from .targets import NotifyTarget


@dataclass(frozen=True)
class Secret:
    """A string that does not print itself."""

    value: str = field(repr=False)

    def __repr__(self) -> str:
        return "Secret('********')" if self.value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self.value)


# name -> (environment variable, parser, help). The table is the documentation: README's
# settings section and `watchdesk settings` are generated from it.
def _bool(v: str) -> bool:
    if v.lower() in ("1", "true", "yes", "on"):
        return True
    if v.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true/false, got {v!r}")


def _list(v: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in v.replace(";", ",").split(",") if x.strip())


def _keep(v: str) -> int | None:
    """A retention period in whole days: ``90d``, ``12w``, ``1y`` (365 days), a bare number of
    days, or ``forever``/``never`` (None: never pruned). Read by ``durations.parse_duration``,
    which knows neither years nor bare days: those two are turned into days first."""
    text = v.strip().lower()
    if text in ("forever", "never", "always", ""):
        return None
    years = text.endswith("y")
    if years or text.isdigit():
        text = text.removesuffix("y") + "d"
    try:
        days, rest = divmod(parse_duration(text), 86400)
    except ValueError:
        days, rest = 0, 0
    if rest or days < 1:
        raise ValueError(f"{v!r}: expected a number of days such as 90d, 12w or 1y, or "
                         "forever")
    return days * 365 if years else days


def _networks(v: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(x, strict=False) for x in _list(v))


def _listen_address(value: str, *, lowest_port: int = 1) -> str:
    """``WATCHDESK_METRICS`` as ``HOST:PORT``: an IP address (IPv6 in brackets) or
    ``localhost``, and a port; a bare port or ``:PORT`` listens on 127.0.0.1, never on every
    interface. Empty: no metrics. Raises ValueError saying what is wrong."""
    value = value.strip()
    if not value:
        return ""
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = "", value
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ValueError(f"{value!r}: write an IPv6 address in brackets, e.g. [::1]:9464")
    if host in ("", "localhost"):
        host = "127.0.0.1"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"{value!r}: expected HOST:PORT with an IP address, e.g. "
                         "127.0.0.1:9464") from None
    if not port.isdigit() or not lowest_port <= int(port) < 65536:
        raise ValueError(f"{value!r}: expected a port between {lowest_port} and 65535")
    return f"[{ip}]:{int(port)}" if ip.version == 6 else f"{ip}:{int(port)}"


def web_listen_address(value: str) -> str:
    """``WATCHDESK_WEB_LISTEN`` / ``watchdesk web --listen``: as ``WATCHDESK_METRICS``, and
    port 0 lets the system choose a free port (the address chosen is logged)."""
    return _listen_address(value, lowest_port=0)


def _web_url(value: str) -> str:
    """``WATCHDESK_WEB_URL``: an absolute http(s) address, kept without its final slash."""
    value = value.strip().rstrip("/")
    if value and not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", value):
        raise ValueError(f"{value!r}: expected the address people open, e.g. "
                         "https://veille.example.org")
    return value


@dataclass(frozen=True)
class Settings:
    feeds: Path = Path("feeds.yaml")
    rules: Path = Path("rules")
    db: Path = Path("watchdesk.db")
    # fetching
    concurrency: int = 32                 # requests in flight, all hosts
    per_host: int = 2                     # requests in flight per host
    timeout: float = 30.0                 # total deadline per request, seconds
    max_feed_bytes: int = 10 * 1024 * 1024
    max_page_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    max_entries: int = 200                # entries taken per poll of one feed
    allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    user_agent: str = ""
    # extraction
    workers: int = 0                      # 0 = one per core
    extract_timeout: float = 20.0
    extract_memory_mb: int = 1024
    # scheduling
    tick: float = 15.0                    # how often the daemon looks for due feeds
    backfill_days: int = 7
    # retention (see ``retention``): days kept; None = forever
    keep_unmatched: int | None = 90       # bodies of articles no rule matched
    keep_matched: int | None = None       # bodies of matched articles
    # mail
    smtp_host: str = "localhost"
    smtp_port: int = 0                    # 0 = by security: 25, 587 (starttls) or 465 (tls)
    smtp_security: str = "none"           # none | starttls | tls
    smtp_ca_file: str = ""                # PEM CA(s) to trust instead of the system's
    smtp_user: str = ""
    smtp_password: Secret = Secret("")
    mail_from: str = "watchdesk@localhost"
    mail_to: tuple[str, ...] = ()
    digest_time: str = "07:00"
    timezone: str = "Europe/Paris"
    digest_lang: str = "fr"
    digest_send_empty: bool = True
    alert_every: int = 5                  # minutes: at most one alert email per recipient per N
    webhook_url: str = ""
    notify: tuple[NotifyTarget, ...] = ()  # chat/push targets (Apprise URLs), see targets.py
    # monitoring
    metrics: str = ""                     # HOST:PORT for Prometheus metrics; empty: off
    # the desk's web pages (web/)
    web_listen: str = ""                  # HOST:PORT; `run` serves them only when set
    web_url: str = ""                     # the address people reach (digest, alert, chat links)
    web_users: str = ""                   # file of users and argon2 hashes
    web_trusted_header: str = ""          # e.g. X-Remote-User, set by an authenticating proxy
    web_trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (
        ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))
    web_editors: tuple[str, ...] = ()     # who may save rules, with a trusted header
    # logging
    log_format: str = "text"              # text | json
    log_level: str = "INFO"

    @property
    def target_names(self) -> frozenset[str] | None:
        """The names a rule's ``notify:`` may use; None when no target is configured at all
        (a command run without the targets file, e.g. `sudo watchdesk check` without the
        service's credential: the names are then not checked)."""
        return frozenset(t.name for t in self.notify) if self.notify else None

    def with_overrides(self, **kw: Any) -> Settings:
        return replace(self, **{k: v for k, v in kw.items() if v is not None})


_PARSERS: dict[str, Any] = {
    "feeds": Path, "rules": Path, "db": Path,
    "concurrency": int, "per_host": int, "timeout": float, "max_feed_bytes": int,
    "max_page_bytes": int, "max_redirects": int, "max_entries": int,
    "allow_networks": _networks, "user_agent": str,
    "workers": int, "extract_timeout": float, "extract_memory_mb": int,
    "tick": float, "backfill_days": int, "keep_unmatched": _keep, "keep_matched": _keep,
    "smtp_host": str, "smtp_port": int, "smtp_security": str, "smtp_ca_file": str,
    "smtp_user": str,
    "smtp_password": Secret, "mail_from": str, "mail_to": _list, "digest_time": str,
    "timezone": str, "digest_lang": str, "digest_send_empty": _bool, "alert_every": int,
    "webhook_url": str, "notify": _targets.parse_env, "metrics": _listen_address,
    "log_format": str, "log_level": str,
    "web_listen": web_listen_address, "web_url": _web_url, "web_users": str,
    "web_trusted_header": str, "web_trusted_proxies": _networks, "web_editors": _list,
}


def env_name(name: str) -> str:
    return "WATCHDESK_" + name.upper()


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``WATCHDESK_*`` variables; a bad value raises ConfigError naming it."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        var = env_name(f.name)
        if var in env and f.name != "notify":
            try:
                values[f.name] = _PARSERS[f.name](env[var])
            except ValueError as e:
                raise ConfigError(var, None, None, f"invalid value: {e}") from e
    if "smtp_password" not in values:
        pw_file = env.get("WATCHDESK_SMTP_PASSWORD_FILE")
        if not pw_file and env.get("CREDENTIALS_DIRECTORY"):
            candidate = Path(env["CREDENTIALS_DIRECTORY"]) / "smtp-password"
            pw_file = str(candidate) if candidate.exists() else None
        if pw_file:
            try:
                values["smtp_password"] = Secret(Path(pw_file).read_text().strip())
            except OSError as e:
                raise ConfigError(pw_file, None, None,
                                  f"cannot read the SMTP password file: {e.strerror}") from e
    values["notify"] = _notify_targets(env)
    s = Settings(**values)
    if s.smtp_security not in ("none", "starttls", "tls"):
        raise ConfigError("WATCHDESK_SMTP_SECURITY", None, None,
                          "must be one of: none, starttls, tls")
    for name in ("keep_unmatched", "keep_matched"):
        days = getattr(s, name)
        if days is not None and days < s.backfill_days:
            raise ConfigError(env_name(name), None, None,
                              f"keeps {days} day(s), less than WATCHDESK_BACKFILL_DAYS "
                              f"({s.backfill_days}): new rules are checked against that "
                              "many days of articles, which must still have their bodies")
    return s


def _notify_targets(env: Mapping[str, str]) -> tuple[NotifyTarget, ...]:
    """``WATCHDESK_NOTIFY`` and the targets file (``WATCHDESK_NOTIFY_FILE``, else the systemd
    credential ``notify``)."""
    path = env.get("WATCHDESK_NOTIFY_FILE")
    if not path and env.get("CREDENTIALS_DIRECTORY"):
        candidate = Path(env["CREDENTIALS_DIRECTORY"]) / "notify"
        path = str(candidate) if candidate.exists() else None
    from_file: list[NotifyTarget] = []
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(path, None, None,
                              f"cannot read the notify targets file: {e.strerror}") from e
        except UnicodeDecodeError as e:
            raise ConfigError(path, None, None, "the notify targets file is not UTF-8") from e
        from_file = _targets.parse_file(text, path)
    return _targets.merge(from_file, _targets.parse_env(env.get("WATCHDESK_NOTIFY", ""),
                                                        from_file))
