"""The operators of rules-2, table by table, with French, Arabic and Russian examples: word
forms ``~``, Arabic proclitics, NOT NEAR, ONEAR, ATLEAST, ``lead:``, ``case:``, filters; and
what a match reports (terms, snippets) for each."""

from __future__ import annotations

import pytest

from watchdesk.errors import RuleSyntaxError
from watchdesk.rules import Document, Rule, RuleSet, compile_query

RFI_LEAD = ("Iounous-bek Bamatguireïevitch Evkourov, vice-ministre russe de la Défense, conduit "
            "une délégation militaire à Benghazi, à l’invitation de l'Armée nationale libyenne "
            "(ANL) du maréchal Khalifa Haftar, l'homme fort de l'est libyen.")
# The Wagner group, and in another paragraph the composer it is named after.
WAGNER_GROUP = ("Le groupe Wagner a envoyé des renforts à Benghazi selon plusieurs sources "
                "militaires libyennes et des diplomates en poste à Tripoli.\n"
                "Son fondateur avait choisi ce nom en hommage au compositeur Richard Wagner, "
                "dont il admirait les opéras.")
BAYREUTH = "Au festival de Bayreuth, le Tannhäuser de Richard Wagner a été ovationné à l'opéra."


def doc(body: str = "", title: str = "", summary: str = "", **kw: str) -> Document:
    return Document(title, summary, body, **kw)


def matches(query: str, d: Document, **kw: object) -> bool:
    return compile_query(query).matches(d, **kw) is not None  # type: ignore[arg-type]


@pytest.mark.parametrize(("query", "text", "lang", "expected"), [
    # ~word: the forms of a word, by its Snowball stem
    ("~délégation", "deux délégations militaires", "fr", True),
    ("~délégation", "une délégation militaire", "fr", True),
    ("~délégations", "une délégation militaire", "fr", True),
    ("délégation", "deux délégations militaires", "fr", False),   # a plain word: that word
    ("~libyen", "les autorités libyennes", "fr", True),
    ("~libyen", "la Libye", "fr", False),
    ("~libyan", "Libyans in Tripoli", "en", True),
    ("~libyan", "Libyans in Tripoli", None, True),                 # unknown: both stemmers
    ("~россия", "Россия", "ru", True),
    ("~россия", "в России", "ru", True),
    ("~россия", "санкции против России и Россией", "ru", True),
    ("~россия", "поддержку Россию", None, True),                   # Cyrillic: always Russian
    ("россия", "в России", "ru", False),
    ("~россия", "российский", "ru", False),                        # another word
    ('"~délégation ~russe"', "les délégations russes", "fr", True),  # in a phrase
    ('~"délégation russe"', "les délégations russes", "fr", True),   # on a whole phrase
    ("~délégation NEAR/3 benghazi", RFI_LEAD, "fr", True),            # in NEAR
    ("~(libyen OR russe)", "des conseillers russes", "fr", True),     # on a group
    ("~2023", "en 2023", "fr", True),                                 # no letters: the word
    ("~opéra", "une opération militaire", "fr", True),   # a shared stem (oper): documented
])
def test_word_forms(query: str, text: str, lang: str | None, expected: bool) -> None:
    assert matches(query, doc(text, lang=lang)) is expected


def test_word_forms_follow_the_article_language() -> None:
    # French "libyennes" stems to "libyen"; English reads it as "libyenn": in an English
    # article ~libyen does not reach it, in a French one it does.
    assert matches("~libyen", doc("les autorités libyennes", lang="fr"))
    assert not matches("~libyen", doc("les autorités libyennes", lang="en"))
    assert matches("~libyen", doc("les autorités libyennes"))  # unknown, detected: too short


@pytest.mark.parametrize(("query", "text", "expected"), [
    # Arabic proclitics: و ف ب ل ك, ال and their combinations
    ("روسيا", "ليبيا وروسيا", True),              # "and Russia"
    ("بنغازي", "وصل الوفد لبنغازي", True),          # "to Benghazi"
    ("بنغازي", "وبنغازي", True),
    ("ليبيا", "وليبيا", True),
    ("ليبيا", "فليبيا", True),
    ("ليبي", "الجيش الليبي", True),                 # the article
    ("ليبي", "والليبي", True),                      # and + the
    ("جيش", "للجيش", True),                        # li + al: لل
    ("الجيش", "والجيش", True),                     # the query may keep its article
    ("وروسيا", "روسيا", False),                     # the query's proclitic is not removed
    ("بن", "لبن", False),                          # at least three letters must remain
    ("بن", "وبن", False),
    ("بن", "محمد بن سلمان", True),
    ("روسيا", "لروسياهم", False),                   # whole words still
    ("روسي*", "والروسية", True),                    # with a prefix
    ('"الجيش الليبي"', "وصل الجيش الليبي", True),   # in a phrase
    ("حفتر NEAR/2 بنغازي", "المشير حفتر في بنغازي", True),
])
def test_arabic_proclitics(query: str, text: str, expected: bool) -> None:
    assert matches(query, doc(text)) is expected


@pytest.mark.parametrize(("query", "text", "expected"), [
    # a NOT NEAR/n b: an occurrence of a with no b within n words
    ("wagner NOT NEAR/5 (richard OR opéra OR bayreuth)", WAGNER_GROUP, True),
    ("wagner NOT NEAR/5 (richard OR opéra OR bayreuth)", BAYREUTH, False),
    ("wagner NOT NEAR/5 richard", "Richard Wagner", False),
    ("wagner NOT NEAR/0 richard", "Richard Wagner", False),       # side by side
    ("wagner NOT NEAR/0 richard", "Richard dit que Wagner", True),
    ("wagner NOT NEAR/5 richard", "Le groupe Wagner", True),      # no b at all
    ("haftar NOT NEAR/3 tripoli", RFI_LEAD, True),
    ("حفتر NOT NEAR/3 طرابلس", "قوات حفتر تقترب من طرابلس", False),
    ("вагнер NOT NEAR/3 композитор", "композитор Вагнер", False),
    ("вагнер NOT NEAR/3 композитор", "группа Вагнер в Ливии", True),
    ("(wagner NOT NEAR/5 opéra) NEAR/10 benghazi", WAGNER_GROUP, True),
    ("title:wagner NOT NEAR/2 richard", "Richard Wagner", False),  # fields apply
    # a ONEAR/n b: b after a, at most n words between
    ("maréchal ONEAR/1 haftar", RFI_LEAD, True),
    ("haftar ONEAR/1 maréchal", RFI_LEAD, False),
    ("maréchal ONEAR/0 haftar", RFI_LEAD, False),
    ("khalifa ONEAR/0 haftar", RFI_LEAD, True),
    ("délégation ONEAR/5 benghazi", RFI_LEAD, True),
    ("benghazi ONEAR/5 délégation", RFI_LEAD, False),
    ('"vice-ministre" ONEAR/0 russe', RFI_LEAD, True),
    ("المشير ONEAR/0 حفتر", "المشير حفتر", True),
    ("حفتر ONEAR/0 المشير", "المشير حفتر", False),
    ("группа ONEAR/0 вагнер", "группа Вагнер", True),
    # ATLEAST/n (…): at least n occurrences in total
    ("ATLEAST/2 wagner", WAGNER_GROUP, True),
    ("ATLEAST/3 wagner", WAGNER_GROUP, False),
    ("ATLEAST/3 (wagner OR opéras)", WAGNER_GROUP, True),
    ("ATLEAST/2 libyen*", RFI_LEAD, True),
    ("ATLEAST/3 libyen*", RFI_LEAD, False),
    ('ATLEAST/1 "armée nationale libyenne"', RFI_LEAD, True),
    ("ATLEAST/2 ~libyen", RFI_LEAD, True),
    ("ATLEAST/2 (iounous-bek)", RFI_LEAD, False),   # the compound is one occurrence
    ("ATLEAST/2 ليبيا", "ليبيا وليبيا", True),
    ("ATLEAST/3 ~россия", "Россия, России, Россией", True),
])
def test_scoped_exclusion_ordered_proximity_and_mentions(query: str, text: str,
                                                         expected: bool) -> None:
    assert matches(query, doc(text)) is expected


def test_atleast_counts_in_its_field_or_everywhere() -> None:
    d = doc("Wagner à Benghazi.", title="Wagner en Libye", summary="Wagner")
    assert matches("ATLEAST/3 wagner", d)                # title + summary + body
    assert not matches("ATLEAST/2 body:wagner", d)
    assert matches("body:ATLEAST/1 wagner", d)
    assert not matches("title:ATLEAST/2 wagner", d)


@pytest.mark.parametrize(("query", "title", "body", "summary", "expected"), [
    ("lead:haftar", "Libye", "Le maréchal Haftar reçoit Moscou.\nSuite de l'article.", "",
     True),
    ("lead:haftar", "Libye", "Un premier paragraphe sans lui.\nHaftar plus loin.", "", False),
    ("lead:haftar", "Haftar reçoit", "Premier paragraphe.\nRien.", "", True),  # the title
    ("lead:haftar", "Libye", "", "Haftar dans le résumé", True),     # no body: the summary
    ("lead:haftar", "Libye", "Un paragraphe sur autre chose.", "Haftar", False),
    # one block of text: its first 60 words
    ("lead:haftar", "", " ".join(["mot"] * 59 + ["Haftar"]), "", True),
    ("lead:haftar", "", " ".join(["mot"] * 60 + ["Haftar"]), "", False),
    ("lead:(maréchal NEAR/1 haftar)", "", RFI_LEAD + "\nSuite.", "", True),
    ("lead:~délégation", "", RFI_LEAD + "\nSuite.", "", True),
    ("lead:ATLEAST/2 libyen*", "", RFI_LEAD + "\nSuite.", "", True),
    ("lead:روسيا", "", "وصل وفد عسكري من روسيا\nتفاصيل", "", True),
    ("lead:россия", "", "Визит делегации прибыл в Бенгази\nРоссия", "", False),
    # the headline repeated, a byline, a dateline: passed over
    ("lead:haftar", "Haftar à Moscou", "Haftar à Moscou\nPar la rédaction\nPublié le 22/08"
     "\nLe maréchal libyen Haftar est reçu au Kremlin.\nSuite.", "", True),
    ("lead:poutine", "Haftar à Moscou", "Haftar à Moscou\nLe maréchal libyen est reçu au "
     "Kremlin.\nPoutine l'attend.", "", False),
    ("lead:poutine", "", "Trois mots seulement\nDeux ici\nUn\nPoutine", "", False),
    ("title:lead:haftar", "Haftar", "Haftar", "", True),
])
def test_lead_field(query: str, title: str, body: str, summary: str,
                    expected: bool) -> None:
    assert matches(query, doc(body, title, summary)) is expected


@pytest.mark.parametrize(("query", "text", "expected"), [
    ("case:GUN", "le Gouvernement d'union nationale (GUN) à Tripoli", True),
    ("case:GUN", "a gun was found", False),
    ("case:GUN", "Gun control", False),
    ("case:ÉTAT", "ETAT D'URGENCE", True),             # accents still folded
    ("case:ANL", "l’ANL de Haftar", True),              # elision still dropped
    ("case:ANL", "l’anl", False),
    ('case:"GUN libyen"', "le GUN libyen", True),
    ('case:"GUN libyen"', "le gun libyen", False),
    ("case:(GUN OR ANL)", "l'ANL", True),
    ("case:Россия", "РОССИЯ", False),
    ("case:Россия", "Россия", True),
    ("case:GUN NEAR/3 tripoli", "le GUN à Tripoli", True),
])
def test_case_sensitive(query: str, text: str, expected: bool) -> None:
    assert matches(query, doc(text)) is expected


@pytest.mark.parametrize(("query", "meta", "expected"), [
    ("lang:ar", {"lang": "ar"}, True),
    ("lang:ar", {"lang": "fr"}, False),
    ("lang:fr", {"lang": "fr-FR"}, True),
    ("lang:fr-ca", {"lang": "fr"}, False),
    ("lang:fr AND haftar", {"lang": "fr"}, True),
    ("haftar NOT lang:en", {"lang": "fr"}, True),
    ("site:rfi.fr", {"url": "https://www.rfi.fr/fr/afrique/x"}, True),
    ("site:rfi.fr", {"url": "https://rfi.fr/x"}, True),
    ("site:rfi.fr", {"url": "https://notrfi.fr/x"}, False),
    ("site:rfi.fr", {"url": "https://rfi.fr.example.org/x"}, False),
    ("site:RFI.fr", {"url": "https://WWW.RFI.FR/x"}, True),
    ("site:rfi.fr", {}, False),                            # no URL known
])
def test_document_filters(query: str, meta: dict[str, str], expected: bool) -> None:
    assert matches(query, doc(RFI_LEAD, **meta)) is expected


def test_language_is_detected_when_not_given() -> None:
    assert matches("lang:ar", doc("وصل وفد عسكري روسي إلى بنغازي بدعوة من المشير خليفة حفتر"))
    assert matches("lang:ru", doc("Российская военная делегация прибыла в Бенгази"))
    assert matches("lang:fr", doc(RFI_LEAD))
    assert not matches("lang:en", doc(RFI_LEAD))


@pytest.mark.parametrize(("query", "feed", "tags", "expected"), [
    ("feed:rfi-afrique", "rfi-afrique", (), True),
    ("feed:rfi-afrique", "lemonde", ("afrique",), False),
    ("tag:afrique", "lemonde", ("afrique", "fr"), True),
    ("tag:afrique", "rfi-afrique", (), False),
    ("haftar NOT feed:sputnik", "sputnik", (), False),     # a rule excluding a feed
    ("haftar NOT feed:sputnik", "rfi-afrique", (), True),
    ("feed:rfi-afrique", None, (), False),                 # no feed known: false
    ("haftar NOT feed:sputnik", None, (), True),
])
def test_feed_filters(query: str, feed: str | None, tags: tuple[str, ...],
                      expected: bool) -> None:
    assert matches(query, doc(RFI_LEAD), feed_name=feed, feed_tags=tags) is expected


def test_an_exclusion_can_leave_out_a_feed() -> None:
    rs = RuleSet([Rule("r", "r", "haftar", "feed:sputnik OR site:sputniknews.africa")])
    assert [m.rule_id for m in rs.match(doc(RFI_LEAD), "rfi")] == ["r"]
    assert rs.match(doc(RFI_LEAD), "sputnik") == []
    assert rs.match(doc(RFI_LEAD, url="https://fr.sputniknews.africa/a"), "rfi") == []


@pytest.mark.parametrize(("query", "terms", "highlights"), [
    ("~délégation", ("~délégation",), ["délégation"]),
    ("бенгази OR ~россия", ("~россия",), ["России"]),
    ("روسيا", ("روسيا",), ["وروسيا"]),
    ("wagner NOT NEAR/5 opéras", ("wagner",), ["Wagner"]),
    ("maréchal ONEAR/1 haftar", ("maréchal", "haftar"), ["maréchal", "Haftar"]),
    ("ATLEAST/2 libyen*", ("libyen*",), ["libyenne", "libyen"]),
    ("case:ANL", ("case:ANL",), ["ANL"]),
    ("lead:benghazi", ("benghazi",), ["Benghazi"]),
    ("lang:fr AND haftar", ("lang:fr", "haftar"), ["Haftar"]),
])
def test_match_reports_terms_and_snippets(query: str, terms: tuple[str, ...],
                                          highlights: list[str]) -> None:
    body = {"бенгази OR ~россия": "Делегация из России прибыла",
            "روسيا": "ليبيا وروسيا",
            "wagner NOT NEAR/5 opéras": WAGNER_GROUP}.get(query, RFI_LEAD)
    m = compile_query(query).matches(doc(body, lang="fr"))
    assert m is not None
    assert m.terms == terms
    snip = m.snippets["body"]
    assert [snip.text[a:b] for a, b in snip.spans][:len(highlights)] == highlights


def test_lead_hits_are_snippets_of_their_field() -> None:
    m = compile_query("lead:haftar").matches(doc("", summary="Haftar à Moscou"))
    assert m is not None and set(m.snippets) == {"summary"}
    assert m.snippets["summary"].highlighted() == "[Haftar] à Moscou"


@pytest.mark.parametrize(("query", "column", "message"), [
    ("~ russie", 1, "'~' goes right before a word"),
    ("~libye*", 2, "'~' and a prefix '*' do not combine"),
    ("case:GUN*", 6, "'case:' and a prefix '*' do not combine"),
    ("case:~GUN", 6, "'case:' and '~' do not combine"),
    ("wagner NOT NEAR opéra", 12, "NEAR needs a distance"),
    ("NOT NEAR/5 opéra", 1, "NOT NEAR needs a term before it"),
    ("wagner ONEAR/x opéra", 8, "ONEAR needs a distance like ONEAR/5"),
    ("ATLEAST (wagner)", 1, "ATLEAST needs a count like ATLEAST/3"),
    ("ATLEAST/0 wagner", 1, "ATLEAST/0 is always true"),
    ("ATLEAST/2 (wagner AND opéra)", 11, "ATLEAST counts words"),
    ("ATLEAST/2 wagner NEAR/3 opéra", 1, "NEAR works on words"),
    ("lang:fr NEAR/3 haftar", 1, "NEAR works on words"),
    ("lang: haftar", 1, "'lang:' needs a value right after the colon, e.g. lang:ar"),
    ("lang:français", 1, "lang: takes a language code"),
    ("site:https://rfi.fr/", 1, "site: takes a host name like rfi.fr"),
    ("auteur:haftar", 1, "unknown field 'auteur:'; use title:, summary:, body:, lead:"),
    ("haftar @Lieux", 8, "is not a list reference"),
    ("haftar @lieux", 8, "unknown list '@lieux'; define it under lists:"),
])
def test_syntax_errors_of_the_new_operators(query: str, column: int, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        compile_query(query)
    assert info.value.column == column
    assert message in info.value.message


@pytest.mark.parametrize(("query", "canonical"), [
    ("~Délégation", "~delegation"),
    ("wagner NOT NEAR/5 opéra", "(wagner NOT NEAR/5 opera)"),
    ("a ONEAR/2 b", "(a ONEAR/2 b)"),
    ("ATLEAST/3 (a OR b)", "ATLEAST/3 (a OR b)"),
    ("lead:haftar", "lead:haftar"),
    ("case:GUN", "case:GUN"),
    ("lang:FR site:RFI.fr feed:x tag:y", "(lang:fr AND site:rfi.fr AND feed:x AND tag:y)"),
])
def test_canonical_forms(query: str, canonical: str) -> None:
    """The canonical form decides Rule.version: re-casing a query does not change it."""
    assert str(compile_query(query)) == canonical
