"""Retention: how long article bodies are kept, and the daemon's pruning job.

The database grows by every article stored (2-5 KB of body, its full-text index, a row per
feed per poll in the fetch log): about a million articles a year on a busy desk. Retention
drops what is no longer needed and keeps what deduplication needs:

- ``WATCHDESK_KEEP_UNMATCHED`` (default 90 days): bodies and summaries of articles no rule
  matched, and the fetch log, are kept that long. Their only later use is checking a new or
  edited rule against the archive (backfill: ``WATCHDESK_BACKFILL_DAYS``, 7 days) and
  `search` / `rules test --query` over recent weeks; a quarter covers both with a wide margin
  and bounds the archive to about a quarter of what a year would hold;
- ``WATCHDESK_KEEP_MATCHED`` (default forever): bodies of articles a rule matched, what the
  desk reports on and may need to quote months later.

A pruned article keeps its row, headline, link, entries and matches (see
``store.retention``): the same entry polled again is recognised and never stored as new.

The job (``prune``) runs on the daemon's event loop between polls: one small transaction
at a time (``BATCH`` rows), yielding to the loop after each; while ``busy()`` says a poll
is running it starts no transaction and waits for the poll's end (a poll waits for one
batch at most); after ``BUDGET`` seconds it stops, and the next run goes on from there. Then it
gives free pages back in steps of ``VACUUM_PAGES`` (new databases are created with
``auto_vacuum=INCREMENTAL``), and records the day's size sample for `watchdesk status`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .config.settings import Settings
from .store import Store, iso

BATCH = 500             # rows per transaction
VACUUM_PAGES = 256      # pages (1 MB at 4 KB pages) given back per step
BUDGET = 20.0           # seconds of pruning per run at most; the next run goes on
PAUSE = 0.25            # seconds between looks while a poll runs


@dataclass(frozen=True)
class Cutoffs:
    """Fetched before these UTC times: prune (None: keep forever)."""

    unmatched: str | None
    matched: str | None


def cutoffs(settings: Settings, now: datetime) -> Cutoffs:
    """What to prune at ``now`` (pure)."""
    def before(days: int | None) -> str | None:
        return None if days is None else iso(now - timedelta(days=days))

    return Cutoffs(before(settings.keep_unmatched), before(settings.keep_matched))


@dataclass
class Report:
    articles: int = 0        # articles whose bodies were dropped
    fetches: int = 0         # fetch-log rows deleted
    pages: int = 0           # free pages given back to the file system
    transactions: int = 0
    finished: bool = False   # nothing left to do (else stopped for a poll or the budget)


async def prune(store: Store, cut: Cutoffs, now: datetime, *,
                busy: Callable[[], bool] = lambda: False, batch: int = BATCH,
                vacuum_pages: int = VACUUM_PAGES, budget: float = BUDGET,
                pause: float = PAUSE) -> Report:
    """Prune what ``cut`` says, a transaction at a time, yielding to the event loop after
    each; while ``busy()`` (a poll is running) it waits, ``pause`` seconds at a time; it
    stops when ``budget`` seconds have passed (the next run goes on)."""
    report = Report()
    stamp = iso(now)
    deadline = time.monotonic() + budget
    steps: list[Callable[[], tuple[int, bool]]] = []
    if cut.unmatched is not None:
        c_unmatched = cut.unmatched

        def unmatched() -> tuple[int, bool]:
            b = store.prune_articles(matched=False, cutoff=c_unmatched, now=stamp, limit=batch)
            report.articles += b.pruned
            return b.pruned, b.done

        def fetches() -> tuple[int, bool]:
            b = store.prune_fetches(cutoff=c_unmatched, limit=batch)
            report.fetches += b.pruned
            return b.pruned, b.done

        steps += [unmatched, fetches]
    if cut.matched is not None:
        c_matched = cut.matched

        def matched() -> tuple[int, bool]:
            b = store.prune_articles(matched=True, cutoff=c_matched, now=stamp, limit=batch)
            report.articles += b.pruned
            return b.pruned, b.done

        steps.append(matched)

    def vacuum() -> tuple[int, bool]:
        n = store.vacuum_step(vacuum_pages)
        report.pages += n
        return n, n < vacuum_pages

    steps.append(vacuum)
    for step in steps:
        done = False
        while not done:
            while busy():                   # a poll is running: wait for its end
                if time.monotonic() > deadline:
                    return report
                await asyncio.sleep(pause)
            if time.monotonic() > deadline:
                return report
            _, done = step()
            report.transactions += 1
            await asyncio.sleep(0)      # let the poll, signals and timers in
    store.record_size(stamp)
    report.finished = True
    return report
