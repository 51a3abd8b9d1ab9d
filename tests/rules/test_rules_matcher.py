"""RuleSet: several rules at once, feeds, enabled, terms, snippets, and the cost model."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from rules_data import RFI_TEXT

from watchdesk.rules import Document, Rule, RuleSet, Snippet
from watchdesk.rules import tree as tree_mod
from watchdesk.rules.snippet import make_snippet


def rule(rid: str, query: str, **kw: object) -> Rule:
    return Rule(rid, rid, query, **kw)  # type: ignore[arg-type]


def ids(rs: RuleSet, doc: Document, **kw: object) -> list[str]:
    return [m.rule_id for m in rs.match(doc, **kw)]  # type: ignore[arg-type]


def test_several_rules_in_rule_order() -> None:
    rs = RuleSet([
        rule("wagner", "wagner"),
        rule("tripoli-seul", "tripoli AND NOT benghazi"),
        rule("haftar", "haftar OR hafter", priority="alert"),
        rule("ukraine", '"guerre en ukraine"'),
        rule("absent", "tobrouk"),
    ])
    found = rs.match(Document("Benghazi", "", RFI_TEXT))
    assert [m.rule_id for m in found] == ["wagner", "haftar", "ukraine"]
    assert [m.priority for m in found] == ["digest", "alert", "digest"]
    assert rs.get("haftar") is rs.rules[2]
    assert rs.get("nope") is None


def test_disabled_rule_never_matches() -> None:
    rs = RuleSet([rule("off", "haftar", enabled=False), rule("on", "haftar")])
    assert ids(rs, Document(body="Haftar")) == ["on"]
    assert rs.get("off") is not None


def test_exclude() -> None:
    rs = RuleSet([rule("w", "wagner", exclude='"richard wagner" OR opéra OR bayreuth')])
    assert ids(rs, Document(body="Les mercenaires de Wagner au Mali")) == ["w"]
    assert ids(rs, Document(body="Wagner : un opéra de quatre heures")) == []
    assert ids(rs, Document(title="Richard Wagner", body="Wagner")) == []
    # exclude terms are whole words too: "opération" is not "opéra"
    assert ids(rs, Document(body="Une opération de Wagner")) == ["w"]


def test_feed_restriction() -> None:
    rs = RuleSet([rule("afr", "haftar", feeds=("afrique", "rfi-libye")), rule("all", "haftar")])
    doc = Document(body="Haftar")
    assert ids(rs, doc, feed_name="rfi-libye") == ["afr", "all"]
    assert ids(rs, doc, feed_name="lemonde", feed_tags=["afrique", "fr"]) == ["afr", "all"]
    assert ids(rs, doc, feed_name="lemonde", feed_tags=["europe"]) == ["all"]
    # no feed information at all (ad-hoc text): the restriction is not applied
    assert ids(rs, doc) == ["afr", "all"]


def test_duplicate_ids_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate rule id 'a'"):
        RuleSet([rule("a", "x"), rule("a", "y")])


def test_match_terms_and_snippets() -> None:
    rs = RuleSet([rule("r", '(libye OR "africa corps" OR libyen*) AND (haftar OR wagner)')])
    [m] = rs.match(Document("Haftar reçoit Moscou", "", RFI_TEXT))
    assert m.terms == ("libye", "libyen*", "haftar", "wagner")
    assert set(m.snippets) == {"title", "body"}
    title = m.snippets["title"]
    assert title.text == "Haftar reçoit Moscou" and title.spans == ((0, 6),)
    body = m.snippets["body"]
    assert 150 <= len(body.text) <= 320
    assert body.text.endswith(" …")
    highlighted = [body.text[a:b] for a, b in body.spans]
    assert highlighted[:2] == ["libyenne", "Haftar"]
    assert all(h.lower().startswith(("liby", "haftar", "wagner")) for h in highlighted)


def test_snippet_of_phrase_and_compound_covers_the_whole_text() -> None:
    rs = RuleSet([rule("r", '"africa corps" OR iounous-bek')])
    [m] = rs.match(Document(body="L'Africa  Corps et Iounous-bek Evkourov."))
    s = m.snippets["body"]
    assert s.text == "L'Africa Corps et Iounous-bek Evkourov."   # whitespace collapsed
    assert [s.text[a:b] for a, b in s.spans] == ["Africa Corps", "Iounous-bek"]
    assert m.terms == ("africa corps", "iounous-bek")


def test_snippet_only_highlights_terms_that_count() -> None:
    rs = RuleSet([rule("r", "(haftar AND tripoli) OR benghazi")])
    [m] = rs.match(Document(body="Haftar est à Benghazi."))
    assert m.terms == ("benghazi",)            # haftar alone does not make the match
    assert m.snippets["body"].highlighted() == "Haftar est à [Benghazi]."


def test_near_highlights_the_pair_that_is_near() -> None:
    text = ("Haftar, loin, très loin, bien plus loin, Wagner. "
            "Puis, bien plus tard, Haftar et Wagner.")
    [m] = RuleSet([rule("r", "haftar NEAR/2 wagner")]).match(Document(body=text))
    assert m.snippets["body"].highlighted() == (
        "Haftar, loin, très loin, bien plus loin, Wagner. "
        "Puis, bien plus tard, [Haftar] et [Wagner].")


def test_snippet_window_cuts_at_word_boundaries() -> None:
    words = [f"mot{i:03d}" for i in range(300)]
    words[150] = "Haftar"
    words[160] = "Haftar"
    text = " ".join(words)
    s = make_snippet(text, [(text.index("Haftar"), text.index("Haftar") + 6)])
    assert s.text.startswith("… ") and s.text.endswith(" …")
    inner = s.text[2:-2].split(" ")
    assert all(w in words for w in inner)          # no word cut in half
    assert 200 <= len(s.text) <= 300
    assert [s.text[a:b] for a, b in s.spans] == ["Haftar"]
    # all hits inside the window are highlighted
    second = text.index("Haftar", text.index("Haftar") + 1)
    s2 = make_snippet(text, [(text.index("Haftar"), text.index("Haftar") + 6),
                             (second, second + 6)])
    assert [s2.text[a:b] for a, b in s2.spans] == ["Haftar", "Haftar"]


def test_snippet_at_the_start_and_the_end() -> None:
    text = "Haftar " + "blabla " * 100 + "fin Wagner"
    start = make_snippet(text, [(0, 6)])
    assert start.text.startswith("Haftar") and start.text.endswith(" …")
    end = make_snippet(text, [(len(text) - 6, len(text))])
    assert end.text.startswith("… ") and end.text.endswith("fin Wagner")
    assert end.highlighted().endswith("[Wagner]")


def test_snippet_highlighted() -> None:
    assert Snippet("à Benghazi, Haftar", ((2, 10), (12, 18))).highlighted("<b>", "</b>") == (
        "à <b>Benghazi</b>, <b>Haftar</b>")


def test_only_rules_whose_terms_occur_are_evaluated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Matching does not evaluate each rule: 1,000 rules, 1 evaluated."""
    rs = RuleSet([rule(f"r{i}", f"mot{i} AND autre{i}") for i in range(1000)])
    calls = []
    original = tree_mod.AndNode.test

    def counting(self: tree_mod.AndNode, d: tree_mod.Scan) -> bool:
        calls.append(self)
        return original(self, d)

    monkeypatch.setattr(tree_mod.AndNode, "test", counting)
    found = rs.match(Document(body="mot5 autre5 mot7 rien d'autre"))
    assert [m.rule_id for m in found] == ["r5"]
    assert len(calls) == 1  # r7 has mot7 but not autre7: not even evaluated


def test_prefix_rules_share_the_index() -> None:
    rs = RuleSet([rule("a", "libyen*"), rule("b", "liby*"), rule("c", "libyenne"),
                  rule("d", "libyennes*")])
    assert ids(rs, Document(body="l'armée libyenne")) == ["a", "b", "c"]


def test_ruleset_is_reusable_across_documents() -> None:
    rs = RuleSet([rule("r", '"armée nationale libyenne" NEAR/3 anl')])
    for _ in range(3):
        assert ids(rs, Document(body=RFI_TEXT)) == ["r"]
        assert ids(rs, Document(body="Rien à voir.")) == []


@given(st.lists(st.sampled_from(["Haftar", "à", "Benghazi", "\n\n", "  ", "«", "»", "de",
                                 "l’ANL", "Wagner", "x" * 30]), max_size=120),
       st.data())
def test_snippet_spans_always_highlight_the_hit_text(words: list[str], data: st.DataObject
                                                     ) -> None:
    text = " ".join(words)
    starts = [i for i in range(len(text)) if text.startswith("Haftar", i)]
    if not starts:
        return
    chosen = data.draw(st.lists(st.sampled_from(starts), min_size=1, unique=True))
    s = make_snippet(text, [(i, i + 6) for i in chosen])
    assert s.spans and all(s.text[a:b] == "Haftar" for a, b in s.spans)
    inner = s.text.removeprefix("… ").removesuffix(" …")
    assert inner in " ".join(text.split())  # a piece of the text, whole words, as it was
    assert "  " not in s.text and "\n" not in s.text
    assert len(s.text) <= 300


WORDS = st.sampled_from(["Haftar", "l’ANL", "d'Ingouchie", "Iounous-bek", "«", "»", "—", ",",
                         "Benghazi,", "(ANL)", "vice-ministre", "état-major", "aujourd’hui",
                         "ليبيا", "précise-t-il", "Wagner.", "de", "la", "Libye", "x-y-z"])
SEPS = st.sampled_from([" ", "  ", "\n", "\n\n", " \u00a0"])


@given(st.lists(st.tuples(WORDS, SEPS), min_size=1, max_size=60), st.data())
def test_highlights_point_at_the_matched_words(pairs: list[tuple[str, str]],
                                               data: st.DataObject) -> None:
    """Whatever the chunks around them, hits map back to the right characters."""
    from watchdesk.rules.text import fold, tokenize

    text = "".join(w + s for w, s in pairs)
    toks = [t for t in tokenize(text) if not t.joined and not t.variant]
    assume(toks)
    target = data.draw(st.sampled_from(toks)).text
    [m] = RuleSet([rule("r", target)]).match(Document(body=text))
    snippet = m.snippets["body"]
    assert snippet.spans
    for a, b in snippet.spans:
        assert fold(snippet.text[a:b]) == target
    # every occurrence inside the window is highlighted
    expected = sum(1 for t in tokenize(snippet.text) if t.text == target and not t.joined
                   and not t.variant)
    assert len(snippet.spans) == expected
