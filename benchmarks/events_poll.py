"""Event grouping through ``watchdesk poll``: the development events served as outlets' feeds.

    PYTHONPATH=src python benchmarks/events_poll.py PATH/events-dev.jsonl
        [--crosslingual PATH/crosslingual-dev.jsonl] [--events 350] [--days 7] [--hours 10]
        [--outlets 3] [--seed 1] [--json out.json]

``events.py`` measures the grouping code (``EventIndex``) on the articles' own text. This
runs the product instead, as a new desk's first poll would meet the same news: the first
``--events`` events of ``PATH`` (350 over 7 days: the 50 events a day of ``events.py``'s
default), each report a publication time within ``--hours`` of its event (drawn as
``events.load`` draws them, then moved so that the newest is ten minutes old), are served on
a loopback ``FixtureServer`` as ``--outlets`` RSS feeds (each event's reports on distinct
feeds, one an outlet), every item linking to its page (title and lead in a news page's
navigation and footer). One ``watchdesk poll`` (a subprocess, a fresh database, one rule that
matches every English text) fetches, extracts, matches, groups and stores them; the stories
are read back from ``articles.story_id``. Reported: pairwise precision and recall, B-cubed,
how many articles were stored and matched, their languages, and the same articles grouped by
``events.group`` in one backlog (the code alone) for comparison.

``--crosslingual`` adds the translated stories (NTREX-128: each document in en/fr/ar/ru,
times drawn as ``events.py`` draws them, reports within ±10 h), one feed per language whose
pages declare it (``<html lang>``), among the monolingual reports as distractors; reported
as ``events.py`` reports them (``events.crosslingual_scores``). Monolingual scores are then
over the monolingual reports only.
"""

from __future__ import annotations

import argparse
import email.utils
import html
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import events as ev

from watchdesk.demo.server import FixtureServer

RULE = ("the OR a OR an OR of OR to OR in OR and OR for OR on OR is OR with OR as OR at OR"
        " le OR la OR les OR de OR des OR et OR en OR à OR في OR من OR على OR و OR в OR и OR"
        " на OR с")


def page(title: str, text: str, lang: str = "en") -> str:
    """A news page: navigation, the article, a 'read also' box and a footer."""
    nav = "".join(f'<li><a href="/section/{i}">{s}</a></li>'
                  for i, s in enumerate(["World", "Politics", "Business", "Opinion"]))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body><nav><ul>{nav}</ul></nav>"
            f"<main><article><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
            f"</article><aside><h2>Read also</h2><ul><li><a href=\"/a/x\">Markets close"
            f" higher</a></li></ul></aside></main><footer>© The Outlet. All rights"
            f" reserved.</footer></body></html>")


def rss(name: str, items: list[ev.Article]) -> str:
    out = []
    for a in sorted(items, key=lambda a: -a.at):
        lead = a.text.split(". ")[0].rstrip(".") + "."
        out.append(f"<item><title>{html.escape(a.title)}</title>"
                   f"<link>{{{{BASE}}}}/a/{a.n}</link>"
                   f'<guid isPermaLink="false">{a.n}</guid>'
                   f"<description>{html.escape(lead)}</description>"
                   f"<pubDate>{email.utils.formatdate(a.at, usegmt=True)}</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{name}</title><link>{{{{BASE}}}}/</link><description>{name}</description>"
            f"{''.join(out)}</channel></rss>")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, help="events JSONL (e.g. events-dev.jsonl)")
    ap.add_argument("--crosslingual", type=Path, help="the same story in several languages")
    ap.add_argument("--events", type=int, default=350)
    ap.add_argument("--days", type=float, default=7.0)
    ap.add_argument("--hours", type=float, default=10.0)
    ap.add_argument("--outlets", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    articles = [a for a in ev.load(args.path, args.days / 7, args.hours, args.seed)
                if a.event < args.events]
    if args.crosslingual:   # (as events.py: 10 h, seed + 100, events numbered apart)
        articles += ev.load(args.crosslingual, args.days / 7, 10.0, args.seed + 100, 100_000,
                            crosslingual=True)
    shift = time.time() - 600 - max(a.fetched for a in articles)
    for a in articles:
        a.at += shift
        a.fetched += shift
    articles = ev.number(articles)
    rng = random.Random(args.seed)
    outlet: dict[int, int] = {}
    by_event: dict[int, list[ev.Article]] = {}
    for a in articles:
        by_event.setdefault(a.event, []).append(a)
    for reports in by_event.values():
        if reports[0].crosslingual:
            continue
        for a, k in zip(reports, rng.sample(range(args.outlets), len(reports)), strict=False):
            outlet[a.n] = k
    gold = [a.event for a in articles]
    translated = sorted({a.lang for a in articles if a.crosslingual})

    with tempfile.TemporaryDirectory() as tmp, FixtureServer() as site:
        work = Path(tmp)
        for a in articles:
            site.set(f"/a/{a.n}", page(a.title, a.text, a.lang or "en"))
        lines = ["feeds:"]
        for k in range(args.outlets):
            site.set(f"/outlet{k}.xml",
                     rss(f"Outlet {k}", [a for a in articles if outlet.get(a.n) == k]))
            lines += [f"  - name: outlet{k}", f"    url: {site.url(f'/outlet{k}.xml')}"]
        for lang in translated:
            site.set(f"/{lang}.xml", rss(f"News ({lang})", [
                a for a in articles if a.crosslingual and a.lang == lang]))
            lines += [f"  - name: news-{lang}", f"    url: {site.url(f'/{lang}.xml')}"]
        (work / "feeds.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (work / "rules").mkdir()
        (work / "rules" / "all.yaml").write_text(
            f"rules:\n  - id: all\n    query: '{RULE}'\n", encoding="utf-8")
        env = {**os.environ, "WATCHDESK_FEEDS": str(work / "feeds.yaml"),
               "WATCHDESK_RULES": str(work / "rules"), "WATCHDESK_DB": str(work / "w.db"),
               "WATCHDESK_MAX_ENTRIES": str(len(articles) + 1)}
        t0 = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "watchdesk", "poll"], env=env,
                             capture_output=True, text=True, check=False)
        wall = time.monotonic() - t0
        if run.returncode != 0:
            print(run.stderr[-2000:], file=sys.stderr)
            return 2
        with sqlite3.connect(work / "w.db") as db:
            rows = {int(g): (s, lang) for g, s, lang in db.execute(
                "SELECT guid, story_id, lang FROM articles")}
            matched = db.execute("SELECT count(DISTINCT article_id) FROM matches").fetchone()[0]

    pred = [rows[a.n][0] if a.n in rows and rows[a.n][0] is not None else -1 - a.n
            for a in articles]
    code, _ = ev.group(articles, order="backlog")
    mono = [a.n for a in articles if not a.crosslingual]
    s = ev.scores([gold[n] for n in mono], [pred[n] for n in mono])
    c = ev.scores([gold[n] for n in mono], [code[n] for n in mono])
    langs = dict(sorted(Counter(lang or "?" for _, lang in rows.values()).items()))
    print(f"{len(by_event)} events, {len(articles)} articles over {args.days:g} days on"
          f" {args.outlets} feeds, within {args.hours:g} h of their event: {len(rows)} stored,"
          f" {matched} matched, languages {langs}; poll {wall:.1f} s")
    print(f"{'':<34} {'pairwise P/R/F1':<22} {'B-cubed P/R/F1':<23} stories")
    print(ev._row("watchdesk poll", s))
    print(ev._row("events.group, one backlog", c))
    met = s["pairwise_p"] >= ev.TARGET_P and s["pairwise_r"] >= ev.TARGET_R
    cross: dict[str, dict[str, float]] = {}
    if translated:
        print(f"-- across languages: {len({a.event for a in articles if a.crosslingual})}"
              f" stories in {len(articles) - len(mono)} reports ({', '.join(translated)}),"
              f" one feed per language, among the {len(mono)} above")
        for name, grouped in (("watchdesk poll", pred), ("events.group, one backlog", code)):
            x = cross[name] = ev.crosslingual_scores(articles, grouped)
            pairs = " ".join(f"{k[7:]} {v:.2f}" for k, v in x.items() if k.startswith("recall_"))
            print(f"{name:<34} P {x['precision']:.3f} ({int(x['wrong_pairs'])} wrong pairs;"
                  f" {x['precision_same_event']:.3f} with SAME_EVENT), cross-language R"
                  f" {x['cross_recall']:.3f}: {pairs}")
        x = cross["watchdesk poll"]
        met = (met and x["precision_same_event"] >= ev.TARGET_P
               and x["cross_recall"] >= ev.TARGET_XR)
    across = (f", across languages precision (with SAME_EVENT) >= {ev.TARGET_P} and recall"
              f" >= {ev.TARGET_XR}" if translated else "")
    print(f"target: pairwise precision >= {ev.TARGET_P} with recall >= {ev.TARGET_R}{across}:"
          f" {'met' if met else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps({
            "params": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "stored": len(rows), "matched": matched, "languages": langs,
            "poll_seconds": wall, "poll": s, "code_backlog": c, "crosslingual": cross},
            indent=2), encoding="utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
