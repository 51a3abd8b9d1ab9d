"""Rebuild ``src/watchdesk/names/common_ar.txt``, ``frequent_ar.txt``, ``close_ar.txt``: frequent
Arabic words.

In Arabic, which writes no capitals and no short vowels, a name of three consonants is
spelled like many ordinary words; a word of this list is never taken for a name in a
document (:func:`watchdesk.names.common.may_be_name`). The list is the ``--top`` most
frequent Arabic word forms of wordfreq (Robyn Speer, https://github.com/rspeer/wordfreq; its
data CC-BY-SA 4.0, see ``src/watchdesk/names/COMMON-AR-LICENSE.md``), folded, *without* the
forms that are names: a form that is, or without its proclitics or article is, the Arabic
spelling of a name in the *tuning* part of the NETransliteration-COLING2018 Wikidata pairs
(CC0; the benchmark's held-out fifth, :func:`names_tune.held_out`, is never read), and
without the forms that behave as proper nouns in wordfreq's counts (:func:`proper`): a
common noun or adjective is frequent with the article too (سرعة, السرعة), a place or a name
is not (بغداد; البغداد is rare) but is after ب (ببغداد), unlike verbs and adverbs.

The ``--top`` first forms go to ``common_ar.txt`` (never names); the next ones, up to
``--strict-top``, to ``frequent_ar.txt`` (names only when spelled with the query's vowels:
:mod:`watchdesk.names.frequent`); the forms with the article among the ``--close-top`` first
that behave as proper nouns but are no known names, and the other forms with the article
ranked between ``--strict-top`` and ``--close-top`` (الجنح "the misdemeanours"; not one
that is a name's spelling under the article, however rare: المنذر, Mondher's), to
``close_ar.txt`` (names only when
spelled closely). The forms ranked after ``--strict-top``, up to ``--possessed-top``, that
are a frequent word with an attached pronoun (:func:`possessed_forms`: ذراعه "his arm") go to
``frequent_ar.txt`` too: past the cut, their shape still tells them.

wordfreq is needed only here, not by watchdesk::

    pip install wordfreq==3.1.1
    PYTHONPATH=src python tools/names_common.py --data PATH/TO/NETransliteration-COLING2018
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

import wordfreq  # noqa: E402
from names_tune import held_out, read_pairs  # noqa: E402

from watchdesk.rules.text import arabic_readings, fold, script_of  # noqa: E402

OUT = ROOT / "src" / "watchdesk" / "names" / "common_ar.txt"
STRICT_OUT = OUT.with_name("frequent_ar.txt")
CLOSE_OUT = OUT.with_name("close_ar.txt")
TOP = 5000
STRICT_TOP = 20000
CLOSE_TOP = 50000
POSSESSED_TOP = 200000
HEADER = """\
# The {what} Arabic word forms that are not names, folded, one a line.
# Derived from wordfreq 3.1.1 (https://github.com/rspeer/wordfreq), whose data is licensed
# CC-BY-SA 4.0: see COMMON-AR-LICENSE.md beside this file. Rebuilt by
# tools/names_common.py {opts}; do not edit by hand.
"""

CLOSE_HEADER = """\
# Arabic word forms that are names only when spelled closely, folded, one a line: the
# frequent forms with the article that behave as proper nouns in the counts (proper()) but
# are no spelling of a name in the pairs, and the other forms with the article ranked after
# --strict-top that are no name either. Derived from wordfreq 3.1.1 (https://github.com/rspeer/wordfreq),
# whose data is licensed CC-BY-SA 4.0: see COMMON-AR-LICENSE.md beside this file. Rebuilt by
# tools/names_common.py {opts}; do not edit by hand.
"""


MARGIN = 1.3  # the article form this much rarer (Zipf, ~20 times) makes a proper noun
ART_MARGIN = 0.7  # a form with the article: its bare form this much rarer (~5 times) makes one
MIN_PAIRS = 2  # a spelling of names seen fewer times in the pairs is no evidence (noise)
RARE_NAME = 5  # ... seen fewer times, no evidence against a common noun's article form
AFTER = 2.0  # ... if the form after ب, و or ل is at most this much rarer (100 times)
PRONOUN_MARGIN = 1.5  # a form with ه or ها at most this much rarer (~30 times): no name


def _zipf(word: str) -> float:
    return float(wordfreq.zipf_frequency(word, "ar"))


# the attached pronouns of a noun (رأسك "your head", ذراعه "his arm"), longest first
_SUFFIXES = ("هما", "كما", "ها", "هم", "هن", "كم", "كن", "نا", "ه", "ك")


def _possessed(word: str) -> bool:
    """Whether a form is a frequent word with an attached pronoun (رأسك: رأس "head" + ك
    "your"), which a name rarely carries: the word alone (or in ة, written ت before the
    pronoun: هجمته, هجمة) at least as frequent."""
    z = _zipf(word)
    for end in _SUFFIXES:
        stem = word[: -len(end)]
        if word.endswith(end) and len(stem) >= 3 and not stem.startswith("ال"):
            stems = (stem, stem[:-1] + "ة") if stem.endswith("ت") else (stem,)
            return any(_zipf(s) >= z for s in stems)
    return False


def proper(word: str, art_margin: float = ART_MARGIN) -> bool:
    """Whether a frequent form behaves as a proper noun in wordfreq's counts: with the
    article, its bare form is rare (الموصل, موصل); without it, it is rare with the article
    and common after the preposition ب "in, with" and the conjunctions (ببغداد, وبغداد),
    as the names of places and people are, and neither verbs (يقول) nor adverbs (تماما) —
    which never take the article either — usually are; nor a form that takes an attached
    pronoun (توفره "its availability", بذلها: within :data:`PRONOUN_MARGIN`), which a name
    does not. Also as read without proclitics."""
    if _possessed(word):
        return False
    forms = (word, *arabic_readings(word))
    for form in forms:
        z = _zipf(form)
        if form.startswith("ال"):
            if z > 0 and _zipf(form[2:]) >= z - art_margin:
                return False
        elif "ال" + form in forms:
            continue  # the word's own article: decided above (الموصل is not موصل + ال)
        elif z >= 1.5 and _zipf("ال" + form) >= z - MARGIN:
            return False
    if word.startswith("ال"):
        return True
    z = _zipf(word)
    if max(_zipf(word + p) for p in ("ه", "ها")) >= z - PRONOUN_MARGIN:
        return False  # a noun or verb with a pronoun (توفره, بذلها): a name takes none
    after = {p: _zipf(p + word) for p in "بول"}
    return after["ب"] >= z - AFTER - 0.5 and max(after.values()) >= z - AFTER


def _common_article(word: str, folded: str, reading: str, pairs: int) -> bool:
    """Whether ``reading`` is ``folded`` without its article, a spelling of names seen fewer
    than :data:`RARE_NAME` times in the pairs (``pairs``), and the word is a common noun
    with the article (:func:`proper` false: the bare form is about as frequent), not that
    name's spelling under the article."""
    return (folded.startswith("ال") and reading == folded[2:] and pairs < RARE_NAME
            and not proper(word))


def _pair_names(data: Path) -> dict[str, int]:
    """The folded Arabic spellings of names seen at least MIN_PAIRS times in the tuning
    part of the pairs, with how many times."""
    seen: Counter[str] = Counter()
    for en, t, count in read_pairs(data, "arabic"):
        if not held_out(en):
            seen[fold(t)] += count
    return {t: n for t, n in seen.items() if n >= MIN_PAIRS}  # a spelling seen once: noise


def _teh_marbuta(word: str) -> bool:
    """Whether a form in ه is more often written with ة (جمانه, جمانة: the name Joumana,
    not جمان + ه "his pearls"): folded, both are one form."""
    return word.endswith("ه") and _zipf(word[:-1] + "ة") >= _zipf(word)


def possessed_forms(data: Path, start: int, stop: int) -> list[str]:
    """The forms ranked ``start`` to ``stop`` that are a frequent word with an attached
    pronoun (:func:`_possessed`: ذراعه "his arm"), not spellings of names: past the lists'
    cut, but their shape tells them (a name rarely carries a pronoun)."""
    names = _pair_names(data)
    ranked = wordfreq.top_n_list("ar", stop)
    before = {fold(w) for w in ranked[:start]}
    out: dict[str, None] = {}
    for w in ranked[start:]:
        f = fold(w)
        if (script_of(f) == "arabic" and f.isalpha() and f not in before and f not in names
                and not any(r in names for r in arabic_readings(f)) and _possessed(w)
                and not _teh_marbuta(w) and not w.endswith("ك")):
            # (ك "your" is rare in news, and many names end in -ak: Babak بابك, not باب + ك)
            out[f] = None
    return list(out)


def build(data: Path, top: int, art_margin: float = ART_MARGIN, article_top: int = STRICT_TOP
          ) -> tuple[list[str], list[str], int]:
    """The kept forms among the ``top`` most frequent, in order of frequency; the forms that
    behave as proper nouns without being spellings of names in the pairs; and how many
    forms were left out as names. A common noun's article form whose bare form is a rare
    name's spelling (:func:`_common_article`) is kept among the ``article_top`` first only:
    further down, a name's evidence is worth more than the word's (المنذر, Mondher)."""
    names = _pair_names(data)
    kept: dict[str, None] = {}
    decided: set[str] = set()
    proper_forms: list[str] = []
    as_name = 0
    for rank, w in enumerate(wordfreq.top_n_list("ar", top)):
        f = fold(w)
        if script_of(f) != "arabic" or not f.isalpha() or f in decided:
            continue
        decided.add(f)  # by its most frequent spelling (الإسكندرية, not الاسكندريه)
        # a name, or a name under a proclitic (وبغداد) -- unless the word is more frequent
        # than that name alone (بديل "alternative" is not ب + ديل, Dell), or is a rare
        # name's spelling with the article and as frequent as it, as a common noun's
        # article form is (الجناح "the wing", السوبر: not the article on جناح, Jinnah's in
        # 4 pairs, nor on سوبر, 2; القاسم, 45, stays al-Qasim)
        if f in names or any(r in names and _zipf(r) >= _zipf(w)
                             and not (rank < article_top
                                      and _common_article(w, f, r, names[r]))
                             for r in arabic_readings(f)):
            as_name += 1
        elif proper(w, art_margin):
            if f.startswith("ال"):  # (without it, سرت and طبرق are Sirte and Tobruk)
                proper_forms.append(f)
        else:
            kept[f] = None
    return list(kept), proper_forms, as_name


def _write(path: Path, header: str, words: list[str]) -> None:
    path.write_text(header + "\n".join(sorted(words)) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True,
                    help="NETransliteration-COLING2018 checkout or bare git directory")
    ap.add_argument("--top", type=int, default=TOP,
                    help="Arabic word forms read for common_ar.txt (never names)")
    ap.add_argument("--strict-top", type=int, default=STRICT_TOP,
                    help="Arabic word forms read in all; those after --top go to "
                         "frequent_ar.txt (names only when spelled closely)")
    ap.add_argument("--close-top", type=int, default=CLOSE_TOP,
                    help="Arabic word forms read for close_ar.txt: the proper-looking ones "
                         "with the article, and the others after --strict-top (names only "
                         "when spelled closely)")
    ap.add_argument("--possessed-top", type=int, default=POSSESSED_TOP,
                    help="Arabic word forms read for the frequent words with an attached "
                         "pronoun added to frequent_ar.txt (past --strict-top and "
                         "--close-top; 0: none)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--strict-out", type=Path, default=STRICT_OUT)
    ap.add_argument("--close-out", type=Path, default=CLOSE_OUT)
    ap.add_argument("--art-margin", type=float, default=ART_MARGIN)
    args = ap.parse_args()
    words, proper_forms, as_name = build(args.data, max(args.strict_top, args.close_top),
                                         args.art_margin, args.strict_top)
    ranked = [fold(x) for x in wordfreq.top_n_list("ar", args.strict_top)]
    first, upto = set(ranked[:args.top]), set(ranked)
    common = [w for w in words if w in first]
    frequent = [w for w in words if w in upto and w not in first]
    start = args.strict_top
    if args.possessed_top > start:
        frequent += [w for w in possessed_forms(args.data, start, args.possessed_top)
                     if w not in upto]
    # with the proper-looking forms, the kept forms with the article after --strict-top
    close = proper_forms + [w for w in words if w not in upto and w.startswith("ال")]
    opts = (f"--top {args.top} --strict-top {args.strict_top} --close-top {args.close_top} "
            f"--art-margin {args.art_margin} --possessed-top {args.possessed_top}")
    _write(args.out, HEADER.format(what="most frequent", opts=opts), common)
    _write(args.strict_out, HEADER.format(what="next most frequent", opts=opts), frequent)
    _write(args.close_out, CLOSE_HEADER.format(opts=opts), close)
    print(f"{len(common)} + {len(frequent)} words kept, {len(close)} with the article held "
          f"closely, {as_name} left out as names "
          f"-> {args.out}, {args.strict_out}, {args.close_out}")


if __name__ == "__main__":
    main()
