"""Arabic words with the article that are no names: a reading without the article is read
no further, and a common noun's article form is held to the query's spelling even when its
bare form is a rare name's (الجناح "the wing", جناح: Jinnah)."""

from __future__ import annotations

from watchdesk.names import reading_spells, same_name
from watchdesk.names.frequent import strict
from watchdesk.rules import Document, Rule, RuleSet, compile_query
from watchdesk.rules.text import fold


def _found(query: str, text: str) -> bool:
    return compile_query(f"name:{query}").matches(Document("", "", text)) is not None


def _rule_hits(queries: list[str], text: str) -> set[str]:
    rules = RuleSet([Rule(q, q, f"name:{q}") for q in queries])
    return {m.rule_id for m in rules.match(Document("", "", text))}


def test_a_reading_without_the_article_is_read_no_further() -> None:
    # البعيدين "the distant ones": without the article بعيدين, which read once more without
    # ب (عيدين) spelled Aden, but only when another rule's name starts with ب made the
    # matcher read بعيدين at all; nothing comes between the article and its noun
    text = "بالنسبة لأولئك الأشخاص البعيدين عن خطر السيول"
    assert _rule_hits(["aden", "basra"], text) == set()
    assert _rule_hits(["aden"], text) == set()
    assert _rule_hits(["redwood", "basra"], "قال ألفريدو في بيان إن الفريق مستعد") == set()
    assert _rule_hits(["aden", "basra"], "وصلت السفينة إلى ميناء عدن") == {"aden"}
    # a word without its article, and without a proclitic and the article, still spells
    assert _rule_hits(["zawiya", "basra"], "اندلعت اشتباكات عنيفة بالزاوية") == {"zawiya"}
    assert _rule_hits(["basra", "zawiya"], "عاد السكان إلى البصرة") == {"basra"}
    # a reading under a proclitic other than the article is read as before: لوندسور is
    # ل + وندسور (Windsor)
    assert _rule_hits(["windsor", "basra"], "وجهت الحكومة دعوة لوندسور لحضور الاجتماع") \
        == {"windsor"}


def test_reading_spells_reads_an_article_reading_as_its_word() -> None:
    assert not reading_spells("aden", fold("البعيدين"), fold("بعيدين"))
    assert reading_spells("aden", fold("بعيدين"), fold("بعيدين"))  # the word itself
    assert reading_spells("zawiya", fold("بالزاوية"), fold("زاوية"))
    assert reading_spells("windsor", fold("لوندسور"), fold("وندسور"))  # not the article


def test_a_common_nouns_article_form_is_no_rare_names_spelling() -> None:
    # السوبر ("the super", a cup's name) and الجناح ("the wing") are frequent common nouns
    # with the article; their bare forms سوبر and جناح are names' spellings in a few pairs
    # (super, suber; Jinnah, Janah), which no longer keeps them out of the frequency lists
    assert strict("السوبر") and strict("الجناح")
    assert not _found("zoubeir", "فاز الفريق بكأس السوبر الإسباني")
    assert not _found("jonah", "افتتح الجناح الجديد في المعرض")
    assert not same_name("jonah", fold("الجناح"))
    # the bare forms are still the names, and a name common in the pairs keeps its
    # article form (القاسم: Qasim, 45 pairs)
    assert _found("jinnah", "قال جناح في خطابه إن الدولة الجديدة ستقوم")
    assert _found("qasim", "قال أبو القاسم في بيان إن المفاوضات ستستمر")
    assert not strict("القاسم")


def test_a_word_that_takes_a_pronoun_is_no_proper_noun() -> None:
    # توفر "availability" is common after ب (بتوفر) and rare with the article, as a place's
    # name is; but it takes a pronoun (توفره "its availability"), which a name never does,
    # so the list builder keeps it among the frequent words, held to the query's spelling
    assert strict("توفر") and strict("بذل")
    assert not _found("tovar", "مع توفر الكهرباء في المدينة")
    assert not _found("bassil", "دعا إلى بذل جهود أكبر")
    assert not strict("سرت") and not strict("طبرق")  # Sirte, Tobruk: no pronoun forms
    assert _found("sirte", "وصل الوفد إلى سرت")
    assert _found("tobruk", "وصل الوفد إلى طبرق")


def test_a_rarer_word_with_the_article_is_held_closely() -> None:
    # الجنح "the misdemeanours" (rank ~48,000 in wordfreq) is held to one unwritten vowel:
    # Jinnah is two away, through its reading جنح; a rarer name with the article whose bare
    # form is a name's spelling (المنذر, Mondher) is not held, and Jinnah's own جناح is found
    assert not _found("jinnah", "نظرت المحكمة في الجنح والمخالفات")
    assert _found("jinnah", "قال جناح في خطابه إن الدولة الجديدة ستقوم")
    assert _found("mondher", "قال المنذر في بيان إن المفاوضات ستستمر")


def test_a_conjunction_is_not_read_after_a_preposition() -> None:
    # كورسك (Kursk) is not ك "like" + و "and" + رسك (Razak), nor كومار (Kumar) ك + و + مار
    # (Marj), nor بودرة "powder" ب + و + درة (Daraa): و and ف come before a preposition,
    # never after it
    assert _rule_hits(["razak", "basra"], "تقدمت القوات نحو كورسك") == set()
    assert _rule_hits(["marj", "basra"], "قال كومار في بيان") == set()
    assert _rule_hits(["daraa", "basra"], "وضعت بودرة على الطاولة") == set()
    assert _rule_hits(["kursk", "basra"], "تقدمت القوات نحو كورسك") == {"kursk"}
    # the word's own و after a preposition still spells a Latin w, v, o, u (Windsor)
    assert _rule_hits(["windsor", "basra"], "والتقى الوفد بوندسور في مقر إقامته") \
        == {"windsor"}
    assert reading_spells("windsor", fold("لوندسور"), fold("وندسور"))
    assert not reading_spells("razak", fold("كورسك"), fold("ورسك"))


def test_no_second_preposition_after_a_preposition() -> None:
    # لبركة "to a pond" is not ل + ب + ركة (Raqqa), ببطرس "with Boutros" not ب + ب + طرس
    # (Torres): after a preposition comes the article or the word, not another preposition
    assert _rule_hits(["raqqa", "basra"], "وجهت الحكومة دعوة لبركة لحضور الاجتماع") == set()
    assert _rule_hits(["raqqa", "basra"], "مر القارب ببركة ماء") == set()
    assert _rule_hits(["torres", "basra"], "والتقى الوفد ببطرس في مقر إقامته") == set()
    assert not reading_spells("raqqa", fold("لبركة"), fold("بركة"))
    assert not reading_spells("torres", fold("ببطرس"), fold("بطرس"))
    # a name's own first ب, ك or ل after a preposition still spells it, and the article
    # after a preposition is still read (بالرقة, للرقة)
    assert _rule_hits(["benghazi", "basra"], "وصل الوفد لبنغازي صباح اليوم") == {"benghazi"}
    assert _rule_hits(["kabul", "basra"], "وصل الوفد لكابول صباح اليوم") == {"kabul"}
    assert _rule_hits(["lagos", "basra"], "وصل الوفد بلاغوس صباح اليوم") == {"lagos"}
    assert _rule_hits(["raqqa", "basra"], "اشتباكات عنيفة بالرقة") == {"raqqa"}
    assert _rule_hits(["raqqa", "basra"], "عاد السكان للرقة") == {"raqqa"}
    assert reading_spells("benghazi", fold("لبنغازي"), fold("بنغازي"))


def test_no_second_conjunction_after_a_conjunction() -> None:
    # وفريد "and Farid" is not و + ف + ريد (Reid), ووروس not و + و + روس (Ross)
    assert not reading_spells("reid", fold("وفريد"), fold("فريد"))
    assert not reading_spells("ross", fold("ووروس"), fold("وروس"))
    assert reading_spells("farid", fold("وفريد"), fold("فريد"))
    assert _rule_hits(["farid", "basra"], "وصل الوزير وفريد إلى المطار") == {"farid"}
    # the word's own و after the conjunction still spells a Latin w (ووترمان, Waterman)
    assert reading_spells("waterman", fold("ووترمان"), fold("وترمان"))
    assert _rule_hits(["waterman", "basra"], "وصل الوفد ووترمان صباح اليوم") == {"waterman"}
