"""Name keys: one script-independent key per word, so حفتر, Хафтаром and Hafter meet.

A key is the word's *consonant skeleton* written in letter classes. It is computed the same
way in the three scripts, on the folded word (:func:`watchdesk.rules.text.fold`: no case, no
accents, no Arabic short vowels, ``ى`` is ``ي`` and ``ة`` is ``ه``):

1. the word is cut into *pieces* (:func:`readings`): a consonant's classes (table below), or a
   run of vowels (``*ou``, ``*ا``; Latin a e i o u y, Arabic alef, waw, yeh, ain and a final
   ة, Cyrillic а е и о у ы э ю я й); a doubled letter (``ss``, ``дд``) is one piece;
2. the key keeps the consonant classes and drops the vowels, which Arabic does not write
   when they are short; a word that starts with a vowel is marked ``_`` (``_SM`` Asim is not
   ``SM`` Sami);
3. what a name gains in running text gives extra readings: without a Russian case ending
   (``Хафтаром`` → ``Хафтар``), without Arabic proclitics and the article (``وحفتر`` →
   ``حفتر``), و after alef as a consonant (``زاوية``, Zawiya), تس and تز as the one sound of
   a Latin ts, tz and Russian ц (``هيرتز``, Hertz, Герц), Russian тс as ц (``Уотсон``,
   Watson).

=====  ================================  ==============  ============
class  Latin                             Arabic          Cyrillic
=====  ================================  ==============  ============
B P    b; p                              ب (also P); پ   б; п
F      f v ph, w (or nothing)            ف ڤ             ф, в (or nothing)
M N L  m n l r                           م ن ل ر         м н л р
R
T D    t, th (or S); d, dh (or Z)        ت ط; د ض, ذ     т; д
S Z    s c(e/i) ts (S; s later: or Z);   س ص, ث; ز ظ     с (or W); з
       z
W C    sh, sch (or J); ch tch tsch      ش; تش چ         ш щ; ч
J G    j (or nothing, or X) zh dj dzh;   ج (or G); غ گ   ж дж; г (or H)
       g gh (g before e/i: or J)
K H X  k q c ck; h; kh                   ق ك (ق or G);   к; х (X or H)
                                         ح ه; خ
=====  ================================  ==============  ============

Some letters are read two ways; a word then has up to :data:`MAX_KEYS` keys (:func:`name_keys`),
and two words *may* be the same name when their key sets meet; the scorer (:mod:`.score`)
decides on the whole word. :func:`name_key` is one key in coarser classes, the same for all
spellings, to use as a single identifier.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..rules.text import arabic_readings, fold, script_of

__all__ = ["ANY_VOWEL", "MAX_KEYS", "MIN_KEY", "Piece", "coarse", "initials", "is_vowel",
           "name_key", "name_keys", "readings"]

MIN_KEY = 2  # a key of fewer classes says too little to be a name
MAX_KEYS = 16

Piece = tuple[str, ...]  # the readings of one letter: classes, "" (dropped), or vowels
ANY_VOWEL: Piece = ("*",)  # a vowel of any sound, or none

# -- Latin: longest graphemes first; "" drops the letters
_LATIN_GRAPHEMES: dict[str, Piece] = {
    "tsch": ("C",), "dzh": ("J",), "sch": ("W", "J"), "tch": ("C",),
    "sh": ("W",), "ch": ("C", "W", "X", "K"), "zh": ("J",), "kh": ("X",), "gh": ("G",),
    "dj": ("J",), "th": ("T", "S"), "dh": ("D", "Z"), "ph": ("F",), "ts": ("TS", "S"),
    "tz": ("TS",), "ck": ("K",), "w": ("", "F"), "cz": ("C",),
    "ce": ("S", "C"), "ci": ("S", "C"), "cy": ("S",), "x": ("KS",),
    "b": ("B",), "p": ("P",), "f": ("F",), "v": ("F",), "m": ("M",), "n": ("N",),
    "l": ("L",), "r": ("R",), "t": ("T",), "d": ("D",), "s": ("S",), "z": ("Z",),
    "c": ("K",), "k": ("K",), "q": ("K",), "h": ("H",), "g": ("G",), "j": ("J", "", "X"),
}
_VOWELS = frozenset("aeiouy")
_LATIN_RE = re.compile("|".join(sorted((re.escape(g) for g in _LATIN_GRAPHEMES),
                                       key=len, reverse=True)) + "|.")
# vowels, for the scorer (keys drop them): a piece "*" + the letters of a run of vowels
_LATIN_VOWELS: dict[str, Piece] = {v: ("*" + v,) for v in "aeiouy"}
_ARABIC_VOWELS: dict[str, Piece] = {v: ("*" + v,) for v in "اويعء"}
_ARABIC_CLASSES: dict[str, Piece] = {
    "ب": ("B", "P"), "پ": ("P",), "ف": ("F",), "ڤ": ("F",), "م": ("M",), "ن": ("N",),
    "ل": ("L",), "ر": ("R",), "ت": ("T",), "ط": ("T",), "د": ("D",), "ض": ("D",),
    "ث": ("T", "S"), "ذ": ("D", "Z"), "ظ": ("Z", "D"), "س": ("S",), "ص": ("S",), "ز": ("Z",),
    "ش": ("W",), "چ": ("C",), "ژ": ("J",), "ج": ("J", "G"), "غ": ("G",), "گ": ("G",),
    "ق": ("K", "G"), "ك": ("K",), "ک": ("K",), "خ": ("X",), "ح": ("H",), "ه": ("H",),
}

# تس or تز read as one sound (a Latin ts, tz; Russian ц): a private letter in a reading
_TS, _TS_PIECE, _TS_RE = "\ue000", ("TS",), re.compile("ت[سز]")

_CYRILLIC_VOWELS: dict[str, Piece] = {v: ("*" + v,) for v in "аеиоуыэюяй"}
_CYRILLIC_CLASSES: dict[str, Piece] = {
    "б": ("B",), "п": ("P",), "ф": ("F",), "в": ("F", ""), "м": ("M",), "н": ("N",),
    "л": ("L",), "р": ("R",), "т": ("T",), "д": ("D",), "с": ("S", "W"), "з": ("Z",),
    "ш": ("W",), "щ": ("W",), "ч": ("C",), "ц": ("TS", "S"), "ж": ("J",), "ѕ": ("Z", "J"),
    "г": ("G", "H"), "к": ("K",), "х": ("X", "H"),
}
# Russian case endings, longest first (those of a vowel only vanish from keys anyway).
_RU_ENDINGS = ("ами", "ями", "ого", "его", "ому", "ему", "ом", "ем", "ым", "им", "ой", "ей",
               "ам", "ям", "ах", "ях", "ых", "их", "а", "я", "у", "ю", "е", "ы", "и")


def is_vowel(piece: Piece) -> bool:
    """Whether the piece is a run of vowels (else a consonant's classes)."""
    return piece[0][:1] == "*"


def _expand(pieces: list[Piece]) -> list[str]:
    """Every key the consonant pieces spell (at most MAX_KEYS, the first choices first)."""
    cons = [p for p in pieces if not is_vowel(p)]
    if pieces and is_vowel(pieces[0]):
        cons.insert(0, ("_",))
    elif cons and "" in cons[0]:
        cons[0] = tuple(a or "_" for a in cons[0])
    keys = [""]
    for alts in cons:
        keys = [k + a for k in keys for a in alts][:MAX_KEYS]
    return keys


def _add(pieces: list[Piece], piece: Piece) -> None:
    """Append a piece; a vowel after a vowel makes one vowel (ou, ия)."""
    if pieces and is_vowel(piece) and is_vowel(pieces[-1]):
        pieces[-1] = (pieces[-1][0] + piece[0][1:],)
    else:
        pieces.append(piece)


def latin_pieces(word: str) -> list[Piece]:
    """The pieces of a folded Latin word."""
    pieces: list[Piece] = []
    graphemes = _LATIN_RE.findall(word)
    prev = ""
    for i, g in enumerate(graphemes):
        nxt = graphemes[i + 1] if i + 1 < len(graphemes) else ""
        if g == prev or (g == "c" and nxt[:1] == "c"):  # a doubled letter is one (cci, cch)
            continue
        alts = _LATIN_GRAPHEMES.get(g) or _LATIN_VOWELS.get(g)
        if g == "h" and i > 0 and prev in _VOWELS and nxt not in _VOWELS:
            alts = ("H", "")  # a consonant (Ahmed) or a mute letter (John, Sarah)
        elif g == "w" and prev in _VOWELS and nxt not in _VOWELS:
            alts = ("*w",)  # aw, ow: a diphthong (Tawfiq توفيق, Marwan مروان)
        elif g in ("s", "z") and i > 0:
            alts = (g.upper(), "Z" if g == "s" else "S")  # Rose, Jones: Джонс, جونز; Gómez
        elif g == "z":
            alts = ("Z", "S")  # German and Italian z: Zeitlin, Цейтлин
        elif g == "ck" and nxt in ("i", "y") and i + 2 == len(graphemes):
            _add(pieces, ("", "TS"))  # Polish -cki: -цкий (Kondracki, Кондрацкий)
        elif g == "g" and nxt[:1] in ("e", "i", "y"):
            alts = ("G", "J")  # George, Giuseppe
        elif g == "c" and not nxt and prev in _VOWELS:
            alts = ("K", "C")  # Slavic -ić, -ič (folded: -ic): Бартолович
        elif g == "s" and i == 0 and nxt in ("t", "p"):
            alts = ("S", "W")  # German st, sp: Steinhoff, Штайнхофф
        elif g in ("ch", "sh") and nxt == "i":
            alts = (*(alts or ()), "T" if g == "ch" else "S")  # Japanese chi ти, shi си
        prev = g
        if alts == ("KS",):  # x: two letters elsewhere (Декстер, دكستر)
            _add(pieces, ("K",))
            alts = ("S",)
        if alts is not None:
            _add(pieces, alts)
        if g in ("ce", "ci", "cy"):  # the vowel is read too (Винченцо, Cecil)
            _add(pieces, _LATIN_VOWELS[g[1]])
    return pieces


def latin_forms(word: str) -> list[str]:
    """A folded Latin word, and without the endings other scripts leave out of a name: Latin
    -us after a consonant or i (Albertus, Альберт; not -aus: Nicolaus is not Nicola), a
    French mute t, d, x after e, o or r (Gaspard, Гаспар; not after a: Marat, Rabat), when
    three consonants are left. A final s stays: Russian and Arabic write it (Edwards,
    Эдвардс, إدواردز). A Scottish or Irish Mc before a consonant is also read Mac, as
    Russian and Arabic write it (McGregor, Макгрегор, ماكغريغور)."""
    out = [word]
    if word.startswith("mc") and len(word) > 3 and word[2] not in _VOWELS:
        out.append("ma" + word[1:])
    if len(word) >= 5:
        if word.endswith("us") and word[-3] not in "aeou":
            out.append(word[:-2])
        elif word[-1] in "tdx" and word[-2] in "eor":
            out.append(word[:-1])
    # what is left must keep three consonants: Perot without its t would be Перв(ой)
    return out[:1] + [w for w in out[1:]
                      if sum(not is_vowel(p) for p in latin_pieces(w)) >= 3]


def arabic_pieces(word: str) -> list[Piece]:
    """The pieces of a folded Arabic word."""
    word = word.replace("تش", "چ")
    if len(word) > 2 and word.endswith("ه"):
        word = word[:-1] + "ء"  # teh marbuta (and a final h): a vowel of its own
    pieces: list[Piece] = []
    prev = ""
    for ch in word:
        alts = _ARABIC_CLASSES.get(ch) or _ARABIC_VOWELS.get(ch) \
            or (_TS_PIECE if ch == _TS else None)
        if alts is not None and ch != prev:
            _add(pieces, alts)
        prev = ch
    return pieces


def cyrillic_pieces(word: str) -> list[Piece]:
    """The pieces of a folded Cyrillic word."""
    word = word.replace("дж", "ж").replace("дз", "ѕ")  # ѕ: Japanese z and j
    pieces: list[Piece] = []
    prev = ""
    for ch in word:
        alts = _CYRILLIC_CLASSES.get(ch) or _CYRILLIC_VOWELS.get(ch)
        if alts is not None and ch != prev:
            _add(pieces, alts if pieces or ch != "в" else ("F",))  # Вагнер is no Агнер
        prev = ch
    return pieces


def readings(word: str) -> list[list[Piece]]:
    """The pieces of every reading of a folded word: as written, and without what running
    text adds to a name (a Russian case ending, the Arabic article), that reading first."""
    script = script_of(word)
    if script == "latin":
        return [latin_pieces(w) for w in latin_forms(word)] if word.isalpha() else []
    if script == "arabic":
        forms = [word, *arabic_readings(word)]  # without proclitics (وحفتر: حفتر) too
        forms += [f[2:] for f in forms if f.startswith("ال") and len(f) >= 5]
        # (the article, or Al- of Albert); and و after a long a is also a consonant: زاوية
        # is Zawiya, حوار is Hiwar
        forms += [f.replace("او", "اڤ") for f in forms if "او" in f[1:]]
        # and تس, تز are also the one sound of a Latin ts, tz (Muramatsu موراماتسو, Hertz
        # هيرتز), as Russian ц is
        forms += [_TS_RE.sub(_TS, f) for f in forms if _TS_RE.search(f)]
        return [arabic_pieces(f) for f in forms]
    if script == "cyrillic":
        out = [cyrillic_pieces(word)]
        for end in _RU_ENDINGS:
            if word.endswith(end) and len(word) - len(end) >= 3:
                stem = cyrillic_pieces(word[: -len(end)])
                # the ending replaced the name's own final vowel, if it had one (Мисраты:
                # Мисрата): any vowel, or none, for free
                if stem:
                    out.insert(0, stem if is_vowel(stem[-1]) else [*stem, ANY_VOWEL])
                break
        if "тс" in word:  # and тс is also the one piece of a Latin ts (Watson, Уотсон)
            out += readings(word.replace("тс", "ц"))
        return out
    return []


def _class_letters() -> dict[str, str]:
    """For each class (and "_", a dropped first letter), the letters a word of any script
    may start with when its key starts with that class."""
    out: dict[str, set[str]] = {}
    tables: list[dict[str, Piece]] = [_LATIN_GRAPHEMES, _ARABIC_CLASSES, _CYRILLIC_CLASSES]
    for table in tables:
        for letters, alts in table.items():
            for a in alts:
                out.setdefault(a[:1] or "_", set()).add(letters[0])
    for vowels in (_LATIN_VOWELS, _ARABIC_VOWELS, _CYRILLIC_VOWELS):
        out.setdefault("_", set()).update(vowels)
    out["_"].update("أإآؤئ")  # hamza forms of alef (folded away, but indexed as written)
    out["J"].add("д")  # дж
    out["C"].add("т")  # تش is C; Latin tsch, tch
    out["Z"].add("д")  # дз
    return {k: "".join(sorted(v)) for k, v in out.items()}


_CLASS_LETTERS = _class_letters()


def initials(word: str) -> str:
    """The letters (lower case, any script) a spelling of the name ``word`` may start with,
    before any proclitic: for looking a name up in an index of words by first letter."""
    return "".join(sorted({c for k in name_keys(word) for c in _CLASS_LETTERS.get(k[0], "")}))


def _skeletons(word: str) -> list[str]:
    return [k for r in readings(word) for k in _expand(r)]


@lru_cache(maxsize=1 << 17)
def name_keys(word: str) -> frozenset[str]:
    """Every key of one word (any script, folded or not); empty when it can be no name key
    (another script, digits, or fewer than :data:`MIN_KEY` consonant classes)."""
    w = fold(word)
    return frozenset(k for k in _skeletons(w) if len(k.lstrip("_")) >= MIN_KEY)


# name_key's coarser classes: letters one script tells apart and another does not (Russian х
# is h and kh, Arabic ج is j and g...) are one, so that one identifier serves all spellings.
_COARSE = str.maketrans({"H": "K", "X": "K", "J": "G", "W": "S", "C": "S", "Z": "S",
                         "D": "T", "P": "B"})


def coarse(key: str) -> str:
    """A key in :func:`name_key`'s coarser classes."""
    return key.translate(_COARSE)


@lru_cache(maxsize=1 << 17)
def name_key(word: str) -> str | None:
    """The key of one word token in Latin, Arabic or Cyrillic script, the same for its
    spellings in the three (``Haftar``, ``حفتر``, ``Хафтар`` → ``KFTR``); None when the word
    cannot be a name key (too short, digits, another script). It is the first of
    :func:`name_keys` in coarser classes (h, kh and k one; j and g; s, z, sh and ch; t and d;
    b and p): one identifier for grouping; to tell whether two words are one name, compare
    their :func:`name_keys` and :func:`~.score.same_name`."""
    w = fold(word)
    for k in _skeletons(w):
        if len(k.lstrip("_")) >= MIN_KEY:
            return coarse(k)
    return None
