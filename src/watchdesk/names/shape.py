"""Arabic words whose *shape* says they are ordinary words: a frequent word with what Arabic
grammar attaches to it.

The frequency lists (:mod:`.frequent`, :mod:`.common`) hold the forms frequent as written.
Arabic glues pronouns, verb prefixes and plural endings to its words, so most forms of a
frequent word are rarer than the lists' cut: ودوائرنا "and our circles" (دوائر + نا), ستعود
"she will return" (س + تعود), الطويلين "the long ones" (طويل + ين). A name query meets such a
form when its consonants fall right (Derna, Stead, Tülin); a foreign name never carries
these. A document word is *no name* (:func:`~.common.may_be_name`) when it, or its reading
without proclitics, has one of these shapes built on a listed word (:func:`shape`):

- ``possessed``: an attached pronoun (ها هم هما هن كم كما كن نا) on a listed word, or ه
  after ت (هجمته: هجمة + ه). A bare ه is not read (folded, it is also ة: بصره is Basra),
  nor ك "your", rare in news while many names end in -ak (Babak بابك is not باب + ك), nor
  نا after a long vowel (Katina كاتينا, Tirana تيرانا);
- ``verb``: the future's س and the imperfect's prefix on a verb form listed for both "he"
  and "she" (ستعود: يعود and تعود; not ستارك, Stark: تارك alone is listed; not before a
  long vowel and نا: سيرينا is Serena), an imperfect ي ت ن before a listed word in ت
  (تتعادل: تعادل, the verb of that noun), or, as written, a listed word of four letters or
  more and the plural's وا after a consonant (قاطعوا "they boycotted": قاطع; not بينوا,
  Benoit, nor under a proclitic: فيغيروا is Figueroa);
- ``plural``: with the article, a sound plural or dual (ين ون) of a listed word of four
  letters or more (الطويلين: طويل; the four letters keep the two seas of البحرين aside);
- ``adjective``: with the article, a listed word of the adjective's shape CaCīC (العظيم "the
  great": عظيم). (A listed word with the article otherwise stays a possible name: الزاوية is
  the town Zawiya though زاوية is "corner".);
- ``feminine plural``: ات in place of the ة of a listed word, with or without the article
  (قبعات "hats", القبعات: قبعة), when the stem writes no long vowel (ا و ي): a name spelled
  with its vowels in full keeps being one (بولات is Polat, though بولة is listed).
- ``participle``: an adjective of the active participle's shape (فاعل) from
  ``participles_ar.txt`` with the article, with or without ة (المارقة "the renegade", الضارة
  "the harmful", الصاعد "the rising": مارق، ضار، صاعد), or in ة without it (زائفة "fake"; a
  bare masculine may be a man's name). That list, built by ``tools/names_participles.py``
  from wordfreq, holds the forms C ا C C (or C ا C) whose feminine in ة is about as frequent
  as themselves, as an adjective's is; a noun in ة is not (زاوية "corner", its masculine
  زاوي rare: الزاوية stays the town Zawiya), nor a name's spelling in the pairs (خالد), nor
  a form whose article forms behave as proper nouns in the counts (الشام, القاهرة).

The lists are general lists of frequent words (wordfreq, stop words, watchdesk's own), not of
words seen in a benchmark; benchmarks/README.md gives what each shape changed.
"""

from __future__ import annotations

from functools import lru_cache

from ..rules.text import arabic_readings, script_of

__all__ = ["shape"]

_PRONOUNS = ("هما", "كما", "ها", "هم", "هن", "كم", "كن", "نا")  # (not ه, not ك: above)
_PLURALS = ("ين", "ون")


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    from .common import ARABIC_COMMON  # (common imports this module)
    from .frequent import FREQUENT_AR

    return ARABIC_COMMON | FREQUENT_AR


def _listed(stem: str) -> bool:
    """Whether a stem is a listed word, as written or with the ة a suffix turns to ت."""
    words = _words()
    return len(stem) >= 3 and (stem in words
                               or (stem.endswith("ت") and stem[:-1] + "ه" in words))


def _possessed(r: str) -> bool:
    """A listed word with an attached pronoun (not with the article: a noun takes one or
    the other)."""
    if r.startswith("ال"):
        return False
    if r.endswith("ته") and _listed(r[:-1]):
        return True  # هجمته: هجمة + ه (after ت, ه is a pronoun)
    return any(r.endswith(p) and _listed(r[: -len(p)])
               and not (p == "نا" and r[-3] in "اوي")  # Katina كاتينا, Tirana تيرانا
               for p in _PRONOUNS)


def _verb(r: str, written: bool) -> bool:
    """A verb's future or imperfect on a listed form, or its plural in وا."""
    words = _words()
    if (written and r.endswith("وا") and len(r) >= 6 and r[:-2] in words
            and r[-3] not in "اوي"):
        return True  # قاطعوا: قاطع (not بينوا, Benoit: three letters; not أوتاوا, Ottawa;
        # not under a proclitic: فيغيروا is Figueroa, not ف + يغيروا)
    if (len(r) >= 4 and r[0] == "س" and r[1] in "يتن"
            and all(c + r[2:] in words for c in "يت")
            and not r.endswith(("ينا", "انا", "ونا"))):  # سيرينا is Serena
        return True  # ستعود: س + تعود, and يعود is frequent too (not ستارك, Stark: تارك)
    return len(r) >= 5 and r[0] in "يتن" and r[1] == "ت" and r[1:] in words  # تتعادل


def _plural(r: str) -> bool:
    """ال + a listed word of four letters or more + ين or ون (الطويلين)."""
    if not r.startswith("ال"):
        return False
    bare = r[2:]
    return any(bare.endswith(p) and len(bare) - len(p) >= 4 and bare[: -len(p)] in _words()
               for p in _PLURALS)


def _adjective(r: str) -> bool:
    """ال + CaCīC, listed (العظيم): an adjective with the article."""
    bare = r[2:]
    return (r.startswith("ال") and len(bare) == 4 and bare[2] == "ي"
            and bare[0] not in "اوي" and bare[1] not in "اوي" and bare in _words())


@lru_cache(maxsize=1)
def _participles() -> frozenset[str]:
    from .frequent import read_list  # (as ``_words``)

    return frozenset(read_list("participles_ar.txt"))


def _participle(r: str) -> bool:
    """ال + a listed participle, with or without ة (المارقة: مارق; الصاعد: صاعد), or its
    feminine without the article (زائفة: زائف)."""
    if not r.startswith("ال"):
        return r.endswith("ه") and r[:-1] in _participles()
    bare = r[2:]
    return bare in _participles() or (bare.endswith("ه") and bare[:-1] in _participles())


def _feminine_plural(r: str) -> bool:
    """A listed word in ة with ات instead (قبعات: قبعة), its stem without long vowels."""
    bare = r[2:] if r.startswith("ال") else r
    stem = bare[:-2]
    return (bare.endswith("ات") and len(stem) >= 3 and not set("اوي") & set(stem)
            and stem + "ه" in _words())


@lru_cache(maxsize=1 << 16)
def shape(folded: str) -> str | None:
    """The ordinary-word shape a folded Arabic document word has (``possessed``, ``verb``,
    ``plural``, ``adjective``, ``feminine plural``, ``participle``), as written or without
    its proclitics; None for none."""
    if script_of(folded) != "arabic":
        return None
    for r in (folded, *arabic_readings(folded)):
        if _possessed(r):
            return "possessed"
        if _verb(r, r == folded):
            return "verb"
        if _plural(r):
            return "plural"
        if _adjective(r):
            return "adjective"
        if _feminine_plural(r):
            return "feminine plural"
        if _participle(r):
            return "participle"
    return None
