"""Benchmark the news lexicon (``watchdesk.events.lexicon``): coverage, speed, and a sanity
check on translations.

- **coverage**: on the repository's own texts in the four languages (the labelled articles
  of ``tests/labelled/articles``, the event fixtures of ``tests/data/events.json`` and
  ``events_languages.json``), the share of *content words* (folded words of two letters or
  more, not digits, not in the language's stop-word list of ``stopwordsiso``) that map to a
  concept, per language; with ``--misses N`` the N commonest content words without one;
- **speed**: ``concepts`` on every text, CPU time per text and per 300 words, caches warm
  (as in a running daemon: best of five passes) and cold (the first pass after clearing them);
- **translations** (``--ntrex PATH``, the NTREX-128 file ``crosslingual-dev.jsonl``: one
  document in en/fr/ar/ru per line): for each pair of languages, whether a document's
  translation shares more concepts with it (TF-IDF cosine over concept counts) than the
  other documents' translations do: the share of (same, different) document pairs won by
  the same document (an AUC) and the share of documents whose translation is the most
  similar of all (top-1). A sanity check only: the lexicon is never edited by looking at
  NTREX's words.

    PYTHONPATH=src python benchmarks/lexicon.py [--ntrex ../shared/data/crosslingual-dev.jsonl]
        [--misses 30] [--json out.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import stopwordsiso
import yaml

from watchdesk.events import lexicon as lx
from watchdesk.rules.text import fold

ROOT = Path(__file__).resolve().parent.parent
_WORD = re.compile(r"\w+")


def repo_texts() -> list[tuple[str, str]]:
    """(language, text) of the repository's own articles in the four languages."""
    out: list[tuple[str, str]] = []
    labelled = ROOT / "tests" / "labelled"
    outlets = yaml.safe_load((labelled / "outlets.yaml").read_text(encoding="utf-8"))
    langs = {name: o["lang"] for name, o in outlets["outlets"].items()}
    for path in sorted((labelled / "articles").glob("*.yaml")):
        a = yaml.safe_load(path.read_text(encoding="utf-8"))
        lang = langs.get(a["outlet"])
        if lang in lx.LANGUAGES:
            out.append((lang, "\n".join([a["title"], a.get("summary") or "",
                                         *a.get("paragraphs", [])])))
    data = ROOT / "tests" / "data"
    for a in json.loads((data / "events_languages.json").read_text("utf-8"))["articles"]:
        out.append((a["lang"], f"{a['title']}\n{a['lead']}"))
    for a in json.loads((data / "events.json").read_text("utf-8"))["articles"]:
        lang = a.get("lang") or guess(a["title"] + " " + a["lead"])
        out.append((lang, f"{a['title']}\n{a['lead']}"))
    return out


def guess(text: str) -> str:
    """en or fr or ar or ru, for the fixtures that do not say (by script, then stop words)."""
    if re.search("[\u0600-\u06ff]", text):
        return "ar"
    if re.search("[\u0400-\u04ff]", text):
        return "ru"
    words = _WORD.findall(text.lower())
    fr = sum(w in {"le", "la", "les", "des", "du", "et", "est", "une"} for w in words)
    en = sum(w in {"the", "and", "of", "is", "was", "with"} for w in words)
    return "fr" if fr > en else "en"


def coverage(texts: list[tuple[str, str]], misses: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lang in lx.LANGUAGES:
        stop = {fold(w) for w in stopwordsiso.stopwords(lang)}
        hit = total = 0
        missed: Counter[str] = Counter()
        for lg, text in texts:
            if lg != lang:
                continue
            for w in _WORD.findall(fold(text)):
                if len(w) < 2 or w.isdigit() or w in stop:
                    continue
                total += 1
                if lx.concepts(w, lang):
                    hit += 1
                else:
                    missed[w] += 1
        out[lang] = {"texts": sum(lg == lang for lg, _ in texts), "content_words": total,
                     "coverage": round(hit / total, 3) if total else None,
                     "misses": [w for w, _ in missed.most_common(misses)]}
    return out


def clear() -> None:
    for f in (lx._chunk, lx._word, lx._phrase_keys, lx.reduce):
        f.cache_clear()


def speed(texts: list[tuple[str, str]]) -> dict[str, float]:
    words = sum(len(t.split()) for _, t in texts)
    lx.lexicon()
    clear()
    t0 = time.process_time()
    for lang, text in texts:
        lx.concepts(text, lang)
    cold = time.process_time() - t0
    warm = math.inf
    for _ in range(5):
        t0 = time.process_time()
        for lang, text in texts:
            lx.concepts(text, lang)
        warm = min(warm, time.process_time() - t0)
    return {"texts": len(texts), "words_per_text": round(words / len(texts), 1),
            "warm_ms_per_text": round(1000 * warm / len(texts), 4),
            "warm_ms_per_300_words": round(1000 * warm / words * 300, 4),
            "cold_ms_per_300_words": round(1000 * cold / words * 300, 4)}


def load_time() -> float:
    lx.lexicon.cache_clear()
    clear()
    t0 = time.process_time()
    lx.lexicon()
    return round(1000 * (time.process_time() - t0), 1)


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b.get(k, 0.0) for k, w in a.items())
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def translations(path: Path) -> dict[str, Any]:
    docs: list[dict[str, Counter[str]]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            event = json.loads(line)
            docs.append({a["lang"]: lx.concepts(f"{a['title']}\n{a['text']}", a["lang"])
                         for a in event["articles"]})
    df: Counter[str] = Counter()
    n = 0
    for d in docs:
        for c in d.values():
            df.update(set(c))
            n += 1
    vec: list[dict[str, dict[str, float]]] = [
        {lang: {k: v * math.log(n / df[k]) for k, v in c.items()} for lang, c in d.items()}
        for d in docs]
    out: dict[str, Any] = {"documents": len(docs)}
    for a, b in itertools.combinations(lx.LANGUAGES, 2):
        won, pairs, top1 = 0.0, 0, 0
        for i, v in enumerate(vec):
            same = _cosine(v[a], v[b])
            others = [_cosine(v[a], e[b]) for j, e in enumerate(vec) if j != i]
            won += sum(same > o for o in others) + 0.5 * sum(same == o for o in others)
            pairs += len(others)
            top1 += same > max(others)
        out[f"{a}-{b}"] = {"auc": round(won / pairs, 3), "top1": round(top1 / len(vec), 3)}
    concepts_per_doc = {lang: round(sum(len(d[lang]) for d in docs) / len(docs), 1)
                        for lang in lx.LANGUAGES}
    out["distinct_concepts_per_document"] = concepts_per_doc
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ntrex", type=Path, help="crosslingual-dev.jsonl (NTREX-128 documents)")
    p.add_argument("--misses", type=int, default=0, help="list the N commonest misses")
    p.add_argument("--json", type=Path, help="write the figures here too")
    args = p.parse_args(argv)
    texts = repo_texts()
    table = lx.lexicon().words
    phrases = lx.lexicon().phrases
    n_concepts = len({c for t in table.values() for c in t.values()}
                     | {c for p in phrases.values() for ps in p.values() for _, c in ps})
    result: dict[str, Any] = {
        "concepts": n_concepts,
        "keys_per_language": {lang: len(t) for lang, t in table.items()},
        "phrases_per_language": {lang: sum(len(ps) for ps in p.values())
                                 for lang, p in phrases.items()},
        "load_ms": load_time(),
        "coverage": coverage(texts, args.misses),
        "speed": speed(texts),
    }
    if args.ntrex:
        result["translations"] = translations(args.ntrex)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
