"""`watchdesk status`: the decision table (pure), then the command against a real database."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from watchdesk.config.settings import Settings
from watchdesk.status import Facts, FeedProblem, Level, Limits, assess

from conftest import cli_env, watchdesk

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
MIN, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)

# A daemon that is fine: three feeds polled a minute ago, the next poll due in 4 minutes.
HEALTHY = Facts(now=NOW, last_cycle_at=NOW - MIN, last_success_at=NOW - MIN,
                most_overdue_at=NOW + 4 * MIN, feeds_total=3, feeds_active=3,
                next_digest_at=NOW + 22 * HOUR)


def failing(name: str, since: timedelta, error: str = "HTTP 503") -> FeedProblem:
    return FeedProblem(name, NOW - since, error, error_count=4)


CASES: list[tuple[str, dict[str, object], Level, list[str]]] = [
    ("healthy", {}, Level.OK, []),
    ("a feed due for 5 min is a slow cycle, not a dead daemon",
     {"most_overdue_at": NOW - 5 * MIN}, Level.OK, []),
    ("a feed due for 2 h: the daemon is not polling",
     {"most_overdue_at": NOW - 2 * HOUR, "last_cycle_at": NOW - 2 * HOUR},
     Level.CRITICAL, ["polling:due for 2h", "not polling"]),
    ("never polled, feeds added long ago",
     {"most_overdue_at": NOW - DAY, "last_cycle_at": None, "last_success_at": None},
     Level.CRITICAL, ["polling:last cycle never"]),
    ("no active feed", {"feeds_total": 1, "feeds_active": 0, "feeds_off": 1,
                        "most_overdue_at": None}, Level.WARNING, ["feeds:no active feed"]),
    ("a feed failing for 2 h is not news yet",
     {"failing": [failing("rfi", 2 * HOUR)]}, Level.OK, []),
    ("a feed failing for 2 days",
     {"failing": [failing("rfi", 2 * DAY, "HTTP 404 Not Found")]}, Level.WARNING,
     ["feeds:feed rfi failing since", "HTTP 404 Not Found"]),
    ("a feed that never worked since added 3 days ago",
     {"failing": [failing("alwasat", 3 * DAY, "DNS: name not known")]}, Level.WARNING,
     ["feeds:alwasat"]),
    ("a disabled feed (410 Gone)",
     {"disabled": [FeedProblem("old", NOW - 9 * DAY, "HTTP 410 Gone")]}, Level.WARNING,
     ["feeds:feed old disabled: HTTP 410 Gone"]),
    ("every feed failing for an hour: the host's network",
     {"failing": [failing(n, HOUR) for n in "abc"], "last_success_at": NOW - HOUR},
     Level.CRITICAL, ["feeds:every feed is failing", "network"]),
    ("every feed failing for 5 minutes: give it time",
     {"failing": [failing(n, 5 * MIN) for n in "abc"], "last_success_at": NOW - 5 * MIN},
     Level.OK, []),
    ("every feed failing since added 2 minutes ago: the first cycle",
     {"failing": [failing(n, 2 * MIN) for n in "abc"], "last_success_at": None},
     Level.OK, []),
    ("every feed failing since added a day ago, never fetched",
     {"failing": [failing(n, DAY) for n in "abc"], "last_success_at": None},
     Level.CRITICAL, ["feeds:every feed is failing; last successful fetch never"]),
    ("a digest failed to send: retried, but someone should look",
     {"outbox_failed": 1, "oldest_undelivered_at": NOW - 20 * MIN,
      "outbox_last_error": "SMTP 535 authentication failed"}, Level.WARNING,
     ["outbox:1 message(s) failed", "SMTP 535"]),
    ("pending for 10 minutes is normal",
     {"outbox_pending": 2, "oldest_undelivered_at": NOW - 10 * MIN}, Level.OK, []),
    ("undelivered for 7 hours",
     {"outbox_pending": 1, "oldest_undelivered_at": NOW - 7 * HOUR}, Level.CRITICAL,
     ["outbox:waited 7h"]),
    ("configuration errors",
     {"config_errors": ["feeds.yaml:4:5: interval: 'often' is not a duration"]},
     Level.WARNING, ["config:1 configuration error", "feeds.yaml:4:5"]),
    ("the worst level wins",
     {"config_errors": ["x"], "most_overdue_at": NOW - DAY}, Level.CRITICAL,
     ["config:", "polling:"]),
]


@pytest.mark.parametrize(("changes", "level", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_assess(changes: dict[str, object], level: Level, expected: list[str]) -> None:
    health = assess(replace(HEALTHY, **changes), Limits())  # type: ignore[arg-type]
    assert health.level == level, health.text()
    for want in expected:  # "check:text in its message", or just "text"
        check, _, text = want.partition(":") if re.match(r"\w+:", want) else ("", "", want)
        assert any(text in f.message and (not check or f.check == check)
                   for f in health.findings), (want, health.findings)
    if level == Level.OK:
        assert health.findings == []


def test_overdue_limit_follows_a_long_tick() -> None:
    s = Settings(tick=1800)
    assert Limits.for_settings(s).overdue == timedelta(minutes=90)
    assert Limits.for_settings(Settings()).overdue == timedelta(minutes=15)
    late = replace(HEALTHY, most_overdue_at=NOW - HOUR)
    assert assess(late, Limits.for_settings(s)).level == Level.OK
    assert assess(late, Limits.for_settings(Settings())).level == Level.CRITICAL


def test_text_and_json_say_the_same() -> None:
    h = assess(replace(HEALTHY, outbox_failed=1, oldest_undelivered_at=NOW - HOUR,
                       outbox_last_error="timeout"))
    text = h.text()
    assert text.startswith("watchdesk WARNING")
    assert "1 failed, oldest 1h old" in text and "next digest:  2026-11-27 07:00" in text
    data = json.loads(json.dumps(h.to_json()))
    assert data["level"] == "WARNING" and data["exit_code"] == 1
    assert data["facts"]["next_digest_at"] == "2026-11-27T07:00:00Z"
    assert [f["check"] for f in data["findings"]] == ["outbox"]


# -- the command, against a database filled by a real `watchdesk poll` ------------------------


def args(s: Settings) -> list[str]:
    return ["--feeds", str(s.feeds), "--rules", str(s.rules), "--db", str(s.db)]


def status(s: Settings, *extra: str) -> tuple[int, dict[str, object], str]:
    r = watchdesk("status", "--json", *args(s), *extra)
    return r.returncode, json.loads(r.stdout), r.stderr


def test_status_command_exit_codes(settings: Settings) -> None:
    code, data, err = status(settings)
    assert code == 3, err
    assert data["level"] == "UNKNOWN" and "no database at" in str(data["findings"])
    assert not settings.db.exists(), "status must not create the database"

    assert watchdesk("poll", *args(settings)).returncode == 0
    code, data, err = status(settings)
    assert code == 0, data
    facts = data["facts"]
    assert isinstance(facts, dict)
    assert facts["feeds_active"] == 1 and facts["last_cycle_at"] and facts["failing"] == []
    assert "WATCHDESK_MAIL_TO" in facts["digest_note"]
    human = watchdesk("status", *args(settings))
    assert human.returncode == 0 and human.stdout.startswith("watchdesk OK")

    db = sqlite3.connect(settings.db)
    with db:  # the daemon stopped two hours ago: its feed is overdue
        db.execute("UPDATE feeds SET next_poll_at = '2020-01-01T00:00:00Z'")
    code, data, _ = status(settings)
    assert code == 2 and data["level"] == "CRITICAL"

    with db:  # polling again, but a digest failed to send
        db.execute("UPDATE feeds SET next_poll_at = '2999-01-01T00:00:00Z'")
        db.execute("INSERT INTO outbox(kind, message_id, recipients, subject, body_text,"
                   " created_at, status, attempts, last_error) VALUES ('digest', '<x@y>',"
                   " '[]', 's', 'b', ?, 'failed', 1, 'SMTP 535')",
                   (datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),))
    db.close()
    code, data, _ = status(settings)
    assert code == 1, data
    assert [f["check"] for f in data["findings"]] == ["outbox"]  # type: ignore[union-attr]

    Path(settings.feeds).write_text("feeds:\n  - name: x\n    url: ftp://nope\n")
    code, data, _ = status(settings)
    assert code == 1 and "config" in {f["check"] for f in data["findings"]}  # type: ignore[union-attr]
    code, data, _ = status(settings, "--no-config")
    assert "config" not in {f["check"] for f in data["findings"]}  # type: ignore[union-attr]


def test_status_and_digest_agree_about_the_next_digest(settings: Settings) -> None:
    assert watchdesk("poll", *args(settings)).returncode == 0
    for env in (cli_env(), cli_env(WATCHDESK_MAIL_TO="desk@example.org",
                                   WATCHDESK_DIGEST_TIME="07:00",
                                   WATCHDESK_TIMEZONE="Europe/Paris")):
        health = watchdesk("status", *args(settings), env=env)
        said = re.search(r"next digest:\s+(.*)", health.stdout)
        preview = watchdesk("digest", "--preview", *args(settings), env=env)
        assert preview.returncode == 0, preview.stderr
        told = re.search(r"next digest: (.*)", preview.stderr)
        assert said and told, (health.stdout, preview.stderr)
        assert said[1] == told[1]
        if "WATCHDESK_MAIL_TO" in env:
            assert re.fullmatch(r"\d{4}-\d\d-\d\d 07:00 CES?T", said[1])
        else:
            assert said[1] == "none (no recipient: set WATCHDESK_MAIL_TO)"
