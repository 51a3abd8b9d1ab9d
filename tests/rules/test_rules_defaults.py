"""The default rules shipped with watchdesk, on real and realistic articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from rules_data import DATA, REPO, RFI_TEXT

from watchdesk.rules import Document, RuleSet, load_rules

DEFAULTS = REPO / "src" / "watchdesk" / "defaults" / "rules"


@pytest.fixture(scope="module")
def defaults() -> RuleSet:
    rs, errors = load_rules(REPO / "rules")
    assert errors == []
    return rs


def matched(rs: RuleSet, title: str, body: str) -> dict[str, tuple[str, ...]]:
    return {m.rule_id: m.terms for m in rs.match(Document(title, "", body))}


def test_package_defaults_are_the_repository_rules() -> None:
    repo_files = sorted(p.name for p in (REPO / "rules").glob("*.y*ml"))
    assert repo_files == sorted(p.name for p in DEFAULTS.glob("*.y*ml"))
    for name in repo_files:
        assert (REPO / "rules" / name).read_bytes() == (DEFAULTS / name).read_bytes()


def test_rfi_article_raises_the_russia_libya_alert(defaults: RuleSet) -> None:
    found = {m.rule_id: m for m in defaults.match(
        Document("Libye : une délégation militaire russe à Benghazi", "", RFI_TEXT))}
    assert set(found) == {"russie-libye", "haftar-anl", "wagner-africa-corps", "evkourov"}
    alert = found["russie-libye"]
    assert alert.priority == "alert"
    assert {"libye", "benghazi", "russie", "wagner"} <= set(alert.terms)
    assert "Benghazi" in alert.snippets["title"].highlighted()
    assert "haftar" in found["haftar-anl"].terms
    assert "armée nationale libyenne" in found["haftar-anl"].terms


@pytest.mark.parametrize("name", ["wagner-bayreuth-en.txt", "afrika-korps-1942-fr.txt"])
def test_false_friends_match_nothing(defaults: RuleSet, name: str) -> None:
    title, _, body = (DATA / name).read_text(encoding="utf-8").partition("\n")
    assert matched(defaults, title, body) == {}


def test_the_wagner_piece_is_caught_by_exclude_not_by_luck(defaults: RuleSet) -> None:
    """Without its exclusions, the Russia-Libya rule would take the opera review."""
    rule = defaults.get("russie-libye")
    assert rule is not None and rule.compiled is not None
    body = (DATA / "wagner-bayreuth-en.txt").read_text(encoding="utf-8")
    assert rule.compiled.matches(Document(body=body)) is not None


def test_english_africa_corps(defaults: RuleSet) -> None:
    title, _, body = (DATA / "africa-corps-mali-en.txt").read_text(encoding="utf-8").partition("\n")
    found = matched(defaults, title, body)
    assert set(found) == {"wagner-africa-corps"}
    assert found["wagner-africa-corps"][:2] == ("wagner", "africa corps")


@pytest.mark.parametrize(("text", "expected"), [
    ("وصل وفد عسكري روسي إلى بنغازي للقاء المشير خليفة حفتر",
     {"russie-libye", "haftar-anl"}),
    ("Делегация Минобороны России во главе с Евкуровым прибыла в Бенгази",
     {"russie-libye", "evkourov"}),
    ("Le maréchal Hafter reçoit à Benghazi", {"haftar-anl"}),
    ("L'ANL du maréchal a repris Syrte, en Libye", {"haftar-anl"}),
    ("L'ANL, le parti de Jean Dupont, tient son congrès", set()),
    ("Wagner au Mali : une opération contre les jihadistes", {"wagner-africa-corps"}),
])
def test_variants(defaults: RuleSet, text: str, expected: set[str]) -> None:
    assert set(matched(defaults, "", text)) == expected


def test_every_default_rule_file_loads(tmp_path: Path) -> None:
    rs, errors = load_rules(DEFAULTS)
    assert errors == [] and len(rs) >= 4
