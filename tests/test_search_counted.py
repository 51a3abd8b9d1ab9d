"""Counting the hits beyond those listed (`search`, `rules test --query`): exact while the
matcher reads at most ``CHECK`` candidates, an estimate said to be one beyond; the candidates
found by id first, their text read as they are matched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from watchdesk.config.settings import Settings
from watchdesk.models import ArticleWrite, FeedConfig, PollResult
from watchdesk.rules import Document, compile_query
from watchdesk.search import CHECK, Beyond, Target, search_counted, stored_targets
from watchdesk.store import Store, iso

from conftest import paths, watchdesk

FILLER = ("Le conseil municipal a voté le budget de la voirie après trois heures de débat, "
          "et l'opposition a dénoncé une hausse des impôts locaux. ")
NEAR = "Le maréchal Haftar, à Benghazi hier, a parlé."                # NEAR/3: a hit
FAR = "Haftar a parlé longtemps hier soir au téléphone depuis Benghazi."  # 7 words apart
QUERY = "haftar NEAR/3 benghazi"


def fill(db: Path, n: int, *, at: datetime, start: int = 0) -> None:
    """``n`` articles fetched at ``at`` through the store's write path: article ``i`` (id
    ``i + 1`` in an empty database) is a hit of QUERY when ``i`` is even; the odd ones hold
    both words too far apart, which the full-text index keeps (its NEAR is wider)."""
    store = Store(db)
    try:
        store.sync_feeds([FeedConfig("local", "http://127.0.0.1:9/rss")], at)
        feed = store.feeds()[0]
        now = iso(at)
        writes = [ArticleWrite(
            action="new", identity=f"guid:{i}", entry_hash=f"h{i}", guid=str(i),
            url=f"http://127.0.0.1:9/a/{i}", canonical_url=f"http://127.0.0.1:9/a/{i}",
            title=f"Article {i}", summary="", body=FILLER * 4 + (NEAR if i % 2 == 0 else FAR),
            extraction="page", content_hash=f"c{i}", matches=[])
            for i in range(start, start + n)]
        store.save_poll(PollResult(feed.id, feed.name, now, status=200), writes, now)
    finally:
        store.close()


def test_exact_until_the_bound_then_an_estimate_said_to_be_one() -> None:
    q = compile_query(QUERY)
    targets = [Target(f"a{i}", Document(f"a{i}", "", FILLER + (NEAR if i % 2 == 0 else FAR)))
               for i in range(40)]
    hits, beyond = search_counted(q, targets, 3, check=10)
    # newest first as given: hits at 0, 2, 4 (5 read); then up to 10 read: 6, 8 found
    assert [h.target.label for h in hits] == ["a0", "a2", "a4"]
    assert beyond == Beyond(found=2, checked=10, hits=5, unchecked=30)
    assert not beyond.exact and beyond.estimate == 2 + 15
    hits, beyond = search_counted(q, targets, 3, check=40)
    assert beyond == Beyond(found=17, checked=40, hits=20, unchecked=0)
    assert beyond.exact and beyond.estimate == 17
    # the listing is never cut short by the bound: it reads on until it has its hits
    hits, beyond = search_counted(q, targets, 15, check=10)
    assert len(hits) == 15 and beyond.checked == 29 and beyond.found == 0


def test_search_counts_exactly_below_the_bound(settings: Settings) -> None:
    fill(settings.db, 60, at=datetime.now(UTC) - timedelta(hours=1))
    r = watchdesk("search", QUERY, "--limit", "4", *paths(settings))
    assert r.returncode == 0, r.stderr
    assert r.stdout.rstrip().endswith("4 article(s)\n26 more matched: --limit 30 shows them all")
    t = watchdesk("rules", "test", "--query", QUERY, "--limit", "4", *paths(settings))
    assert t.returncode == 0, t.stderr
    assert t.stdout.rstrip().endswith(
        "--query: 30 matches among 60 article(s) (4 shown: --limit 30 shows them all)")
    every = watchdesk("rules", "test", "--query", QUERY, *paths(settings))
    assert every.stdout.rstrip().endswith("--query: 30 matches among 60 article(s)")
    assert every.stdout.count("\n  terms: ") == 30


def test_beyond_the_bound_the_count_is_an_estimate(settings: Settings) -> None:
    now = datetime.now(UTC) - timedelta(hours=1)
    fill(settings.db, 100, at=now - timedelta(days=40))   # outside the default 30 days
    fill(settings.db, 400, at=now, start=100)
    # newest first: ids 500 down to 101 (i = 499 .. 100), hits where i is even. 10 listed
    # by reading 20; then read on to CHECK in all: half of them hit
    assert CHECK == 150
    r = watchdesk("search", QUERY, "--limit", "10", *paths(settings))
    assert r.returncode == 0, r.stderr
    assert r.stdout.rstrip().endswith(
        "10 article(s)\nabout 190 more matched (an estimate: 75 of the 150 articles read "
        "matched, 250 more the full-text index kept were not read): --limit 75 shows 65 more")
    t = watchdesk("rules", "test", "--query", QUERY, "--limit", "10", *paths(settings))
    assert t.returncode == 0, t.stderr
    assert t.stdout.rstrip().endswith(
        "--query: about 200 matches among 400 article(s) (an estimate: 75 of the 150 "
        "articles read matched, 250 more the full-text index kept were not read; 10 shown)")
    # the old articles are neither candidates nor counted (the index is asked from the
    # window's first id on), and the window's are all there, newest first
    store = Store(settings.db, mode="read")
    try:
        cands = stored_targets(store, iso(now - timedelta(days=30)), query=compile_query(QUERY))
        assert len(cands) == 400
        ids = [t.article_id for t in cands]
        assert ids == list(range(500, 100, -1))
        old = stored_targets(store, iso(now - timedelta(days=50)), query=compile_query(QUERY))
        assert len(old) == 500
    finally:
        store.close()


def test_the_vocabulary_is_read_by_the_term_s_first_letters_only_where_safe() -> None:
    """fts5vocab reads every list of a range to count it: a year's letter costs ~0.5 s, two
    letters a tenth. Two or three letters are used only where no indexed word can hold
    another character there that folds to the term's (œ, æ, ß, ø, ł, đ, ı), and, for word
    forms, only the letters every stem keeps."""
    from watchdesk.prefilter import _lead
    from watchdesk.rules.stem import term_keys

    assert _lead("russe") == "ru"              # ss may be a ß: stop before it
    assert _lead("tripoli") == "tr" and _lead("brutal") == "bru"   # i: ı
    assert _lead("oeuvre") == "" and _lead("coeur") == ""   # œuvre, cœur
    assert _lead("soldat") == ""               # sø…, sœ…
    assert _lead("delegation", term_keys("delegation")) == "de"   # stems deleg: del… ł
    assert _lead("libyen", term_keys("libyen")) == ""         # i: ı
    assert _lead("россия", term_keys("россия")) == ""        # Cyrillic: the first letter


def test_alerts_since_reads_the_range_of_the_shown_date_index(settings: Settings) -> None:
    """`alerts --since` over a year: the range of ``articles_shown`` (migration m019), the
    matches found by article, not every match read with its article."""
    from watchdesk.store import MatchFilter
    from watchdesk.store.reading import matches_sql

    fill(settings.db, 4, at=datetime.now(UTC) - timedelta(hours=1))
    store = Store(settings.db)
    try:
        sql, params = matches_sql(MatchFilter(since=iso(datetime.now(UTC) - timedelta(days=1))))
        plan = " | ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "SEARCH a USING INDEX articles_shown (<expr>>?)" in plan, plan
        assert "SCAN m" not in plan, plan
    finally:
        store.close()
