"""Time the readers of sources without a feed on their largest expected inputs.

    PYTHONPATH=src python benchmarks/bench_sources.py [--urls 50000] [--items 500] [--repeat 5]

Each reader runs in a worker process per poll (its time bound is WATCHDESK_EXTRACT_TIMEOUT,
20 s); this shows how far below that bound the worst real inputs are:

- a full sitemap of ``--urls`` URLs (the protocol's maximum is 50,000; ~10 MB, the feed
  bound) with ``<lastmod>``, and a Google News sitemap of 1,000 (Google's maximum);
- a WordPress-like listing page with ``--items`` headlines (the reader's cap is 500);
- a t.me/s page of 20 messages (what Telegram serves), and the JSON Feed of 200 items.

Prints the median of ``--repeat`` runs, in ms, and the bytes of each input.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from watchdesk.sources.listing import parse_listing
from watchdesk.sources.parse import parse_feed
from watchdesk.sources.sitemap import parse_sitemap
from watchdesk.sources.telegram import parse_channel

DATA = Path(__file__).resolve().parents[1] / "tests" / "sources" / "data"
BASE = "https://news.example"


def sitemap(n: int, news: bool) -> bytes:
    rows = []
    for i in range(n):
        day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00"
        loc = f"{BASE}/{2025}/{1 + i % 12:02d}/article-{i}-libye-haftar-benghazi-russie/"
        if news:
            rows.append(f"<url><loc>{loc}</loc><news:news><news:publication><news:name>N"
                        f"</news:name><news:language>fr</news:language></news:publication>"
                        f"<news:publication_date>{day}</news:publication_date><news:title>"
                        f"Titre {i} : la Libye et la Russie</news:title></news:news></url>")
        else:
            rows.append(f"<url><loc>{loc}</loc><lastmod>{day}</lastmod></url>")
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            + "".join(rows) + "</urlset>").encode()


def listing(n: int) -> bytes:
    item = (DATA / "wordpress-listing.html").read_text(encoding="utf-8")
    start, end = item.index('  <article id="post-4812"'), item.index('  <article id="post-4809"')
    block = item[start:end]
    head, tail = item.split("  <article id=\"post-4812\"", 1)[0], item[item.index("  <nav "):]
    body = "".join(block.replace("4812", str(i)).replace("wagner/", f"wagner-{i}/")
                   for i in range(n))
    return (head + body + tail).replace("{{BASE}}", BASE).encode()


def json_feed(n: int) -> bytes:
    items = [{"id": str(i), "url": f"{BASE}/a/{i}", "title": f"Titre {i}",
              "content_html": "<p>" + "La Libye et la Russie. " * 40 + "</p>",
              "date_published": "2025-06-07T09:15:00+02:00"} for i in range(n)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T",
                       "items": items}).encode()


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--urls", type=int, default=50_000)
    ap.add_argument("--items", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    full, news = sitemap(a.urls, news=False), sitemap(1000, news=True)
    page = listing(a.items)
    tg = (DATA / "telegram-latest.html").read_bytes()
    tg = tg.replace(b"</section>", tg[tg.index(b"<div class=\"tgme_widget_message_wrap"):
                                      tg.index(b"</section>")] * 4 + b"</section>")
    jf = json_feed(200)
    select = {"item": "article.post", "link": "h2.entry-title a", "title": "h2.entry-title",
              "date": "time.entry-date.published", "summary": "div.entry-summary"}
    cases: list[tuple[str, bytes, Callable[[], object]]] = [
        (f"sitemap, {a.urls:,} URLs with lastmod", full,
         lambda: parse_sitemap(full, BASE)),
        ("news sitemap, 1,000 URLs", news, lambda: parse_sitemap(news, BASE)),
        (f"listing page, {a.items} items, 5 selectors", page,
         lambda: parse_listing(page, BASE, select)),
        ("t.me/s page, 20 messages", tg, lambda: parse_channel(tg, BASE)),
        ("JSON Feed, 200 items", jf, lambda: parse_feed(jf, {}, BASE)),
    ]
    print(f"{'input':42} {'bytes':>12} {'ms (median)':>12}")
    for name, body, fn in cases:
        print(f"{name:42} {len(body):>12,} {median_ms(fn, a.repeat):>12.1f}")


if __name__ == "__main__":
    main()
