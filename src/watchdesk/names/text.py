"""The name keys of a whole text: what may be a name in it, by script.

Latin and Cyrillic write names with a capital: only capitalised words count (``Мир`` may be
a name, ``мир`` is "peace"). Arabic has no capitals: every word counts except the common
words of :data:`ARABIC_STOPWORDS`, each read with and without its proclitics
(:func:`watchdesk.rules.text.arabic_readings`: ``وحفتر`` is also ``حفتر``).
"""

from __future__ import annotations

from ..rules.text import RAW_TOKEN_RE, arabic_readings, fold, script_of
from .keys import name_keys

__all__ = ["ARABIC_STOPWORDS", "text_name_keys"]

# Function words and the commonest words of news Arabic (folded: ى→ي, ة→ه), written here.
_ARABIC_COMMON = """
في من علي الي عن مع ان أن إن او أو ثم قد لقد كان كانت يكون تكون هذا هذه ذلك تلك التي الذي
الذين اللذين بين بعد قبل عند حتي منذ خلال ضد حول دون غير كل بعض اي أي ما ماذا لماذا كيف اين
متي هل لم لن لا ليس نحو اكثر أكثر اقل أقل وفق وفقا حيث اذا إذا لكن بل الا إلا كما ايضا أيضا
قال قالت يقول تقول اعلن أعلن اعلنت أعلنت اكد أكد اكدت أكدت اضاف أضاف اضافت أضافت وقال وقالت
عام العام يوم اليوم امس أمس الماضي المقبل الحالي رئيس الرئيس وزير الوزير وزاره الوزاره حكومه
الحكومه دوله الدوله مجلس المجلس قوات القوات الجيش جيش مدينه المدينه منطقه المنطقه شرق غرب شمال
جنوب الشرق الغرب الشمال الجنوب الوطني الوطنيه العسكري العسكريه السياسي الامن الأمن الدولي
المتحده الامم الأمم مصادر مصدر تقرير بيان وكاله الانباء الأنباء عدد نحو مليون الف ألف مليار
"""
ARABIC_STOPWORDS = frozenset(fold(w) for w in _ARABIC_COMMON.split())


def _words(text: str) -> list[str]:
    """The words of ``text`` as written (the parts of its raw tokens), in order."""
    out: list[str] = []
    for m in RAW_TOKEN_RE.finditer(text):
        out.extend(p for p in m.group().replace("’", "'").replace("-", "'").split("'") if p)
    return out


def text_name_keys(text: str) -> set[str]:
    """The name keys of the name-like words of ``text``: capitalised Latin and Cyrillic
    words, and Arabic words that are not common words (with and without proclitics)."""
    out: set[str] = set()
    for word in _words(text):
        script = script_of(word)
        if script in ("latin", "cyrillic"):
            if word[0].isupper():
                out |= name_keys(word)
        elif script == "arabic":
            f = fold(word)
            for w in (f, *arabic_readings(f)):
                if w not in ARABIC_STOPWORDS:
                    out |= name_keys(w)
    return out
