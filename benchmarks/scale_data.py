"""A year of a desk's archive, written through the store's own code: what ``scale.py build``
makes.

Text: the paragraphs of the real news articles of the extraction benchmark (the ground truth
of the WCXB and ScrapingHub pages in ``data/``, see their licences there), drawn at random
into bodies of 2-5 KB; headlines are the first words of another paragraph. About
``matched`` of the articles (15%) carry one of the desk's beat sentences (Libya, Haftar,
Wagner, Russia) and the matches of the default rules that such an article gets, and are
grouped into stories by the store's event grouping, as in a poll.

Time: ``days`` days (365) up to now; each day the feeds are polled ``polls`` times (24), each
poll writing its new articles, their entries and matches, the feed's state and a row of
the fetch log (a poll without news is a 304); the daily digest was last sent a day before
the end (what ``digest --preview`` then covers). One transaction per day, through
``Store.transaction`` and the methods ``save_poll`` itself calls (``_write_article``,
``_group``, ``_record_poll``), so the rows, indexes and full-text index are what the daemon
would have written.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import extraction_data

from watchdesk import events
from watchdesk.identity import content_hash
from watchdesk.models import ArticleWrite, FeedConfig, MatchRecord, PollResult
from watchdesk.store import Store, iso
from watchdesk.store.events import Grouping

# The desk's beat (the default rules, src/watchdesk/defaults/rules): what a matched article
# says, and which rules match it.
BEAT: list[tuple[str, list[tuple[str, str]]]] = [
    ("Le maréchal Khalifa Haftar a reçu à Benghazi une délégation militaire russe venue de "
     "Moscou, selon l'armée nationale libyenne.", [("libye", "digest"), ("haftar", "digest"),
                                                    ("russie-libye", "alert")]),
    ("En Libye, le gouvernement de Tripoli a dénoncé la présence d'instructeurs russes dans "
     "le Fezzan.", [("libye", "digest"), ("russie-libye", "alert")]),
    ("Les anciens du groupe Wagner, devenus l'Africa Corps, renforcent leur présence au "
     "Sahel et en Libye.", [("wagner", "digest"), ("libye", "digest")]),
    ("Khalifa Haftar, l'homme fort de l'Est libyen, s'est rendu à Moscou pour rencontrer des "
     "responsables russes.", [("haftar", "digest"), ("libye", "digest")]),
    ("Russia's military delegation arrived in Benghazi at the invitation of Khalifa Haftar, "
     "the Libyan National Army said.", [("libye", "digest"), ("haftar", "digest"),
                                        ("russie-libye", "alert")]),
]


def paragraphs() -> list[str]:
    """Real news paragraphs of at least 80 characters."""
    pages = extraction_data.load_wcxb() + extraction_data.load_scrapinghub()
    out: list[str] = []
    for p in pages:
        out += [x.strip() for x in re.split(r"\n+", p.expected) if len(x.strip()) >= 80]
    if not out:
        raise SystemExit("no text found under benchmarks/data")
    return out


def _headline(rng: random.Random, pool: list[str]) -> str:
    words = rng.choice(pool).split()
    return " ".join(words[:rng.randint(6, 12)]).rstrip(",;:")


def _body(rng: random.Random, pool: list[str]) -> str:
    size = rng.randint(2000, 5000)
    parts: list[str] = []
    n = 0
    while n < size:
        p = rng.choice(pool)
        parts.append(p)
        n += len(p) + 2
    text = "\n\n".join(parts)
    return text[:size].rsplit(" ", 1)[0] + "."


def feed_configs(feeds: int) -> list[FeedConfig]:
    """The archive's feeds (their URLs answer nowhere: port 9 of 127.0.0.1)."""
    return [FeedConfig(f"site-{f:04d}", f"http://127.0.0.1:9/f/{f}.xml", ("bench",),
                       interval=3600, interval_explicit=True) for f in range(feeds)]


def build(db: Path, *, articles: int, feeds: int = 300, days: int = 365, polls: int = 24,
          matched: float = 0.15, seed: int = 1,
          progress: Callable[[str], None] = print) -> dict[str, float]:
    """Write the archive into ``db`` (a new file). Returns what it cost."""
    rng = random.Random(seed)
    pool = paragraphs()
    t0, c0 = time.perf_counter(), time.process_time()
    end = datetime.now(UTC).replace(microsecond=0)
    start = end - timedelta(days=days)
    store = Store(db)
    try:
        store.sync_feeds(feed_configs(feeds), start)
        ids = {f.name: f.id for f in store.feeds()}
        feed_ids = [ids[f"site-{f:04d}"] for f in range(feeds)]
        written = 0
        for day in range(days):
            # articles of the day: an even share of what is left
            todo = (articles - written) // (days - day)
            per_poll = [0] * polls
            for _ in range(todo):
                per_poll[rng.randrange(polls)] += 1
            with store.transaction() as c:
                for p in range(polls):
                    at = start + timedelta(days=day, seconds=(p + rng.random()) * 86400 / polls)
                    now = iso(at)
                    news: dict[int, list[ArticleWrite]] = {}
                    for _ in range(per_poll[p]):
                        f = rng.randrange(feeds)
                        news.setdefault(f, []).append(_article(rng, pool, f, written, now,
                                                               matched))
                        written += 1
                    grouping: list[Grouping] = []
                    for f in range(feeds):
                        writes = news.get(f, [])
                        for w in writes:
                            store._write_article(c, feed_ids[f], w, now, grouping)
                        store._record_poll(c, PollResult(
                            feed_ids[f], f"site-{f:04d}", now,
                            status=200 if writes else 304, not_modified=not writes,
                            bytes=20000 if writes else 0, ms=rng.randint(40, 400),
                            new=len(writes),   # (what stays is the last poll's: due
                            next_poll_at=iso(end + timedelta(hours=1))))   # after the end)
                    store._group(c, grouping, now)
            if day == days - 2:   # the daily digest went out a day ago
                _digest_sent(store, iso(start + timedelta(days=day + 1)))
            if day % 30 == 29 or day == days - 1:
                progress(f"  day {day + 1}/{days}: {written:,} articles, "
                         f"{time.perf_counter() - t0:.0f} s")
    finally:
        store.close()
    return {"articles": written, "seconds": round(time.perf_counter() - t0, 1),
            "cpu_s": round(time.process_time() - c0, 1)}


def _digest_sent(store: Store, at: str) -> None:
    """Record a digest as sent at ``at`` (its window ends there), as the daemon does."""
    hw = store.query("SELECT coalesce(max(id), 0) FROM matches WHERE created_at <= ?", (at,))
    state = store.digest_state()
    store.queue_digest_row(None, expect_end=state.window_end, window_end=at,
                           match_hw=int(hw[0][0]), now=at)


def _article(rng: random.Random, pool: list[str], f: int, i: int, now: str,
             matched: float) -> ArticleWrite:
    title = _headline(rng, pool)
    body = _body(rng, pool)
    matches: list[MatchRecord] = []
    terms = None
    if rng.random() < matched:
        sentence, rules = rng.choice(BEAT)
        cut = rng.randrange(len(body) // 2)
        body = body[:cut].rsplit(" ", 1)[0] + ". " + sentence + " " + body[cut:]
        matches = [MatchRecord(rule, priority, ["haftar", "libye"], sentence[:160], {})
                   for rule, priority in rules]
        terms = events.terms_of(title, body, "")
    url = f"https://site-{f:04d}.example/a/{i}"
    return ArticleWrite(
        action="new", identity=f"guid:{f}-{i}", entry_hash=f"{i:x}", guid=f"{f}-{i}",
        url=url, canonical_url=url, title=title, summary=body[:200], body=body,
        lang="fr", published_at=now, extraction="page",
        content_hash=content_hash(title, body), event_terms=terms, matches=matches)
