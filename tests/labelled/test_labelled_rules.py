"""The default rules on the labelled set, straight through the matcher (fast; the same set
goes through `watchdesk poll` in test_labelled_poll.py).

Each article must match exactly the rules in its ``expect``: every positive caught, and no
rule that is not listed (so every negative, and every other rule, is asserted too).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from watchdesk.rules import Query, RuleSet, compile_query, load_lists, load_rules
from watchdesk.rules.lists import ListDef

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


def unscoped(rule_id: str) -> Query:
    """The rule's query with the bare name of the group (@wagner-nom) where the rule has
    the name away from the composer and from other Wagners (@wagner)."""
    lists, broken = load_lists(REPO / "rules")
    rule = load_rules(REPO / "rules")[0].get(rule_id)
    assert rule is not None and "@wagner" in rule.query
    lists = {**lists, "wagner": ListDef("wagner", "@wagner-nom")}
    return compile_query(rule.query, lists=lists, broken_lists=broken)


@pytest.mark.parametrize("article_id", [
    "sport-norwich-david-wagner-limoge",       # « le groupe de David Wagner »
    "culture-gergiev-ring-mariinsky",          # « le chef russe … la musique de Wagner »
    "culture-bayreuth-ring-mercenaires",       # « … penser aux mercenaires russes »
    "ap-bayreuth-ring-mercenaries-shadow",     # "the mercenaries who borrowed his name"
])
def test_these_wagner_negatives_are_dropped_by_the_scoped_exclusion_not_by_luck(
        article_id: str, defaults: RuleSet) -> None:
    """"Wagner" is next to a group word (what the rule looks for), but every such "Wagner"
    is the composer's or another Wagner's name: NOT NEAR drops it, not a missing word."""
    a = next(a for a in articles() if a.id == article_id)
    assert unscoped("wagner").matches(a.document()) is not None
    assert "wagner" not in {m.rule_id for m in defaults.match(a.document())}


def test_the_siege_of_tobruk_is_dropped_by_the_exclusion_not_by_luck(
        defaults: RuleSet) -> None:
    a = next(a for a in articles() if a.id == "ap-rats-of-tobruk-commemoration")
    rule = defaults.get("libye")
    assert rule is not None and rule.compiled is not None and rule.compiled_exclude
    assert rule.compiled.matches(a.document()) is not None    # "the siege of Tobruk"
    assert rule.compiled_exclude.matches(a.document()) is not None
    assert "libye" not in {m.rule_id for m in defaults.match(a.document())}


@pytest.mark.parametrize("article_id", [
    "lemonde-outkine-nom-wagner", "aljazeera-en-wagner-after-prigozhin-composer",
    "aljazeera-en-wagner-musicians-name"])
def test_an_article_about_the_group_that_names_the_composer_still_matches(
        article_id: str, defaults: RuleSet) -> None:
    """The composer words are there (what an absolute exclusion would drop), and the
    rule, which leaves out only the "Wagner" next to them, lets the article through."""
    a = next(a for a in articles() if a.id == article_id)
    composer = compile_query("@compositeur", lists=load_lists(REPO / "rules")[0])
    assert composer.matches(a.document()) is not None
    assert "wagner" in {m.rule_id for m in defaults.match(a.document())}
