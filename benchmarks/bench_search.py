"""Benchmark `watchdesk search` and `watchdesk rules test --query` over 50,000 stored articles.

The articles are generated as in ``bench_match.py`` (2-8 KB, French and English, one in 25 in
Arabic or Russian), ``--beat`` of them (default 1%) about the desk's beat (a month of a wide
set of feeds, of which the desk's subject is a small part), written once into a real
watchdesk database (the FTS index is filled by its triggers) and reused while its parameters
do not change:

    PYTHONPATH=src python benchmarks/bench_search.py --db /tmp/bench-search.db [--articles 50000]
        [--rules rules]   # load a real rules folder (its @lists), as a user's commands do

For each query: the time of the search inside one process (compile, FTS prefilter and
vocabulary, fetch of the candidates, matcher), and the wall time of the real commands as
subprocesses (`watchdesk search QUERY`, `watchdesk rules test --query QUERY`), which adds the
interpreter's start and imports. The target is under 1 s for each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_match import _words, make_articles  # noqa: E402

from watchdesk.rules import compile_query  # noqa: E402
from watchdesk.search import run_query, stored_targets  # noqa: E402
from watchdesk.store import Store, iso  # noqa: E402

QUERIES = [
    "haftar NEAR/5 (benghazi OR tripoli)",
    '"africa corps" OR wagner',
    "~délégation AND (libye OR benghazi)",
    "wagner NOT NEAR/5 (richard OR opéra OR bayreuth)",
    "maréchal ONEAR/2 haftar",
    "ATLEAST/3 (libye OR libyen*)",
    "lead:haftar AND lang:fr",
    "case:GUN OR case:ANL",
    "روسيا AND بنغازي",
    "~россия",
    "feed:feed3 AND ~russe",
    # names: every spelling, in Latin, Arabic and Cyrillic (through the FTS vocabulary)
    "name:haftar NEAR/5 name:benghazi",
    'name:"khalifa haftar"',
    "name:prigozhin OR name:yevkurov OR name:haftar",
    "name:benghazi AND lang:ar",
]

ARABIC = ["وصل وفد عسكري روسي إلى بنغازي بدعوة من المشير خليفة حفتر", "ليبيا وروسيا",
          "الجيش الوطني الليبي", "طرابلس", "والحكومة"]
ARABIC_FILLER = _words("في من على إلى أن عن مع هذا التي الذي قال وزير الحكومة الرئيس اليوم العام "
                        "المدينة الاقتصاد السوق الناس المياه الانتخابات البرلمان الصحة التعليم")
RUSSIAN = ["Российская военная делегация прибыла в Бенгази", "России", "Россией",
           "Ливия", "Вагнер"]
RUSSIAN_FILLER = _words("и в не на что с по это как из к у за от о для года заявил министр "
                         "правительство президент город экономика рынок выборы")


def build(db: Path, n: int, seed: int, beat: float) -> None:
    """Generate ``n`` articles into a fresh database (in batches, through the schema's
    triggers, as the store would)."""
    rng = random.Random(seed)
    store = Store(db)
    now = datetime.now(UTC)
    with store.transaction() as c:
        for f in range(20):
            c.execute("INSERT INTO feeds(name, url, config_url, tags, interval_s, created_at)"
                      " VALUES (?,?,?,?,?,?)",
                      (f"feed{f}", f"https://site{f}.example/rss", f"https://site{f}.example/rss",
                       json.dumps(["afrique"] if f % 2 else ["monde"]), 900, iso(now)))
    done = 0
    while done < n:
        docs = make_articles(min(2000, n - done), rng, beat, stray=0.0002)
        rows = []
        for k, d in enumerate(docs):
            i = done + k
            body, lang = d.body, d.lang
            if i % 25 == 0:  # a few articles in Arabic and Russian, some about Libya
                words = ARABIC if i % 50 == 0 else RUSSIAN
                filler = ARABIC_FILLER if i % 50 == 0 else RUSSIAN_FILLER
                body = " ".join(rng.choice(words) if rng.random() < beat else
                                rng.choice(filler) for _ in range(400))
                lang = "ar" if i % 50 == 0 else "ru"
            rows.append((i % 20 + 1, f"https://site{i % 20}.example/a/{i}",
                         f"https://site{i % 20}.example/a/{i}", d.title, d.summary, body, lang,
                         iso(now - timedelta(minutes=i)), "page", f"h{i}"))
        with store.transaction() as c:
            c.executemany("INSERT INTO articles(feed_id, url, canonical_url, title, summary,"
                          " body, lang, fetched_at, extraction, content_hash)"
                          " VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        done += len(docs)
        print(f"  {done} articles", file=sys.stderr, flush=True)
    store.set_meta("bench_search", f"{n}:{seed}:{beat}:2")
    store.close()


def in_process(db: Path, query: str) -> tuple[float, int, int]:
    """Seconds, hits and candidates for one search, as `watchdesk search` does it."""
    store = Store(db)
    since = iso(datetime.now(UTC) - timedelta(days=3650))
    t = time.perf_counter()
    q = compile_query(query)
    targets = list(stored_targets(store, since, query=q))
    hits = run_query(q, targets)
    dt = time.perf_counter() - t
    store.close()
    return dt, len(hits), len(targets)


def command(db: Path, args: list[str], rules: Path | None = None) -> float:
    """Seconds for one command, with ``rules`` as the rules folder (default: an empty one)."""
    env = dict(os.environ, PYTHONPATH=str(HERE.parent / "src"))
    with tempfile.TemporaryDirectory() as tmp:
        if rules is None:
            rules = Path(tmp) / "rules"
            rules.mkdir()
        t = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "watchdesk", *args, "--db", str(db),
                            "--rules", str(rules), "--since", "3650d", "-q"],
                           capture_output=True, text=True, env=env, check=False)
        dt = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"{args}: {p.stderr}")
    return dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="database to build or reuse")
    ap.add_argument("--articles", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=20230822)
    ap.add_argument("--beat", type=float, default=0.01,
                    help="share of the articles about the desk's beat")
    ap.add_argument("--runs", type=int, default=3, help="best of this many")
    ap.add_argument("--rules", type=Path, default=None,
                    help="rules folder the commands load (its @lists); default: an empty one")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    key = f"{args.articles}:{args.seed}:{args.beat}:2"
    if not args.db.exists() or Store(args.db).get_meta("bench_search") != key:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        t = time.perf_counter()
        build(args.db, args.articles, args.seed, args.beat)
        print(f"built {args.articles} articles in {time.perf_counter() - t:.0f} s",
              file=sys.stderr)
    out = []
    for query in QUERIES:
        inproc = [in_process(args.db, query) for _ in range(args.runs)]
        search = min(command(args.db, ["search", query, "--limit", "20"], args.rules)
                     for _ in range(args.runs))
        test = min(command(args.db, ["rules", "test", "--query", query], args.rules)
                   for _ in range(args.runs))
        best = min(inproc)
        out.append({"query": query, "in_process_s": best[0], "hits": best[1],
                    "candidates": best[2], "search_cmd_s": search, "rules_test_cmd_s": test})
    if args.json:
        json.dump({"articles": args.articles, "queries": out}, sys.stdout, indent=2,
                  ensure_ascii=False)
        print()
        return 0
    print(f"{args.articles} stored articles; best of {args.runs}; seconds")
    print(f"{'query':<52} {'in-process':>10} {'search':>7} {'rules test':>10} "
          f"{'candidates':>10} {'hits':>6}")
    for r in out:
        print(f"{r['query']:<52} {r['in_process_s']:>10.3f} {r['search_cmd_s']:>7.3f} "
              f"{r['rules_test_cmd_s']:>10.3f} {r['candidates']:>10} {r['hits']:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
