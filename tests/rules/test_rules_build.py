"""Compiling for speed changes nothing a match says: shared nodes, OR-groups as term sets.

A RuleSet interns identical subtrees (a named list used by several rules is one node,
evaluated once per document) and turns the terms of an OR into one set (rules/build.py).
``RuleSet(rules, share=False)`` compiles every query on its own, as written: the reference.
Both must give the same rules, terms (in the order they first appear in the query) and
snippets, on the default rules over the labelled set, on the benchmark's generated rules,
and on random queries over random texts.
"""

from __future__ import annotations

import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_data import REPO, RFI_TEXT

from labelled.corpus import articles
from watchdesk.rules import Document, Rule, RuleSet, load_rules
from watchdesk.rules import tree as tree_mod
from watchdesk.rules.lists import ListDef
from watchdesk.rules.query import compile_query

sys.path.insert(0, str(REPO / "benchmarks"))
import bench_match


def results(rs: RuleSet, doc: Document, feed: str | None = None
            ) -> list[tuple[str, tuple[str, ...], dict[str, tuple[str, tuple[tuple[int, int],
                                                                           ...]]]]]:
    return [(m.rule_id, m.terms, {k: (s.text, s.spans) for k, s in m.snippets.items()})
            for m in rs.match(doc, feed)]


def both(rules: list[Rule]) -> tuple[RuleSet, RuleSet]:
    return RuleSet(rules), RuleSet(rules, share=False)


def test_the_default_rules_say_the_same_on_the_labelled_set() -> None:
    shared, alone = both(list(load_rules(REPO / "rules")[0].rules))
    for a in articles():
        doc = a.document()
        assert results(shared, doc, a.outlet.name) == results(alone, doc, a.outlet.name), a.id
        excluded_s: list[tuple[str, tuple[str, ...]]] = []
        excluded_a: list[tuple[str, tuple[str, ...]]] = []
        shared.match(doc, excluded=excluded_s)
        alone.match(doc, excluded=excluded_a)
        assert excluded_s == excluded_a, a.id


@pytest.mark.parametrize("ops", ["old", "new"])
def test_the_benchmark_rules_say_the_same(ops: str) -> None:
    rng = random.Random(5)
    docs = bench_match.make_articles(60, rng)
    shared, alone = both(bench_match.make_rules(300, random.Random(6), ops))
    for i, d in enumerate(docs):
        assert results(shared, d, f"feed{i % 20}") == results(alone, d, f"feed{i % 20}")


WORDS = ["libye", "Libye", "libyen", "libyenne", "Benghazi", "Tripoli", "Liban", "Wagner",
         "groupe", "russe", "russes", "opéra", "Haftar", "ANL", "anl", "de", "la", "vers",
         "وليبيا", "ليبيا", "Ливии", "Ливия"]
TERMS = ["libye", "libyen*", "~libyen", "benghazi", "tripoli", "liban", "wagner", "groupe",
         "russe", "~russe", "opéra", "haftar", "case:ANL", "ليبيا", "~ливия",
         '"libye benghazi"', '"groupe wagner"', '"wagner groupe"', '"de la"', "lang:fr"]


@st.composite
def queries(draw: st.DrawFn, depth: int = 0) -> str:
    """Random queries over a small vocabulary: ORs of terms (nested), AND, NOT, fields,
    NEAR, ONEAR, NOT NEAR, ATLEAST, and the same group written twice."""
    positional = [t for t in TERMS if not t.startswith("lang:")]
    if depth >= 2:
        return draw(st.sampled_from(TERMS))
    kind = draw(st.sampled_from(["or", "and", "not", "near", "onear", "notnear", "atleast",
                                 "field", "twice", "term"]))
    group = "(" + " OR ".join(draw(st.lists(st.sampled_from(positional), min_size=1,
                                            max_size=6))) + ")"
    if kind == "or":
        return "(" + " OR ".join(draw(st.lists(queries(depth + 1), min_size=2,
                                               max_size=4))) + ")"
    if kind == "and":
        return f"({draw(queries(depth + 1))} AND {draw(queries(depth + 1))})"
    if kind == "not":
        return f"({draw(queries(depth + 1))} NOT {draw(queries(depth + 1))})"
    if kind in ("near", "onear", "notnear"):
        op = {"near": "NEAR", "onear": "ONEAR", "notnear": "NOT NEAR"}[kind]
        other = "(" + " OR ".join(draw(st.lists(st.sampled_from(positional), min_size=1,
                                                max_size=4))) + ")"
        return f"({group} {op}/{draw(st.integers(0, 4))} {other})"
    if kind == "atleast":
        return f"ATLEAST/{draw(st.integers(1, 4))} {group}"
    if kind == "field":
        field = draw(st.sampled_from(["title", "body", "lead", "summary"]))
        return f"{field}:{group}"
    if kind == "twice":
        return f"({group} OR {group} OR lead:{group})"
    return draw(st.sampled_from(TERMS))


texts = st.lists(st.sampled_from([*WORDS, "\n\n"]), max_size=40).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(queries(), min_size=1, max_size=4), st.lists(texts, min_size=3, max_size=3))
def test_random_queries_say_the_same(qs: list[str], fields: list[str]) -> None:
    rules = [Rule(f"r{i}", f"r{i}", q) for i, q in enumerate(qs)]
    shared, alone = both(rules)
    doc = Document(*fields)
    assert results(shared, doc) == results(alone, doc)
    assert [shared.explain(r.id, doc).found for r in rules] == [
        alone.explain(r.id, doc).found for r in rules]


def test_a_list_used_by_several_rules_is_evaluated_once_per_document(
        monkeypatch: pytest.MonkeyPatch) -> None:
    lists = {"russie": ListDef("russie", "russie OR russe OR moscou OR kremlin"),
             "libye": ListDef("libye", "libye OR benghazi OR tripoli")}
    rules = [Rule(f"r{i}", f"r{i}", q, compiled=compile_query(q, lists=lists)) for i, q in
             enumerate(["@russie NEAR/5 @libye", "lead:@libye AND @russie NEAR/5 @libye",
                        "ATLEAST/2 @libye AND @russie NEAR/5 @libye"])]
    calls: list[object] = []
    original = tree_mod.NearNode._spans

    def counting(self: tree_mod.NearNode, d: tree_mod.Scan, bit: int) -> list[tree_mod.Span]:
        calls.append(self)
        return original(self, d, bit)

    monkeypatch.setattr(tree_mod.NearNode, "_spans", counting)
    doc = Document("", "", "Une délégation russe à Benghazi, en Libye.")
    assert [m.rule_id for m in RuleSet(rules).match(doc)] == ["r0", "r1", "r2"]
    assert len(set(map(id, calls))) == 1 and len(calls) == 1  # one node, one field
    calls.clear()
    assert [m.rule_id for m in RuleSet(rules, share=False).match(doc)] == ["r0", "r1", "r2"]
    assert len(set(map(id, calls))) == 3


def test_the_terms_of_an_or_are_one_set() -> None:
    rs = RuleSet([Rule("r", "r", 'libye OR (benghazi OR (tripoli OR "armée nationale"))')])
    root = rs._compiled[0].root
    assert isinstance(root, tree_mod.TermsNode) and len(root.leaves) == 4


@pytest.mark.parametrize(("text", "expected"), [
    ("Le groupe Wagner est à Benghazi.", ["r"]),
    ("Wagner et son groupe sont à Benghazi.", []),  # both words present, not the phrase
])
def test_a_phrase_in_a_term_set_needs_its_words_in_sequence(text: str,
                                                           expected: list[str]) -> None:
    """Regression: the set's presence test once took a phrase's words being present for
    the phrase (its spans were empty, the rule matched with no terms)."""
    rs = RuleSet([Rule("r", "r", '"groupe wagner" OR "wagner moura"')])
    assert [m.rule_id for m in rs.match(Document(body=text))] == expected


def test_terms_are_in_the_order_they_first_appear_in_the_query() -> None:
    """``libyen*`` is written first in a branch that does not match, then again after
    ``libye`` in the branch that does: it is reported first, shared node or not."""
    q = "(title:tripoli AND libyen*) OR (libye AND libyen*)"
    doc = Document("", "", "La Libye et le peuple libyen.")
    for rs in both([Rule("r", "r", q)]):
        assert rs.match(doc)[0].terms == ("libyen*", "libye")


def test_the_rfi_article_reports_the_same_terms_and_snippets() -> None:
    shared, alone = both(list(load_rules(REPO / "rules")[0].rules))
    doc = Document("Libye : une délégation militaire russe à Benghazi", "", RFI_TEXT)
    assert results(shared, doc) == results(alone, doc)
    assert {m.rule_id for m in shared.match(doc)} == {"libye", "haftar", "wagner",
                                                     "russie-libye"}
