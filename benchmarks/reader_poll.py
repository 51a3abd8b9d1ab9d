"""The peer: lemon24/reader's ``update_feeds(workers=32)`` over the farm's feeds, as a whole
process (what ``run.py``'s reader phase times from outside).

    python benchmarks/reader_poll.py DB FEEDS.txt      (one feed URL a line)

Adds the feeds it does not have yet, then updates every one of them (``scheduled=False``:
reader 3.x otherwise skips feeds updated less than an hour ago, so a re-poll right after
the first would fetch nothing). reader sends the ETag and Last-Modified it stored, so on an
unchanged farm every feed answers 304. Prints one JSON line: feeds, seconds of the update.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> int:
    from reader import make_reader

    db, urls_file = sys.argv[1], Path(sys.argv[2])
    urls = [u for u in urls_file.read_text(encoding="utf-8").split() if u]
    r = make_reader(db, search_enabled=False)
    try:
        for url in urls:
            r.add_feed(url, exist_ok=True)
        t0 = time.perf_counter()
        r.update_feeds(workers=32, scheduled=False)
        seconds = time.perf_counter() - t0
        n = sum(1 for _ in r.get_feeds())
    finally:
        r.close()
    print(json.dumps({"feeds": n, "update_s": round(seconds, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
