"""The news lexicon (``watchdesk.events.lexicon``): one event told in four languages shares
concepts; inflected forms find their lemma; unrelated news shares little.

The sentences are written for these tests (not taken from any outlet or benchmark).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchdesk.events import lexicon as lx
from watchdesk.events.lexicon import arabic_stem, concepts, parse
from watchdesk.rules.text import fold

# One event, told in each language.
CEASEFIRE = {
    "en": "Russian troops killed three civilians in a drone attack on the city, the governor "
          "said, hours after talks on a ceasefire failed.",
    "fr": "Les troupes russes ont tué trois civils lors d'une attaque de drones contre la "
          "ville, a déclaré le gouverneur, quelques heures après l'échec des négociations "
          "sur un cessez-le-feu.",
    "ar": "قتلت القوات الروسية ثلاثة مدنيين في هجوم بطائرات مسيرة على المدينة، بحسب "
          "المحافظ، بعد ساعات من فشل المفاوضات بشأن الهدنة.",
    "ru": "Российские войска убили трех мирных жителей в результате атаки беспилотников на "
          "город, сообщил губернатор через несколько часов после провала переговоров о "
          "перемирии.",
}

# Another event, also in each language: a football final.
FINAL = {
    "en": "The club won the cup final on Saturday: two goals in the second half gave the "
          "team its first trophy in ten years, to the joy of its fans in the stadium.",
    "fr": "Le club a remporté samedi la finale de la coupe : deux buts en seconde période ont "
          "offert à l'équipe son premier trophée depuis dix ans, pour la joie de ses "
          "supporters dans le stade.",
    "ar": "فاز النادي بنهائي الكأس يوم السبت، إذ منح هدفان في الشوط الثاني الفريق أول لقب "
          "له منذ عشر سنوات، وسط فرحة جماهيره في الملعب.",
    "ru": "Клуб выиграл финал кубка в субботу: два гола во втором тайме принесли команде "
          "первый трофей за десять лет, к радости болельщиков на стадионе.",
}

CORE = {"troops", "kill", "civilian", "attack", "drone", "talks", "ceasefire", "governor"}


def overlap(a: Counter[str], b: Counter[str]) -> float:
    """Jaccard overlap of two texts' concept sets."""
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb)


@pytest.mark.parametrize("lang", lx.LANGUAGES)
def test_one_event_has_the_same_core_concepts_in_each_language(lang: str) -> None:
    found = set(concepts(CEASEFIRE[lang], lang))
    assert CORE - found == set(), f"{lang}: missing {sorted(CORE - found)}"


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(lx.LANGUAGES, 2)))
def test_translations_overlap_and_other_news_does_not(a: str, b: str) -> None:
    same = overlap(concepts(CEASEFIRE[a], a), concepts(CEASEFIRE[b], b))
    same_final = overlap(concepts(FINAL[a], a), concepts(FINAL[b], b))
    other = overlap(concepts(CEASEFIRE[a], a), concepts(FINAL[b], b))
    other2 = overlap(concepts(FINAL[a], a), concepts(CEASEFIRE[b], b))
    assert same >= 0.5 and same_final >= 0.4, (same, same_final)
    assert max(other, other2) <= 0.1, (other, other2)


def test_football_final_concepts() -> None:
    for lang, text in FINAL.items():
        found = set(concepts(text, lang))
        assert {"win", "final", "cup", "goal", "team", "stadium"} <= found, (lang, found)


@pytest.mark.parametrize("word", [
    "министр", "министра", "министру", "министром", "министре", "министры", "министров",
    "министрами", "министрах",
])
def test_russian_cases_find_the_lemma(word: str) -> None:
    assert concepts(word, "ru") == Counter({"minister": 1})


@pytest.mark.parametrize(("words", "concept"), [
    ("переговоры переговоров переговорах переговорами", "talks"),
    ("перемирие перемирия перемирии перемирием", "ceasefire"),
    ("землетрясение землетрясения землетрясении", "earthquake"),
    ("убит убиты убийство убийства", "kill"),
    ("выборы выборов выборах", "election"),
])
def test_russian_declensions(words: str, concept: str) -> None:
    assert concepts(words, "ru") == Counter({concept: len(words.split())})


@pytest.mark.parametrize(("words", "concept"), [
    # the article, conjunctions, prepositions, and their combinations
    ("وزير الوزير والوزير للوزير بالوزير فالوزير", "minister"),
    # broken plural, with proclitics and a pronoun suffix
    ("وزراء الوزراء والوزراء وزراؤها", "minister"),
    # feminine ending, written ت before a pronoun; sound plural; dual
    ("حكومة الحكومة حكومته حكومتها الحكومات", "government"),
    ("انتخابات الانتخابات والانتخابات بالانتخابات", "election"),
    # nisba adjective: masculine, feminine, plurals
    ("مدني مدنية المدنيين مدنيون", "civilian"),
    # a verb: past with person endings, present with its prefix
    ("قتل قتلت قتلوا يقتل تقتل", "kill"),
    # hamza on alef, alef maqsura, diacritics and tatweel
    ("أعلن اعلن إعلان الإعلان", "announce"),
    ("مُفَاوَضَات المفـاوضات", "talks"),
])
def test_arabic_forms_find_the_lemma(words: str, concept: str) -> None:
    assert concepts(words, "ar") == Counter({concept: len(words.split())})


@pytest.mark.parametrize(("lang", "words", "concept"), [
    ("en", "kill kills killed killing", "kill"),
    ("en", "election elections electoral", "election"),
    ("fr", "tué tués tuée tuées", "kill"),
    ("fr", "élection élections électoral électorale", "election"),
    ("fr", "l'armée d'Haftar", "army"),
])
def test_latin_inflections(lang: str, words: str, concept: str) -> None:
    found = concepts(words, lang)
    assert set(found) == {concept}, found


def test_listed_form_beats_a_shared_stem() -> None:
    """French armée and armes reduce alike; each is listed, and the listing decides."""
    assert concepts("armée armes", "fr") == Counter({"army": 1, "weapon": 1})


def test_arabic_stem() -> None:
    assert arabic_stem("حكومتها") == arabic_stem("حكومه") == "حكوم"
    assert arabic_stem("انتخابات") == "انتخاب"
    assert arabic_stem("مدنيين") == arabic_stem("مدنيه") == "مدني"
    assert arabic_stem("مدن") == "مدن"          # too short to lose anything
    assert arabic_stem("ابن") == "ابن"


def test_unknown_language_and_empty_text() -> None:
    assert concepts(CEASEFIRE["en"], "de") == Counter()
    assert concepts(CEASEFIRE["en"], "") == Counter()
    assert concepts("", "en") == Counter()
    assert concepts("the of and 2024 12", "en") == Counter()


def test_function_words_are_not_concepts() -> None:
    for lang, text in {"en": "the and of to in on with he she they was were",
                       "fr": "le la les de des et en dans sur avec il elle ils était",
                       "ar": "في من على إلى عن أن مع هذا هذه التي الذي",
                       "ru": "в и на не с что по как это он она они был была"}.items():
        assert concepts(text, lang) == Counter(), lang


def test_the_shipped_lexicon_is_large_and_covers_every_language() -> None:
    table = lx.lexicon().words
    ids = {c for t in table.values() for c in t.values()}
    assert len(ids) >= 1500
    for lang in lx.LANGUAGES:
        assert len({c for c in table[lang].values()}) >= 1200, lang


def test_every_concept_has_forms_in_two_languages_at_least() -> None:
    """A concept known in one language only could never join two languages."""
    per_concept: dict[str, set[str]] = {}
    table = lx.lexicon()
    for lang in lx.LANGUAGES:
        found = set(table.words[lang].values())
        found |= {c for ps in table.phrases[lang].values() for _, c in ps}
        for concept in found:
            per_concept.setdefault(concept, set()).add(lang)
    lonely = sorted(c for c, langs in per_concept.items() if len(langs) < 2)
    assert lonely == []


@pytest.mark.parametrize(("text", "message"), [
    ("kill | kill | tuer | قتل", "<t>:1: expected a concept id and 4 columns"),
    ("kill | kill | tuer | قتل | убить\nkill | slay | | |", "<t>:2: concept 'kill' is defined"),
    ("# comment\n\nkill | kill | cessez-le-feu | | ", "<t>:3: 'cessez-le-feu' is not one word"),
])
def test_malformed_lexicon_names_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("|", r"\|")):
        parse(text, "<t>")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The Prime Minister met the prime ministers"),
        ("fr", "Le Premier ministre a reçu les premiers ministres"),
        ("ar", "التقى رئيس الوزراء برئيس الوزراء"),
        ("ru", "Премьер-министр встретился с премьер-министром"),
    ],
)
def test_a_phrase_counts_as_its_concept_not_as_its_words(lang: str, text: str) -> None:
    found = concepts(text, lang)
    assert found["prime_minister"] >= 2, found
    assert "minister" not in found and "first" not in found and "president" not in found


def test_ceasefire_as_a_phrase_in_each_language() -> None:
    texts = {"en": "They agreed a cease-fire", "fr": "Ils ont conclu un cessez-le-feu",
             "ar": "اتفقوا على وقف إطلاق النار", "ru": "Они договорились о прекращении огня"}
    for lang, text in texts.items():
        assert "ceasefire" in concepts(text, lang), lang
    assert "fire" not in concepts(texts["ar"], "ar")
    assert "launch" not in concepts(texts["ar"], "ar")


def test_an_acronym_only_in_capitals() -> None:
    assert concepts("US troops", "en")["usa"] == 1
    assert "usa" not in concepts("they told us", "en")
    assert concepts("the WHO said", "en")["who"] == 1
    assert "who" not in concepts("who said", "en")
    table = parse("x | US | | | ", "<t>")
    assert table.words["en"] == {lx.ACRONYM + "us": "x"}


def test_a_number_breaks_a_phrase() -> None:
    assert "prime_minister" not in concepts("prime 12 minister", "en")
    assert concepts("prime 12 minister", "en")["minister"] == 1


def test_parse_phrases() -> None:
    table = parse("pm | prime_minister | premier_ministre | رئيس_الوزراء | премьер_министр\n")
    assert table.phrases["en"]["prime"] == ((("minist",), "pm"),)
    with pytest.raises(ValueError, match=r"<t>:1: 'a_' is not a phrase"):
        parse("x | a_ | | | ", "<t>")


def test_parse_small_lexicon() -> None:
    table = parse("# c\nkill | kill slain | tuer | قتل | убить убит\n", "<t>")
    assert table.words["en"]["=slain"] == "kill"
    assert concepts("", "en") == Counter()
    assert set(table.words) == set(table.phrases) == set(lx.LANGUAGES)


# Words of the four scripts, punctuation, digits, marks and joiners: feed content is hostile.
_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcdeéèlmnorstu'’-.,;:!? \n\t0123456789")
        + list("абвгдежийклмнопрстуфхцчшщыьэюя")
        + list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآةى\u064b\u064e\u0640")
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(a=_TEXT, b=_TEXT, lang=st.sampled_from([*lx.LANGUAGES, "de", ""]))
def test_concepts_of_two_texts_add_up(a: str, b: str, lang: str) -> None:
    """Concepts are counted word by word: the concepts of two texts joined by a number (which
    breaks a phrase) are the sum of theirs, whatever the text holds, and at most one per
    word."""
    both = concepts(a + " 7 " + b, lang)
    assert both == concepts(a, lang) + concepts(b, lang)
    assert sum(both.values()) <= len(re.findall(r"\w+", a + " " + b))
    if lang not in lx.LANGUAGES:
        assert both == Counter()


# Two events with the same names on the same day, each told in two languages (written for
# this test): names and dates cannot tell them apart, what happened can.
VISIT = {
    "fr": "Le maréchal Haftar a reçu mardi à Benghazi une délégation russe conduite par le "
          "vice-ministre de la Défense ; les deux parties ont discuté de coopération "
          "militaire et de formation.",
    "ar": "استقبل المشير حفتر الثلاثاء في بنغازي وفدا روسيا برئاسة نائب وزير الدفاع، وبحث "
          "الجانبان التعاون العسكري والتدريب.",
}
CLASHES = {
    "en": "Clashes broke out on Tuesday in Benghazi between Haftar's forces and a rival "
          "militia; hospitals said five people were killed and dozens wounded.",
    "ru": "Во вторник в Бенгази вспыхнули столкновения между силами Хафтара и соперничающим "
          "ополчением; в больницах сообщили о пяти погибших и десятках раненых.",
}


def test_same_names_different_events_share_few_concepts() -> None:
    visit = {lang: concepts(t, lang) for lang, t in VISIT.items()}
    clashes = {lang: concepts(t, lang) for lang, t in CLASHES.items()}
    same_visit = overlap(visit["fr"], visit["ar"])
    same_clashes = overlap(clashes["en"], clashes["ru"])
    across = max(overlap(visit[a], clashes[b]) for a in visit for b in clashes)
    assert same_visit >= 0.4 and same_clashes >= 0.4, (same_visit, same_clashes)
    assert across <= 0.15, across


def test_the_event_fixtures_in_four_languages_are_told_apart_by_concepts() -> None:
    """data/events_languages.json (written for watchdesk's tests): one visit told in four
    languages, an agreement with the same names the next day in two, an unrelated flood.
    Every report's concepts are nearer its own event's other reports than any other
    event's (cosine of the concept counts, no rarity weights)."""
    path = Path(__file__).parent / "data" / "events_languages.json"
    articles = json.loads(path.read_text(encoding="utf-8"))["articles"]
    found = {a["id"]: concepts(f"{a['title']}\n{a['lead']}", a["lang"]) for a in articles}
    event = {a["id"]: a["event"] for a in articles}

    def cosine(a: Counter[str], b: Counter[str]) -> float:
        dot = sum(n * b[k] for k, n in a.items())
        return dot / math.sqrt(sum(n * n for n in a.values()) * sum(n * n for n in b.values()))

    for x in found:
        same = [cosine(found[x], found[y]) for y in found if y != x and event[y] == event[x]]
        other = [cosine(found[x], found[y]) for y in found if event[y] != event[x]]
        if same:
            assert min(same) > max(other) + 0.2, (x, same, other)


def test_the_lexicon_benchmark_runs(tmp_path: Path) -> None:
    """benchmarks/lexicon.py on the repository's texts, and its translation check on two
    documents in the NTREX file's format (the sentences above)."""
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(
        json.dumps({"event": name, "articles": [
            {"lang": lang, "title": "", "text": text} for lang, text in doc.items()]}) + "\n"
        for name, doc in (("ceasefire", CEASEFIRE), ("final", FINAL))), encoding="utf-8")
    out = tmp_path / "lexicon.json"
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    proc = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "lexicon.py"), "--ntrex", str(docs),
         "--misses", "5", "--json", str(out)],
        capture_output=True, text=True, timeout=110, env=env)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["concepts"] >= 1500
    for lang in lx.LANGUAGES:
        cov = result["coverage"][lang]
        assert cov["texts"] > 0 and 0.3 < cov["coverage"] <= 1 and len(cov["misses"]) == 5
    assert result["speed"]["warm_ms_per_300_words"] > 0
    pairs = result["translations"]
    assert pairs["documents"] == 2
    assert all(pairs[f"{a}-{b}"]["top1"] == 1.0
               for a, b in itertools.combinations(lx.LANGUAGES, 2))



def test_no_phrase_starts_with_a_function_word() -> None:
    """A phrase is looked for wherever its first word is: a function word there would make
    every sentence look for it."""
    function_words = {"en": "the a an of to in on at for by and",
                      "fr": "le la les de du des à a en",
                      "ar": "في من على إلى عن مع", "ru": "в на у с о по к и"}
    for lang, words in function_words.items():
        starts = lx.lexicon().phrases[lang]
        caught = [w for w in words.split()
                  if any(k in starts for k in lx._phrase_keys(lang, fold(w)))]
        assert caught == [], (lang, caught)


def _shipped() -> str:
    return resources.files("watchdesk.events").joinpath(lx.DATA).read_text(
        encoding="utf-8")


def test_the_read_lexicon_is_cached_and_the_cache_gives_the_same_lexicon(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lx.lexicon.cache_clear()
    try:
        first = lx.lexicon()
        cached = list((tmp_path / "watchdesk" / "lexicon").glob("*.marshal"))
        assert len(cached) == 1 and oct(cached[0].stat().st_mode & 0o777) == "0o600"
        lx.lexicon.cache_clear()
        again = lx.lexicon()   # from the cache
        assert again == first == lx.parse(_shipped(), lx.DATA)
        assert again.words["fr"]["=tues"] == "kill" and again.phrases == first.phrases
        # a cache that is not a lexicon is ignored and written again
        cached[0].write_bytes(b"\x00garbage")
        lx.lexicon.cache_clear()
        assert lx.lexicon() == first
        assert cached[0].read_bytes() != b"\x00garbage"
    finally:
        lx.lexicon.cache_clear()


def test_another_lexicon_text_is_another_cache_entry() -> None:
    text = _shipped()
    assert lx._cache_path(text) == lx._cache_path(text)
    assert lx._cache_path(text) != lx._cache_path(text + "\nzz | zz | | | \n")


def test_an_unwritable_cache_only_means_reading_the_lexicon(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    lx.lexicon.cache_clear()
    try:
        assert lx.lexicon() == lx.parse(_shipped(), lx.DATA)
    finally:
        lx.lexicon.cache_clear()
