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


def test_the_vocabulary_is_read_by_the_term_s_first_letters_in_every_spelling() -> None:
    """fts5vocab reads every list of a range to count it, and the short words are the
    frequent ones: a year's letter costs ~0.9 s, two letters ~0.3 s. So up to five letters
    (for word forms, only those every stem keeps, less the two a stemmer may rewrite: happy
    is happi, dying die), each written in every way FTS5 may index it (a character it keeps
    whole that folds to those letters: œ, ß, ł, ﬁ, ё…)."""
    from watchdesk.prefilter import _leads
    from watchdesk.rules.stem import term_keys

    assert _leads("russe") == ["russe", "ruße"]
    assert _leads("delegation", term_keys("delegation")) == [
        "del", "deł", "deǉ", "đel", "đeł", "đeǉ"]      # stems deleg (ǉ is lj)
    assert _leads("happiness", term_keys("happiness")) == ["hap", "hǡp"]   # happi: happy
    assert _leads("die", term_keys("die")) == []       # dying: die (the first letter then)
    assert set(_leads("oeuvre")) == {"oeuvr", "øeuvr", "œuvr", "ǿeuvr"}
    assert "ﬁfa" in _leads("fifa")
    assert "oﬁ" in _leads("of")                 # ﬁ folds to more than the lead's rest
    assert _leads("россия", term_keys("россия")) == ["росс", "рӧсс"]   # Russian cuts only
    assert _leads("benghazi") == ["bengh"]
    assert _leads("ab") == ["ab", "ǡb"] and _leads("a") == []   # two letters at least
    assert len(_leads("officiel")) <= 32               # fewer letters, as many spellings


def test_kept_whole_is_what_this_sqlite_s_fts5_keeps_whole() -> None:
    """The table of characters FTS5 indexes whole where our folding makes letters of them,
    found again in the SQLite this runs on: each Latin and Cyrillic letter, and the Latin
    ligatures, through a real unicode61 index (the modifier letters ʰ ʲ…, compatibility
    forms, are left out as the fullwidth and mathematical ones are)."""
    import sqlite3
    import unicodedata

    from watchdesk.prefilter import KEPT_WHOLE
    from watchdesk.rules.text import fold

    chars = [chr(c) for c in [*range(0xC0, 0x250), *range(0x400, 0x530), *range(0x1E00, 0x1F00),
                              *range(0xFB00, 0xFB07)] if unicodedata.category(chr(c))[0] == "L"]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    conn.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)",
                     [(i, f"q{c}q") for i, c in enumerate(chars)])
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, t, instance)")
    found = {}
    for term, doc in conn.execute("SELECT term, doc FROM temp.v"):
        kept = term[1:-1]                      # what FTS5 made of chars[doc]
        assert fold(kept) == fold(chars[doc]), chars[doc]   # the two foldings agree
        plain = fold(kept)
        if kept != plain and plain.isalnum() and (plain.isascii() or all(
                "\u0430" <= c < "\u0450" for c in plain)):
            found[kept] = plain
    assert found == KEPT_WHOLE


def test_a_word_form_is_found_in_every_spelling_the_index_keeps(settings: Settings) -> None:
    """~délégation over words FTS5 indexes with a letter kept whole (ł, đ): the narrowed
    vocabulary ranges still find them, so the search equals the matcher's own answer."""
    store = Store(settings.db)
    now = datetime.now(UTC) - timedelta(hours=1)
    bodies = ["Une délégation libyenne à Rome.", "La dełegation est arrivée.",
              "Đelegations du Sud, réunies.", "Le délégué a parlé.", "Rien de tel ici.",
              "Clear skies over Tripoli.", "A sky-blue flag."]
    try:
        store.sync_feeds([FeedConfig("local", "http://127.0.0.1:9/rss")], now)
        feed = store.feeds()[0]
        store.save_poll(PollResult(feed.id, feed.name, iso(now), status=200), [ArticleWrite(
            action="new", identity=f"guid:{i}", entry_hash=f"h{i}", guid=str(i),
            url=f"http://127.0.0.1:9/a/{i}", canonical_url=f"http://127.0.0.1:9/a/{i}",
            title=f"Article {i}", summary="", body=b, extraction="page",
            content_hash=f"c{i}", matches=[]) for i, b in enumerate(bodies)], iso(now))
        q = compile_query("~délégation")
        found = {t.doc.body for t in stored_targets(store, iso(now - timedelta(days=1)),
                                                    query=q)}
        assert {b for b in found if q.test(Document("", "", b))} == set(bodies[:3])
        # a stem the stemmer spells otherwise than its words start (skies: sky)
        q = compile_query("~sky")
        found = {t.doc.body for t in stored_targets(store, iso(now - timedelta(days=1)),
                                                    query=q)}
        assert {b for b in found if q.test(Document("", "", b))} == set(bodies[5:])
    finally:
        store.close()


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
