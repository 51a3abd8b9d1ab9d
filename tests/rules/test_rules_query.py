"""The query language: every construct with a French example, precedence, syntax errors."""

from __future__ import annotations

import pytest

from watchdesk.errors import ConfigError, RuleSyntaxError
from watchdesk.rules import Document, compile_query


def matches(query: str, body: str = "", title: str = "", summary: str = "") -> bool:
    return compile_query(query).matches(Document(title, summary, body)) is not None


RFI_LEAD = ("Iounous-bek Bamatguireïevitch Evkourov, vice-ministre russe de la Défense, conduit "
            "une délégation militaire à Benghazi, à l’invitation de l'Armée nationale libyenne "
            "(ANL) du maréchal Khalifa Haftar, l'homme fort de l'est libyen.")


@pytest.mark.parametrize(("query", "text", "expected"), [
    # whole words, case and accents ignored
    ("libye", "Pour la Russie, la Libye est une tête de pont", True),
    ("libye", "LIBYE : LA RUSSIE S'INSTALLE", True),
    ("libye", "l'est libyen", False),                       # whole word only
    ("delegation", "une délégation militaire", True),
    ("délégation", "UNE DELEGATION MILITAIRE", True),
    ("maréchal", "du marechal Khalifa Haftar", True),
    ("anl", "réaffirmer ses liens avec l’ANL.", True),      # elision, typographic apostrophe
    ("ingouchie", "la république russe d'Ingouchie", True),
    ("l'armée", "de l’Armée nationale libyenne", True),       # elision in the query too
    ("ليبيا", "وصل وفد روسي إلى ليبيا", True),               # Arabic
    ("ليبيا", "وصل وفد روسي إلى لِيبْيَا", True),             # harakat ignored
    ("Вагнер", "группа ВАГНЕР в Ливии", True),               # Cyrillic
    # prefixes
    ("libyen*", "l'est libyen", True),
    ("libyen*", "l'Armée nationale libyenne", True),
    ("libyen*", "les autorités libyennes", True),
    ("libyen*", "la Libye", False),
    ("russe*", "les chefs d'état-major russes", True),
    # phrases
    ('"armée nationale libyenne"', RFI_LEAD, True),
    ('"armee nationale libyenne"', "L'ARMÉE NATIONALE LIBYENNE", True),
    ('"nationale armée"', RFI_LEAD, False),                # order matters
    ('"armée libyenne"', RFI_LEAD, False),                 # consecutive only
    ('"africa corps"', "le nouvel Africa Corps russe", True),
    ('"africa corps"', "l'Africa-Corps", True),            # a hyphen is a word break
    ('"africa corps"', "Africa. Corps", True),             # punctuation is ignored
    ('"vice-ministre russe"', RFI_LEAD, True),
    ("« maréchal khalifa »", RFI_LEAD, True),               # guillemets quote a phrase
    ('"armée* libyenne"', "les armées libyennes", False),   # only marked words are prefixes
    ('"armée* libyenne*"', "les armées libyennes", True),
    # hyphenated words: as written, split, or glued
    ("iounous-bek", RFI_LEAD, True),
    ("iounousbek", RFI_LEAD, True),
    ("bek", RFI_LEAD, True),
    ("iounous-bek", "Iounousbek Evkourov", True),
    ("iounous-bek", "Iounous bek Evkourov", True),
    ("état-major", "les chefs d'état-major de l'ANL", True),
    # NEAR: at most n words between, either order
    ("maréchal NEAR/1 haftar", RFI_LEAD, True),             # "maréchal Khalifa Haftar"
    ("maréchal NEAR/0 haftar", RFI_LEAD, False),
    ("haftar NEAR/1 maréchal", RFI_LEAD, True),             # either order
    ("khalifa NEAR/0 haftar", RFI_LEAD, True),
    ("evkourov NEAR/5 benghazi", RFI_LEAD, False),
    ("evkourov NEAR/15 benghazi", RFI_LEAD, True),
    ("delegation NEAR/3 benghazi", RFI_LEAD, True),
    ('"vice-ministre russe" NEAR/2 défense', RFI_LEAD, True),
    ("(haftar OR hafter) NEAR/3 (maréchal OR général)", RFI_LEAD, True),
    ("libyen* NEAR/1 anl", RFI_LEAD, True),
    ("iounous-bek NEAR/1 evkourov", RFI_LEAD, True),
    ("(delegation NEAR/2 militaire) NEAR/3 benghazi", RFI_LEAD, True),
    # boolean operators
    ("haftar AND benghazi", RFI_LEAD, True),
    ("haftar AND tripoli", RFI_LEAD, False),
    ("haftar benghazi", RFI_LEAD, True),                      # juxtaposition = AND
    ("tripoli OR benghazi", RFI_LEAD, True),
    ("haftar AND NOT wagner", RFI_LEAD, True),
    ("haftar NOT evkourov", RFI_LEAD, False),
    ("NOT wagner", RFI_LEAD, True),
    ("haftar and tripoli", RFI_LEAD, False),   # lower-case 'and' is a word: needs "and" too
    ("haftar or tripoli", "Haftar or Tripoli", True),
    ("haftar or tripoli", "Haftar seul", False),
])
def test_construct(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(("query", "text", "expected"), [
    # NOT > AND > OR
    ("tripoli OR haftar AND wagner", "Tripoli", True),        # tripoli OR (haftar AND wagner)
    ("tripoli OR haftar AND wagner", "Haftar", False),
    ("(tripoli OR haftar) AND wagner", "Tripoli", False),
    ("NOT wagner AND haftar", "Haftar", True),                # (NOT wagner) AND haftar
    ("NOT wagner AND haftar", "Haftar et Wagner", False),
    ("NOT (wagner AND haftar)", "Haftar", True),
    ("NOT wagner OR haftar", "Haftar et Wagner", True),       # (NOT wagner) OR haftar
    ("haftar OR NOT wagner", "Wagner", False),
    ("a OR b c", "b", False),                                 # a OR (b AND c)
    ("a OR b c", "a", True),
    ("NOT NOT haftar", "Haftar", True),
    ("NOT haftar NEAR/2 wagner", "Haftar et Wagner", False),  # NOT (haftar NEAR/2 wagner)
    ("NOT haftar NEAR/2 wagner", "Haftar, puis plus tard, très loin, Wagner", True),
])
def test_precedence(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_fields() -> None:
    doc = Document("Haftar reçoit Moscou", "Une délégation russe", "À Benghazi, l'ANL.")
    q = compile_query
    assert q("title:haftar").matches(doc)
    assert not q("body:haftar").matches(doc)
    assert q("summary:delegation").matches(doc)
    assert not q("title:delegation").matches(doc)
    assert q('summary:"délégation russe"').matches(doc)
    assert q("body:(benghazi OR tripoli)").matches(doc)
    assert not q("title:(benghazi OR tripoli)").matches(doc)
    assert q("haftar benghazi").matches(doc)           # default: any field, independently
    assert q("Title:haftar").matches(doc)              # field names ignore case
    # a phrase never spans two fields
    assert not q('"moscou une"').matches(doc)
    assert not q("moscou NEAR/3 délégation").matches(doc)


def test_terms_are_reported_as_written_in_query_order() -> None:
    m = compile_query('(Libye OR libyen* OR "Armée nationale") AND Haftar AND NOT wagner'
                      ).matches(Document(body=RFI_LEAD))
    assert m is not None
    assert m.terms == ("libyen*", "Armée nationale", "Haftar")


def test_canonical_form_ignores_layout() -> None:
    a = compile_query("(libye OR\n  libyen*)   AND haftar")
    b = compile_query("(LIBYE OR libyen*) haftar")
    assert str(a) == str(b)
    assert str(a) != str(compile_query("(libye OR libyen*) AND hafter"))


# ---------------------------------------------------------------------------- syntax errors

@pytest.mark.parametrize(("query", "column", "message"), [
    ("", 1, "empty query"),
    ("   ", 1, "empty query"),
    ("libye AND (haftar OR wagner", 28, "expected ')' to close '(' opened at column 11"),
    ("(libye", 7, "expected ')' to close '(' opened at column 1"),
    ("libye )", 7, "unexpected ')'"),
    ("libye NEAR haftar", 7, "NEAR needs a distance like NEAR/5"),
    ("libye NEAR/x haftar", 7, "NEAR needs a distance like NEAR/5"),
    ("libye AND", 10, "expected a word, phrase or '(' after AND, found the end of the query"),
    ("OR libye", 1, "expected a word, phrase or '(', found OR"),
    ("libye OR OR haftar", 10, "expected a word, phrase or '(' after OR, found OR"),
    ("NOT", 4, "after NOT"),
    ('"africa corps', 1, "unterminated phrase"),
    ('""', 1, "empty phrase"),
    ("()", 2, "empty parentheses"),
    ("li*bye", 3, "'*' can only end a word"),
    ("*", 1, "'*' must follow a word"),
    ("l*", 1, "too short"),
    ("titre:haftar", 1, "unknown field 'titre:'"),
    ("title:", 7, "after 'title:', found the end of the query"),
    ("title:body:haftar", 7, "can never match"),
    ("(a AND b) NEAR/3 c", 1, "NEAR works on words, prefixes, phrases"),
    ("a NEAR/3 NOT c", 10, "expected a word, phrase or '(' after NEAR/3, found NOT"),
    ("— «»", 1, "has no letters or digits"),
    ("libye NEAR/5000 haftar", 7, "too large"),
])
def test_syntax_errors(query: str, column: int, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as exc:
        compile_query(query, path="<query>")
    err = exc.value
    assert isinstance(err, ConfigError)
    assert message in err.message
    assert (err.path, err.line, err.column) == ("<query>", 1, column)
    assert str(err).startswith(f"<query>:1:{column}: ")


def test_error_position_on_later_line() -> None:
    with pytest.raises(RuleSyntaxError) as exc:
        compile_query("libye\nAND (haftar\n OR wagner", path="r.yaml", line=10)
    err = exc.value
    assert (err.line, err.column) == (12, 11)
    assert "opened at line 11, column 5" in err.message
