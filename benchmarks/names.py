"""Benchmark `name:`: recall and precision on Arabic and Russian text, and its cost.

Names (none of them seen while tuning, see tools/names_tune.py):

- people: English-Arabic and English-Russian Wikidata name pairs of NETransliteration-COLING2018
  (CC0), the held-out fifth only (``held_out``: by hash of the English token), English tokens
  seen at least twice that ``check`` does not warn about (three consonants or more, not
  spelled like a common word), each with its commonest Arabic or Russian spelling;
  ``--people`` of each, drawn at random (seeded);
- places: ``benchmarks/data/names/places.tsv``, written for this benchmark (Latin, Arabic,
  Russian spellings of ~110 places of the desk's regions; not used when tuning).

Pages: each page names one person or place, in a sentence of its language (templates below,
written for watchdesk) with the name inflected as the language does it (Russian cases
-а -у -ом -е…, Arabic proclitics و ب ل and the article), followed by one real sentence of
the labelled set's Arabic or Russian articles (tests/labelled, ours), or with ``--ntrex
PATH`` of the Arabic and Russian NTREX-128 news of ``crosslingual-dev.jsonl`` (an independent
text: the common-word list was never looked at against it). Every name's rule
``name:<latin>`` runs on every page:

- recall: pages whose own name's rule matches;
- precision: matches of a page's own rule over all matches, where a match of *another* name's
  rule counts against it (unless that name really is in the filler paragraphs: its spelling
  from the data appears there; such matches are reported apart and not counted).

Cost: ``--rules`` (500) rules ``name:<latin>`` against the same rules as plain words, matched
on every page; CPU time per page, best of seven alternating passes with the matcher's caches warm
(as in a running daemon), and once with a fresh rule set ("cold": every chunk a cache miss).

    PYTHONPATH=src python benchmarks/names.py --data PATH/TO/NETransliteration-COLING2018
        [--people 150] [--rules 500] [--json out.json] [--show-misses 20]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "src"))

from names_tune import held_out, read_pairs  # noqa: E402

from watchdesk.names import name_keys, name_warning  # noqa: E402
from watchdesk.rules import Document, Match, Rule, RuleSet, compile_query  # noqa: E402
from watchdesk.rules.text import fold, tokenize  # noqa: E402

PLACES = HERE / "data" / "names" / "places.tsv"
LABELLED = ROOT / "tests" / "labelled" / "articles"

# Russian sentences, by case of the name; {} is the name. Written for watchdesk.
RU_PERSON = {
    "nom": "{} заявил журналистам, что переговоры продолжатся на следующей неделе.",
    "gen": "Представитель {} отказался от комментариев по поводу встречи.",
    "dat": "Источники, близкие к {}, сообщили о новой встрече в столице.",
    "ins": "Встреча с {} прошла за закрытыми дверями, сообщает агентство.",
    "prep": "В заявлении министерства говорится о {} и его окружении.",
}
RU_PLACE = {
    "nom": "{} оказался в центре внимания после новых столкновений.",
    "gen": "Из {} поступают сообщения о перестрелках и перебоях со связью.",
    "dat": "К {} подошли колонны военной техники, сообщают очевидцы.",
    "ins": "Над {} ночью был сбит беспилотник, заявили в ведомстве.",
    "prep": "В {} прошли протесты против повышения цен на топливо.",
}
# Arabic sentences; {} is the name with its proclitic, if any. Written for watchdesk.
AR_PERSON = [
    ("", "قال {} في بيان إن المفاوضات ستستمر الأسبوع المقبل"),
    ("", "أعلنت مصادر مقربة من {} عن لقاء جديد في العاصمة"),
    ("ب", "والتقى الوفد {} في مقر إقامته بحضور عدد من المسؤولين"),
    ("و", "وصل الوفد برئاسة الوزير {} إلى المطار صباح اليوم"),
    ("ل", "وجهت الحكومة دعوة {} لحضور الاجتماع المقبل"),
]
AR_PLACE = [
    ("", "وصلت قافلة مساعدات إلى {} بعد أيام من الانتظار"),
    ("", "أفاد سكان في {} بسماع دوي انفجارات ليلة أمس"),
    ("ب", "اندلعت اشتباكات عنيفة {} بين مجموعتين مسلحتين"),
    ("و", "شهدت العاصمة {} احتجاجات على ارتفاع الأسعار"),
    ("ل", "أعلنت السلطات عن خطة جديدة {} ومحيطها"),
]


@dataclass
class Name:
    latin: str
    kind: str  # person or place
    forms: dict[str, str]  # script (ar, ru) -> spelling
    all_forms: frozenset[str] = frozenset()  # every spelling of the data, for in_filler


def ru_inflect(word: str, case: str, person: bool) -> str:
    """A Russian noun's case form, by its ending (the common patterns; enough here)."""
    if case == "nom":
        return word
    low = word.lower()
    last = low[-1]
    if (low.endswith(("ый", "ий", "ой")) and not person) or low.endswith(("ский", "цкий")):
        stem = word[:-2]
        return stem + {"gen": "ого", "dat": "ому", "ins": "ым", "prep": "ом"}[case]
    if last in "оеиуюэ" or last == "ы":
        return word  # indeclinable (Бамако, Тбилиси, Сухуми)
    if last == "а":
        soft = low[-2:-1] in ("г", "к", "х", "ж", "ш", "щ", "ч")
        return word[:-1] + {"gen": "и" if soft else "ы", "dat": "е", "ins": "ой",
                            "prep": "е"}[case]
    if last == "я":
        if low.endswith("ия"):
            return word[:-1] + {"gen": "и", "dat": "и", "ins": "ей", "prep": "и"}[case]
        return word[:-1] + {"gen": "и", "dat": "е", "ins": "ей", "prep": "е"}[case]
    if last == "ь":
        return word[:-1] + {"gen": "я", "dat": "ю", "ins": "ем", "prep": "е"}[case]
    if last == "й":
        return word[:-1] + {"gen": "я", "dat": "ю", "ins": "ем", "prep": "е"}[case]
    if person and low.endswith(("ов", "ев", "ин", "ын")):
        return word + {"gen": "а", "dat": "у", "ins": "ым", "prep": "е"}[case]
    return word + {"gen": "а", "dat": "у", "ins": "ом", "prep": "е"}[case]


def ar_attach(word: str, proclitic: str) -> str:
    """An Arabic word with a proclitic (ل before the article drops its alef: للزاوية)."""
    if proclitic == "ل" and word.startswith("ال"):
        return "ل" + word[1:]
    return proclitic + word


def load_people(data: Path, per_script: int, rnd: random.Random,
                tune: bool = False) -> list[Name]:
    """People of the held-out fifth (of the tuning part with ``tune``: for choosing a
    threshold without looking at the held-out names)."""
    out: list[Name] = []
    spellings: dict[str, set[str]] = defaultdict(set)
    for script in ("arabic", "russian"):
        for en, target, _ in read_pairs(data, script):
            spellings[en].add(target)
    # the spellings of a name: its own, and those of the English tokens the data writes
    # alike in some script (dmitrii and dmitry share дмитрий: دميتري is also dmitrii's)
    writers: dict[str, set[str]] = defaultdict(set)
    for en, forms in spellings.items():
        for f in forms:
            writers[f].add(en)

    def every_spelling(en: str) -> frozenset[str]:
        return frozenset(f for g in spellings[en] for other in writers[g]
                         for f in spellings[other])
    for script, lang in (("arabic", "ar"), ("russian", "ru")):
        best: dict[str, tuple[int, str]] = {}
        seen: Counter[str] = Counter()
        for en, target, count in read_pairs(data, script):
            if held_out(en) == tune:
                continue
            seen[en] += count
            if count > best.get(en, (0, ""))[0]:
                best[en] = (count, target)
        pool = sorted(en for en in best if seen[en] >= 2 and en.isalpha()
                      and name_warning(en) is None)
        for en in rnd.sample(pool, min(per_script, len(pool))):
            form = best[en][1]
            out.append(Name(en, "person", {lang: form[:1].upper() + form[1:]},
                            every_spelling(en)))
    return out


def load_places() -> list[Name]:
    out = []
    for line in PLACES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        latin, ar, ru, _ = line.split("\t")
        out.append(Name(latin, "place", {"ar": ar, "ru": ru}, frozenset((ar, ru))))
    return out


def filler(lang: str) -> list[str]:
    """Sentences of the labelled set's articles in ``lang`` (ar: Al Jazeera, ru: RIA)."""
    import yaml  # a dependency of watchdesk

    prefix = {"ar": "aljazeera-ar-", "ru": "ria-"}[lang]
    out: list[str] = []
    for path in sorted(LABELLED.glob(prefix + "*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for p in doc.get("paragraphs", []):
            out.extend(s.strip() for s in re.split(r"(?<=[.!?؟])\s+", " ".join(p.split()))
                       if len(s.split()) >= 6)
    return out


@dataclass
class Page:
    owner: int  # index of the name
    lang: str
    kind: str
    title: str
    body: str


def ntrex_filler(path: Path) -> dict[str, list[str]]:
    """Sentences of the Arabic and Russian documents of a crosslingual-dev.jsonl (NTREX-128
    news, CC BY-SA 4.0: read to measure, never copied into the repository)."""
    out: dict[str, list[str]] = {"ar": [], "ru": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        for a in json.loads(line)["articles"] if line.strip() else ():
            if a["lang"] in out:
                for p in a["text"].splitlines():
                    out[a["lang"]].extend(
                        s.strip() for s in re.split(r"(?<=[.!?؟])\s+", " ".join(p.split()))
                        if len(s.split()) >= 6)
    return out


def make_pages(names: list[Name], rnd: random.Random,
               fill: dict[str, list[str]] | None = None) -> list[Page]:
    fill = fill or {lang: filler(lang) for lang in ("ar", "ru")}
    pages = []
    for i, n in enumerate(names):
        for lang, form in n.forms.items():
            if lang == "ru":
                cases = RU_PERSON if n.kind == "person" else RU_PLACE
                for case, sentence in cases.items():
                    pages.append(Page(i, lang, n.kind,
                                      sentence.format(ru_inflect(form, case,
                                                                 n.kind == "person")),
                                      rnd.choice(fill[lang])))
            else:
                for proclitic, sentence in (AR_PERSON if n.kind == "person" else AR_PLACE):
                    pages.append(Page(i, lang, n.kind,
                                      sentence.format(ar_attach(form, proclitic)),
                                      rnd.choice(fill[lang])))
    return pages


def in_filler(name: Name, page: Page) -> bool:
    """Whether ``name`` really is in the page's real sentence: one of its spellings in the
    data (any slice, either language, or of a token the data writes alike), inflected or
    with a proclitic."""
    words = [t.text for t in tokenize(page.body)]
    for form in name.all_forms:
        f = fold(form)
        stem = f[:-1] if len(f) > 4 and f[-1] in "аяоеиыуюь" else f  # Мисрата: Мисрату
        if any(w == f or (w.startswith(stem) and len(w) - len(stem) <= 3) for w in words):
            return True
    return False


def _spelling(m: Match) -> str:
    """The words a match highlights (its spellings found)."""
    return " / ".join(sn.text[a:b] for sn in m.snippets.values() for a, b in sn.spans)


def evaluate(names: list[Name], pages: list[Page], show: int) -> dict[str, object]:
    rules = [Rule(f"n{i}", f"n{i}", f"name:{n.latin}") for i, n in enumerate(names)]
    rs = RuleSet(rules)
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # hit, total
    own = other = filler_true = aliases = 0
    confusions: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    for p in pages:
        found = {int(m.rule_id[1:]): m for m in rs.match(Document(title=p.title, body=p.body))}
        ids = set(found)
        cat = f"{p.lang}-{p.kind}"
        by_cat[cat][1] += 1
        if p.owner in ids:
            by_cat[cat][0] += 1
            own += 1
        elif len(misses) < show:
            misses.append(f"{names[p.owner].latin} | {p.title}")
        for j in ids - {p.owner}:
            if names[j].all_forms & names[p.owner].all_forms:
                aliases += 1  # two English tokens the data writes alike (smith, smyth)
            elif in_filler(names[j], p):
                filler_true += 1
            else:
                other += 1
                confusions[(names[j].latin, _spelling(found[j]))] += 1
    total = len(pages)
    return {
        "pages": total, "names": len(names),
        "recall": round(own / total, 4),
        "precision": round(own / (own + other), 4) if own + other else 0.0,
        "recall_by": {k: round(h / t, 4) for k, (h, t) in sorted(by_cat.items())},
        "pages_by": {k: t for k, (_, t) in sorted(by_cat.items())},
        "other_name_matches": other, "true_mentions_in_filler": filler_true,
        "alias_matches": aliases,
        "confusions": [f"name:{a} matched {t!r} ({n}x)"
                       for (a, t), n in confusions.most_common(show)],
        "misses": misses,
    }


def cost(names: list[Name], pages: list[Page], n_rules: int, rnd: random.Random,
         data: Path) -> dict[str, float]:
    words = [n.latin.lower() for n in names]
    if len(words) < n_rules:  # more held-out names for the rule count
        for script in ("arabic", "russian"):
            extra = sorted({en for en, _, c in read_pairs(data, script)
                            if held_out(en) and en.isalpha() and c >= 2
                            and len(name_keys(en)) > 0})
            words += rnd.sample(extra, min(len(extra), n_rules))
    words = list(dict.fromkeys(words))[:n_rules]
    docs = [Document(title=p.title, body=p.body) for p in pages]
    out: dict[str, float] = {}
    sets = {label: RuleSet([Rule(f"r{i}", f"r{i}", fmt.format(w)) for i, w in enumerate(words)])
            for label, fmt in (("plain", "{}"), ("name", "name:{}"))}
    best = dict.fromkeys(sets, 1e9)
    ratios = []
    for d in docs:  # warm the caches, as in a running daemon
        for rs in sets.values():
            rs.matching_ids(d)
    for _ in range(7):  # alternate, so that load on the machine hits both alike
        took = {}
        for label, rs in sets.items():
            t0 = time.process_time()  # CPU time: waiting for a shared core does not count
            for d in docs:
                rs.matching_ids(d)
            took[label] = time.process_time() - t0
            best[label] = min(best[label], took[label])
        ratios.append(took["name"] / took["plain"])
    for label, t in best.items():
        out[f"{label}_us_per_page"] = round(t / len(docs) * 1e6, 1)
    out["ratio_median_of_passes"] = round(sorted(ratios)[len(ratios) // 2], 2)
    # a cold look: every page read once by a fresh rule set (all chunks are cache misses)
    for label, fmt in (("plain", "{}"), ("name", "name:{}")):
        rs = RuleSet([Rule(f"r{i}", f"r{i}", fmt.format(w)) for i, w in enumerate(words)])
        t0 = time.process_time()
        for d in docs:
            rs.matching_ids(d)
        out[f"{label}_cold_us_per_page"] = round((time.process_time() - t0) / len(docs) * 1e6,
                                                 1)
    out["rules"] = len(words)
    out["ratio"] = round(out["name_us_per_page"] / out["plain_us_per_page"], 2)
    out["ratio_cold"] = round(out["name_cold_us_per_page"] / out["plain_cold_us_per_page"], 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True,
                    help="NETransliteration-COLING2018 checkout or bare git directory")
    ap.add_argument("--people", type=int, default=150, help="people per script")
    ap.add_argument("--rules", type=int, default=500)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--tune", action="store_true",
                    help="draw the people from the tuning part of the pairs instead of the "
                         "held-out fifth (to choose a threshold; report held-out figures)")
    ap.add_argument("--show-misses", type=int, default=15,
                    help="how many misses and confusions to list")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--ntrex", type=Path,
                    help="take the real sentences from this crosslingual-dev.jsonl (NTREX "
                         "news in Arabic and Russian) instead of the labelled set")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    names = load_people(args.data, args.people, rnd, args.tune) + load_places()
    merged: dict[str, Name] = {}
    for n in names:  # a name drawn in both scripts is one name with two spellings
        if n.latin in merged:
            merged[n.latin].forms.update(n.forms)
        else:
            merged[n.latin] = n
    names = list(merged.values())
    for n in names:  # the query of each name is checked like a rule file's
        compile_query(f"name:{n.latin}")
    pages = make_pages(names, rnd, ntrex_filler(args.ntrex) if args.ntrex else None)
    result: dict[str, object] = {"quality": evaluate(names, pages, args.show_misses)}
    result["cost"] = cost(names, pages, args.rules, rnd, args.data)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
