"""Benchmark the rule matcher: 10, 100 and 1,000 rules over a few thousand articles.

Articles (2-8 KB, French and English) and rules are generated from a vocabulary of places,
people and organisations of the desk's beat, plus the paragraphs of a real RFI article, with a
fixed seed. Rules mix word lists, prefixes, phrases, NEAR and exclusions, like the desk's.

    PYTHONPATH=src python benchmarks/bench_match.py [--articles 3000] [--json]
    PYTHONPATH=src python benchmarks/bench_match.py --ops both --rules 1000 --clock cpu

``--ops``: ``old`` (the default) rules use the operators of the first rule language; ``new``
rules are the same rules rewritten with the operators of rules-2 (``~word``, ONEAR, NOT NEAR,
ATLEAST, ``lead:``, ``case:``, ``lang:``/``feed:``/``site:`` filters, scoped exclusions);
``both`` measures the two on the same articles in one run and reports ``new / old``, the cost
per article of the new operators (target: at most 1.25).

For each rule count: compile time, the first pass (the RuleSet's chunk cache is empty) and the
best of the following passes (steady state of a daemon), in ms per article and MB/s of article
text (UTF-8 bytes), plus matches per article. Baselines measured in the same run —
``re.findall(r"\\w+")`` and ``str.split`` over the same text — give the machine's speed, since
absolute figures move from machine to machine (see MEASURED.md).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

from watchdesk.rules import Document, Rule, RuleSet

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "tests" / "rules" / "data" / "rfi-libye-russie-2023-08-22.txt"

def _words(text: str) -> list[str]:
    return text.split()


PLACES = _words("""Libye Benghazi Tripoli Syrte Tobrouk Misrata Cyrénaïque Fezzan Koufra Sebha Mali
Bamako Gao Tombouctou Kidal Niger Niamey Agadez Tchad N'Djamena Soudan Khartoum Darfour
Centrafrique Bangui Burkina Ouagadougou Sahel Mauritanie Nouakchott Algérie Alger Tunisie Tunis
Égypte Caire Syrie Damas Lattaquié Tartous Hmeimim Russie Moscou Kremlin Ukraine Kiev Crimée
Turquie Ankara Erevan Mozambique Cabo-Delgado Madagascar Érythrée Éthiopie Addis-Abeba
Cameroun Guinée Conakry Sénégal Dakar Nigeria Abuja""")
PEOPLE = _words("""Haftar Hafter Prigojine Prigozhin Evkourov Iounous-bek Poutine Choïgou Lavrov
Dbeibah Menfi Saddam Khaled Goïta Tiani Traoré Touadéra Burhan Hemedti Erdogan Sissi Macron
Tebboune Saïed Utkin Bourhan Déby Ghazouani Wagner""")
ORGS = ["africa corps", "armée nationale libyenne", "groupe wagner", "union africaine",
        "conseil de sécurité", "nations unies", "ministère russe de la défense",
        "gouvernement d'union nationale", "forces de soutien rapide", "cedeao", "minusma",
        "otan", "barkhane", "état islamique", "al-qaïda", "jnim", "corps africain",
        "libyan national army", "wagner group", "security council"]
FILLER_FR = _words("""le la les de des du un une et en au aux pour par sur dans avec selon qui que
ne pas plus a été est sont ont fait cette ce ces son sa ses leur leurs mais aussi après avant
depuis entre contre lors encore déjà très bien toujours jamais semaine mois année jours
gouvernement ministre président armée militaire militaires sécurité forces accord pays région
capitale frontière pétrole gaz port base aérienne aéroport élections crise conflit guerre paix
négociations délégation visite réunion sommet coopération économique politique diplomatique
responsables autorités porte-parole communiqué déclaration annonce presse journalistes sources
habitants population réfugiés migrants aide humanitaire ONG rapport enquête tribunal justice
l'armée d'autres qu'il l'homme aujourd'hui c'est s'est n'a l'est l'ouest l'ONU « » — ,""")
FILLER_EN = _words("""the a an of to in on for with by from at as is was were has have had been
said says according officials government minister president army military security forces
country region capital border oil gas port air base airport elections crisis conflict war
peace talks delegation visit meeting summit cooperation economic political diplomatic sources
residents refugees migrants humanitarian aid report investigation court justice spokesman
statement announcement however while after before since between against during already""")
SUFFIX_WORDS = ["libyen", "libyenne", "libyennes", "russes", "russe", "malien", "maliens",
                "soudanais", "tchadien", "sahélien", "sahéliens", "africains", "africaine"]


GENERAL = _words("""Paris Berlin Bruxelles Londres Washington Pékin Tokyo Lyon Marseille Bordeaux
Airbus Renault TotalEnergies Orange Sanofi BNP Bundesliga Ligue Roland-Garros Euro Bourse CAC
Macron Scholz Biden Meloni Sánchez Commission Parlement Sénat Assemblée Conseil OCDE FMI BCE
inflation chômage retraites budget impôts santé hôpital école université climat canicule""")
SYLLABLES = _words("ka ma dou ba ri sse lo ne tou mi ra fa di sa ko lé bé ou zi nou ga ta "
                   "mou ya kha dja bou hé sso ki")


def make_names(n: int, rng: random.Random) -> list[str]:
    """Made-up proper names: the people, firms and places a real rule book is mostly about."""
    names: set[str] = set()
    while len(names) < n:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title())
    return sorted(names)


NAMES = make_names(20_000, random.Random(7))


def make_articles(n: int, rng: random.Random, beat_share: float = 0.3,
                  stray: float = 0.003) -> list[Document]:
    """Articles with their language and address, as the pipeline hands them to the rules;
    ``beat_share`` of them about the desk's beat, the others with a beat word for ``stray``
    of their words."""
    fixture = FIXTURE.read_text(encoding="utf-8")
    paragraphs = [p for p in fixture.splitlines()[1:] if p.strip()]
    beat = PLACES + PEOPLE + [o.title() for o in ORGS] + SUFFIX_WORDS
    docs = []
    for i in range(n):
        filler = FILLER_EN if i % 4 == 0 else FILLER_FR  # a quarter in English
        on_beat = rng.random() < beat_share  # most news is about something else
        target = rng.randint(2000, 8000)
        parts: list[str] = []
        size = 0
        while size < target:
            if on_beat and rng.random() < 0.1:
                sentence = rng.choice(paragraphs)  # real French text
            else:
                words = []
                for _ in range(rng.randint(8, 30)):
                    r = rng.random()
                    if r < (0.03 if on_beat else stray):
                        words.append(rng.choice(beat))
                    elif r < 0.07:
                        words.append(rng.choice(NAMES))
                    elif r < 0.12:
                        words.append(rng.choice(GENERAL))
                    else:
                        words.append(rng.choice(filler))
                sentence = " ".join(words).capitalize() + "."
            parts.append(sentence)
            size += len(sentence) + 1
        body = "\n\n".join(" ".join(parts[j:j + 4]) for j in range(0, len(parts), 4))
        pool = filler + GENERAL + NAMES[:200] + (beat if on_beat else [])
        title = " ".join(rng.choice(pool) for _ in range(rng.randint(5, 12)))
        summary = " ".join(rng.choice(pool) for _ in range(rng.randint(15, 35)))
        docs.append(Document(title.capitalize(), summary, body,
                             lang="en" if filler is FILLER_EN else "fr",
                             url=f"https://www.site{i % 40}.example/article/{i}"))
    return docs


def _beat_term(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return rng.choice(PLACES + PEOPLE).lower()
    if r < 0.8:
        return f'"{rng.choice(ORGS)}"'
    return rng.choice(SUFFIX_WORDS)[:rng.randint(5, 7)] + "*"


def _name_term(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.7:
        return rng.choice(NAMES).lower()
    if r < 0.85:
        return f'"{rng.choice(NAMES)} {rng.choice(NAMES)}"'.lower()
    return rng.choice(NAMES)[:6].lower() + "*"


def _new_beat_term(rng: random.Random) -> str:
    """As _beat_term, the same draws: a word (sometimes case-sensitive), a phrase, or a word
    form ``~word`` where the old rules had a prefix."""
    r = rng.random()
    if r < 0.6:
        word = rng.choice(PLACES + PEOPLE)
        return ("case:" + word) if rng.random() < 0.2 else word.lower()
    if r < 0.8:
        return f'"{rng.choice(ORGS)}"'
    return "~" + rng.choice(SUFFIX_WORDS)


def _newer(query: str, rng: random.Random, i: int) -> str:
    """A rule of the same shape, with the rules-2 operators (one or two per rule)."""
    r = rng.random()
    if r < 0.15:
        return f"lead:({query})"
    if r < 0.3:
        return f"{query} AND lang:{'en' if i % 4 == 0 else 'fr'}"
    if r < 0.4:
        return f"{query} NOT site:site{rng.randint(0, 39)}.example"
    if r < 0.5:
        return f"ATLEAST/2 ({query})" if " AND " not in query and "NEAR" not in query \
            else query
    return query


def make_rules(n: int, rng: random.Random, ops: str = "old") -> list[Rule]:
    """``n`` rules; with ``ops="new"``, the same rules (same random draws) written with the
    operators of rules-2."""
    new = ops == "new"
    rules = []
    for i in range(n):
        if new:
            rules.append(_new_rule(i, rng))
            continue
        beat = " OR ".join(dict.fromkeys(_beat_term(rng) for _ in range(rng.randint(2, 8))))
        names = " OR ".join(dict.fromkeys(_name_term(rng) for _ in range(rng.randint(1, 5))))
        shape = rng.random()
        if shape < 0.45:
            query = f"({beat}) AND ({names})"
        elif shape < 0.6:
            query = f"({names}) NEAR/{rng.randint(3, 15)} ({beat})"
        elif shape < 0.75:
            query = f"({names}) AND NOT {rng.choice([w for w in FILLER_FR if w.isalpha()])}"
        else:
            query = names
        exclude = '"richard wagner" OR opéra OR bayreuth' if rng.random() < 0.3 else None
        rules.append(Rule(f"r{i}", f"rule {i}", query, exclude,
                          "alert" if rng.random() < 0.1 else "digest"))
    return rules


def _new_rule(i: int, rng: random.Random) -> Rule:
    beat = " OR ".join(dict.fromkeys(_new_beat_term(rng) for _ in range(rng.randint(2, 8))))
    names = " OR ".join(dict.fromkeys(_name_term(rng) for _ in range(rng.randint(1, 5))))
    shape = rng.random()
    if shape < 0.45:
        query = f"({beat}) AND ({names})"
    elif shape < 0.6:
        op = "ONEAR" if rng.random() < 0.5 else "NEAR"
        query = f"({names}) {op}/{rng.randint(3, 15)} ({beat})"
    elif shape < 0.75:
        filler = rng.choice([w for w in FILLER_FR if w.isalpha()])
        query = f"({names}) NOT NEAR/{rng.randint(3, 10)} {filler}"
    else:
        query = names
    query = _newer(query, rng, i)
    exclude = None
    r = rng.random()
    if r < 0.15:
        exclude = '"richard wagner" OR opéra OR bayreuth'
    elif r < 0.3:
        exclude = "wagner NOT NEAR/5 (groupe OR mercenaires) OR feed:feed7"
    return Rule(f"r{i}", f"rule {i}", query, exclude,
                "alert" if rng.random() < 0.1 else "digest")


CLOCK = time.perf_counter


def _timed_pass(rs: RuleSet, docs: list[Document]) -> tuple[float, int]:
    t = CLOCK()
    found = sum(len(rs.match(d, FEEDS[i % len(FEEDS)], ("afrique",)))
                for i, d in enumerate(docs))
    return CLOCK() - t, found


FEEDS = [f"feed{i}" for i in range(20)]


def baseline(docs: list[Document], nbytes: int) -> dict[str, float]:
    word = re.compile(r"\w+")
    out = {}
    for name, fn in (("re.findall(\\w+)", word.findall), ("str.split", str.split),
                     ("str.lower", str.lower)):
        best = min(_time(lambda fn=fn: [fn(d.title) + fn(d.summary) + fn(d.body) for d in docs])
                   for _ in range(3))
        out[name] = nbytes / best / 1e6
    return out


def _time(fn: object) -> float:
    t = CLOCK()
    fn()  # type: ignore[operator]
    return CLOCK() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--rules", default="10,100,1000")
    ap.add_argument("--passes", type=int, default=3, help="warm passes (best is reported)")
    ap.add_argument("--seed", type=int, default=20230822)
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="cpu: process time, steadier on a shared machine")
    ap.add_argument("--ops", choices=("old", "new", "both"), default="old",
                    help="operators of the generated rules (both: compare, same run)")
    args = ap.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter

    rng = random.Random(args.seed)
    docs = make_articles(args.articles, rng)
    nbytes = sum(len(d.title.encode()) + len(d.summary.encode()) + len(d.body.encode())
                 for d in docs)
    results = {"articles": len(docs), "mb": nbytes / 1e6, "clock": args.clock,
               "mean_kb": statistics.mean(len(d.body.encode()) for d in docs) / 1e3,
               "baseline_mb_s": baseline(docs, nbytes), "runs": []}
    kinds = ["old", "new"] if args.ops == "both" else [args.ops]
    for n in (int(x) for x in args.rules.split(",")):
        sets = {ops: RuleSet(make_rules(n, random.Random(args.seed + n), ops)) for ops in kinds}
        for ops in kinds:  # compile times, then the passes: old and new interleaved
            t = time.perf_counter()
            RuleSet(sets[ops].rules)
            compile_s = time.perf_counter() - t
            cold, found = _timed_pass(sets[ops], docs)
            results["runs"].append({
                "rules": n, "ops": ops, "compile_ms": compile_s * 1e3,
                "cold_ms_per_article": cold * 1e3 / len(docs),
                "cold_mb_s": nbytes / cold / 1e6, "matches_per_article": found / len(docs),
                "_warm": []})
        for _ in range(args.passes):
            for ops in kinds:
                run = next(r for r in results["runs"] if r["rules"] == n and r["ops"] == ops)
                run["_warm"].append(_timed_pass(sets[ops], docs)[0])
    runs = results["runs"]
    for r in runs:
        warm = min(r.pop("_warm"))
        r["ms_per_article"] = warm * 1e3 / len(docs)
        r["mb_s"] = nbytes / warm / 1e6
    for ops in kinds:
        mine = [r for r in runs if r["ops"] == ops]
        base = next((r for r in mine if r["rules"] == 100), mine[0]) if mine else None
        for r in mine:
            r["cost_vs_100"] = r["ms_per_article"] / base["ms_per_article"] if base else 1.0
    if args.ops == "both":
        for r in runs:
            if r["ops"] == "new":
                old = next(o for o in runs if o["rules"] == r["rules"] and o["ops"] == "old")
                r["new_vs_old"] = r["ms_per_article"] / old["ms_per_article"]

    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return 0
    print(f"{results['articles']} articles, {results['mb']:.1f} MB "
          f"(mean body {results['mean_kb']:.1f} KB), {args.clock} clock")
    print("baselines, same text: " + ", ".join(
        f"{k} {v:.0f} MB/s" for k, v in results["baseline_mb_s"].items()))
    print(f"{'rules':>6} {'ops':>4} {'compile ms':>10} {'cold MB/s':>10} {'ms/article':>11} "
          f"{'MB/s':>7} {'x 100-rule':>10} {'matches/art':>11} {'new/old':>8}")
    for r in runs:
        ratio = f"{r['new_vs_old']:>8.2f}" if "new_vs_old" in r else f"{'':>8}"
        print(f"{r['rules']:>6} {r['ops']:>4} {r['compile_ms']:>10.1f} {r['cold_mb_s']:>10.1f} "
              f"{r['ms_per_article']:>11.3f} {r['mb_s']:>7.1f} {r['cost_vs_100']:>10.2f} "
              f"{r['matches_per_article']:>11.2f} {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
