"""Ordinary words that a name key would take for names, and the lint of ``name:`` terms.

A key keeps consonants only, so in Arabic, which writes no short vowels and no capitals, a
name of three consonants is also a common word: ``name:safar`` would find سفر "journey".
Such words are never taken for names in a document (:func:`may_be_name`), and ``check``
says so of a ``name:`` term that spells one (:func:`name_warning`). In Latin and Cyrillic
script a name is written with a capital: a lower-case word is never a spelling of a name
(``мир`` "peace" is not ``Мир``), except the query word itself.

The lists are written for watchdesk (function words and frequent words of news text, folded:
``ى`` → ``ي``, ``ة`` → ``ه``, no hamza). The Arabic list was extended after a first run of
``benchmarks/names.py``, with words that run showed (باسم, رفع, حماية…) among others
(benchmarks/README.md gives the figures before and after); to it are added the Arabic stop
words of stopwords-iso and the most frequent Arabic word forms of wordfreq that are not
spellings of names (``common_ar.txt``, built by ``tools/names_common.py``: a general list,
not one fitted to the benchmark; the next most frequent forms are no names unless spelled
exactly: :mod:`.frequent`).
"""

from __future__ import annotations

from functools import lru_cache

import stopwordsiso

from ..rules.text import arabic_readings, fold, script_of
from .frequent import COMMON_AR
from .keys import name_key, name_keys
from .score import same_name, spells_alike
from .shape import shape

__all__ = ["ARABIC_COMMON", "RUSSIAN_COMMON", "indefinite", "may_be_name", "name_warning",
           "reading_spells"]

_ARABIC = """
في من علي الي عن مع ان او ثم قد لقد كان كانت يكون تكون هذا هذه ذلك تلك التي الذي الذين
بين بعد قبل عند حتي منذ خلال ضد حول دون غير كل بعض اي ما ماذا لماذا كيف اين متي هل لم لن لا
ليس نحو اكثر اقل وفق وفقا حيث اذا لكن بل الا كما ايضا قال قالت يقول تقول اعلن اعلنت اكد اكدت
اضاف اضافت عام يوم امس الماضي المقبل الحالي رئيس وزير وزاره حكومه دوله مجلس قوات جيش مدينه
منطقه شرق غرب شمال جنوب وطني عسكري سياسي امن دولي متحده امم مصادر مصدر تقرير بيان وكاله انباء
عدد مليون الف مليار سفر سفير مطار طريق حرب سلام نار قتل قتلي جرحي هجوم اتفاق اتفاقيه مفاوضات
اجتماع لقاء زياره وفد رسمي شعب ناس عمل اعمال نفط غاز ماء مياه بحر ارض سماء بلد بلاد عاصمه
ميناء سجن محكمه قاضي قانون حق حقوق خبر اخبار صحفي مؤتمر انتخابات برلمان نائب نواب حزب احزاب
شرطه امير ملك حاكم والي شيخ قائد مقاتلين مسلحين ميليشيا كتيبه لواء فرقه سلاح اسلحه صاروخ
طائره طائرات سفينه قارب مهاجرين لاجئين حدود معبر مساعدات انسانيه صحه مستشفي مدرسه جامعه
اسبوع شهر سنه ساعه دقيقه صباح مساء ليل نهار اول ثاني ثالث اخر جديد قديم كبير صغير كثير قليل
خير شر حسن جميل سعيد كريم عادل امين صالح نور سلم سالم
باسم اسم رفع رفيع ارتفاع حمايه درع تعاون معلن اعلان خلف خلفا تسريع وزاره زياره مصري مصريه
موانئ تبانه عبر عبره خمس الخميس جمعه سبت احد اثنين ثلاثاء اربعاء سابق لاحق حديد حديث
حرس حراسه حزم حسم حشد حصار حصل حضر حضور حكم حكومي حل حلول حمل حمله خاص خاصه خبراء خطه خطر
خطط خلاف دعم دعوه دفاع دفع دور دوري دول ذكر راي ربط رجال رجل رد رسم رسميا رصد رفض رقم رمز
زعيم زمن سبب سجل سعي سعر اسعار سلطه سلطات سمح سوق سير شارك شرط شركه شكل صدر صرح صعب صفقه
ضرب طرف اطراف طلب طرح ظروف عاد عاده عدل عرض عزز عقد علاقه علاقات عمل عمليه عنف فتح فرض
فريق فصل فقد قاعده قام قبل قتال قدم قرار قصف قطع قطاع قوه قيادي قياده كشف كلمه لجنه لقي
مبادره مجال محاوله مدي مرحله مركز مسار مساعد مسؤول مسؤولين مشروع مصير مطالب معركه مقتل
مكتب منح موقف موقع نار نشر نظام نفي نقل نقطه هدف هدنه وجود وصل وضع وقف وقت ولايه يمكن
اكد اشار افاد اوضح ذكرت اعتبر طالب دعا نفى تابع شدد اتهم كشفت بحث ناقش استقبل التقى وصف
تعزيز تطوير تحقيق تنفيذ توقيع تسليم تشكيل تقديم تامين تحرير تدخل تصعيد تهدئه توتر
مقر مقرات مقطع مقاطع دوريه دوريات وصلت سفراء برفقه رفقه
رئاسه رئيسي رئيسيه وزراء قناه قنوات وسام اوسمه لبناني لبنانيه سوري سوريه عراقي عراقيه
ليبي ليبيه روسي روسيه تركي تركيه امريكي امريكيه فرنسي فرنسيه ايراني ايرانيه عربي عربيه
اوروبي اوروبيه افريقي افريقيه اسلامي اسلاميه دولار يورو بنك بنوك مصرف مصرفي اقتصاد اقتصادي
انتاج تصدير استيراد ميزانيه شركات مشاريع مواطن مواطنين سكان سكاني مدني مدنيين طفل اطفال
نساء امراه شباب طلاب عمال اسر اسره عائله عائلات ضحايا جثث مفقودين ناجين اغاثه اعمار
فيضان فيضانات سيول سد سدود عاصفه زلزال حريق انفجار انفجارات اشتباك اشتباكات معارك
هجمات غارات غاره مسيره مسيرات دبابه مدرعات ذخيره مقاتل جنود جندي ضابط ضباط عقيد لواء
مشير فريق عميد رائد نقيب ملازم قائد قاده ميناء مطارات حقل حقول منشاه منشات خط خطوط انابيب
مصفاه كهرباء وقود بنزين ديزل خبز غذاء دواء ادويه مستشفيات اطباء طبيب صحفيون اعلام اعلامي
تلفزيون اذاعه صحيفه موقع مواقع منصه رساله رسائل هاتف اتصال اتصالات مكالمه بيانات
اقامه اقامته حضور بحضور مسؤول المسؤولين مصادر مطلع مطلعه مقربه مقرب انتظار ايام اسابيع
دوي سماع سمع ليله ارتفاع اسعار احتجاج احتجاجات خطه جديده محيط محيطها عنيفه مجموعه مجموعات
مسلحه قافله قوافل مساعدات دعوه لحضور الاجتماع المقبل صباح مطار برئاسه الوزير
"""
_RUSSIAN = """
мир мира миру миром мире война войны власть власти глава главы дело дела год года лет время
страна страны город города сила силы армия армии союз союза суд суда закон правда вера надежда
любовь слава победа роза лев орел гора море река поле лес дом дома путь пути день дня ночь
новости сегодня вчера завтра после перед между против через около также однако
"""
# ... and the Arabic stop words of stopwords-iso (MIT; the stopwordsiso package): function
# words (مثل "like", هما "they two") whose consonants are those of many short names
# ... and the most frequent Arabic word forms that are not names, from wordfreq (CC-BY-SA 4.0;
# common_ar.txt and its licence beside this file, rebuilt by tools/names_common.py)
# (``check`` warns only about the two lists above: a name spelled like one of these frequent
# forms, بسرعة "quickly" for Basra, usually has another spelling, البصرة, that is found)
_LISTED = frozenset(fold(w) for w in (*_ARABIC.split(), *stopwordsiso.stopwords("ar"))
                    if w.strip())
ARABIC_COMMON = _LISTED | COMMON_AR
RUSSIAN_COMMON = frozenset(fold(w) for w in _RUSSIAN.split())
_COMMON = _LISTED | RUSSIAN_COMMON


_TANWIN = frozenset("\u064b\u064c\u064d")  # ً ٌ ٍ: the indefinite noun's endings


def indefinite(raw: str) -> bool:
    """Whether an Arabic word, as written (with its diacritics), carries a tanwin: an
    indefinite noun or adjective (قسريًا "forcibly", فرصًا "chances"), never a name, which is
    definite; news text writes it on adverbs and accusatives, never on the names it
    spells (a fully vocalised text, which would, is not news)."""
    return not _TANWIN.isdisjoint(raw)


def may_be_name(folded: str, written: str | None) -> bool:
    """Whether a document word may be a spelling of a name: an Arabic word that is not a
    common word (:data:`ARABIC_COMMON`), a Latin or Cyrillic word written with a capital
    (``written``: the word with its capitals; None for a word read without them, such as a
    hyphenated compound glued together, which is given the benefit of the doubt)."""
    script = script_of(folded)
    if script == "arabic":
        return not (written and indefinite(written)) and _arabic_name_like(folded)
    if written is None:
        return True
    return written[:1].isupper()


@lru_cache(maxsize=1 << 14)
def _arabic_name_like(word: str) -> bool:
    """An Arabic word that is no common word, with or without its proclitics (وزارة is
    "ministry", not و + a name زارة), nor an adjective made from one (شرقي "eastern",
    شرقية, from شرق: the nisba and feminine endings ي, ية, ة), nor the plural of a word in
    ة (وزارات, from وزارة). A form of the frequency list counts as written and under a
    proclitic (وبسرعة), not once the article is taken off: الزاوية is the town Zawiya even
    though زاوية "corner" is a frequent word (the frequency list has the forms with the
    article it saw: الحرب)."""
    if shape(word) is not None:
        return False  # a frequent word with a pronoun, a verb's prefix... (names/shape.py)
    for w in (word, *arabic_readings(word)):
        if w in (_LISTED if _article_taken(word, w) else ARABIC_COMMON):
            return False
        for end, add in _ENDINGS:
            stem = w[:-len(end)]
            if w.endswith(end) and len(stem) >= 3 and (stem in _LISTED or stem + add in _LISTED):
                return False
    return True


def reading_spells(term: str, word: str, reading: str) -> bool:
    """Whether ``reading``, a reading of document word ``word`` (or the word itself) that
    spells the name ``term``, may be taken for it: a reading without the article is read no
    further. The scorer reads a word without its proclitics (:func:`~.score.distance`), and
    a reading is a word of its own to it, so بعيدين, the reading of البعيدين "the distant
    ones" without its article, would be read once more without ب (عيدين: Aden); but nothing
    comes between the article and its noun, so such a reading must spell ``term`` as the
    word itself does (:func:`~.score.same_name`: its own readings, one proclitic deep, and
    the frequency lists' limit on the word as written: السوبر "the super" is listed, so
    its reading سوبر, a rare name's spelling, spells Zoubeir no more). Likewise a reading
    whose first letter cannot be one more proclitic (:func:`_own_letter_next`: كورسك is not
    ك + و + رسك, Razak; لبركة not ل + ب + ركة, Raqqa) must spell ``term`` as the whole word
    does (:func:`~.score.spells_alike`), unless that letter is a و and the name starts with
    a letter it may spell (w v o u: ل + وندسور is Windsor, whose initial و the scorer aligns
    only once it is taken off)."""
    if reading == word:
        return True
    if _article_taken(word, reading):
        return same_name(term, word)
    if _own_letter_next(word, reading) and not (reading[:1] == "و"
                                                 and fold(term)[:1] in _WAW_LATIN):
        return spells_alike(term, word)
    return True


# the Latin letters an Arabic initial و may spell (the scorer reads it as a vowel, and aligns
# it with a Latin w only once it is taken off: وندسور, Windsor)
_WAW_LATIN = frozenset("wvou")


def _own_letter_next(word: str, reading: str) -> bool:
    """Whether ``reading`` is ``word`` without its proclitics and starts with a letter that
    cannot be one more proclitic there, so is the word's own: after a preposition (ب ك ل),
    neither a conjunction nor another preposition (only the article: بالزاوية); after a
    conjunction alone, no second one. بودرة "powder" is not ب + و + درة, لبركة not
    ل + ب + ركة."""
    prefix = word[: len(word) - len(reading)]
    if not prefix or not word.endswith(reading):
        return False
    if prefix[-1] in "بكل":  # after a preposition, no conjunction nor preposition
        return reading[:1] in ("و", "ف", "ب", "ك", "ل") and not reading.startswith("ال")
    return prefix[-1] in "وف" and reading[:1] in ("و", "ف")  # nor a conjunction twice


def _article_taken(word: str, reading: str) -> bool:
    """Whether ``reading`` is ``word`` without its article (ال, or لل after ل)."""
    prefix = word[: len(word) - len(reading)]
    return bool(prefix) and word.endswith(reading) and prefix.endswith(("ال", "لل"))


# adjective (nisba, feminine) and plural or verb endings, and what the stem may end with
# instead (folded: ية is يه, ة is ه): وزارات is وزارة's plural (not ون, وا: Cameron
# كاميرون, Benoit بينوا)
_ENDINGS = (("يه", ""), ("ي", ""), ("ه", ""), ("ات", "ه"))


@lru_cache(maxsize=4096)
def _common_by_key() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for w in sorted(_COMMON):
        for k in name_keys(w):
            out.setdefault(k, []).append(w)
    return out


def name_warning(word: str, alone: bool = True) -> str | None:
    """Why ``name:word`` is a weak term, or None: no key at all (then the plain word is
    searched), a key of two consonants (short names match many other words), or a common
    Arabic or Russian word that spells the same (never taken for the name). In a phrase
    (``alone`` false) the other words make a short name specific: only the first counts."""
    keys = name_keys(word)
    if not keys:
        return ("fewer than two consonants: too short to be recognised across scripts, "
                "so only this spelling is searched")
    if not alone:
        return None
    if len((name_key(word) or "").lstrip("_")) < 3:  # its consonants as written
        return ("only two consonants: short names meet many other words and names across "
                "scripts; prefer a phrase with the first name (name:\"khalifa haftar\") or "
                "NEAR another term")
    by_key = _common_by_key()
    common = sorted({w for k in keys for w in by_key.get(k, ()) if spells_alike(word, w)})
    if common:
        return (f"spelled like the common word(s) {', '.join(common[:4])}: in that spelling "
                "it is never taken for the name; add it as a plain word if you need it")
    return None
