"""Rebuild ``src/watchdesk/names/names.json``: the name scorer's learned vowel table and limit.

Data: the Wikidata name-token pairs of Merhav & Ash, "Design Challenges in Named Entity
Transliteration" (COLING 2018), github.com/steveash/NETransliteration-COLING2018, CC0
(files data/wd_arabic_80, _20, wd_russian_80, _20: English token, target letters separated by
spaces, count). Give their folder (or a bare git directory of the repository)::

    python tools/names_tune.py --data PATH [--out src/watchdesk/names/names.json]

Pairs are split by a hash of the English token (:func:`held_out`): one in five is held out
for ``benchmarks/names.py`` and never seen here. On the rest, three rounds of: align every pair
whose keys meet with the current costs (:func:`watchdesk.names.score.pair_ops`), count each
vowel correspondence, and set its cost to ln(commonest / this one) for the same Latin letters
(for an Arabic or Cyrillic vowel left over: for the same letters on that side), capped at
``CAP``; correspondences seen fewer than ``MIN_COUNT`` times are left out (cost ``unknown``).
The limit is then the largest that keeps confusions with other names (500 names of three
consonants or more) at most ``--confusions`` per word.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import random
import subprocess
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from watchdesk.names import keys, score, table
from watchdesk.rules.text import fold

CAP = 1.0
SHORT = 0.1
MUTE_E = 0.2
EXTRA = 0.5
SCALE = 0.5
MIN_COUNT = 3
SCRIPTS = {"arabic": "ar", "russian": "ru"}
FIXED = {"silent": 0.05, "unknown": 0.5, "same_script": 0.3}


def held_out(english: str) -> bool:
    """The benchmark's share of the pairs: one English token in five, by hash."""
    return zlib.crc32(english.encode("utf-8")) % 5 == 0


def read_pairs(data: Path, script: str) -> list[tuple[str, str, int]]:
    """(English, target word, count) of both slices of ``script`` (arabic or russian)."""
    out = []
    for part in ("80", "20"):
        name = f"data/wd_{script}_{part}"
        if (data / name).exists():
            text = (data / name).read_text(encoding="utf-8")
        else:  # a bare git directory
            text = subprocess.run(["git", f"--git-dir={data}", "show", f"HEAD:{name}"],
                                  check=True, capture_output=True, text=True).stdout
        for line in text.splitlines():
            en, target, count = line.split("\t")
            out.append((en, target.replace(" ", ""), int(count)))
    return out


def best_ops(en: str, target: str, lang: str) -> list[str]:
    best: tuple[float, list[str]] = (99.0, [])
    for a in keys.readings(fold(en)):
        for b in keys.readings(fold(target)):
            d = score.pieces_distance(a, "la", b, lang)
            if d < best[0]:
                best = (d, score.pair_ops(a, "la", b, lang))
    return best[1]


def learn(pairs: dict[str, list[tuple[str, str]]]) -> dict[str, float]:
    counts: collections.Counter[str] = collections.Counter()
    for lang, rows in pairs.items():
        for en, target in rows:
            counts.update(op for op in best_ops(en, target, lang) if "||" not in f"|{op}|")
    # a correspondence is weighed against the commonest one of the same letters, wherever
    # they stand ("i$|ar", a final i left out in Arabic, against "i|ي")
    by_latin: dict[str, int] = collections.defaultdict(int)
    by_other: dict[str, int] = collections.defaultdict(int)
    for k, n in counts.items():
        x, y = (part.rstrip("$") for part in k.split("|"))
        if x != "la":
            by_latin[f"{x}|{_lang_of(y)}"] = max(by_latin[f"{x}|{_lang_of(y)}"], n)
        if y not in SCRIPTS.values():
            by_other[y] = max(by_other[y], n)
    out: dict[str, float] = {}
    for k, n in counts.items():
        if n < MIN_COUNT:
            continue
        x, y = (part.rstrip("$") for part in k.split("|"))
        top = by_other[y] if x == "la" else by_latin[f"{x}|{_lang_of(y)}"]
        out[k] = round(min(CAP, SCALE * math.log(top / n)), 3)
        if k in ("e$|ar", "e$|ru"):  # a mute final e (Sirte: Сирт, سرت; Clarke: Кларк)
            out[k] = min(out[k], MUTE_E)
        if y in ("ar", "ru") and not k.split("|")[0].endswith("$"):
            out[k] = min(out[k], SHORT if y == "ar" else EXTRA)
        if y == "ar" and not k.split("|")[0].endswith("$"):
            # Arabic writes no short vowel: the pairs (western names, their vowels written
            # long in Arabic) do not show it, Arabic names in Latin letters do (Haftar, حفتر)
            out[k] = min(out[k], SHORT)
    return out


def _lang_of(y: str) -> str:
    if y in SCRIPTS.values():
        return y
    return "ru" if any("\u0400" <= c < "\u0530" for c in y) else "ar"


def confusion_curve(rows: list[tuple[str, str, int]], lang: str) -> list[tuple[float, float,
                                                                             float]]:
    """(limit, recall, other-name matches per word) on 500 names of the training part."""
    rnd = random.Random(7)
    rows = [r for r in rows if not held_out(r[0])]
    rnd.shuffle(rows)
    names = list(dict.fromkeys(
        e for e, _, n in rows
        if n >= 2 and keys.name_keys(e)
        and min(len(k.lstrip("_")) for k in keys.name_keys(e)) >= 3))[:500]
    alias: dict[str, set[str]] = collections.defaultdict(set)
    for e, t, _ in rows:
        alias[t].add(e)
    index: dict[str, set[str]] = collections.defaultdict(set)
    for e in names:
        for k in keys.name_keys(e):
            index[k].add(e)
    chosen = set(names)
    pos: list[float] = []
    neg: list[float] = []
    for e, t, _ in rows[:6000]:
        if e not in chosen:
            continue
        tk = keys.name_keys(t)
        pos.append(score.distance(e, t) if keys.name_keys(e) & tk else 99.0)
        for o in set().union(*(index.get(k, set()) for k in tk)) - {e} - alias[t]:
            neg.append(score.distance(o, t))
    out = []
    for limit in (0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 1.0):
        out.append((limit, sum(d <= limit for d in pos) / len(pos),
                    sum(d <= limit for d in neg) / len(pos)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parents[1] / "src/watchdesk/names/names.json")
    ap.add_argument("--confusions", type=float, default=0.03)
    ap.add_argument("--sample", type=int, default=30000)
    args = ap.parse_args()
    rnd = random.Random(1)
    all_rows = {lang: read_pairs(args.data, script) for script, lang in SCRIPTS.items()}
    train: dict[str, list[tuple[str, str]]] = {}
    for lang, rows in all_rows.items():
        usable = [(e, t) for e, t, _ in rows if not held_out(e)
                  and keys.name_keys(e) & keys.name_keys(t)]
        rnd.shuffle(usable)
        train[lang] = usable[:args.sample]
    vowels: dict[str, float] = {}
    for rnd_no in range(3):
        table.COSTS.clear()
        table.COSTS.update({**FIXED, "limit": 99.0})
        table.VOWELS.clear()
        table.VOWELS.update(vowels)
        score.distance.cache_clear()
        vowels = learn(train)
        print(f"round {rnd_no + 1}: {len(vowels)} vowel correspondences", file=sys.stderr)
    table.VOWELS.clear()
    table.VOWELS.update(vowels)
    score.distance.cache_clear()
    limit = 0.3
    curves = {lang: confusion_curve(rows, lang) for lang, rows in all_rows.items()}
    for lang, curve in curves.items():
        for lim, rec, conf in curve:
            print(f"{lang} limit {lim}: recall {rec:.3f}, other names {conf:.3f} per word",
                  file=sys.stderr)
    for lim, _, _ in curves["ar"]:
        if all(dict((c[0], c[2]) for c in curve)[lim] <= args.confusions
               for curve in curves.values()):
            limit = lim
    data = {"source": "Wikidata name pairs, NETransliteration-COLING2018 (CC0); "
                      "tools/names_tune.py",
            "costs": {**FIXED, "limit": limit},
            "vowels": dict(sorted(vowels.items()))}
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n",
                        encoding="utf-8")
    print(f"limit {limit}; wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
