"""Digest time across DST changes (Europe/Paris), missed digests, APScheduler options."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from watchdesk.config.settings import Settings
from watchdesk.errors import ConfigError
from watchdesk.notify.outbox import deliver, queue_digest
from watchdesk.notify.schedule import (
    DIGEST_JOB_OPTIONS,
    digest_trigger,
    last_digest_at,
    next_digest_at,
)
from watchdesk.store import Store

from .conftest import SMTPServer, World, utc


@pytest.mark.parametrize(("now", "expected_utc"), [
    # spring forward on 2026-03-29: 07:00 is 06:00 UTC the day before, 05:00 UTC that day
    (utc(2026, 3, 28, 5, 0), utc(2026, 3, 28, 6, 0)),
    (utc(2026, 3, 28, 7, 0), utc(2026, 3, 29, 5, 0)),
    (utc(2026, 3, 29, 5, 0), utc(2026, 3, 30, 5, 0)),     # exactly at: strictly after
    # fall back on 2026-10-25
    (utc(2026, 10, 24, 7, 0), utc(2026, 10, 25, 6, 0)),
    (utc(2026, 10, 25, 5, 30), utc(2026, 10, 25, 6, 0)),
])
def test_next_digest_at_across_dst(settings: Settings, now: datetime,
                                   expected_utc: datetime) -> None:
    got = next_digest_at(settings, now)
    assert got == expected_utc
    assert (got.hour, got.minute, str(got.tzinfo)) == (7, 0, "Europe/Paris")
    # APScheduler counts ``now`` itself as a fire time; we want strictly after
    fire = digest_trigger(settings).get_next_fire_time(None, now + timedelta(seconds=1))
    assert fire == expected_utc


def test_time_in_the_dst_gap_and_the_repeated_hour(settings: Settings) -> None:
    s = replace(settings, digest_time="02:30")
    # (compared in UTC: PEP 495 makes == false for an ambiguous local time vs another zone)
    gap = next_digest_at(s, utc(2026, 3, 28, 12))
    assert gap.astimezone(UTC) == utc(2026, 3, 29, 1, 30) and gap.hour == 3   # 03:30 CEST
    fold = next_digest_at(s, utc(2026, 10, 24, 12))
    assert fold.astimezone(UTC) == utc(2026, 10, 25, 0, 30)        # the first 02:30 (CEST)
    assert last_digest_at(s, utc(2026, 10, 25, 1, 45)).astimezone(UTC) == utc(2026, 10, 25, 0, 30)
    assert next_digest_at(s, utc(2026, 10, 25, 0, 30)).astimezone(UTC) == utc(2026, 10, 26, 1, 30)


def test_bad_settings_name_the_variable(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="WATCHDESK_DIGEST_TIME"):
        next_digest_at(replace(settings, digest_time="7h"), utc(2026, 1, 1))
    with pytest.raises(ConfigError, match="WATCHDESK_TIMEZONE"):
        next_digest_at(replace(settings, timezone="Europe/Tripoly"), utc(2026, 1, 1))


def test_job_options_do_not_drop_a_late_digest() -> None:
    assert DIGEST_JOB_OPTIONS["misfire_grace_time"] is None
    assert DIGEST_JOB_OPTIONS["coalesce"] is True


@pytest.mark.parametrize("day", [utc(2026, 3, 29, 5, 0), utc(2026, 10, 25, 6, 0)])
def test_start_ten_minutes_late_queues_that_days_digest_once(
        store: Store, settings: Settings, world: World, smtp: SMTPServer,
        day: datetime) -> None:
    """The daemon was down at 07:00 on a DST-change day and starts at 07:10."""
    feed = world.feed("RFI")
    yesterday = last_digest_at(settings, day - timedelta(minutes=1))
    local_day = day.astimezone(yesterday.tzinfo).date()
    assert (yesterday.hour, yesterday.date()) == (7, local_day - timedelta(days=1))
    queue_digest(store, settings, yesterday - timedelta(days=1))   # baseline
    assert queue_digest(store, settings, yesterday) is not None
    world.story(feed, "Nuit agitée à Syrte", "r", day - timedelta(hours=3))
    before = day - timedelta(minutes=1)
    assert queue_digest(store, settings, before) is None            # 06:59: not yet
    start = day + timedelta(minutes=10)
    outbox_id = queue_digest(store, settings, start)
    assert outbox_id is not None
    for minute in range(1, 30):                                     # the every-minute job
        assert queue_digest(store, settings, start + timedelta(minutes=minute)) is None
    deliver(store, settings, start)
    subjects = [m.message["Subject"] for m in smtp.messages]
    assert len(subjects) == 2 and "1 sujet pour 1 règle" in subjects[1]


def test_first_start_records_a_baseline_and_waits_for_the_digest_time(
        store: Store, settings: Settings, world: World) -> None:
    world.story(world.feed("RFI"), "Avant tout", "r", utc(2026, 11, 26, 8))
    assert queue_digest(store, settings, utc(2026, 11, 26, 9)) is None       # 10:00 Paris
    assert queue_digest(store, settings, utc(2026, 11, 27, 5, 59)) is None
    outbox_id = queue_digest(store, settings, utc(2026, 11, 27, 6, 0))
    assert outbox_id is not None
    row = store.outbox_row(outbox_id)
    assert row is not None and row["window_start"] is None and "Avant tout" in row["body_text"]


def test_a_day_of_minute_ticks(store: Store, settings: Settings, world: World,
                               smtp: SMTPServer) -> None:
    """The every-minute job over 25 hours: two digests (07:00 each day), one alert."""
    from watchdesk.notify.outbox import notify_tick
    feed = world.feed("RFI")
    t = utc(2026, 11, 25, 5, 50)
    notify_tick(store, settings, t - timedelta(hours=23))        # first start: baseline
    for minute in range(25 * 60):
        now = t + timedelta(minutes=minute)
        if minute == 120:
            world.story(feed, "Haftar à Moscou", "haftar", now, priority="alert")
        report = notify_tick(store, settings, now, titles={"haftar": "Haftar"})
        assert not report.delivery.failed
    got = [m.message["Subject"] for m in smtp.messages]
    assert got == ["watchdesk — rien de nouveau — mer. 25 nov.",
                   "watchdesk ALERTE — Haftar — Haftar à Moscou",
                   "watchdesk — 1 sujet pour 1 règle — jeu. 26 nov."]
