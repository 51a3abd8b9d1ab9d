"""Rebuild ``src/watchdesk/names/spellings.tsv.gz``: known Arabic and Russian spellings of Latin
names, for explaining a look-alike away (:mod:`watchdesk.names.explain`).

Data: the Wikidata name-token pairs of NETransliteration-COLING2018 (CC0, as for
``tools/names_tune.py``), the *tuning* part only: the English tokens of the held-out fifth
(:func:`names_tune.held_out`, the benchmark's names) are never read, so that no benchmark
name is in the table. Each Arabic or Russian token, folded, gets the ``--top`` English tokens
that the pairs spell that way most often (أندريا: andrea andrija andreea), if seen at least
``--min-count`` times in all (2). Left out, as no evidence of a name: an Arabic token that is
a frequent common word (``common_ar.txt``, ``frequent_ar.txt``; few are in the pairs, since
those lists leave out the known spellings of names: العظيم "the great", Azim's in the pairs,
stays), a pair the scorer does not read as one name (beyond its limit: misaligned tokens),
and tokens of fewer than three letters. The
vowel differences between the English tokens of one spelling (all of them, not only the
``--top``) are counted into the table's first line (:func:`alike_ops`).

    PYTHONPATH=src python tools/names_spellings.py --data PATH/TO/NETransliteration-COLING2018
"""

from __future__ import annotations

import argparse
import gzip
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from names_tune import held_out, read_pairs  # noqa: E402

from watchdesk.names import explain, score  # noqa: E402
from watchdesk.names.frequent import COMMON_AR, FREQUENT_AR  # noqa: E402
from watchdesk.names.table import COSTS  # noqa: E402
from watchdesk.rules.text import fold  # noqa: E402

OUT = ROOT / "src" / "watchdesk" / "names" / "spellings.tsv.gz"
HEADER = """\
# Known Arabic and Russian spellings of Latin name tokens: a folded spelling, a tab, the
# commonest English tokens the pairs write so with their counts (token:count, spaces).
# First, after "=", the vowel differences between the tokens listed for one spelling, with
# theirs. Derived from the Wikidata name pairs of NETransliteration-COLING2018 (CC0 1.0,
# see NAMES-DATA.md), without the held-out fifth. Rebuilt by tools/names_spellings.py
# {opts}; do not edit by hand.
"""


def build(data: Path, top: int, min_count: int, keep_frequent: bool,
          all_pairs: bool = False) -> dict[str, list[tuple[str, int]]]:
    """Folded spelling -> its commonest English tokens that the scorer reads as that
    spelling (within its limit)."""
    limit = COSTS["limit"]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for script in ("arabic", "russian"):
        for en, target, n in read_pairs(data, script):
            if held_out(en) or not en.isalpha():
                continue
            counts[fold(target)][fold(en)] += n
    frequent = COMMON_AR | FREQUENT_AR
    out: dict[str, list[tuple[str, int]]] = {}
    for spelling, latin in counts.items():
        if len(spelling) < 3 or sum(latin.values()) < min_count:
            continue
        if not keep_frequent and spelling in frequent:
            continue
        # a pair the scorer does not read as one name is no evidence (misaligned tokens:
        # Морон for catellano, بافلين for evelyne)
        agreed = [(en, n) for en, n in latin.most_common()
                  if all_pairs or score.distance(en, spelling) <= limit]
        if agreed:
            out[spelling] = agreed[:top]
    return out


def alike_ops(table: dict[str, list[tuple[str, int]]]) -> Counter[str]:
    """The vowel differences between the Latin names listed for one spelling (Haftar,
    Hafter for حفتر: ``a|e``), when only vowels differ, with how often each is seen."""
    out: Counter[str] = Counter()
    for latin in table.values():
        for (a, _), (b, _) in combinations(latin, 2):
            d, ops = explain.latin_ops(a, b)
            if d < 1.0:
                out.update(ops)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--keep-frequent", action="store_true",
                    help="keep the Arabic tokens that are frequent common words (to measure)")
    ap.add_argument("--all-pairs", action="store_true",
                    help="keep the pairs the scorer does not read as one name (to measure)")
    args = ap.parse_args()
    full = build(args.data, 99, args.min_count, args.keep_frequent, args.all_pairs)
    ops = alike_ops(full)
    table = {s: latin[:args.top] for s, latin in full.items()}
    opts = f"--top {args.top} --min-count {args.min_count}" + (
        " --keep-frequent" if args.keep_frequent else "") + (
        " --all-pairs" if args.all_pairs else "")
    lines = [HEADER.format(opts=opts).rstrip("\n"),
             f"{explain.OPS_KEY}\t{' '.join(f'{op}:{n}' for op, n in ops.most_common())}"]
    lines += [f"{s}\t{' '.join(f'{en}:{n}' for en, n in latin)}"
              for s, latin in sorted(table.items())]
    # mtime 0: the same data gives the same bytes
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"{len(table)} spellings; wrote {args.out} ({args.out.stat().st_size} bytes)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
