"""The exceptions watchdesk raises, under one root.

::

    WatchdeskError
    ├── ConfigError            a feeds.yaml or rule file is wrong (file, line, column, fix)
    │   └── RuleSyntaxError    a rule query does not parse
    ├── FetchError             one URL could not be retrieved (a value in the report, not a crash)
    │   ├── HTTPStatusError    the server answered with an error status
    │   ├── FeedGone           410 Gone: the feed is disabled
    │   ├── BlockedAddress     the URL resolves to a loopback/private/link-local address
    │   ├── TooLarge           the body (after decompression) exceeded the size bound
    │   ├── TooManyRedirects   redirect loop or chain over the bound
    │   ├── DeadlineExceeded   the whole request took longer than its deadline
    │   └── ContentError       not a feed / undecodable / truncated content
    ├── ExtractError           trafilatura failed, timed out or ran out of memory on a page
    ├── BackupError            ``watchdesk backup`` could not copy the database (says why)
    ├── DeliveryError          an email or webhook could not be delivered (retried from the outbox)
    └── StoreError             the database is missing, damaged, read-only or locked: what,
                               where and what to do (every command exits 3 on it)

Foreign exceptions (aiohttp, httpx, sqlite3, yaml) are wrapped at the module boundary with
``raise ... from e`` so callers only ever need to catch these.
"""

from __future__ import annotations

from dataclasses import dataclass


class WatchdeskError(Exception):
    """Root of every error watchdesk raises on purpose."""


@dataclass
class ConfigError(WatchdeskError):
    """A configuration file is invalid.

    ``str()`` gives ``file:line:column: message`` so editors and terminals can jump to it.
    """

    path: str
    line: int | None
    column: int | None
    message: str

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class RuleSyntaxError(ConfigError):
    """A rule query could not be parsed. ``also``: the query's further errors, if any."""

    also: tuple[ConfigError, ...] = ()


class FetchError(WatchdeskError):
    """A URL could not be retrieved. ``retry_after`` is seconds the server asked us to wait."""

    def __init__(self, message: str, *, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class HTTPStatusError(FetchError):
    pass


class FeedGone(FetchError):
    pass


class BlockedAddress(FetchError):
    pass


class TooLarge(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class DeadlineExceeded(FetchError):
    pass


class ContentError(FetchError):
    pass


class ExtractError(WatchdeskError):
    pass


class DeliveryError(WatchdeskError):
    pass


class BackupError(WatchdeskError):
    pass


class StoreError(WatchdeskError):
    """The database cannot be used. ``kind`` is one of ``missing`` (no database there, or not
    a watchdesk one), ``corrupt``, ``readonly``, ``locked``, ``outdated`` (its schema is older
    than this watchdesk and the command may not upgrade it), ``in_use`` (another daemon runs
    on it: ``store.lock``), ``other``; the message says what,
    where and what to do."""

    def __init__(self, message: str, *, path: str, kind: str = "other") -> None:
        super().__init__(message)
        self.path = path
        self.kind = kind
