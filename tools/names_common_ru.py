"""Rebuild ``src/watchdesk/names/frequent_ru.txt``: frequent Russian word forms, names only
when spelled exactly as the query.

Russian declines its nouns and conjugates its verbs, and a capitalised word at the start of
a sentence may be any of them: Сыну "to the son" spells Shinji's consonants and vowels
(distance 0.05). The list is the ``--top`` most frequent Russian word forms of wordfreq
(Robyn Speer, https://github.com/rspeer/wordfreq; its data CC-BY-SA 4.0, see
``src/watchdesk/names/COMMON-AR-LICENSE.md``), folded, *without* the forms that are names: a
form that is, or without a case ending is, a Russian spelling of a name in the *tuning* part
of the NETransliteration-COLING2018 Wikidata pairs (CC0; the benchmark's held-out fifth,
:func:`names_tune.held_out`, is never read), also when the ending took the name's own final
vowel or soft sign (Москвы: Москва; Игоря: Игорь). A form of the list is a name only at
distance 0 from the query (:func:`watchdesk.names.frequent.limit`): Путина is still Putin.

wordfreq is needed only here, not by watchdesk::

    pip install wordfreq==3.1.1
    PYTHONPATH=src python tools/names_common_ru.py --data PATH/TO/NETransliteration-COLING2018
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

from watchdesk.names.keys import _RU_ENDINGS  # noqa: E402
from watchdesk.rules.text import fold, script_of  # noqa: E402

OUT = ROOT / "src" / "watchdesk" / "names" / "frequent_ru.txt"
TOP = 5000
MIN_PAIRS = 2
HEADER = """\
# The most frequent Russian word forms that are not names, folded, one a line.
# Derived from wordfreq 3.1.1 (https://github.com/rspeer/wordfreq), whose data is licensed
# CC-BY-SA 4.0: see COMMON-AR-LICENSE.md beside this file. Rebuilt by
# tools/names_common_ru.py {opts}; do not edit by hand.
"""


def name_stems(data: Path) -> set[str]:
    """The folded Russian spellings of names seen at least MIN_PAIRS times in the tuning
    part of the pairs (a spelling seen once is noise: сын "son" for Lugaid), and each
    without its final vowel or soft sign (what a case ending replaces)."""
    seen: Counter[str] = Counter()
    for en, t, count in read_pairs(data, "russian"):
        if not held_out(en):
            seen[fold(t)] += count
    out: set[str] = set()
    for f, n in seen.items():
        if n >= MIN_PAIRS:
            out.add(f)
            if f[-1:] in "аяоеьйи":
                out.add(f[:-1])
    return out


def is_name(form: str, stems: set[str]) -> bool:
    """Whether a folded form is a name's spelling, as written or without a case ending."""
    return form in stems or any(
        form.endswith(end) and form[: -len(end)] in stems for end in _RU_ENDINGS)


def build(data: Path, top: int) -> tuple[list[str], int]:
    stems = name_stems(data)
    kept, names = [], 0
    for w in wordfreq.top_n_list("ru", top):
        f = fold(w)
        if len(f) < 3 or script_of(f) != "cyrillic" or not f.isalpha():
            continue
        if is_name(f, stems):
            names += 1
            continue
        kept.append(f)
    return sorted(set(kept)), names


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True,
                    help="NETransliteration-COLING2018 checkout or bare git directory")
    ap.add_argument("--top", type=int, default=TOP, help="Russian word forms read")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    words, names = build(args.data, args.top)
    text = HEADER.format(opts=f"--top {args.top}") + "".join(w + "\n" for w in words)
    args.out.write_text(text, encoding="utf-8")
    print(f"{len(words)} words kept, {names} left out as names -> {args.out}")


if __name__ == "__main__":
    main()
