"""The notifier's housekeeping: what it says, and how often, when it cannot send."""

from __future__ import annotations

from dataclasses import replace

import pytest

from watchdesk.config.settings import Settings
from watchdesk.notify.outbox import deliver, queue_digest
from watchdesk.store import Store

from .conftest import SMTPServer, World, parts, utc


def test_without_recipients_the_missed_digest_is_reported_once_and_kept(
        store: Store, settings: Settings, world: World, smtp: SMTPServer,
        caplog: pytest.LogCaptureFixture) -> None:
    nobody = replace(settings, mail_to=())
    queue_digest(store, nobody, utc(2026, 11, 25, 6, 0))          # baseline
    feed = world.feed("RFI")
    world.story(feed, "Haftar à Moscou", "haftar", utc(2026, 11, 25, 12, 0))
    with caplog.at_level("WARNING", logger="watchdesk.notify"):
        for minute in range(5):                                    # the daemon's minute job
            assert queue_digest(store, nobody, utc(2026, 11, 26, 6, 1 + minute)) is None
    warnings = [r for r in caplog.records if "no recipient" in r.getMessage()]
    assert len(warnings) == 1
    # once a recipient is set, the digest covers what matched meanwhile
    assert queue_digest(store, settings, utc(2026, 11, 26, 6, 10)) is not None
    deliver(store, settings, utc(2026, 11, 26, 6, 10))
    assert "Haftar à Moscou" in parts(smtp.messages[0].message)[0]
