"""watchdesk.names: keys per script, the scorer, common words, text keys (the API events-2
uses: name_key, text_name_keys)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchdesk.names import (
    distance,
    may_be_name,
    name_key,
    name_keys,
    name_warning,
    same_name,
    text_name_keys,
)
from watchdesk.names.frequent import strict
from watchdesk.names.keys import coarse
from watchdesk.names.score import spells_alike
from watchdesk.names.table import COSTS, VOWELS


@pytest.mark.parametrize("spellings", [
    ("Haftar", "Hafter", "Heftar", "حفتر", "وحفتر", "Хафтар", "Хафтара", "Хафтаром"),
    ("Prigozhin", "Prigojine", "Prigoschin", "بريغوجين", "Пригожин", "Пригожина"),
    ("Yevkurov", "Evkourov", "يفكوروف", "Евкуров", "Евкуровым"),
    ("Benghazi", "Bengazi", "بنغازي", "Бенгази"),
    ("Sebha", "سبها", "Себха"),
    ("Misrata", "Misurata", "مصراتة", "Мисрата"),
])
def test_spellings_of_one_name_share_a_key(spellings: tuple[str, ...]) -> None:
    common = set.intersection(*(set(name_keys(s)) for s in spellings))
    assert common, [sorted(name_keys(s)) for s in spellings]
    assert all(same_name(spellings[0], s) for s in spellings)


def test_name_key_is_one_identifier_per_name() -> None:
    assert name_key("Haftar") == name_key("حفتر") == name_key("Хафтаром") == name_key("Hafter")
    assert name_key("Benghazi") == name_key("بنغازي") == name_key("Бенгази")
    assert name_key("Haftar") != name_key("Benghazi")


@pytest.mark.parametrize("word", ["Li", "a", "2023", "東京", "", "و"])
def test_no_key_for_what_cannot_be_a_name(word: str) -> None:
    assert name_key(word) is None and name_keys(word) == frozenset()


@pytest.mark.parametrize(("a", "b"), [
    ("Haftar", "Hiftir"), ("Sami", "Asim"), ("Haftar", "Hafez"), ("Benghazi", "Bangui"),
])
def test_other_names_are_told_apart(a: str, b: str) -> None:
    assert not (name_keys(a) & name_keys(b)) or not same_name(a, b)


def test_distance_is_zero_for_the_same_word_and_grows_with_other_vowels() -> None:
    assert distance("Haftar", "haftar") == 0.0
    assert distance("Haftar", "Hafter") < distance("Haftar", "Hiftir")


def test_the_shipped_table_is_loaded() -> None:
    assert 0 < COSTS["limit"] < 2 and len(VOWELS) > 100
    assert VOWELS["a|ا"] == 0.0  # Latin a for Arabic alef: the commonest correspondence


def test_common_words_and_capitals() -> None:
    assert not may_be_name("سفر", None)          # journey
    assert not may_be_name("وزاره", None)        # ministry, with or without its و
    assert may_be_name("حفتر", None)
    assert not may_be_name("мир", "мир") and may_be_name("мир", "Мир")
    assert may_be_name("haftar", None)           # a glued compound: no capitals to read


def test_warnings() -> None:
    assert name_warning("haftar") is None
    assert "two consonants" in (name_warning("sisi") or "")
    assert "common word" in (name_warning("safar") or "")
    assert name_warning("safar", alone=False) is None  # in a phrase


def test_text_name_keys() -> None:
    keys = text_name_keys("Le maréchal Khalifa Haftar a reçu le général Evkourov à Benghazi.")
    assert {name_key("Haftar"), name_key("Evkourov"), name_key("Benghazi")} <= keys
    assert name_key("maréchal") not in keys        # lower case: not a name
    ar = text_name_keys("التقى المشير خليفة حفتر في بنغازي مع يفكوروف")
    ru = text_name_keys("Хафтар встретился с Евкуровым в Бенгази")
    assert {name_key("Haftar"), name_key("Benghazi"), name_key("Yevkurov")} <= ar & ru
    assert not text_name_keys("في من على إلى أن عن مع")


@given(st.text(max_size=30))
def test_keys_never_fail(word: str) -> None:
    keys = name_keys(word)
    assert (name_key(word) is None) == (not keys)
    assert name_key(word) in {coarse(k) for k in keys} | {None}
    for k in keys:
        assert len(k.lstrip("_")) >= 2


@given(st.text(alphabet="абвгдежзийклмнопрстуфхцчшщъыьэюяАХЁё-", max_size=12),
       st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويىةءأإآؤئ", max_size=12))
def test_any_cyrillic_or_arabic_word_has_keys_and_a_distance(ru: str, ar: str) -> None:
    for word in (ru, ar):
        keys = name_keys(word)
        assert all(len(k.lstrip("_")) >= 2 for k in keys)
    assert distance(ru, ar) >= 0 and distance("haftar", ru) >= 0


def test_frequent_arabic_words_are_never_names() -> None:
    from watchdesk.rules import Document, compile_query

    # بسرعة "quickly" spells Basra's consonants (ب س ر + a vowel); it is one of wordfreq's
    # most frequent Arabic forms (common_ar.txt), so it is not taken for the name
    assert spells_alike("basra", "بسرعة") and not may_be_name("بسرعه", None)
    assert not same_name("basra", "بسرعة")  # and held to an exact spelling (below)
    rule = compile_query("name:basra")
    assert rule.matches(Document("", "", "غادر الوفد المدينة بسرعة بعد الاجتماع")) is None
    assert rule.matches(Document("", "", "وصل الوفد إلى البصرة صباح اليوم")) is not None
    assert name_warning("basra") is None  # its own spelling, البصرة, is found
    # names are kept out of the list: frequent as they are, they stay names
    assert all(may_be_name(w, None) for w in ("محمد", "بوتين", "حفتر", "بنغازي", "بغداد", "دمشق"))


def test_next_frequent_arabic_words_are_names_only_when_spelled_exactly() -> None:
    from watchdesk.rules import Document, compile_query

    # يصدر "issues" and غرق "drowned" spell Isidore's and Greig's consonants, vowels left
    # out as Arabic leaves them out of its own words: frequent_ar.txt, so not the names
    assert strict("يصدر") and strict("غرق")
    assert not same_name("isidore", "يصدر")  # (and its initial ي is no Latin i, below)
    assert spells_alike("greig", "غرق") and not same_name("greig", "غرق")
    # ... while a frequent word that writes every vowel of the name is the name: جيرسي
    assert strict("جيرسي") and same_name("jersey", "جيرسي")
    rule = compile_query("name:greig")
    assert rule.matches(Document("", "", "غرق قارب يحمل مهاجرين قبالة السواحل")) is None
    assert rule.matches(Document("", "", "وقال غريغ إن المفاوضات ستستمر")) is not None
    assert compile_query("name:jersey").matches(
        Document("", "", "وصل الوفد إلى نيو جيرسي صباح اليوم")) is not None


def test_an_arabic_word_read_without_its_article_keeps_its_strictness() -> None:
    from watchdesk.rules import Document, compile_query

    # التعديل "the amendment": تعديل is a common word; without the article it is no longer
    # never-a-name (الزاوية is the town Zawiya, زاوية "corner" a common word) but must
    # spell the query exactly: Tidwell's i and e are not there
    assert spells_alike("tidwell", "التعديل") and not same_name("tidwell", "التعديل")
    for text in ("صوت البرلمان على التعديل الجديد", "رفض النواب والتعديل المقترح"):
        assert compile_query("name:tidwell").matches(Document("", "", text)) is None
    # place names with the article, spelled as Arabic spells them, are still found
    for latin, text in (("zawiya", "اشتباكات في الزاوية ليلة أمس"),
                        ("raqqa", "وصلت قافلة إلى الرقة"), ("basra", "احتجاجات بالبصرة"),
                        ("mosul", "عاد السكان إلى الموصل")):
        assert compile_query(f"name:{latin}").matches(Document("", "", text)) is not None


def test_the_frequent_word_lists_ship_with_their_licence() -> None:
    from importlib.resources import files

    here = files("watchdesk.names")
    for name, least in (("common_ar.txt", 2000), ("frequent_ar.txt", 5000)):
        words = [w for w in here.joinpath(name).read_text("utf-8").splitlines()
                 if w and not w.startswith("#")]
        assert len(words) > least and words == sorted(set(words))
        assert not set(words) & {"بنغازي", "حفتر", "الرقه", "الموصل"}
    assert "Attribution-ShareAlike 4.0" in here.joinpath("COMMON-AR-LICENSE.md").read_text("utf-8")


@pytest.mark.parametrize(("latin", "forms"), [
    ("zelensky", "Зеленский Зеленского Зеленскому Зеленским Зеленском"),
    ("lavrov", "Лавров Лаврова Лаврову Лавровым Лаврове"),
    ("medvedev", "Медведев Медведева Медведеву Медведевым Медведеве"),
    ("putin", "Путин Путина Путину Путиным Путине"),
    ("navalny", "Навальный Навального Навальному Навальным Навальном"),
    ("zakharova", "Захарова Захаровой Захарову"),
    ("kosinskaya", "Косинская Косинской Косинскую"),
    ("niamey", "Ниамей Ниамея Ниамею Ниамеем Ниамее"),           # й before the ending
])
def test_a_russian_surname_in_every_case(latin: str, forms: str) -> None:
    for form in forms.split():
        assert name_keys(latin) & name_keys(form) and same_name(latin, form), form


@pytest.mark.parametrize(("latin", "other"), [
    ("Bartolović", "Бартолович"), ("Vidović", "Видович"), ("Ajdukiewicz", "Айдукевич"),
    ("Vincenzo", "Винченцо"), ("Steinhoff", "Штайнхофф"), ("Inokuchi", "Инокути"),
    ("Dexter", "Декстер"), ("Maxwell", "Максвелл"), ("Albertus", "Альберт"),
    ("Gaspard", "Гаспар"), ("Kondracki", "Кондрацкий"),
    ("Cecchini", "Чеккини"), ("Marinucci", "Маринуччи"), ("Zeitlin", "Цейтлин"),
])
def test_latin_spellings_other_scripts_write_otherwise(latin: str, other: str) -> None:
    assert name_keys(latin) & name_keys(other) and same_name(latin, other)


def test_a_diphthong_is_not_a_single_vowel() -> None:
    assert not same_name("Saydam", "Саддам") and same_name("Saddam", "Саддам")
    assert same_name("Zaid", "زيد") and same_name("Haig", "Хейг")


def test_an_arabic_glide_and_long_vowel_is_no_single_latin_vowel() -> None:
    from watchdesk.rules import Document, compile_query

    # بيونغ writes y + o (Byung; Pyongyang's بيونغ يانغ): not Bing nor Peng, whose one vowel
    # has not the sound of و; أندريا (Andrea) is not Andrius's andri-, مايورجا not Marga
    assert spells_alike("bing", "بيونغ") and not same_name("bing", "بيونغ")
    assert not same_name("peng", "لبيونغ") and same_name("byung", "بيونغ")
    assert not same_name("andrius", "أندريا") and same_name("andrea", "أندريا")
    assert not same_name("marga", "ومايورجا") and same_name("mayorga", "مايورجا")
    rule = compile_query("name:bing")
    assert rule.matches(Document("", "", "أطلقت بيونغ يانغ صاروخا جديدا")) is None
    assert rule.matches(Document("", "", "قال بينغ في بيان")) is not None
    # the Latin vowel's own sound (يو for u, وا for a), a mute Latin letter that writes the
    # glide (Ratiwatana), and a first و that may be the conjunction stay names
    assert same_name("sergio", "سيرجيو") and same_name("julian", "جوليان")
    assert same_name("kwame", "كوامي") and same_name("ratiwatana", "راتيواتانا")
    assert same_name("unger", "وأنجر") and same_name("haftar", "وحفتر")


def test_a_latin_e_before_a_final_consonant_may_be_a_russian_a() -> None:
    from watchdesk.rules import Document, compile_query

    # Hafter writes with e the Arabic short a that Russian writes а (Хафтар), as Haftar does
    # with a: in a word that has an a already, before a final consonant
    rule = compile_query("name:hafter")
    for form in ("Хафтар", "Хафтара", "Хафтаром", "Хафтару"):
        assert rule.matches(Document("", "", f"Встреча с {form} прошла вчера.")) is not None
    assert rule.matches(Document("", "", "قال حفتر في بيان")) is not None
    # not an e elsewhere, nor in a word without an a: Boucher is not Бушар, Paletta not
    # Палату, Schenck not Джанкой
    assert not same_name("boucher", "Бушар") and not same_name("paletta", "Палату")
    assert not same_name("schenck", "Джанкой") and not same_name("chasseriau", "Кассара")


def test_an_english_a_may_be_a_russian_e() -> None:
    from watchdesk.rules import Document, compile_query

    # Russian transcription writes the English short a э: Hamlin is Хэмлин, Haddock Хэддок
    rule = compile_query("name:hamlin")
    for form in ("Хэмлин", "Хэмлина", "Хэмлиным"):
        assert rule.matches(Document("", "", f"Встреча с {form} прошла вчера.")) is not None
    assert same_name("haddock", "Хэддоком") and same_name("fagan", "Фэган")
    assert same_name("hamlin", "Хамлин")  # (the а it was before, still)
    # at the cost of one transliteration's variant: one such difference, not two (Кэвэна is
    # no Kavana); another Latin vowel for э costs what it did (Homlin is not Хэмлин)
    assert not same_name("kavana", "Кэвэна")
    assert not same_name("homlin", "Хэмлин")
    assert not spells_alike("hamlin", "Хэмлин")  # `check`'s lint keeps the table's cost
    assert distance("hamlin", "Хэмлин", True) == pytest.approx(0.3)


def test_mc_is_read_mac() -> None:
    from watchdesk.names.keys import latin_forms
    from watchdesk.rules import Document, compile_query

    # Russian and Arabic write the Mc of Scottish and Irish names Мак, ماك
    rule = compile_query("name:mcgregor")
    for form in ("Макгрегор", "Макгрегора", "Макгрегором"):
        assert rule.matches(Document("", "", f"Встреча с {form} прошла вчера.")) is not None
    assert rule.matches(Document("", "", "قال ماكغريغور في بيان")) is not None
    assert same_name("mcnab", "Макнабом") and same_name("macgregor", "Макгрегор")
    # a reading of the vowels only: the keys are the same, and Mc before a vowel stays
    assert name_keys("mcgregor") == name_keys("macgregor")
    assert latin_forms("mcadam") == ["mcadam"]


def test_arabic_ts_and_tz_are_one_sound() -> None:
    from watchdesk.names.keys import initials
    from watchdesk.rules import Document, compile_query

    # Arabic writes a Latin ts, tz (Japanese tsu, German tz) and Russian ц as تس or تز:
    # two letters, one sound
    for query, text in (("name:hertz", "قال هيرتز في بيان"),
                        ("name:muramatsu", "قال موراماتسو في بيان"),
                        ("name:tskhinvali", "وصلت قافلة مساعدات إلى تسخينفالي"),
                        ("name:schultz", "والتقى الوفد بشولتز في مقر إقامته")):
        assert compile_query(query).matches(Document("", "", text)) is not None, query
    assert name_keys("hertz") & name_keys("هيرتز")
    # a t and an s of their own still spell apart (Watson, واتسون), and the one sound is
    # no other: Sasaki is not تساكي, and no index letter is added for it
    assert same_name("watson", "واتسون") and not same_name("sasaki", "تساكي")
    assert initials("tskhinvali").isalpha()
    # Russian тс likewise, beside ц: Watson Уотсон, Irkutsk Иркутска, Hertz Герц
    assert same_name("watson", "Уотсон") and same_name("irkutsk", "Иркутска")
    assert same_name("scotson", "Скотсоном") and same_name("hertz", "Герц")


def test_an_arabic_initial_alef_carries_any_first_vowel() -> None:
    from watchdesk.rules import Document, compile_query

    # إ, أ (folded: ا) are the seat of the hamza that carries the first short vowel,
    # whichever it is: Ibrahim, Ismail, Idris, Estrada, Ehsan
    for query, text in (("name:ibrahim", "قال إبراهيم في بيان"),
                        ("name:ibrahim", "والتقى الوفد بإبراهيم في مقر إقامته"),
                        ("name:ismail", "وصل الوزير وإسماعيل إلى المطار"),
                        ("name:idris", "قال إدريس في بيان"),
                        ("name:estrada", "قال إسترادا في بيان")):
        assert compile_query(query).matches(Document("", "", text)) is not None, query
    assert same_name("ehsan", "إحسان") and same_name("idlib", "إدلب")
    # one letter and the first run only: a Latin diphthong or a later vowel costs as before
    assert not same_name("eisner", "إسنر") and not same_name("petra", "باترا")
    assert not spells_alike("ibrahim", "إبراهيم")  # `check`'s lint keeps the table's cost


def test_an_english_w_before_a_vowel_may_be_a_russian_u() -> None:
    from watchdesk.rules import Document, compile_query

    # Russian writes an English w before a vowel у: Warner Уорнер, Walter Уолтер
    rule = compile_query("name:warner")
    for form in ("Уорнер", "Уорнера", "Уорнером", "Варнер"):
        assert rule.matches(Document("", "", f"Встреча с {form} прошла вчера.")) is not None
    assert same_name("walter", "Уолтер") and same_name("wilson", "Уилсон")
    # in Russian only, as a name: Arabic writes it و already, and the lint is unchanged
    assert distance("warner", "Уорнер") > distance("warner", "Уорнер", True)
    assert not same_name("arner", "Уорнер")


def test_look_alike_names_rejected_and_the_desks_names_kept() -> None:
    from watchdesk.rules import Document, compile_query

    def found(query: str, text: str) -> bool:
        return compile_query(query).matches(Document("", "", text)) is not None

    assert not found("name:peng", "أطلقت بيونج يانغ صاروخا")  # (a glide and o)
    assert not found("name:kristian", "قالت كريستين إن")  # (Christine's)
    assert not found("name:howlett", "قال هولت إن")  # (Hoult's, Hult's)
    assert not found("name:chanelle", "Channel 4 said")  # (a feminine form)
    for query, text in (("name:haftar", "Представитель Хафтара"), ("name:haftar", "с Хафтаром"),
                        ("name:haftar", "قال حفتر"), ("name:haftar", "ولحفتر"),
                        ("name:prigozhin", "Представитель Пригожина"),
                        ("name:moscow", "Из Москвы поступают"), ("name:benghazi", "في بنغازي"),
                        ("name:yevkurov", "с Евкуровым"), ("name:misrata", "في مصراتة")):
        assert found(query, text), (query, text)


def test_two_shared_consonants_need_close_vowels() -> None:
    # Borja and برية "wild" share B-R only (ة is read as a vowel): not close enough
    assert not same_name("borja", "برية") and not same_name("marat", "للمرة")
    assert not same_name("nicolaus", "نيكولا") and not same_name("Perot", "Первой")
    assert same_name("Sebha", "سبها") and same_name("Zawiya", "الزاوية")


def test_a_frequent_word_with_the_article_is_another_word() -> None:
    assert not may_be_name("زاويه", None) and may_be_name("الزاويه", None)  # corner; Zawiya
    assert not may_be_name("وبسرعه", None) and not may_be_name("السرعه", None)


def test_an_arabic_word_with_a_tanwin_is_no_name() -> None:
    from watchdesk.names import indefinite
    from watchdesk.rules import Document, compile_query

    # قسريًا "forcibly", written with its tanwin (ًا): an indefinite word, never a name, though
    # its consonants and vowels are Chassériau's; the same letters without it may be one
    assert indefinite("قسريًا") and not indefinite("قسريا") and not indefinite("Haftar")
    assert not may_be_name("قسريا", "قسريًا") and may_be_name("درعا", "درعا")
    rule = compile_query("name:chasseriau")
    assert rule.matches(Document("", "", "تم نقل السكان قسريًا إلى الجنوب")) is None
    assert compile_query("name:daraa").matches(Document("", "", "في درعا اليوم")) is not None



def test_a_proper_looking_frequent_word_with_the_article_must_be_spelled_closely() -> None:
    from watchdesk.names.frequent import CLOSE_AR, limit
    from watchdesk.rules import Document, compile_query

    # القرن "the century" is rarely seen without its article, as a place is (الموصل): the
    # frequency test takes it for a proper noun (close_ar.txt); Caranus's two short vowels
    # (distance 0.2) are too many for such a word, Mosul's one (0.1) is not
    assert "القرن" in CLOSE_AR and "الموصل" in CLOSE_AR
    assert limit("القرن") == limit("والقرن") == 0.15 and limit("حفتر") is None
    assert spells_alike("caranus", "القرن") and not same_name("caranus", "القرن")
    assert not same_name("caranus", "والقرن") and not same_name("alizadeh", "الثدي")
    rule = compile_query("name:caranus")
    assert rule.matches(Document("", "", "شهد القرن الماضي حروبا كثيرة")) is None
    for latin, text in (("mosul", "عاد السكان إلى الموصل"), ("fallujah", "في الفلوجة"),
                        ("yemen", "وصل الوفد إلى اليمن")):
        assert compile_query(f"name:{latin}").matches(Document("", "", text)) is not None
    # a query that writes the article itself is compared letter for letter: al-Qarni
    assert same_name("alqarni", "القرني")
    # Cyrillic and Latin words are not held by the Arabic lists
    assert limit("Карамзин") is None and same_name("caranus", "Каранус")


def test_an_arabic_initial_yeh_before_a_consonant_is_no_latin_vowel() -> None:
    from watchdesk.rules import Document, compile_query

    # يزعم "claims" (the imperfect's prefix ي) spells Izium's consonants and vowels; Arabic
    # writes a name that starts with a vowel with an alef: إيزيوم
    assert not same_name("izium", "يزعم") and not same_name("izium", "ويزعم")
    assert same_name("izium", "إيزيوم") and same_name("izium", "وإيزيوم")
    assert same_name("yazid", "يزيد") and same_name("ian", "يان")  # y, or ي before a vowel
    rule = compile_query("name:izium")
    assert rule.matches(Document("", "", "يزعم المسؤولون أن الوضع تحسن")) is None
    assert rule.matches(Document("", "", "قصفت القوات مدينة إيزيوم")) is not None
    # Russian writes the vowel: the rule is Arabic's alone
    assert same_name("izium", "Изюм") and same_name("ian", "Иан")
    assert rule.matches(Document("", "", "Бои шли под Изюмом всю ночь.")) is not None


def test_a_frequent_noun_with_an_attached_pronoun_is_no_proper_noun() -> None:
    # صدرك "your chest" is rare with the article and common after ب, as names are; but it
    # is صدر "chest" with the pronoun ك, which names rarely carry: a frequent word (strict)
    assert strict("صدرك")
    assert spells_alike("cedric", "صدرك") and not same_name("cedric", "صدرك")
    assert same_name("cedric", "سيدريك")


def test_latin_words_match_latin_names_by_the_latin_variants_only() -> None:
    # in Latin script the spelling is the writer's own: one vowel for another is a
    # transliteration's variant (Haftar, Hafter, Heftar), two different vowel digraphs are
    # different names (Browne is not Bruyn nor Brienne)
    from watchdesk.rules import Document, compile_query

    for variant in ("Haftar", "Hafter", "Heftar"):
        assert same_name("haftar", variant)
    for variant in ("Prigozhin", "Prigojine", "Prigoschin"):
        assert same_name("prigozhin", variant)
    assert same_name("yevkurov", "Evkourov")
    assert not same_name("bruyn", "Browne") and not same_name("brienne", "Browne")
    # a doubled consonant and e is a feminine form, another name: Chanelle is not Channel
    # (nor Chanel), Michelle not Michel; Prigojine's single n and e is Prigozhin's spelling
    assert not same_name("chanelle", "Channel") and not same_name("michel", "Michelle")
    assert same_name("chanelle", "Chanelle") and same_name("michelle", "Michelle")
    found = compile_query("name:bruyn").matches
    assert found(Document("", "", "قال Bruyn في بيان")) is not None
    assert found(Document("", "", "قال Browne في بيان")) is None


def test_case_forms_of_frequent_russian_place_names_are_found() -> None:
    # frequent Russian forms are not held to the query's exact spelling (a list of them was
    # measured and taken out): the case forms of a capital are as frequent as any word
    from watchdesk.rules import Document, compile_query

    for query, forms in {"moscou": ("Москва", "Москвы", "Москве", "Москву"),
                         "moscow": ("Москвы", "Москве"), "europe": ("Европы", "Европе"),
                         "putin": ("Путина",), "kiev": ("Киева", "Киеве")}.items():
        found = compile_query(f"name:{query}").matches
        for form in forms:
            assert found(Document("", "", f"Вчера в {form} и дальше.")) is not None, form
