"""Who is asking: the three ways the web pages know their user, and the roles.

Decided once from the settings (``Access.from_settings``):

- ``users``: ``WATCHDESK_WEB_USERS`` names a file of users, one per line,
  ``NAME:ARGON2-HASH[:editor]`` (``#`` comments; written by ``watchdesk web adduser``); the
  browser sends HTTP Basic credentials (over TLS behind a proxy: docs/ops.md). An unknown
  user or a wrong password gets 401. A successful check is remembered (by a hash of the
  name, the stored hash and the password), so argon2's deliberate cost is paid once, not on
  every request;
- ``header``: ``WATCHDESK_WEB_TRUSTED_HEADER`` (e.g. ``X-Remote-User``) is set by an
  authenticating reverse proxy (nginx basic auth, oauth2-proxy); only requests coming from
  ``WATCHDESK_WEB_TRUSTED_PROXIES`` are accepted (403 otherwise: anyone else could set the
  header), and editors are the names in ``WATCHDESK_WEB_EDITORS``;
- ``local``: neither is set. Allowed only on a loopback address (``serve`` refuses any
  other): the user is the account running watchdesk, an editor (they can edit the files
  anyway).

Roles: everyone who gets in may read and give verdicts; only editors may save rule files.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import getpass
import hashlib
import ipaddress
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config.settings import Settings
from ..errors import ConfigError
from ..files import write_atomic

USER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
EDITOR = "editor"


@dataclass(frozen=True)
class User:
    name: str
    editor: bool


@dataclass(frozen=True)
class Refusal:
    status: int           # 401 (who are you?) or 403 (not from here)
    message: str
    challenge: bool = False


@dataclass(frozen=True)
class Entry:
    hash: str
    editor: bool


def parse_users(text: str, path: str) -> dict[str, Entry]:
    """The users file; a bad line is a ConfigError naming file and line."""
    out: dict[str, Entry] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":")
        if len(parts) not in (2, 3) or not USER_NAME.match(parts[0]) \
                or not parts[1].startswith("$argon2"):
            raise ConfigError(path, n, 1, "expected NAME:ARGON2-HASH[:editor] (write it with "
                                          "`watchdesk web adduser NAME`)")
        if len(parts) == 3 and parts[2] not in ("", EDITOR):
            raise ConfigError(path, n, len(parts[0]) + len(parts[1]) + 3,
                              f"unknown role {parts[2]!r}: the only role is 'editor'")
        out[parts[0]] = Entry(parts[1], len(parts) == 3 and parts[2] == EDITOR)
    return out


def add_user(path: Path, name: str, password: str, *, editor: bool) -> bool:
    """Add ``name`` to the users file (or replace their line); True if they were new. The
    file is rewritten atomically, readable by its owner only."""
    from argon2 import PasswordHasher

    if not USER_NAME.match(name):
        raise ConfigError(str(path), None, None, f"{name!r} is not a user name (letters, "
                                                 "digits, . _ @ -, at most 64)")
    if not password:
        raise ConfigError(str(path), None, None, "an empty password is refused")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    parse_users(text, str(path))   # refuse to rewrite a broken file
    line = f"{name}:{PasswordHasher().hash(password)}" + (f":{EDITOR}" if editor else "")
    lines, new = [], True
    for raw in text.splitlines():
        if raw.split(":", 1)[0].strip() == name and not raw.lstrip().startswith("#"):
            lines.append(line)
            new = False
        else:
            lines.append(raw)
    if new:
        lines.append(line)
    write_atomic(path, "\n".join(lines) + "\n", 0o600, durable=True)
    return new


class UsersFile:
    """The users file, re-read when it changes; password checks remembered."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self._users: dict[str, Entry] = {}
        self._good: set[bytes] = set()
        self._dummy: str | None = None
        self.users()   # a missing or broken file is an error at start

    def users(self) -> dict[str, Entry]:
        try:
            st = self.path.stat()
        except OSError as e:
            raise ConfigError(str(self.path), None, None,
                              f"cannot read the users file (WATCHDESK_WEB_USERS): "
                              f"{e.strerror}; create it with `watchdesk web adduser NAME`"
                              ) from e
        with self._lock:
            if self._stamp != (st.st_mtime, st.st_size):
                self._users = parse_users(self.path.read_text(encoding="utf-8"),
                                          str(self.path))
                self._stamp = (st.st_mtime, st.st_size)
                self._good.clear()
            return self._users

    def check(self, name: str, password: str) -> User | None:
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        entry = self.users().get(name)
        if entry is None:   # as slow as a wrong password: the timing tells no name
            if self._dummy is None:
                self._dummy = PasswordHasher().hash(os.urandom(16).hex())
            with contextlib.suppress(VerificationError, InvalidHashError):
                PasswordHasher().verify(self._dummy, password)
            return None
        key = hashlib.sha256(f"{name}\0{entry.hash}\0{password}".encode()).digest()
        if key not in self._good:
            try:
                PasswordHasher().verify(entry.hash, password)
            except (VerificationError, InvalidHashError):
                return None
            self._good.add(key)
        return User(name, entry.editor)


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid-{os.getuid()}"


def basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        name, sep, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (name, password) if sep else None


class Access:
    """Decides who a request is (or why it is refused)."""

    def __init__(self, mode: str, *, users: UsersFile | None = None, header: str = "",
                 proxies: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network] = (),
                 editors: Sequence[str] = ()) -> None:
        self.mode = mode
        self.users = users
        self.header = header.lower()
        self.proxies = tuple(proxies)
        self.editors = frozenset(editors)
        self.local = User(_local_user(), True)

    @classmethod
    def from_settings(cls, s: Settings) -> Access:
        if s.web_users and s.web_trusted_header:
            raise ConfigError("WATCHDESK_WEB_USERS", None, None,
                              "set either WATCHDESK_WEB_USERS or WATCHDESK_WEB_TRUSTED_HEADER, "
                              "not both")
        if s.web_users:
            return cls("users", users=UsersFile(Path(s.web_users)))
        if s.web_trusted_header:
            return cls("header", header=s.web_trusted_header, proxies=s.web_trusted_proxies,
                       editors=s.web_editors)
        return cls("local")

    @property
    def authenticated(self) -> bool:
        """Is authentication configured (required to listen beyond loopback)?"""
        return self.mode != "local"

    def identify(self, headers: dict[str, str], client: str | None) -> User | Refusal:
        if self.mode == "local":
            return self.local
        if self.mode == "header":
            try:
                ip = ipaddress.ip_address(client or "")
            except ValueError:
                ip = None
            if ip is None or not any(ip in net for net in self.proxies):
                return Refusal(403, "requests must come through the authenticating proxy "
                                    "(WATCHDESK_WEB_TRUSTED_PROXIES)")
            name = headers.get(self.header, "").strip()
            if not name:
                return Refusal(403, f"the proxy sent no {self.header} header")
            return User(name, name in self.editors)
        assert self.users is not None
        creds = basic_credentials(headers.get("authorization", ""))
        if creds is None:
            return Refusal(401, "sign in with your watchdesk user name and password",
                           challenge=True)
        user = self.users.check(*creds)
        if user is None:
            return Refusal(401, "unknown user or wrong password", challenge=True)
        return user
