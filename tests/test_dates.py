"""watchdesk.dates: the one ISO 8601 writer and its two readers (raising, forgiving), and the
four places that read through them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from watchdesk.dates import iso, parse_iso, read_iso
from watchdesk.events import epoch
from watchdesk.notify.clean import parse_time
from watchdesk.sources.dates import iso_date
from watchdesk.store import parse_iso as store_parse_iso

PARIS = ZoneInfo("Europe/Paris")


def test_iso_writes_utc_with_a_z_at_second_precision() -> None:
    when = datetime(2026, 3, 1, 9, 30, 15, 999_999, tzinfo=timezone(timedelta(hours=2)))
    assert iso(when) == "2026-03-01T07:30:15Z"


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-01T07:30:15Z", datetime(2026, 3, 1, 7, 30, 15, tzinfo=UTC)),
    ("2026-03-01T09:30:15+02:00",
     datetime(2026, 3, 1, 9, 30, 15, tzinfo=timezone(timedelta(hours=2)))),
    ("2026-03-01T07:30:15", datetime(2026, 3, 1, 7, 30, 15)),   # no zone: naive
    ("2026-03-01", datetime(2026, 3, 1)),
    ("", None),
    (None, None),
])
def test_both_readers_agree_on_what_they_can_read(text: str | None,
                                                  expected: datetime | None) -> None:
    got = parse_iso(text)
    assert got == read_iso(text) == expected
    assert (got and got.tzinfo) == (expected and expected.tzinfo)


@pytest.mark.parametrize("text", ["hier", "2026-13-01T00:00:00Z", "Sun, 01 Mar 2026 07:30 GMT",
                                  "2026-03-01T07:30:15z"])
def test_what_is_not_iso_raises_in_parse_iso_and_is_none_in_read_iso(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso(text)
    assert read_iso(text) is None


def test_the_store_reads_with_the_raising_reader() -> None:
    assert store_parse_iso is parse_iso
    with pytest.raises(ValueError):
        store_parse_iso("not a time")


def test_the_forgiving_callers_keep_their_meaning() -> None:
    assert epoch("1970-01-01T00:01:00Z") == 60.0
    assert epoch("1970-01-01T00:01:00") is None            # no zone: not a moment
    assert epoch("garbage") is None and epoch(None) is None
    assert parse_time("2026-03-01T07:30:15Z", PARIS) == datetime(2026, 3, 1, 8, 30, 15,
                                                                 tzinfo=PARIS)
    assert parse_time("2026-03-01T07:30:15", PARIS) is None
    assert parse_time("garbage", PARIS) is None
    assert iso_date("2026-03-01t09:30:15+02:00") == "2026-03-01T07:30:15Z"
    assert iso_date("2026-03-01T07:30:15z") == "2026-03-01T07:30:15Z"
    assert iso_date("Sun, 01 Mar 2026 07:30:15 GMT") == "2026-03-01T07:30:15Z"
    assert iso_date("2026-03-01") == "2026-03-01T00:00:00Z"
    assert iso_date("hier") is None and iso_date("   ") is None
