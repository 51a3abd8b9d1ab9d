"""When digests are due: ``digest_time`` in ``timezone``, computed with zoneinfo.

How the daemon schedules the notifier (APScheduler 3, ``AsyncIOScheduler``)::

    scheduler.add_job(run_digest, digest_trigger(settings), id="digest", **DIGEST_JOB_OPTIONS)
    scheduler.add_job(run_alerts_and_deliver, "interval", minutes=1, id="notify",
                      coalesce=True, max_instances=1, misfire_grace_time=None)
    # and once at start-up: queue_digest, queue_alerts, deliver

APScheduler 3 drops a job run that starts more than ``misfire_grace_time`` late, and the
default is ONE second: after a suspend, a blocked event loop or a slow start, the 07:00 digest
would silently not run. ``DIGEST_JOB_OPTIONS`` sets ``misfire_grace_time=None`` (run however
late) with ``coalesce=True`` (several missed runs become one).

Nothing is lost even when the job does not fire at all (daemon down at 07:00, or a DST gap
swallowing the time): ``queue_digest`` compares the most recent scheduled time
(``last_digest_at``) with the end of the last digest and queues the missed one. That call is
cheap when no digest is due, so the daemon may simply make it every minute as well.

DST: a time that does not exist on a spring-forward day (02:30 in Europe/Paris on
2026-03-29) is taken as the same wall-clock offset before the change, i.e. 03:30; an ambiguous
time on a fall-back day is taken at its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from ..config.settings import Settings
from ..errors import ConfigError

DIGEST_JOB_OPTIONS: dict[str, object] = {
    "misfire_grace_time": None,   # the default (1 s) silently drops a late digest
    "coalesce": True,
    "max_instances": 1,
    "replace_existing": True,
}


def digest_clock(settings: Settings) -> tuple[time, ZoneInfo]:
    """The configured digest time and zone; ConfigError names the variable when invalid."""
    try:
        hh, mm = settings.digest_time.strip().split(":")
        at = time(int(hh), int(mm))
    except ValueError as e:
        raise ConfigError("WATCHDESK_DIGEST_TIME", None, None,
                          f"expected HH:MM (24 h), got {settings.digest_time!r}") from e
    try:
        tz = ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError("WATCHDESK_TIMEZONE", None, None,
                          f"unknown time zone {settings.timezone!r} (e.g. Europe/Paris)") from e
    return at, tz


def _on(day: date, at: time, tz: ZoneInfo) -> datetime:
    # Round-trip through UTC so a time in a DST gap becomes a real one (02:30 -> 03:30).
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).astimezone(tz)


def last_digest_at(settings: Settings, now: datetime) -> datetime:
    """The most recent scheduled digest time at or before ``now`` (aware, in the zone)."""
    at, tz = digest_clock(settings)
    local = now.astimezone(tz)
    for back in range(3):
        candidate = _on(local.date() - timedelta(days=back), at, tz)
        if candidate <= now:
            return candidate
    raise AssertionError("unreachable: a digest time exists every day")


def no_digest_reason(settings: Settings) -> str | None:
    """Why no digest will be sent at all (``queue_digest`` then queues nothing), or None."""
    if not settings.mail_to:
        return "no recipient: set WATCHDESK_MAIL_TO"
    return None


def next_digest_at(settings: Settings, now: datetime) -> datetime | None:
    """When the next digest will be sent: the first scheduled digest time strictly after
    ``now``, or None when none will be (``no_digest_reason`` says why). The one answer for
    ``watchdesk status``, ``watchdesk digest`` and the daemon's status line. ConfigError
    when the digest time or the time zone is invalid."""
    at, tz = digest_clock(settings)
    if no_digest_reason(settings) is not None:
        return None
    local = now.astimezone(tz)
    for ahead in range(3):
        candidate = _on(local.date() + timedelta(days=ahead), at, tz)
        if candidate > now:
            return candidate
    raise AssertionError("unreachable: a digest time exists every day")


def digest_trigger(settings: Settings) -> CronTrigger:
    """A CronTrigger at ``digest_time`` in ``timezone``; add the job with
    ``**DIGEST_JOB_OPTIONS`` (see the module docstring)."""
    at, tz = digest_clock(settings)
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=tz)
