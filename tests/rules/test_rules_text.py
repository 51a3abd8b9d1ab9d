"""Folding and tokenising: tables of French (and Arabic, Russian) examples, then properties."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_data import RFI_TEXT

from watchdesk.rules.text import (
    MIN_STEM_LETTERS,
    analyse_chunk,
    arabic_readings,
    cased_tokens,
    chunk_layout,
    fold,
    fold_case,
    raw_tokens,
    tokenize,
)


@pytest.mark.parametrize(("raw", "folded"), [
    ("LIBYE", "libye"),
    ("Délégation", "delegation"),
    ("Bamatguireïevitch", "bamatguireievitch"),
    ("Cyrénaïque", "cyrenaique"),
    ("œuvre", "oeuvre"),
    ("Œdipe", "oedipe"),
    ("ﬁn", "fin"),                         # ligature (NFKD)
    ("Straße", "strasse"),                  # casefold
    ("de\u0301le\u0301gation", "delegation"),  # decomposed accents
    ("ليبـــيا", "ليبيا"),                    # tatweel removed
    ("مُحَمَّد", "محمد"),                      # harakat removed
    ("أفريقيا", "افريقيا"),                  # hamza on alef: NFKD + mark removal
    ("مكتبة", "مكتبه"),                      # teh marbuta -> heh
    ("Ливия", "ливия"),
    ("Йемен", "йемен"),                     # й stays й (not и): its own letter
    ("мой", "мой"),
    ("ЙОШКАР", "йошкар"),
    ("и\u0306", "й"),                         # decomposed й too
    ("ёлка", "елка"),                        # ё is е
    ("ЁЛКА", "елка"),
    ("Пётр", "петр"),
    ("Łódź", "lodz"),
    ("٢٠٢٣", "2023"),                       # Arabic-Indic digits
    ("dé\u00adlé\u00adga\u00adtion", "delegation"),  # soft hyphens
    ("dé\u200bléga\u200dtion\u2060", "delegation"),  # zero-width characters
    ("Ægypte", "aegypte"),                   # æ -> ae
    ("Søren", "soren"),                      # ø -> o
    ("Đorđe", "dorde"),                      # đ -> d
    ("Kırıkkale", "kirikkale"),              # dotless ı -> i
    ("مصطفى", "مصطفي"),                      # alef maqsura -> yeh
    ("إسرائيل", "اسراييل"),                  # hamza below alef, and on yeh
    ("آمال", "امال"),                        # madda
    ("۲۰۲۳", "2023"),                        # Eastern Arabic-Indic digits
    ("한국", "한국"),                          # NFC at the end: Hangul recomposed
])
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_short_i_is_not_i() -> None:
    """The folding merged мой ("my") and мои ("mine"); no longer."""
    assert fold("мой") != fold("мои")
    assert fold("Йемен") != fold("Иемен")


@pytest.mark.parametrize(("raw", "folded"), [
    ("GUN", "GUN"),
    ("ÉTAT", "ETAT"),                       # accents folded, capitals kept
    ("Délégation", "Delegation"),
    ("Œuvre", "OEuvre"),
    ("ŁÓDŹ", "LODZ"),
    ("ﬁn", "fin"),
    ("Йемен", "Йемен"),
    ("Пётр", "Петр"),
    ("ليبـيا", "ليبيا"),
])
def test_fold_case(raw: str, folded: str) -> None:
    assert fold_case(raw) == folded
    assert fold(fold_case(raw)) == fold(raw)


@pytest.mark.parametrize(("word", "readings"), [
    ("وروسيا", ["روسيا"]),                    # wa- "and"
    ("فروسيا", ["روسيا"]),                    # fa-
    ("بروسيا", ["روسيا"]),                    # bi- "in"
    ("لبنغازي", ["بنغازي"]),                  # li- "to"
    ("كروسيا", ["روسيا"]),                    # ka- "like"
    ("الجيش", ["جيش"]),                       # al- "the"
    ("والجيش", ["جيش", "الجيش"]),             # and the; and + "the army"
    ("بالجيش", ["جيش", "الجيش"]),
    ("فالجيش", ["جيش", "الجيش"]),
    ("كالجيش", ["جيش", "الجيش"]),
    ("للجيش", ["جيش", "لجيش"]),               # li + al-, its alef not written
    ("وللجيش", ["جيش", "لجيش", "للجيش"]),
    ("وبنغازي", ["نغازي", "بنغازي"]),          # every split that leaves three letters
    ("بن", []),                               # two letters: never split
    ("لبن", []),                              # "milk" is not بن
    ("وبن", []),
    ("الله", []),                             # two letters would remain
    ("ليبيا", ["يبيا"]),
    ("روسيا", []),                            # no proclitic
    ("russie", []),
    ("", []),
])
def test_arabic_proclitic_readings(word: str, readings: list[str]) -> None:
    assert sorted(arabic_readings(word)) == sorted(readings)
    assert all(len(r) >= MIN_STEM_LETTERS for r in arabic_readings(word))


def test_cased_tokens_follow_analyse_chunk() -> None:
    for chunk in ("l’ANL", "Iounous-Bek", "(GUN),", "وروسيا", "ÉTAT-MAJOR"):
        assert len(cased_tokens(chunk)) == len(analyse_chunk(chunk).tokens)
    assert cased_tokens("l’ANL") == ("ANL",)
    assert cased_tokens("Iounous-Bek") == ("Iounous", "Bek", None)


def words(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # elision, with either apostrophe
    ("à l’invitation de l'Armée", ["a", "invitation", "de", "armee"]),
    ("avec l’ANL", ["avec", "anl"]),
    ("musulmane d'Ingouchie", ["musulmane", "ingouchie"]),
    ("qu’il, jusqu'à lorsqu’on", ["il", "a", "on"]),
    ("L’Armée", ["armee"]),
    # guillemets and punctuation separate words
    ("« d'autres questions d'action commune »", ["autres", "questions", "action", "commune"]),
    ("(ANL),", ["anl"]),
    ("Tripoli–Benghazi", ["tripoli", "benghazi"]),  # an en dash separates
    # hyphenated compounds: the parts, then the joined form
    ("Iounous-bek", ["iounous", "bek", "iounousbek"]),
    ("vice-ministre russe", ["vice", "ministre", "viceministre", "russe"]),
    ("précise-t-il", ["precise", "t", "il", "precisetil"]),
    ("aujourd’hui", ["aujourd", "hui", "aujourdhui"]),
    # a non-elided apostrophe joins like a hyphen
    ("Haftar’s army", ["haftar", "s", "haftars", "army"]),
    # Arabic: a word with proclitics is followed by its readings without them
    ("ليبيا وروسيا", ["ليبيا", "يبيا", "وروسيا", "روسيا"]),
    # a piece that folds to nothing ends a compound, as in the folded text ("a--b")
    ("a-\u00ad-b", ["a", "b"]),
    ("0\u2010\u00ad\u20190", ["0", "0"]),
    ("\u00ad-état-major", ["etat", "major", "etatmajor"]),
    ("", []),
    ("« — »", []),
])
def test_tokens(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_positions_and_offsets_of_a_compound() -> None:
    text = "conduite par Iounous-bek Evkourov"
    toks = tokenize(text)
    by_text = {t.text: t for t in toks}
    assert (by_text["iounous"].pos, by_text["bek"].pos, by_text["evkourov"].pos) == (2, 3, 4)
    joined = by_text["iounousbek"]
    assert (joined.pos, joined.end_pos, joined.joined) == (2, 3, True)
    assert text[joined.start:joined.end] == "Iounous-bek"
    assert text[by_text["bek"].start:by_text["bek"].end] == "bek"


def test_elided_particle_takes_no_position() -> None:
    toks = tokenize("de l’ANL")
    assert [(t.text, t.pos) for t in toks] == [("de", 0), ("anl", 1)]
    assert "de l’ANL"[toks[1].start:toks[1].end] == "ANL"


def test_fixture_article() -> None:
    toks = tokenize(RFI_TEXT)
    texts = [t.text for t in toks]
    assert texts.count("haftar") == 4
    assert "ingouchie" in texts and "anl" in texts and "l" not in texts
    for t in toks:
        if not t.joined:
            assert fold(RFI_TEXT[t.start:t.end]) == t.text


# ------------------------------------------------------------------------------ properties

# A realistic alphabet, where folding a whole text cannot change where words begin and end:
# Latin with accents, Greek, Cyrillic, Arabic with harakat and tatweel, digits, apostrophes,
# hyphens, guillemets, punctuation and spaces.
REALISTIC = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        + list("àâäçéèêëîïôöùûüÿœæÀÂÇÉÈÊËÎÏÔŒÆßñãõåøłŁ")
        + list("αβγδΑΒΓΔςσΣЛибяЛИБЯйЙёЁ")
        + list("ليبيابنغازيحفتر") + ["\u064e", "\u064f", "\u0650", "\u0651", "\u0640"]
        + ["\u0301", "\u0308"]  # combining accents
        + list(" \n\t'’-‐‑«»“”.,;:!?()[]–—/") + ["\u00a0", "\u202f", "\u00ad"]
    ),
    max_size=80,
)


@given(st.text())
def test_fold_is_idempotent(s: str) -> None:
    assert fold(fold(s)) == fold(s)


@given(REALISTIC)
def test_tokenising_folded_text_equals_folding_tokens(text: str) -> None:
    folded = [(t.text, t.pos, t.end_pos) for t in tokenize(fold(text))]
    assert folded == [(t.text, t.pos, t.end_pos) for t in tokenize(text)]


@given(st.text())
@settings(max_examples=300)
def test_offsets_point_into_the_original_text(text: str) -> None:
    toks = tokenize(text)  # no crash on arbitrary unicode
    for t in toks:
        assert 0 <= t.start < t.end <= len(text)
        assert t.pos <= t.end_pos
        assert t.text == fold(t.text)
        if not t.joined and not t.variant:
            assert fold(text[t.start:t.end]) == t.text
    positions = [t.pos for t in toks if not t.joined and not t.variant]
    assert positions == list(range(len(positions)))


@given(st.text())
def test_chunked_analysis_agrees_with_tokenize(text: str) -> None:
    """The matcher's fast path (split on whitespace, analyse chunks) gives the same tokens."""
    expected = [(t.text, t.pos, t.end_pos) for t in tokenize(text)]
    got, base = [], 0
    for chunk in text.split():
        info = analyse_chunk(chunk)
        got.extend((w, base + a, base + b) for w, a, b in info.tokens)
        base += info.npos
    assert got == expected
    # and the chunk offsets the snippets use agree with str.split
    assert [m.group() for m in re.finditer(r"\S+", text)] == text.split()


@given(st.text())
def test_chunk_layout_matches_token_offsets(text: str) -> None:
    expected = [(t.start, t.end) for t in tokenize(text) if not t.joined and not t.variant]
    got = []
    for m in re.finditer(r"\S+", text):
        got.extend((m.start() + a, m.start() + b) for a, b in chunk_layout(m.group()))
    assert got == expected


@given(REALISTIC)
def test_raw_tokens_joined_form_is_the_concatenation(text: str) -> None:
    for rt in raw_tokens(text):
        assert rt.parts
        assert rt.joined == ("".join(rt.parts) if len(rt.parts) > 1 else None)


def test_fold_output_has_no_nonspacing_marks() -> None:
    sample = "Délégation ليبيَا Ἀθῆναι Ñandú"
    assert not any(unicodedata.category(c) == "Mn" for c in fold(sample))


def test_the_shipped_mark_classes_are_what_this_unicode_version_defines() -> None:
    # rules/marks.py spares each process a scan of 196,608 code points at import; for the
    # running Unicode version it must say what the scan says (tools/marks_table.py rebuilds it)
    from watchdesk.rules import text
    from watchdesk.rules.marks import TABLE

    assert TABLE[unicodedata.unidata_version] == text.computed_marks()
    # a decomposed é (e + U+0301) and an Arabic word with its short vowels stay one word
    assert text.RAW_TOKEN_RE.findall("Benghaz\u0069\u0301 \u0645\u064f\u0631") == [
        "Benghaz\u0069\u0301", "\u0645\u064f\u0631"]
