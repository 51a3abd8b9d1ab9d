"""One reader of durations (``watchdesk.durations``) for feeds.yaml's ``interval``, a rule's
``alert_when.within`` and ``--since``: one grammar and one set of units for all, every form
each of them accepted before still accepted with the same meaning, a bare number seconds in
a file and refused on the command line, and the schemas' patterns saying the same as the
reader (so a mistake in a file is reported at its line, before the reader is reached)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchdesk.config.feeds import check_feeds, load_feeds
from watchdesk.durations import PATTERN, POSITIVE_PATTERN, parse_duration, parse_since
from watchdesk.rules import parse_rule_file

SCHEMAS = Path(__file__).resolve().parents[1] / "src" / "watchdesk" / "schemas"


# What each reading accepted before it was this module, and what it meant: still so.
@pytest.mark.parametrize(("value", "seconds"), [
    # feeds.yaml interval (a bare number, int or text: seconds)
    (90, 90), ("90", 90), ("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400),
    (" 15m ", 900), ("15 m", 900),
    # alert_when.within (a bare number: seconds)
    ("60m", 3600), ("600", 600), (600, 600),
    # --since (any case, spaces around and between)
    ("24h", 86400), ("7d", 7 * 86400), ("2w", 14 * 86400), ("2W", 14 * 86400),
    ("30s", 30), (" 3 d ", 3 * 86400),
])
def test_every_form_read_before_keeps_its_meaning(value: str | int, seconds: int) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(("value", "seconds"), [
    ("2w", 14 * 86400), ("15M", 900), ("1D", 86400), ("2 H", 7200),   # interval: new units
    ("1d", 86400), ("1w", 7 * 86400),                                  # within: new units
])
def test_one_set_of_units_everywhere(value: str, seconds: int) -> None:
    assert parse_duration(value) == seconds
    assert parse_since(value).seconds == seconds


def test_a_bare_number_is_seconds_in_a_file_and_refused_on_the_command_line() -> None:
    assert parse_duration("30") == parse_duration(30) == 30
    with pytest.raises(ValueError, match=re.escape("30 needs a unit: 30d for 30 days")):
        parse_duration("30", bare="refused")
    with pytest.raises(ValueError, match=re.escape("30 needs a unit: 30d for 30 days")):
        parse_since("30")


@pytest.mark.parametrize("value", ["15 min", "1h30m", "-1d", "1.5h", "2 semaines", "", "h",
                                   "10y", -5, True, None, 1.5])
def test_what_is_not_a_duration_says_how_to_write_one(value: object) -> None:
    with pytest.raises(ValueError, match=r"not a duration: .* \(write e\.g\. 90s, 15m, 2h"):
        parse_duration(value)  # type: ignore[arg-type]


def test_the_schemas_check_the_readers_grammar() -> None:
    feeds = json.loads((SCHEMAS / "feeds.schema.json").read_text(encoding="utf-8"))
    rules = json.loads((SCHEMAS / "rules.schema.json").read_text(encoding="utf-8"))
    assert feeds["$defs"]["interval"]["pattern"] == PATTERN
    within = rules["$defs"]["rule"]["properties"]["alert_when"]["properties"]["within"]
    assert within["pattern"] == POSITIVE_PATTERN


@given(st.text(alphabet="0123456789smhdwSMHDWxy .-\t\n٣", max_size=8))
def test_schema_pattern_and_reader_agree(text: str) -> None:
    try:
        seconds: int | None = parse_duration(text)
    except ValueError:
        seconds = None
    assert (re.search(PATTERN, text) is not None) == (seconds is not None), text
    assert (re.search(POSITIVE_PATTERN, text) is not None) == bool(seconds), text


# In the files, with the place of each mistake.

FEED = "  - name: rfi-afrique\n    url: https://www.rfi.fr/fr/afrique/rss\n"


def test_feeds_yaml_intervals_in_weeks_and_bare_seconds(tmp_path: Path) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_text("defaults:\n  interval: 900\nfeeds:\n" + FEED
                 + "  - name: hebdo\n    url: https://hebdo.example/rss\n    interval: 1W\n",
                 encoding="utf-8")
    a, b = load_feeds(p)
    assert (a.interval, b.interval) == (900, 7 * 86400)


def test_feeds_yaml_interval_mistake_is_placed(tmp_path: Path) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_text("feeds:\n" + FEED + "    interval: 1h30m\n", encoding="utf-8")
    (e,) = check_feeds(p)[1]
    assert (e.path, e.line, e.column) == (str(p), 4, 15)
    assert e.message.startswith("feeds[rfi-afrique].interval: '1h30m' is not valid (how often "
                                "to poll: seconds, or a duration such as 90s, 15m, 2h, 1d")


def rule_file(tmp_path: Path, within: str) -> Path:
    f = tmp_path / "libye.yaml"
    f.write_text("rules:\n  - id: haftar\n    query: haftar\n"
                 f"    alert_when: {{sources: 3, within: {within}}}\n", encoding="utf-8")
    return f


@pytest.mark.parametrize(("within", "seconds"), [("1d", 86400), ("90", 90), ("2H", 7200),
                                                  ("'45 m'", 2700)])
def test_rule_within_reads_the_same_durations(tmp_path: Path, within: str,
                                              seconds: int) -> None:
    rules, errors = parse_rule_file(rule_file(tmp_path, within))
    assert errors == [] and rules[0].alert_when is not None
    assert rules[0].alert_when.within == seconds


@pytest.mark.parametrize("within", ["0", "0s", "1h30m", "2 semaines"])
def test_rule_within_mistake_is_placed(tmp_path: Path, within: str) -> None:
    f = rule_file(tmp_path, within)
    rules, errors = parse_rule_file(f)
    assert rules == [] and len(errors) == 1, errors
    (e,) = errors
    assert (e.path, e.line) == (str(f), 4)
    assert "rules[haftar].alert_when.within" in e.message, e.message
