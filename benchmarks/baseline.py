"""The baseline: the sequential loop a user writes with the same libraries.

    python benchmarks/baseline.py URLS.json DB OUT.json

For each feed: GET it (httpx), parse it (feedparser), and for each entry GET the page,
``trafilatura.extract`` it and insert the row into SQLite, one article at a time. No
concurrency, no conditional GET, no rules: the plain script watchdesk must beat. Its own
timings (the whole loop, and the CPU spent in trafilatura) go to OUT.json.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time

import feedparser
import httpx
import trafilatura


def main(urls_path: str, db_path: str, out_path: str) -> None:
    with open(urls_path, encoding="utf-8") as f:
        urls = json.load(f)
    t0 = time.perf_counter()
    db = sqlite3.connect(db_path)
    db.execute("CREATE TABLE IF NOT EXISTS articles (url TEXT PRIMARY KEY, title TEXT,"
               " published TEXT, body TEXT)")
    articles = extracted = 0
    extract_cpu = 0.0
    with httpx.Client(timeout=30) as client:
        for url in urls:
            feed = feedparser.parse(client.get(url).content)
            for entry in feed.entries:
                page = client.get(entry.link)
                c0 = time.process_time()
                body = trafilatura.extract(page.text, url=entry.link)
                extract_cpu += time.process_time() - c0
                extracted += bool(body)
                db.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?)",
                           (entry.link, entry.get("title"), entry.get("published"), body))
                db.commit()
                articles += 1
    db.close()
    seconds = time.perf_counter() - t0
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"feeds": len(urls), "articles": articles, "extracted": extracted,
                   "loop_s": seconds, "extract_cpu_s": extract_cpu}, f)


if __name__ == "__main__":
    main(*sys.argv[1:4])
