"""Whether two words with a key in common are spellings of the same name: the vowels decide.

Keys (:mod:`.keys`) keep the consonants only, so ``Sami`` and ``Sam``, or ``Kurt`` and
``Corti``, share one. Once a key has matched, :func:`distance` compares the two words whole,
as :func:`~.keys.readings` pieces (consonant classes and runs of vowels), with an edit
distance:

- a consonant against one of another class, or one left over, costs 1; a letter that may be
  mute (Latin ``w``, ``h`` after a vowel, Russian ``в``) almost nothing (``silent``);
- a run of vowels against another (``ou`` for ``у``, ``e`` for ``ي``), or left over (a short
  vowel Arabic does not write, a Latin final vowel Arabic would write), costs what the
  *learned table* says: minus the log of how often that correspondence occurs, relative to
  the commonest one for the same letters, in Wikidata name pairs (English-Arabic and
  English-Russian). What the table does not know costs ``unknown``; two vowel runs in the
  same script cost 0 when equal, ``same_script`` otherwise (Haftar, Hafter, Heftar); an
  Arabic initial ي before a consonant (a verb's prefix: يزعم) against a Latin initial vowel
  other than y costs ``unknown`` (Arabic writes Izium إيزيوم). Two Latin words one of
  which ends in a doubled consonant and e where the other has that consonant alone are
  ``unknown`` further apart: a feminine form is another name (Chanelle, Channel; Michelle,
  Michel).

A Russian word is also read without its case ending and an Arabic one without its article;
the closest reading counts. Two words are the same name when the distance is at most
``limit`` (:func:`same_name`). Table, costs and limit: :mod:`.table`, rebuilt by
``tools/names_tune.py``.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

from ..rules.text import fold, script_of
from . import frequent
from .keys import Piece, is_vowel, latin_pieces, readings
from .table import COSTS, VOWELS

__all__ = ["distance", "pair_ops", "pieces_distance", "same_name", "spells_alike",
           "vowel_key"]

_BIG = 9.0
_SCRIPT = {"latin": "la", "arabic": "ar", "cyrillic": "ru"}


def vowel_key(a: str, b: str, sa: str, sb: str) -> str:
    """The table key of vowel run ``a`` (script ``sa``, "" when left over) against ``b``:
    always written from the Latin side, ``"a|ا"``, ``"e|"`` (with the other script and
    ``$`` for a final run: ``"e$|ar"``)."""
    return f"{a}|{b}" if sa == "la" else f"{b}|{a}"


def _left_cost(run: str, final: bool, mine: str, other: str) -> float:
    """A vowel run with nothing in front of it."""
    if not run:
        return 0.0  # ANY_VOWEL
    end = "$" if final else ""
    if mine == other == "la":  # Prigojine, Prigozhin
        return COSTS["silent"] if final and run == "e" else COSTS["same_script"]
    if mine == "la":
        return VOWELS.get(f"{run}{end}|{other}", COSTS["unknown"])
    if other == "la":
        return VOWELS.get(f"{mine}|{run}{end}", COSTS["unknown"])
    return COSTS["unknown"]


# What each vowel letter may sound like: two runs whose sounds meet cost nothing.
_SOUNDS = {
    **{c: {c} for c in "aeiou"}, "y": {"i", "y"}, "w": {"u", "w"},
    "ا": {"a"}, "و": {"o", "u", "w"}, "ي": {"i", "e", "y"}, "ع": set("aeiou"), "ء": {"a", "e"},
    "а": {"a"}, "я": {"a", "y"}, "о": {"o"}, "е": {"e", "y"}, "э": {"e"}, "и": {"i"},
    "ы": {"i"}, "й": {"i", "y"}, "у": {"u"}, "ю": {"u", "y"},
}


@lru_cache(maxsize=4096)
def _sounds(run: str) -> frozenset[str]:
    return frozenset(s for c in run for s in _SOUNDS.get(c, ()))


# Latin spellings of one vowel in English, French and German transliterations
_LATIN_SAME = {"ou": "u", "oo": "u", "ye": "e", "ie": "i", "ee": "i", "y": "i", "ya": "ia",
               "yo": "io", "yu": "iu", "oe": "o", "ae": "a", "ue": "u", "ai": "ei", "ay": "ei"}


def _latin_same(run: str) -> str:
    return _LATIN_SAME.get(run, run)


def _latin_vowels(x: str, y: str) -> float:
    """Two Latin vowel runs (as :func:`_latin_same` writes them): the same, nothing; one
    vowel for another, or a run and one of its letters (Haftar, Heftar; Sayed, Saeed), a
    variant of one transliteration (``same_script``); two runs of two letters or more
    that share none of their letters, a different vowel (``unknown``): in Latin script the
    spelling is the writer's own, and Browne is not Bruyn (``ow``, ``uy``) nor Brienne."""
    if x == y:
        return 0.0
    if (len(x) == 1 and len(y) == 1) or set(x) <= set(y) or set(y) <= set(x):
        return COSTS["same_script"]
    return COSTS["unknown"]


_GLIDES = frozenset("iyйиеёюяيى")  # and the Cyrillic vowels that are y + a vowel


def _glide_lost(x: str, y: str, sx: str, sy: str) -> bool:
    """Whether a Latin diphthong (a vowel and i or y: Saydam, Haig) stands against a run
    without that glide (Саддам, صدام): their sounds meet, but only half of the Latin run."""
    lat, other = (x, y) if sx == "la" else (y, x) if sy == "la" else ("", "")
    return (len(lat) == 2 and lat[0] in "aeou" and lat[1] in "iy"
            and not (_GLIDES & set(other)))


def _initial_y(x: str, y: str, sx: str, sy: str) -> bool:
    """Whether an Arabic word's first letter is ي before a consonant (the imperfect verb's
    prefix: يزعم "claims", يصدر "issues") against a Latin name that starts with a vowel
    other than y: Arabic writes those with an alef (إيزيوم Izium, إيفانز Evans)."""
    lat, ar = (x, y) if (sx, sy) == ("la", "ar") else (y, x) if (sx, sy) == ("ar", "la") \
        else ("", "")
    return ar in ("ي", "وي") and lat[:1] not in ("", "y")  # (وي: under the conjunction و)


def _glide_vowel(x: str, y: str, sx: str, sy: str, first: bool) -> bool:
    """Whether an Arabic run of a glide and a long vowel (يو, يا, وا, وي, within a longer run
    too: ايو) stands against one Latin vowel letter that has not the long vowel's sound:
    بيونغ (Byung, and Pyongyang's بيونغ يانغ) is not Bing nor Peng, أندريا (Andrea) not Andri,
    مايورجا (Mayorga) not Marga; يو for u (هيوم, Hume) and وا for a (إدوارد, Edward) are the
    Latin's own sound. Not a first run in و, which may be the conjunction (وأنجر)."""
    lat, ar = (x, y) if (sx, sy) == ("la", "ar") else (y, x) if (sx, sy) == ("ar", "la") \
        else ("", "")
    if len(lat) != 1 or (first and ar[:1] == "و"):
        return False
    return any(a in "يو" and b in "اوي" and not (_sounds(b) & _sounds(lat))
               for a, b in pairwise(ar))


def _sub_cost(x: str, y: str, sx: str, sy: str, first: bool = False,
              own: bool = False, glide: bool = False) -> float:
    if first and _initial_y(x, y, sx, sy):
        return COSTS["unknown"]
    if x == y or not x or not y:  # not x: ANY_VOWEL
        return 0.0
    if sx == sy == "la" and _latin_same(x) == _latin_same(y):
        return 0.0
    if sx == sy == "la" and own:
        return _latin_vowels(_latin_same(x), _latin_same(y))
    if sx == sy:
        return COSTS["same_script"]
    if _sounds(x) & _sounds(y) and not _glide_lost(x, y, sx, sy) \
            and not (glide and _glide_vowel(x, y, sx, sy, first)):
        return 0.0
    if sx != sy and (sx == "la" or sy == "la"):
        return VOWELS.get(vowel_key(x, y, sx, sy), COSTS["unknown"])
    return COSTS["unknown"]


def _costs_left(pieces: list[Piece], mine: str, other: str) -> list[float]:
    out = []
    for i, p in enumerate(pieces):
        if is_vowel(p):
            out.append(_left_cost(p[0][1:], i == len(pieces) - 1, mine, other))
        else:
            out.append(COSTS["silent"] if "" in p else 1.0)
    return out


def _table(a: list[Piece], sa: str, b: list[Piece], sb: str,
           own: bool = False, as_name: bool = False) -> list[list[float]]:
    la, lb = _costs_left(a, sa, sb), _costs_left(b, sb, sa)
    # (a Latin letter that may be mute, w, h or j, may be the glide itself: Ratiwatana,
    # راتيواتانا)
    fatha = _fatha_e(a if sa == "la" else b) if as_name and {sa, sb} == {"la", "ru"} else -1
    glide = as_name and not any("" in p for p in (a if sa == "la" else b if sb == "la" else []))
    ae = as_name and {sa, sb} == {"la", "ru"}  # (an English a, Russian э: :func:`_english_a`)
    seat = as_name and {sa, sb} == {"la", "ar"}  # (an initial alef: :func:`_hamza_seat`)
    n, m = len(a), len(b)
    d = [[0.0] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        d[0][j] = d[0][j - 1] + lb[j - 1]
    for i in range(1, n + 1):
        pa, va = a[i - 1], is_vowel(a[i - 1])
        row, up = d[i], d[i - 1]
        row[0] = up[0] + la[i - 1]
        for j in range(1, m + 1):
            pb = b[j - 1]
            if va != is_vowel(pb):
                sub = _BIG
            elif va:
                sub = _sub_cost(pa[0][1:], pb[0][1:], sa, sb, i == j == 1, own, glide)
                if fatha >= 0 and sub > COSTS["same_script"] and (
                        (i - 1, pb) if sa == "la" else (j - 1, pa)) == (fatha, ("*а",)):
                    sub = COSTS["same_script"]
                if ae and sub > COSTS["same_script"] and _english_a(pa[0][1:], pb[0][1:]):
                    sub = COSTS["same_script"]
                if seat and i == j == 1 and sub > SEAT and _hamza_seat(
                        *((pa[0][1:], pb[0][1:]) if sa == "la" else (pb[0][1:], pa[0][1:]))):
                    sub = SEAT
            else:
                sub = 0.0 if set(pa) & set(pb) else 1.0
            row[j] = min(up[j - 1] + sub, up[j] + la[i - 1], row[j - 1] + lb[j - 1])
    return d


def _fatha_e(pieces: list[Piece]) -> int:
    """The index of a Latin word's last vowel when it is e before a final consonant and the
    word has an a elsewhere, else -1: such an e may be an Arabic short a that Russian writes
    а (Hafter, Haftar: Хафтар); against а it costs ``same_script``, as Haftar and Hafter
    are apart (not Boucher, Бушар, nor Paletta, Палату)."""
    vowels = [k for k, p in enumerate(pieces) if is_vowel(p)]
    if not vowels or pieces[vowels[-1]] != ("*e",) or vowels[-1] == len(pieces) - 1:
        return -1
    return vowels[-1] if any(pieces[k] == ("*a",) for k in vowels[:-1]) else -1


def _english_a(x: str, y: str) -> bool:
    """Whether one vowel run is a Latin a and the other a Russian э: the English short a
    (the vowel of "cat"), which Russian transcription writes э (Hamlin, Хэмлин; Haddock,
    Хэддок; Fagan, Фэган)."""
    # (against э the table has 1.0: most pairs' a are а)
    return (x == "a" and y == "э") or (x == "э" and y == "a")


SEAT = 0.3  # a Latin first vowel against an Arabic initial alef (:func:`_hamza_seat`)


def _hamza_seat(latin: str, arabic: str) -> bool:
    """Whether a Latin word's first vowel run, one letter, stands against an Arabic word's
    first letter alone, an alef: the seat of the hamza that carries the first short vowel,
    whichever it is (إبراهيم Ibrahim, إسترادا Estrada, أسامة Osama and Usama; folded, إ and
    أ are ا). The learned table has e, i, o, u against ا at 1.0: its pairs are mostly
    western names, whose first vowel Arabic writes long (إيفانز, Evans; أوتو, Otto)."""
    return arabic == "ا" and latin in ("e", "i", "o", "u")


def pieces_distance(a: list[Piece], sa: str, b: list[Piece], sb: str,
                    own: bool = False, as_name: bool = False) -> float:
    """The distance between two readings (scripts ``la``, ``ar``, ``ru``); ``own``: two
    Latin words as their writers spell them, whose vowels differ only as one
    transliteration's variants do (:func:`_latin_vowels`); ``as_name``: with
    :func:`same_name`'s own tests (an Arabic glide and long vowel, :func:`_glide_vowel`; a
    Latin e for a Russian а, :func:`_fatha_e`; a Latin a for a Russian э,
    :func:`_english_a`)."""
    return _table(a, sa, b, sb, own, as_name)[-1][-1]


def pair_ops(a: list[Piece], sa: str, b: list[Piece], sb: str) -> list[str]:
    """The vowel correspondences of the best alignment of ``a`` and ``b``, as table keys
    (for learning the table: ``tools/names_tune.py``)."""
    d = _table(a, sa, b, sb)
    la = _costs_left(a, sa, sb)
    i, j, out = len(a), len(b), []
    while i or j:
        if i and j and is_vowel(a[i - 1]) == is_vowel(b[j - 1]):
            pa, pb = a[i - 1], b[j - 1]
            va = is_vowel(pa)
            sub = (_sub_cost(pa[0][1:], pb[0][1:], sa, sb, i == j == 1) if va
                   else 0.0 if set(pa) & set(pb) else 1.0)
            if abs(d[i][j] - d[i - 1][j - 1] - sub) < 1e-9:
                if va:
                    out.append(vowel_key(pa[0][1:], pb[0][1:], sa, sb))
                i, j = i - 1, j - 1
                continue
        if i and abs(d[i][j] - d[i - 1][j] - la[i - 1]) < 1e-9:
            if is_vowel(a[i - 1]):
                end = "$" if i == len(a) else ""
                out.append(f"{a[i - 1][0][1:]}{end}|{sb}" if sa == "la"
                           else f"{sb}|{a[i - 1][0][1:]}{end}")
            i -= 1
            continue
        if is_vowel(b[j - 1]):
            end = "$" if j == len(b) else ""
            out.append(f"{b[j - 1][0][1:]}{end}|{sa}" if sb == "la"
                       else f"{sa}|{b[j - 1][0][1:]}{end}")
        j -= 1
    return out


@lru_cache(maxsize=1 << 16)
def distance(x: str, y: str, as_name: bool = False) -> float:
    """The least distance between the readings of two words (any scripts); ``as_name``:
    with :func:`same_name`'s own tests (:func:`pieces_distance`)."""
    fx, fy = fold(x), fold(y)
    sx, sy = _SCRIPT.get(script_of(fx), "xx"), _SCRIPT.get(script_of(fy), "xx")
    best = _BIG
    own = sx == sy == "la"  # (a Latin word against a Latin name: :func:`_latin_vowels`)
    ra, rb = readings(fx), readings(fy)
    if as_name and (sx, sy) == ("la", "ru"):
        ra = ra + _english_w(fx)
    elif as_name and (sx, sy) == ("ru", "la"):
        rb = rb + _english_w(fy)
    for a in ra:
        for b in rb:
            best = min(best, pieces_distance(a, sx, b, sy, own, as_name))
    if own and (_feminine(fx, fy) or _feminine(fy, fx)):
        best += COSTS["unknown"]
    return best


def _english_w(word: str) -> list[list[Piece]]:
    """An English w before a vowel, which Russian writes у (Warner Уорнер, Walter Уолтер,
    Warrington Уоррингтон): the Latin word read with u for it, a vowel run with the next."""
    if len(word) > 3 and word[0] == "w" and word[1] in "aeio":
        return [latin_pieces("u" + word[1:])]
    return []


def _feminine(x: str, y: str) -> bool:
    """Whether Latin ``x`` ends in a doubled consonant and e where ``y`` ends in that
    consonant alone: a feminine form (Chanelle, Channel; Michelle, Michel; Yvonne, Yvon)."""
    return (len(x) > 3 and x[-1] == "e" and x[-2] == x[-3] and x[-2] not in "aeiouy"
            and y.endswith(x[-2]) and not y.endswith(x[-3:]))


SHORT_KEY_LIMIT = 0.1  # the limit when the words share only a key of two consonants


def same_name(x: str, y: str) -> bool:
    """Whether the words ``x`` and ``y`` (which share a key) spell the same name. When the
    keys they share have two consonants only (a letter dropped as mute, ة read as a vowel:
    Borja and برية "wild", Tjaša and تسعى), two consonants say little: the vowels must
    agree closely (:data:`SHORT_KEY_LIMIT`). An Arabic glide and long vowel against one
    Latin vowel without that vowel's sound costs what the learned table says
    (:func:`_glide_vowel`: بيونغ is not Bing), and a Latin e before a final consonant is a
    Russian а in a word that has an a already (:func:`_fatha_e`: Hafter, Хафтар), and a
    Latin a may be a Russian э (:func:`_english_a`: Hamlin, Хэмлин), here only: the
    lint's :func:`spells_alike` keeps the plain reading. A frequent Arabic word ``y`` is
    held closer (:func:`.frequent.limit`): exactly, or for a proper-looking one
    with the article within :data:`.frequent.CLOSE_LIMIT`, unless the query writes the
    article itself."""
    if not spells_alike(x, y, as_name=True):
        return False
    most = frequent.limit(fold(y))
    if most == frequent.CLOSE_LIMIT and _with_article(x):
        return True  # (al-Qarni: the query writes the article, the distance reads it)
    return most is None or distance(x, y, True) <= most + 1e-9  # (sums of tenths)


def _with_article(word: str) -> bool:
    """Whether a Latin query word starts with the Arabic article (al-, el- and a consonant:
    Alqarni, not Alizadeh)."""
    w = fold(word)
    return w[:2] in ("al", "el") and w[2:3].isalpha() and w[2] not in "aeiouy"


def spells_alike(x: str, y: str, as_name: bool = False) -> bool:
    """Whether ``x`` and ``y`` are spelled alike across scripts, whatever ``y`` means
    (:func:`same_name` without the frequent words' stricter limit; ``as_name``: with its own
    tests, :func:`pieces_distance`)."""
    d = distance(x, y, as_name)
    if d > COSTS["limit"]:
        return False
    return d <= SHORT_KEY_LIMIT or _long_shared_key(x, y)


@lru_cache(maxsize=1 << 16)
def _long_shared_key(x: str, y: str) -> bool:
    from .keys import name_keys  # (keys imports nothing from here; kept local for clarity)

    return any(len(k.lstrip("_")) > 2 for k in name_keys(x) & name_keys(y))
