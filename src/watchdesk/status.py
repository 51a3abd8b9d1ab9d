"""``watchdesk status``: is the service healthy? Answered from the database alone.

Three steps, only the first touching the world:

1. ``read_facts`` reads what the daemon left in the database (``Store`` opened read-only: a
   monitoring check never creates, migrates or writes) plus the configuration files, into
   ``Facts``;
2. ``assess`` decides, as a pure function of ``Facts`` and ``Limits``, what needs attention;
3. ``Health.text()`` / ``Health.to_json()`` say it.

Exit status, the monitoring-plugin convention (Nagios, Icinga, Sensu, ...):

====  ========  ==============================================================================
code  level     when
====  ========  ==============================================================================
0     OK        nothing needs attention
1     WARNING   a feed failing for more than a day or disabled (e.g. 410 Gone), an outbox
              message whose delivery failed (it is retried), configuration errors (the daemon
              runs the last good version of each broken file, from the database), no active
              feed
2     CRITICAL  the daemon is not polling (a feed overdue by more than ``Limits.overdue``:
              max(15 min, 3 x tick)), every feed failing (network? DNS?), a message still
              undelivered after ``Limits.outbox_late`` (6 h)
3     UNKNOWN   the database cannot be read (missing file, wrong path, permissions, damaged,
              not yet upgraded): the message says what to do
====  ========  ==============================================================================

"The daemon is not polling" is judged from the feeds' ``next_poll_at`` rather than from the
time of the last fetch: a feed polled every 6 hours leaves long gaps between fetches, but a
running daemon never leaves a due feed waiting for more than a tick or a cycle.

While a daemon runs on the database, the digest time, time zone, recipients and tick are the
ones it recorded at its start (``running``), not the caller's: ``status`` says when *that*
daemon sends its digest, and names the settings where the caller's differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any

from .config.settings import Settings, env_name
from .errors import ConfigError, StoreError
from .running import RunningDaemon, running
from .store import Store, as_store_error, iso, parse_iso
from .store.health import HealthRows
from .store.rule_state import stored_rule_files


class Level(IntEnum):
    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3


@dataclass(frozen=True)
class FeedProblem:
    name: str
    since: datetime | None        # last success, or when the feed was added if never
    error: str | None
    error_count: int = 0


@dataclass(frozen=True)
class Facts:
    now: datetime
    last_cycle_at: datetime | None = None          # max(fetches.started_at)
    last_success_at: datetime | None = None        # latest successful fetch of any feed
    most_overdue_at: datetime | None = None        # earliest next poll of an active feed
    feeds_total: int = 0                           # in feeds.yaml
    feeds_active: int = 0                          # enabled and not disabled by watchdesk
    feeds_off: int = 0                             # `enabled: false` in feeds.yaml
    failing: Sequence[FeedProblem] = ()            # active feeds whose last fetch failed
    disabled: Sequence[FeedProblem] = ()           # disabled by watchdesk (disabled_reason)
    outbox_pending: int = 0
    outbox_failed: int = 0
    oldest_undelivered_at: datetime | None = None
    outbox_last_error: str | None = None
    next_digest_at: datetime | None = None
    digest_note: str = ""                          # why there is no next digest
    config_errors: Sequence[str] = ()
    daemon_pid: int | None = None                  # the daemon running on the database
    daemon_tick: float | None = None               # its WATCHDESK_TICK (for Limits.overdue)
    daemon_since: datetime | None = None
    settings_differ: Sequence[str] = ()            # the caller's settings that differ from it
    rules_stored: Sequence[str] = ()               # broken files running their stored version
    rules_lost: Sequence[str] = ()                 # broken files with no good version stored
    walls: Sequence[tuple[str, int]] = ()          # (feed, article pages that hit a wall)
    db_bytes: int = 0                              # the database file
    db_free_bytes: int = 0                         # free pages inside it
    db_growth_per_day: float | None = None         # used bytes per day (daily samples)
    db_growth_days: float = 0.0                    # measured over that many days
    db_auto_vacuum: str = "none"                   # none | full | incremental


@dataclass(frozen=True)
class Limits:
    overdue: timedelta = timedelta(minutes=15)
    failing: timedelta = timedelta(days=1)
    outbox_late: timedelta = timedelta(hours=6)

    @classmethod
    def for_settings(cls, settings: Settings) -> Limits:
        return cls(overdue=max(timedelta(minutes=15), timedelta(seconds=3 * settings.tick)))


@dataclass(frozen=True)
class Finding:
    level: Level
    check: str        # polling | feeds | outbox | config | database
    message: str


@dataclass(frozen=True)
class Health:
    facts: Facts | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def level(self) -> Level:
        return max((f.level for f in self.findings), default=Level.OK)

    def text(self) -> str:
        lines = [f"watchdesk {self.level.name}"]
        f = self.facts
        if f is not None:
            lines.append(f"  last cycle:   {_when(f.last_cycle_at, f.now)}")
            lines.append(f"  feeds:        {f.feeds_total} configured, {f.feeds_active} active, "
                         f"{len(f.failing)} failing, {len(f.disabled)} disabled, "
                         f"{f.feeds_off} off")
            lines.append(f"  outbox:       {f.outbox_pending} pending, {f.outbox_failed} failed"
                         + (f", oldest {age(f.now - f.oldest_undelivered_at)} old"
                            if f.oldest_undelivered_at else ""))
            digest = (f.next_digest_at.strftime("%Y-%m-%d %H:%M %Z")
                      if f.next_digest_at else f"none ({f.digest_note})")
            lines.append(f"  next digest:  {digest}")
            lines.append(f"  database:     {_size(f)}")
            if f.daemon_pid is not None:
                lines.append(f"  daemon:       running, PID {f.daemon_pid}, since "
                             f"{_when(f.daemon_since, f.now)}" + (
                                 f"; its settings are shown, yours differ: "
                                 f"{', '.join(env_name(k) for k in f.settings_differ)}"
                                 if f.settings_differ else ""))
            else:
                lines.append("  daemon:       not running on this database (times shown are "
                             "from your settings)")
            for path in f.rules_stored:
                lines.append(f"  rules:        {path}")
            if f.walls:
                lines.append(f"  walls:        {sum(n for _, n in f.walls)} page(s) of "
                             f"{len(f.walls)} feed(s) were a consent wall or paywall, the "
                             "feed's text was stored: "
                             + ", ".join(f"{name} {n}" for name, n in f.walls))
        for x in self.findings:
            lines.append(f"{x.level.name}: {x.message}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "level": self.level.name, "exit_code": int(self.level),
            "findings": [{"level": x.level.name, "check": x.check, "message": x.message}
                         for x in self.findings],
        }
        if self.facts is not None:
            out["facts"] = _jsonable(asdict(self.facts))
        return out


# -- deciding (pure) --------------------------------------------------------------------------


def assess(f: Facts, limits: Limits = Limits()) -> Health:
    """What needs attention, from the facts alone (no clock, no database)."""
    out: list[Finding] = []

    def add(level: Level, check: str, message: str) -> None:
        out.append(Finding(level, check, message))

    # polling: is the daemon running its cycles?
    if f.feeds_active == 0:
        add(Level.WARNING, "feeds", "no active feed: nothing is being watched "
            "(feeds.yaml empty, or every feed off or disabled)")
    elif f.most_overdue_at is not None and f.now - f.most_overdue_at > limits.overdue:
        add(Level.CRITICAL, "polling",
            f"a feed has been due for {age(f.now - f.most_overdue_at)} (last cycle "
            f"{_when(f.last_cycle_at, f.now)}): the daemon is not polling; "
            "see `systemctl status watchdesk`")
    # every active feed failing at once points at the host, not at the publishers
    if f.feeds_active and len(f.failing) >= f.feeds_active:
        # how long nothing has worked: since the last success, or since the feeds were added
        since = f.last_success_at or min((p.since for p in f.failing if p.since), default=None)
        if since is None or f.now - since > limits.overdue:
            add(Level.CRITICAL, "feeds",
                f"every feed is failing; last successful fetch "
                f"{_when(f.last_success_at, f.now)}: check the network and DNS")
    long_failing = [p for p in f.failing
                    if p.since is None or f.now - p.since > limits.failing]
    for p in long_failing:
        add(Level.WARNING, "feeds", f"feed {p.name} failing since {_when(p.since, f.now)} "
            f"({p.error_count} errors): {p.error or 'unknown error'}")
    for p in f.disabled:
        add(Level.WARNING, "feeds", f"feed {p.name} disabled: {p.error or 'no reason given'} "
            "(fix its URL in feeds.yaml, or remove it)")

    # outbox: are digests and alerts delivered?
    if f.outbox_failed:
        add(Level.WARNING, "outbox", f"{f.outbox_failed} message(s) failed to send and are "
            f"retried; last error: {f.outbox_last_error or 'unknown'} "
            "(see `watchdesk outbox --status failed`)")
    if f.oldest_undelivered_at is not None and (
            f.now - f.oldest_undelivered_at > limits.outbox_late):
        add(Level.CRITICAL, "outbox", f"a message has waited "
            f"{age(f.now - f.oldest_undelivered_at)} without being delivered")

    # configuration: what runs instead of the files as they are
    if f.config_errors:
        lost = (f"; no good version of {', '.join(f.rules_lost)} was ever loaded: its rules "
                "are not running" if f.rules_lost else "")
        add(Level.WARNING, "config", f"{len(f.config_errors)} configuration error(s); the "
            "daemon runs the last good version of each broken file (from the database)"
            f"{lost}: " + "; ".join(f.config_errors[:3])
            + (" ..." if len(f.config_errors) > 3 else ""))
    return Health(f, out)


# -- reading ----------------------------------------------------------------------------------


def check_health(settings: Settings, now: datetime | None = None, *,
                 check_config: bool = True) -> Health:
    """Read and assess; an unreadable database is UNKNOWN, not an exception."""
    try:
        facts = read_facts(settings, now, check_config=check_config)
    except StoreError as e:
        return Health(None, [Finding(Level.UNKNOWN, "database", str(e))])
    if facts.daemon_tick is not None:   # judged by the running daemon's tick, not ours
        settings = settings.with_overrides(tick=facts.daemon_tick)
    return assess(facts, Limits.for_settings(settings))


def read_facts(settings: Settings, now: datetime | None = None, *,
               check_config: bool = True) -> Facts:
    """The facts, from the database (opened read-only: a monitoring check never creates,
    migrates or writes it) and the configuration files.

    Raises StoreError when the database cannot be read.
    """
    now = now or datetime.now(UTC)
    store = Store(settings.db, mode="read", upgrade=False)  # a monitoring check never writes
    try:
        rows = store.health_rows()
        daemon = running(store)
        stored = {p: at for p, (_, at) in stored_rule_files(store).items()}
        size = store.size_info()
    except Exception as e:
        err = as_store_error(e, str(settings.db))
        if err is None:
            raise
        raise err from e
    finally:
        store.close()
    return replace(_facts(rows, settings, now, check_config, daemon, stored),
                   db_bytes=size.bytes, db_free_bytes=size.free_bytes,
                   db_growth_per_day=size.growth_per_day, db_growth_days=size.over_days,
                   db_auto_vacuum=size.auto_vacuum)


def _problem(row: dict[str, Any], why: str) -> FeedProblem:
    return FeedProblem(row["name"], parse_iso(row["last_success_at"] or row["created_at"]),
                       row[why], row["error_count"])


def _facts(rows: HealthRows, caller: Settings, now: datetime, check_config: bool,
           daemon: RunningDaemon | None = None, stored: dict[str, str] | None = None) -> Facts:
    settings = daemon.applied_to(caller) if daemon else caller
    next_digest, note = _next_digest(settings, now)
    found = _config_errors(settings) if check_config else []
    errors = [str(e) for e in found]
    broken = sorted({e.path for e in found if Path(e.path).parent == Path(settings.rules)})
    stored = stored or {}
    in_db = [p for p in broken if str(Path(p).resolve()) in stored]
    return Facts(
        now=now,
        last_cycle_at=parse_iso(rows.last_cycle_at),
        last_success_at=parse_iso(rows.last_success_at),
        most_overdue_at=parse_iso(rows.most_overdue_at),
        feeds_total=rows.feeds_total, feeds_active=rows.feeds_active,
        feeds_off=rows.feeds_off,
        failing=[_problem(r, "last_error") for r in rows.failing],
        disabled=[_problem(r, "disabled_reason") for r in rows.disabled],
        outbox_pending=rows.outbox_pending, outbox_failed=rows.outbox_failed,
        oldest_undelivered_at=parse_iso(rows.oldest_undelivered_at),
        outbox_last_error=rows.outbox_last_error,
        next_digest_at=next_digest, digest_note=note,
        config_errors=errors,
        daemon_pid=daemon.pid if daemon else None,
        daemon_since=parse_iso(daemon.started_at) if daemon else None,
        daemon_tick=settings.tick if daemon else None,
        settings_differ=daemon.differences(caller) if daemon else (),
        rules_stored=[f"{p} is broken: its last good version, applied "
                      f"{stored[str(Path(p).resolve())]}, runs (from the database)"
                      for p in in_db],
        rules_lost=[p for p in broken if p not in in_db],
        walls=rows.walls,
    )


def _next_digest(settings: Settings, now: datetime) -> tuple[datetime | None, str]:
    from .errors import ConfigError
    from .notify.schedule import next_digest_at, no_digest_reason

    try:
        at = next_digest_at(settings, now)
    except ConfigError as e:
        return None, str(e)
    return at, "" if at is not None else (no_digest_reason(settings) or "")


def config_errors(settings: Settings) -> list[str]:
    """Errors in feeds.yaml, the rule files and the digest settings, as `watchdesk check`
    reports them."""
    return [str(e) for e in _config_errors(settings)]


def _config_errors(settings: Settings) -> list[ConfigError]:
    from .config.known_good import config_errors as checked
    from .notify.schedule import digest_clock

    errors: list[ConfigError] = checked(settings.feeds, settings.rules, settings.target_names)
    try:
        digest_clock(settings)
    except ConfigError as e:
        errors.append(e)
    return errors


# -- formatting -------------------------------------------------------------------------------


def age(delta: timedelta) -> str:
    """A duration in its largest unit, rounded down: ``3d``, ``5h``, ``12m``, ``40s``."""
    secs = max(0, int(delta.total_seconds()))
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= n:
            return f"{secs // n}{unit}"
    return f"{secs}s"


def _bytes(n: float) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if abs(n) >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n:.0f} B"


def _size(f: Facts) -> str:
    """``1.2 GB (30.0 MB free), +12.0 MB/day over 7d`` (retention: docs/ops.md)."""
    text = f"{_bytes(f.db_bytes)} ({_bytes(f.db_free_bytes)} free)"
    if f.db_growth_per_day is None:
        text += ", growth per day not measured yet (the daemon samples it daily)"
    else:
        text += (f", {'+' if f.db_growth_per_day >= 0 else '-'}"
                 f"{_bytes(abs(f.db_growth_per_day))}/day over {f.db_growth_days:.0f}d")
    if f.db_auto_vacuum != "incremental":
        text += "; freed space is reused, not returned (docs/ops.md, Retention)"
    return text


def _when(dt: datetime | None, now: datetime) -> str:
    return "never" if dt is None else f"{iso(dt)} ({age(now - dt)} ago)"


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def feed_line(r: Any) -> tuple[str, list[str]]:
    """One row of ``Store.feed_report()`` as ``watchdesk feeds`` and the web's /feeds show
    it: its status word (disabled, off, failing xN, ok 200, new) and the notes under the
    table (why disabled, the last error, a warning, a permanent move)."""
    notes = []
    if r["disabled_reason"]:
        status = "disabled"
        notes.append(f"{r['name']}: {r['disabled_reason']}")
    elif not r["enabled"]:
        status = "off"
    elif r["last_error"]:
        status = f"failing x{r['error_count']}"
        notes.append(f"{r['name']}: {r['last_error']}")
    elif r["last_polled_at"]:
        status = f"ok {r['last_status'] or ''}".strip()
    else:
        status = "new"
    if r["last_warning"] and not r["last_error"]:  # fetch: a feed read despite errors
        notes.append(f"{r['name']}: warning: {r['last_warning']}")
    if r["redirected_from"]:
        notes.append(f"{r['name']}: moved permanently from {r['redirected_from']} "
                     f"to {r['url']}")
    return status, notes
