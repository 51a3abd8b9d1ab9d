"""``name:`` in the rule language, script by script and operator by operator: one Latin
spelling finds the name in Latin variants, in Arabic (proclitics, article, spelling variants)
and in Cyrillic (case endings); phrases across scripts; inside NEAR, ONEAR, ATLEAST,
NOT NEAR, ``lead:``, lists and fields; what a match reports (terms, the spellings found,
snippets); syntax errors and ``check`` warnings."""

from __future__ import annotations

import pytest

from watchdesk.errors import RuleSyntaxError
from watchdesk.rules import Document, Rule, RuleSet, compile_query
from watchdesk.rules.lists import ListDef

RFI = ("Iounous-bek Evkourov, vice-ministre russe de la Défense, conduit une délégation "
       "militaire à Benghazi, à l'invitation du maréchal Khalifa Haftar.")
JAZEERA = ("التقى نائب وزير الدفاع الروسي يونس بك يفكوروف المشير خليفة حفتر في بنغازي، "
           "وبحث مع حفتر التعاون العسكري.")
RIA = ("Замминистра обороны России Юнус-Бек Евкуров встретился в Бенгази с Халифой "
       "Хафтаром. Ранее Евкуров посещал Ливию вместе с Пригожиным.")


def doc(body: str = "", title: str = "", summary: str = "", **kw: str) -> Document:
    return Document(title, summary, body, **kw)


def matches(query: str, d: Document) -> bool:
    return compile_query(query).matches(d) is not None


@pytest.mark.parametrize(("query", "text", "expected"), [
    # Latin spellings of one name
    ("name:haftar", "le maréchal Haftar", True),
    ("name:haftar", "marshal Hafter said", True),
    ("name:haftar", "General Heftar", True),
    ("name:haftar", "the word haftar in lower case", True),       # the word itself, any case
    ("name:prigozhin", "Evgueni Prigojine", True),
    ("name:prigozhin", "Jewgeni Prigoschin", True),
    ("name:yevkurov", "Iounous-bek Evkourov", True),
    ("name:benghazi", "arrivé à Bengazi", True),
    ("name:haftar", "General Hiftir", False),                      # other vowels: another name
    ("name:haftar", "der Hafen", False),
])
def test_latin(query: str, text: str, expected: bool) -> None:
    assert matches(query, doc(text)) is expected


@pytest.mark.parametrize(("query", "text", "expected"), [
    ("name:haftar", "التقى حفتر بالوفد", True),
    ("name:haftar", "وحفتر", True),                     # and
    ("name:haftar", "رسالة لحفتر", True),               # to
    ("name:haftar", "بحفتر", True),                     # with
    ("name:haftar", "حَفْتَر", True),                    # with harakat
    ("name:prigozhin", "بريغوجين", True),
    ("name:yevkurov", "يفكوروف", True),
    ("name:benghazi", "في بنغازي", True),
    ("name:benghazi", "ببنغازى", True),                 # alef maqsura for yeh
    ("name:misrata", "مصراتة", True),
    ("name:misrata", "مصراته", True),                   # heh for teh marbuta
    ("name:sebha", "سبها", True),
    ("name:zawiya", "في الزاوية", True),                 # the article
    ("name:zawiya", "بالزاوية", True),                   # preposition and article
    ("name:safar", "سفر الوفد إلى موسكو", False),         # سفر: "journey", a common word
    ("name:khamis", "وزارة", False),                     # a common word with its proclitic
])
def test_arabic(query: str, text: str, expected: bool) -> None:
    assert matches(query, doc(text)) is expected


@pytest.mark.parametrize(("query", "text", "expected"), [
    ("name:haftar", "Хафтар прибыл", True),
    ("name:haftar", "визит Хафтара", True),              # genitive
    ("name:haftar", "письмо Хафтару", True),             # dative
    ("name:haftar", "встреча с Хафтаром", True),         # instrumental
    ("name:haftar", "о Хафтаре", True),                  # prepositional
    ("name:prigozhin", "Пригожин", True),
    ("name:prigozhin", "мятеж Пригожина", True),
    ("name:prigozhin", "вместе с Пригожиным", True),
    ("name:yevkurov", "Евкуров", True),
    ("name:misrata", "из Мисраты", True),                # a name's own -а replaced
    ("name:misrata", "в Мисрату", True),
    ("name:benghazi", "в Бенгази", True),
    ("name:mir", "мир и война", False),                  # lower case: the word "peace"
])
def test_cyrillic(query: str, text: str, expected: bool) -> None:
    assert matches(query, doc(text)) is expected


@pytest.mark.parametrize(("query", "expected"), [
    # expected in RFI (French), Al Jazeera (Arabic), RIA (Russian)
    ('name:"khalifa haftar"', (True, True, True)),          # a phrase across scripts
    ('name:"haftar khalifa"', (False, False, False)),       # in its order
    ("name:yevkurov NEAR/12 name:benghazi", (True, True, True)),
    ("name:yevkurov NEAR/1 name:benghazi", (False, False, False)),
    ("name:yevkurov ONEAR/12 name:benghazi", (True, True, True)),
    ("name:benghazi ONEAR/2 name:yevkurov", (False, False, False)),
    # Benghazi with no Haftar within 3 words: "حفتر في بنغازي", "Бенгази с Халифой Хафтаром"
    ("name:benghazi NOT NEAR/3 name:haftar", (True, False, False)),
    ("(name:yevkurov OR name:prigozhin) AND name:haftar", (True, True, True)),
    ("name:haftar AND NOT name:prigozhin", (True, True, False)),  # RIA names Prigozhin
])
def test_operators_in_three_scripts(query: str, expected: tuple[bool, bool, bool]) -> None:
    assert tuple(matches(query, doc(t)) for t in (RFI, JAZEERA, RIA)) == expected


def test_atleast_counts_spellings_in_every_script() -> None:
    assert matches("ATLEAST/3 name:haftar", doc(JAZEERA, title="Хафтар в Бенгази"))
    assert not matches("ATLEAST/3 name:haftar", doc(JAZEERA))
    assert matches("ATLEAST/2 name:yevkurov", doc(RIA))


def test_lead_and_fields() -> None:
    d = doc("Первый абзац этой статьи не называет никого.\nВ последнем абзаце упомянут "
            "Хафтар.", title="Новости")
    assert not matches("lead:name:haftar", d)
    assert matches("body:name:haftar", d)
    assert not matches("title:name:haftar", d)
    assert matches("lead:name:haftar", doc("Хафтаром заинтересовались в Москве и Бенгази."))


def test_lists_and_shared_compilation_agree() -> None:
    lists = {"acteurs": ListDef("acteurs", "name:haftar OR name:prigozhin OR name:yevkurov",
                                "<lists>", lambda o: (1, o + 1))}
    q = compile_query("@acteurs NEAR/10 name:benghazi", lists=lists)
    rules = [Rule("r", "r", q.text, None, compiled=q)]
    for text in (RFI, JAZEERA, RIA):
        shared = RuleSet(rules).match(doc(text))
        alone = RuleSet(rules, share=False).match(doc(text))
        assert shared == alone
        assert shared and shared[0].terms[-1] == "name:benghazi"


def test_a_match_reports_the_spellings_found() -> None:
    m = compile_query("name:haftar AND name:benghazi").matches(
        doc(JAZEERA, title="Хафтар в Бенгази"))
    assert m is not None
    assert m.terms == ("name:haftar", "name:benghazi")
    assert m.spellings["name:haftar"] == ("Хафтар", "حفتر")
    assert m.spellings["name:benghazi"] == ("Бенгази", "بنغازي")
    title = m.snippets["title"]
    assert [title.text[a:b] for a, b in title.spans] == ["Хафтар", "Бенгази"]
    phrase = compile_query('name:"khalifa haftar"').matches(doc(RIA))
    assert phrase is not None and phrase.spellings == {
        'name:"khalifa haftar"': ("Халифой Хафтаром",)}


def test_canonical_form_compiles_back() -> None:
    for text in ('name:"Khalifa Haftar" NEAR/5 name:benghazi', "title:name:haftar",
                 "name:(haftar OR hafter)"):
        q = compile_query(text)
        assert str(compile_query(str(q))) == str(q)


@pytest.mark.parametrize(("query", "message"), [
    ("name:", "'name:' goes before a word"),
    ("name:haft*", "'name:' and a prefix '*' do not combine"),
    ("~name:haftar", "'name:' does not combine with '~' or 'case:'"),
    ("name:~haftar", "'name:' does not combine with '~' or 'case:'"),
    ("case:name:haftar", "'name:' does not combine with '~' or 'case:'"),
    ('name:"haft* khalifa"', "'name:' takes whole words"),
])
def test_syntax_errors(query: str, message: str) -> None:
    with pytest.raises(RuleSyntaxError) as e:
        compile_query(query)
    assert message in str(e.value)


@pytest.mark.parametrize(("query", "reason"), [
    ("name:li", "fewer than two consonants"),
    ("name:sisi", "only two consonants"),
    ("name:safar", "spelled like the common word(s) سفر"),
])
def test_check_warns_about_weak_names(query: str, reason: str) -> None:
    warnings = [str(w) for w in compile_query(query, path="r.yaml").warnings]
    assert len(warnings) == 1 and reason in warnings[0] and "r.yaml:1:" in warnings[0]


def test_no_warning_for_a_specific_name() -> None:
    assert compile_query('name:haftar OR name:"khalifa haftar" OR name:prigozhin').warnings == []


def test_words_no_spelling_starts_with_are_not_keyed_but_their_readings_are() -> None:
    # name:haftar's spellings start with h, х, г, ح, ه...: a word starting otherwise spells
    # it only through its reading without proclitics (وحفتر: حفتر, a token of its own)
    rs = RuleSet([Rule("h", "h", "name:haftar")])
    for text, found in (("وقال وحفتر إن", True), ("Встреча с Хафтаром", True),
                        ("Le maréchal Haftar", True), ("Le maréchal Kaftar", False)):
        assert bool(rs.match(Document("", "", text))) is found, text
    spelled = rs._spelled  # what the matcher remembered of each document word
    assert spelled["وحفتر"] == () and spelled["حفتر"] and spelled["kaftar"] == ()
