"""Rebuild ``src/watchdesk/names/participles_ar.txt``: Arabic adjectives of the participle's
shape, whose form with the article is no name.

An Arabic active participle (فاعل: صاعد "rising", مارق "renegade", قاطن "resident", and
from roots with a doubled or weak letter ضارّ "harmful", راقٍ "refined") is an adjective:
it has a feminine in ة about as frequent as itself (مارقة, ضارة, راقية). With the article
(المارقة, الضارة, الصاعد) it reads as a name of three consonants and a long a (Marga,
Daraa), as a place's name with the article does (الزاوية, Zawiya). What sets them apart is
the word without ة: زاوية "corner" is a noun, its masculine زاوي is rare (Zipf 2.4 against
4.5), while ضار and ضارة are equally common. A form of this list with the article, or with
the article and ة, is no name (``watchdesk.names.shape``).

The list: the wordfreq forms (the ``--top`` most frequent, CC-BY-SA 4.0, see
``src/watchdesk/names/COMMON-AR-LICENSE.md``) of the participle's shape — C ا C C, the third
letter no long vowel (a hamza on ي allowed: زائف, قائم), the fourth ي allowed (راقي), or
C ا C (ضار) — that are at least ``--min-zipf`` frequent, whose feminine in ة is too, at most
``--gender-gap`` apart (an adjective, not a noun); less the forms that are, with or without
the article and ة, the Arabic spelling of a name in the *tuning* part of the
NETransliteration-COLING2018 pairs (CC0; the held-out fifth is never read), and those whose
article forms, among the 50,000 first, behave as proper nouns in the counts
(``names_common.proper``: الشام, القاهرة).

wordfreq is needed only here, not by watchdesk::

    pip install wordfreq==3.1.1
    PYTHONPATH=src python tools/names_participles.py --data PATH/TO/NETransliteration-COLING2018
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

import wordfreq  # noqa: E402
from names_common import CLOSE_TOP, _pair_names, proper  # noqa: E402

from watchdesk.rules.text import fold, script_of  # noqa: E402

OUT = ROOT / "src" / "watchdesk" / "names" / "participles_ar.txt"
TOP = 200000
MIN_ZIPF = 2.0  # about once in 10 million words
GENDER_GAP = 1.0  # masculine and feminine within 10 times each other's frequency
HEADER = """\
# Arabic adjectives of the active participle's shape (masculine, folded, one a line): with
# the article, with or without ة, no name. Derived from wordfreq 3.1.1
# (https://github.com/rspeer/wordfreq), whose data is licensed CC-BY-SA 4.0: see
# COMMON-AR-LICENSE.md beside this file. Rebuilt by tools/names_participles.py {opts};
# do not edit by hand.
"""
_LONG = "اوىيءأإآ"


def participle_shape(word: str) -> bool:
    """Whether a raw wordfreq form has the active participle's shape: C ا C C (the third
    letter no long vowel, ئ allowed; the fourth a consonant or ي), or C ا C."""
    if word.endswith("ة") or word[1:2] != "ا" or word[0] in _LONG:
        return False
    if len(word) == 3:
        return word[2] not in _LONG
    return (len(word) == 4 and (word[2] == "ئ" or word[2] not in _LONG)
            and (word[3] == "ي" or word[3] not in _LONG))


def build(data: Path, top: int, min_zipf: float, gap: float) -> list[str]:
    """The folded masculine forms of the list (module docstring), in order of frequency."""
    names = _pair_names(data)
    ranked = {fold(w) for w in wordfreq.top_n_list("ar", CLOSE_TOP)}
    out: dict[str, None] = {}
    for w in wordfreq.top_n_list("ar", top):
        f = fold(w)
        if f in out or script_of(f) != "arabic" or not f.isalpha() or not participle_shape(w):
            continue
        zm = wordfreq.zipf_frequency(w, "ar")
        zf = wordfreq.zipf_frequency(w + "ة", "ar")
        if zm < min_zipf or zf < min_zipf or abs(zm - zf) > gap:
            continue
        forms = {f, f + "ه", "ال" + f, "ال" + f + "ه"}
        if forms & names.keys() or any(fold(a) in ranked and proper(a)
                                       for a in ("ال" + w, "ال" + w + "ة")):
            continue  # a name's spelling, or a proper-looking article form (الشام)
        out[f] = None
    return list(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True,
                    help="NETransliteration-COLING2018 checkout or bare git directory")
    ap.add_argument("--top", type=int, default=TOP, help="Arabic word forms read")
    ap.add_argument("--min-zipf", type=float, default=MIN_ZIPF,
                    help="least Zipf frequency of the masculine and of the feminine")
    ap.add_argument("--gender-gap", type=float, default=GENDER_GAP,
                    help="greatest difference of their Zipf frequencies")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    words = build(args.data, args.top, args.min_zipf, args.gender_gap)
    opts = f"--top {args.top} --min-zipf {args.min_zipf} --gender-gap {args.gender_gap}"
    args.out.write_text(HEADER.format(opts=opts) + "\n".join(sorted(words)) + "\n",
                        encoding="utf-8")
    print(f"{len(words)} participles -> {args.out}")


if __name__ == "__main__":
    main()
