"""The default rules on the labelled set, straight through the matcher (fast; the same set
goes through `watchdesk poll` in test_labelled_poll.py).

Each article must match exactly the rules in its ``expect``: every positive caught, and no
rule that is not listed (so every negative, and every other rule, is asserted too).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from watchdesk.rules import RuleSet, load_rules

from .corpus import Article, articles

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def defaults() -> RuleSet:
    rs, errors = load_rules(REPO / "rules")
    assert errors == []
    return rs


def diff(a: Article, found: dict[str, tuple[str, ...]]) -> str:
    missed = sorted(a.expect - set(found))
    extra = {r: found[r] for r in sorted(set(found) - a.expect)}
    return (f"{a.id} ({a.why}): missed {missed}; wrongly matched "
            f"{', '.join(f'{r} on {list(t)}' for r, t in extra.items()) or 'nothing'}")


@pytest.mark.parametrize("a", articles(), ids=lambda a: a.id)
def test_default_rules_on_the_labelled_set(a: Article, defaults: RuleSet) -> None:
    found = {m.rule_id: m.terms for m in defaults.match(a.document(), a.outlet.name,
                                                        (a.lang,))}
    assert set(found) == a.expect, diff(a, found)


@pytest.mark.parametrize(("article_id", "rule_id"), [
    ("sport-norwich-david-wagner-limoge", "wagner"),   # « le groupe de David Wagner »
    ("culture-gergiev-ring-mariinsky", "wagner"),      # « le chef russe … la musique de Wagner »
    ("ap-rats-of-tobruk-commemoration", "libye"),      # "the siege of Tobruk" in the title
])
def test_these_negatives_are_dropped_by_the_exclusion_not_by_luck(
        article_id: str, rule_id: str, defaults: RuleSet) -> None:
    a = next(a for a in articles() if a.id == article_id)
    rule = defaults.get(rule_id)
    assert rule is not None and rule.compiled is not None and rule.compiled_exclude
    assert rule.compiled.matches(a.document()) is not None
    assert rule.compiled_exclude.matches(a.document()) is not None
    assert rule_id not in {m.rule_id for m in defaults.match(a.document())}


@pytest.mark.parametrize("article_id", [
    "lemonde-outkine-nom-wagner", "aljazeera-en-wagner-after-prigozhin-composer",
    "aljazeera-en-wagner-musicians-name"])
def test_an_article_about_the_group_that_names_the_composer_still_matches(
        article_id: str, defaults: RuleSet) -> None:
    """The composer words are there (what an absolute exclusion would drop), and the
    exclusion, which needs the composer *without* the group, lets the article through."""
    a = next(a for a in articles() if a.id == article_id)
    rule = defaults.get("wagner")
    assert rule is not None and rule.exclude is not None
    assert any(w in a.body for w in ("compositeur", "composer"))
    assert "wagner" in {m.rule_id for m in defaults.match(a.document())}
