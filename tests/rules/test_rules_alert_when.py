"""The rule option ``alert_when: {sources: N, within: D}`` (breaking-story alerts): read from
the file, checked by the schema with the place of each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchdesk.rules import parse_rule_file
from watchdesk.rules.model import AlertWhen


def load(tmp_path: Path, option: str) -> tuple[list, list[str]]:  # type: ignore[type-arg]
    f = tmp_path / "libye.yaml"
    f.write_text("rules:\n  - id: haftar\n    title: Maréchal Haftar\n    query: haftar\n"
                 f"    alert_when: {option}\n", encoding="utf-8")
    rules, errors = parse_rule_file(f)
    return rules, [str(e).replace(str(f), "F") for e in errors]


@pytest.mark.parametrize(("option", "expected"), [
    ("{sources: 3, within: 60m}", AlertWhen(3, 3600)),
    ("{sources: 4, within: 2h}", AlertWhen(4, 7200)),
    ("{sources: 2, within: 90s}", AlertWhen(2, 90)),
    ("{sources: 2, within: 600}", AlertWhen(2, 600)),        # seconds
    ("{sources: 3}", AlertWhen(3, 3600)),                    # within defaults to 60m
])
def test_alert_when_is_read(tmp_path: Path, option: str, expected: AlertWhen) -> None:
    rules, errors = load(tmp_path, option)
    assert errors == [] and rules[0].alert_when == expected


def test_a_rule_without_it_has_none(tmp_path: Path) -> None:
    f = tmp_path / "r.yaml"
    f.write_text("rules:\n  - id: haftar\n    query: haftar\n")
    assert parse_rule_file(f)[0][0].alert_when is None


@pytest.mark.parametrize(("option", "error"), [
    ("{sources: 1}",
     "F:5:27: rules[haftar].alert_when.sources: 1 is less than the minimum of 2"),
    ("{within: 60m}",
     "F:5:17: rules[haftar].alert_when has no 'sources': add 'sources: …' (how many distinct "
     "feeds, at least 2)"),
    ("{sources: 3, within: 0m}",
     "F:5:38: rules[haftar].alert_when.within: '0m' is not valid (the time window"),
    ("{sources: 3, within: 1j}",
     "F:5:38: rules[haftar].alert_when.within: '1j' is not valid (the time window"),
    ("{sources: 3, sorces: 2}",
     "F:5:30: unknown key 'sorces' in rules[haftar].alert_when: did you mean 'sources'?"),
])
def test_mistakes_are_reported_where_they_are(tmp_path: Path, option: str, error: str) -> None:
    rules, errors = load(tmp_path, option)
    assert rules == [] and len(errors) == 1 and errors[0].startswith(error), errors
