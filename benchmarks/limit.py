"""The limit: how many article pages per second extraction alone allows on this machine.

watchdesk's own ``extract_page`` (trafilatura with watchdesk's options) over the same pages
the farm serves, in a process pool of one process per core, with no I/O at all: the pages are
generated beforehand and the pool is warmed up (imports done) before the clock starts. No
pipeline that extracts every article can go faster than this on the same machine.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import statistics
import time
from typing import Any

import corpus


def _extract(html: bytes, url: str) -> tuple[float, int]:
    from watchdesk.extract.page import extract_page

    c0 = time.process_time()
    ex = extract_page(html, url, "text/html; charset=utf-8")
    return time.process_time() - c0, len(ex.body) if ex else 0


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def measure(seed: int, pages: list[tuple[int, int]], workers: int = 0,
            corpus_name: str = "news") -> dict[str, Any]:
    """Extraction rate (pages/s) over ``pages`` ((feed, entry) pairs of ``corpus_name``) with
    one process per core."""
    workers = workers or cores()
    docs = [(corpus.page(seed, f, e, corpus_name), f"http://bench.invalid/a/{f}/{e}.html")
            for f, e in pages]
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        warm = docs[: workers * 2]
        list(pool.map(_extract, *zip(*warm, strict=True)))
        t0 = time.perf_counter()
        results = list(pool.map(_extract, *zip(*docs, strict=True), chunksize=1))
        wall = time.perf_counter() - t0
    cpu = sorted(c for c, _ in results)
    sizes = sorted(len(html) for html, _ in docs)
    return {
        "pages": len(docs),
        "workers": workers,
        "wall_s": wall,
        "articles_per_s": len(docs) / wall,
        "corpus": corpus_name,
        "cpu_ms_per_page": 1000 * statistics.fmean(cpu),
        "cpu_ms_per_page_median": 1000 * statistics.median(cpu),
        "cpu_limit_articles_per_s": workers / statistics.fmean(cpu),
        "empty": sum(1 for _, n in results if n == 0),
        "page_kb": {"min": sizes[0] / 1024, "median": statistics.median(sizes) / 1024,
                    "max": sizes[-1] / 1024},
    }
