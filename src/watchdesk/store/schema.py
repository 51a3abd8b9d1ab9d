"""Database schema, as an ordered list of migrations.

Never edit a migration that has shipped: add a new one. Each runs in its own transaction
together with the record that it ran (sqlite-utils ``Migrations``).

Timestamps are TEXT in UTC ISO 8601 (``2026-11-26T07:00:00Z``), so they sort and compare as text.
JSON columns hold lists/objects as text (``json_extract`` works on them).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("watchdesk")


def _script(db: Database, sql: str) -> None:
    """Run statements one by one: ``executescript`` would COMMIT the migration's transaction."""
    for stmt in sql.split(";\n"):
        if stmt.strip():
            db.execute(stmt)


@migrations()
def m001_initial(db: Database) -> None:
    _script(db, """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL,              -- where we fetch it now (follows permanent redirects)
            config_url TEXT NOT NULL,       -- as written in feeds.yaml
            title TEXT,                     -- the feed's own title
            site_url TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            interval_s INTEGER NOT NULL,
            fetch_articles INTEGER NOT NULL DEFAULT 1,
            in_config INTEGER NOT NULL DEFAULT 1,
            enabled INTEGER NOT NULL DEFAULT 1,
            disabled_reason TEXT,
            etag TEXT,
            last_modified TEXT,
            last_polled_at TEXT,
            last_success_at TEXT,
            last_status INTEGER,
            last_error TEXT,
            last_error_at TEXT,
            error_count INTEGER NOT NULL DEFAULT 0,
            next_poll_at TEXT,
            redirected_from TEXT,
            created_at TEXT NOT NULL
        );

        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id),
            guid TEXT,
            url TEXT,
            canonical_url TEXT UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            author TEXT,
            lang TEXT,
            published_at TEXT,
            fetched_at TEXT NOT NULL,
            updated_at TEXT,
            extraction TEXT NOT NULL,       -- page | feed | summary | none
            content_hash TEXT NOT NULL,
            story_id INTEGER                -- articles telling the same story share it
        );
        CREATE INDEX articles_fetched_at ON articles(fetched_at);
        CREATE INDEX articles_story ON articles(story_id);

        -- one row per (feed, entry identity): how a feed's entry maps to an article
        CREATE TABLE entries (
            feed_id INTEGER NOT NULL REFERENCES feeds(id),
            identity TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            entry_hash TEXT NOT NULL,
            first_seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_id, identity)
        ) WITHOUT ROWID;
        CREATE INDEX entries_article ON entries(article_id);

        CREATE TABLE matches (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            rule_id TEXT NOT NULL,
            priority TEXT NOT NULL,         -- alert | digest
            terms TEXT NOT NULL,            -- JSON list of the query terms that matched
            snippet TEXT NOT NULL,          -- keyword in context, plain text
            snippets TEXT NOT NULL,         -- JSON {field: {"text": ..., "spans": [[s, e], ...]}}
            backfill INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            alert_outbox_id INTEGER,        -- set once an urgent alert carrying it was queued
            UNIQUE (article_id, rule_id)
        );
        CREATE INDEX matches_created ON matches(created_at);

        CREATE TABLE fetches (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER NOT NULL REFERENCES feeds(id),
            started_at TEXT NOT NULL,
            status INTEGER,
            bytes INTEGER,
            ms INTEGER,
            new INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE INDEX fetches_feed_time ON fetches(feed_id, started_at);

        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,             -- digest | alert | webhook
            message_id TEXT NOT NULL UNIQUE,
            recipients TEXT NOT NULL,       -- JSON list
            subject TEXT NOT NULL,
            body_text TEXT NOT NULL,
            body_html TEXT,
            payload TEXT,                   -- JSON for webhooks
            window_start TEXT,
            window_end TEXT,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | failed
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            next_attempt_at TEXT,
            sent_at TEXT
        );
        CREATE INDEX outbox_status ON outbox(status, next_attempt_at);

        -- rule versions the daemon has seen, so a new or changed rule is backfilled once
        CREATE TABLE rule_state (
            rule_id TEXT PRIMARY KEY,
            hash TEXT NOT NULL,
            first_seen_at TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            backfilled_at TEXT
        );

        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        """)
    db.table("articles").enable_fts(
        ["title", "summary", "body"],
        create_triggers=True,
        tokenize="unicode61 remove_diacritics 2",
    )


@migrations()
def m002_pending_alerts_index(db: Database) -> None:
    """The notifier asks every minute for urgent matches not yet queued; keep that cheap."""
    db.execute(
        "CREATE INDEX matches_pending_alert ON matches(id)"
        " WHERE priority = 'alert' AND backfill = 0 AND alert_outbox_id IS NULL")


@migrations()
def m003_rule_definition(db: Database) -> None:
    """Keep the definition of each rule the daemon runs, so `watchdesk rules test` can show
    what an edited file gains and loses against it."""
    db.execute("ALTER TABLE rule_state ADD COLUMN definition TEXT")


@migrations()
def m004_fetch_interval_warning_stories(db: Database) -> None:
    """Adaptive poll interval and last warning per feed; near-duplicate story signatures.

    ``story_sigs``/``story_bands`` are a cache over recent articles (pruned after a few
    days; m007 drops them), so they carry no foreign keys: deleting old articles never has
    to know about them.
    """
    db.executescript(
        """
        ALTER TABLE feeds ADD COLUMN poll_interval_s INTEGER;  -- adaptive interval, seconds
        ALTER TABLE feeds ADD COLUMN last_warning TEXT;  -- a feed that parsed, with complaints

        CREATE TABLE story_sigs (
            article_id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL,
            sig TEXT NOT NULL,              -- MinHash signature, space-separated integers
            created_at TEXT NOT NULL
        );
        CREATE INDEX story_sigs_created ON story_sigs(created_at);
        CREATE TABLE story_bands (
            band INTEGER NOT NULL,          -- LSH band key: articles sharing one are compared
            article_id INTEGER NOT NULL
        );
        CREATE INDEX story_bands_band ON story_bands(band);
        CREATE INDEX story_bands_article ON story_bands(article_id);
        """
    )


@migrations()
def m005_story_bands_covering_index(db: Database) -> None:
    """Candidates for a new article's story are ranked by band keys shared (``GROUP BY
    article_id`` over every row of its 32 bands): with ``article_id`` in the index SQLite
    never reads the table (8 -> 3 ms per article at 14,000 recent articles)."""
    db.executescript(
        """
        CREATE INDEX story_bands_band_article ON story_bands(band, article_id);
        DROP INDEX story_bands_band;
        """
    )


@migrations()
def m006_one_permutation_story_signatures(db: Database) -> None:
    """0.1 recomputed the story signatures here, as one-permutation MinHashes. m007, which
    always runs after it, drops the signatures and regroups every stored article from the
    articles themselves, so this migration now does nothing: it keeps its name, so that
    databases that ran it and databases that did not are at the same step."""


@migrations()
def m007_events(db: Database) -> None:
    """Event grouping replaces near-duplicate signatures (see ``events``): articles from
    different outlets reporting the same event share ``articles.story_id``, copies of one
    wire text included, so ``story_sigs``/``story_bands`` go.

    ``event_docs``: terms, time and story of the recent grouped articles, what the grouping
    index is built from (a cache: pruned after ``store.events.KEEP``, no foreign keys).
    ``event_alerts``: the breaking-story alerts queued, one per (rule, story), inserted with
    the outbox row that carries it, so an event never alerts twice.

    Every stored matched article is grouped again, in time order, with the same code as new
    articles (about 1 ms each); articles no rule matched have no story."""
    from .. import events
    from .events import KEEP, REV_KEY, iso_of

    _script(db, """
        DROP TABLE story_bands;
        DROP TABLE story_sigs;
        CREATE TABLE event_docs (
            article_id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL,
            at TEXT NOT NULL,               -- publication time, else fetch time (UTC)
            terms TEXT NOT NULL,            -- "term weight term weight ..." (events.terms)
            created_at TEXT NOT NULL        -- when it was grouped (what pruning goes by)
        );
        CREATE INDEX event_docs_created ON event_docs(created_at);
        CREATE TABLE event_alerts (
            rule_id TEXT NOT NULL,
            story_id INTEGER NOT NULL,
            outbox_id INTEGER NOT NULL,     -- the alert (or webhook post) that carried it
            sources INTEGER NOT NULL,       -- distinct feeds counted when it broke
            created_at TEXT NOT NULL,
            PRIMARY KEY (rule_id, story_id)
        ) WITHOUT ROWID
        """)
    rows = db.execute(
        "SELECT id, title, body, summary, published_at, fetched_at FROM articles a"
        " WHERE EXISTS (SELECT 1 FROM matches m WHERE m.article_id = a.id)").fetchall()
    timed = sorted((events.event_time(published, fetched), article_id, title, body, summary,
                    fetched) for article_id, title, body, summary, published, fetched in rows)
    db.execute("UPDATE articles SET story_id = NULL")
    if not timed:
        return
    keep_from = iso_of(max(events.event_time(r[5], r[5]) for r in rows)
                       - KEEP.total_seconds())
    index = events.EventIndex()
    stories: list[tuple[int, int]] = []
    for at, article_id, title, body, summary, fetched in timed:
        index.prune(at - events.index.HORIZON)   # (in time order: older cannot link)
        terms = events.terms_of(title, body, summary)
        story = index.assign(article_id, at, terms)
        stories.append((story, article_id))
        if fetched >= keep_from:  # as if grouped when it was fetched
            db.execute("INSERT INTO event_docs(article_id, story_id, at, terms, created_at)"
                       " VALUES (?,?,?,?,?)", [article_id, story, iso_of(at),
                                              events.dumps(terms), fetched])
    db.conn.executemany("UPDATE articles SET story_id = ? WHERE id = ?", stories)
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, '1')", [REV_KEY])


@migrations()
def m009_feed_interval_explicit_and_schedule_reason(db: Database) -> None:
    """Whether a feed's interval was written on the feed itself (then it is the ceiling of
    the adaptive interval), and why its next poll is when it is (for `watchdesk feeds`)."""
    db.executescript(
        """
        ALTER TABLE feeds ADD COLUMN interval_explicit INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE feeds ADD COLUMN next_poll_reason TEXT;
        """
    )


@migrations()
def m010_source_kind(db: Database) -> None:
    """Sources without a feed (issue 24): each feed's kind (feed, sitemap, html, telegram),
    the CSS selectors of a listing page (JSON object) and its own per-poll entry bound."""
    db.executescript(
        """
        ALTER TABLE feeds ADD COLUMN kind TEXT NOT NULL DEFAULT 'feed';
        ALTER TABLE feeds ADD COLUMN selectors TEXT;
        ALTER TABLE feeds ADD COLUMN max_entries INTEGER;
        """
    )


@migrations()
def m011_rule_files(db: Database) -> None:
    """The last good text of each rule file (``store.rule_state``): a daemon that restarts
    while a file is broken runs that version instead of dropping the file's rules."""
    db.executescript(
        """
        CREATE TABLE rule_files (
            path TEXT PRIMARY KEY,       -- resolved path of the file
            digest TEXT NOT NULL,        -- sha256 of text
            text TEXT NOT NULL,
            saved_at TEXT NOT NULL       -- when this version was first applied
        );
        """
    )


@migrations()
def m012_walls(db: Database) -> None:
    """Consent walls and paywalls (``extract.walls``): ``articles.wall`` says why an
    article's page was not used as its body (a consent interstitial, a paywall's teaser, or
    a body seen on another URL of the same site), NULL when it was or when no page was
    fetched; the article then holds the feed's text (``extraction`` says which).

    ``page_bodies``: the key of each page body seen per site (``walls.body_key``), with the
    URL it was first seen on, so that the same body on a second URL of the site is known
    for a wall (both articles fall back to the feed's text). A cache, pruned after
    ``store.walls.KEEP`` without use; no foreign keys."""
    _script(db, """
        ALTER TABLE articles ADD COLUMN wall TEXT;
        CREATE TABLE page_bodies (
            site TEXT NOT NULL,             -- host of the page's final URL
            key TEXT NOT NULL,              -- walls.body_key of its extracted body
            url TEXT NOT NULL,              -- the first article URL that carried it
            article_id INTEGER,             -- its article
            pages INTEGER NOT NULL DEFAULT 1,   -- distinct URLs seen with it (at least)
            seen_at TEXT NOT NULL,          -- last seen (what pruning goes by)
            PRIMARY KEY (site, key)
        ) WITHOUT ROWID;
        CREATE INDEX page_bodies_seen ON page_bodies(seen_at);
        -- `watchdesk feeds` counts each feed's walls: few rows, a small index
        CREATE INDEX articles_wall ON articles(feed_id) WHERE wall IS NOT NULL
        """)


@migrations()
def m013_truncated(db: Database) -> None:
    """``articles.truncated``: what the extraction bounds (``extract.bounds``) cut from the
    article's page (« cut at the 12,000th start tag »), NULL when nothing was: a long page
    cut before the end of its article no longer loses it silently."""
    db.execute("ALTER TABLE articles ADD COLUMN truncated TEXT")
    db.execute("CREATE INDEX articles_truncated ON articles(feed_id) WHERE truncated IS NOT NULL")


@migrations()
def m014_web_verdicts_rule_history(db: Database) -> None:
    """The desk's web pages (``watchdesk.web``): what the analysts decided and what they
    changed.

    ``verdicts``: one analyst's judgement of one article under one rule (``relevant`` or
    ``off_topic``); a later verdict of the same person replaces theirs. No foreign key to
    ``articles``: a verdict outlives the article's pruning (it is the desk's record).
    ``rule_history``: each rule file saved from the browser, with the text it replaced and
    the unified diff, so that any earlier version can be restored."""
    _script(db, """
        CREATE TABLE verdicts (
            article_id INTEGER NOT NULL,
            rule_id TEXT NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('relevant', 'off_topic')),
            who TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (article_id, rule_id, who)
        ) WITHOUT ROWID;
        CREATE INDEX verdicts_rule ON verdicts(rule_id);
        CREATE TABLE rule_history (
            id INTEGER PRIMARY KEY,
            file TEXT NOT NULL,             -- path relative to the rules folder
            who TEXT NOT NULL,
            created_at TEXT NOT NULL,
            diff TEXT NOT NULL,             -- unified diff, previous -> saved
            previous TEXT NOT NULL,         -- the whole text that was replaced ('' if new)
            saved_hash TEXT NOT NULL        -- sha256 of the text written
        );
        CREATE INDEX rule_history_file ON rule_history(file, created_at)
        """)


def _regroup(db: Database) -> None:
    """``store.events.regroup_all``, once per upgrade: it groups with the code that runs, not
    with the method of the migration that calls it, so a second call in the same upgrade
    (an old database has m015, m020 and m021-m024 pending) would give the same stories
    again, at the same cost (24 s of CPU on 27,400 articles). Each migration commits on its
    own: after a crash between two of them the next start regroups once more."""
    if getattr(db, "_watchdesk_regrouped", False):
        return
    from .events import regroup_all

    regroup_all(db.conn)
    db._watchdesk_regrouped = True  # type: ignore[attr-defined]


@migrations()
def m015_events_across_languages(db: Database) -> None:
    """Event grouping across languages and over a day of reports (see ``events``): the
    language of each grouped article (``event_docs.lang``, its primary subtag, '' unknown),
    and every stored matched article grouped again with the new method, since its terms now
    hold names, numbers and days (``store.events.regroup_all``: event alerts already sent
    follow their articles, so none is sent twice)."""
    db.execute("ALTER TABLE event_docs ADD COLUMN lang TEXT NOT NULL DEFAULT ''")
    _regroup(db)


@migrations()
def m016_retention(db: Database) -> None:
    """Retention (see ``retention``): ``articles.pruned_at`` marks an article whose body and
    summary were dropped (its row, headline, link and entries stay, so it is never stored
    again as new); ``db_sizes`` keeps one size sample per day, for `watchdesk status`'s
    growth per day.

    Space comes back to the file system with ``auto_vacuum=INCREMENTAL``, which a new
    database gets when it is created (``StoreBase._prepare``); an existing one switches only
    with a VACUUM, which cannot run inside a migration and rewrites the whole file, so it is
    left to the operator (docs/ops.md, "Retention"). Without it, freed pages are reused by
    new articles: the file stops growing, it does not shrink."""
    _script(db, """
        ALTER TABLE articles ADD COLUMN pruned_at TEXT;
        CREATE TABLE db_sizes (
            day TEXT PRIMARY KEY,           -- UTC date of the sample
            at TEXT NOT NULL,               -- when it was taken
            bytes INTEGER NOT NULL,         -- file size (pages x page size)
            free_bytes INTEGER NOT NULL     -- of which free pages, reused before the file grows
        )
        """)


@migrations()
def m017_archive_counts(db: Database) -> None:
    """What `watchdesk feeds` and `status` read stays cheap with a year of archive (a million
    articles, millions of fetch-log rows): each feed's number of entries is kept in
    ``feeds.entry_count`` by triggers (counting them read the whole ``entries`` table), and the
    failed fetches have an index of their own (counting them read every fetch row)."""
    for stmt in (
        "ALTER TABLE feeds ADD COLUMN entry_count INTEGER NOT NULL DEFAULT 0",
        "UPDATE feeds SET entry_count ="
        " (SELECT count(*) FROM entries e WHERE e.feed_id = feeds.id)",
        "CREATE TRIGGER entries_count_ai AFTER INSERT ON entries BEGIN"
        " UPDATE feeds SET entry_count = entry_count + 1 WHERE id = new.feed_id; END",
        "CREATE TRIGGER entries_count_ad AFTER DELETE ON entries BEGIN"
        " UPDATE feeds SET entry_count = entry_count - 1 WHERE id = old.feed_id; END",
        "CREATE INDEX fetches_failed ON fetches(feed_id) WHERE error IS NOT NULL",
    ):
        db.execute(stmt)


@migrations()
def m018_rule_history_new_files(db: Database) -> None:
    """``rule_history.previous`` may be NULL: the save created the file, so restoring that
    entry removes the file (it wrote an empty file, which the folder then listed). Earlier
    entries with ``previous = ''`` were saves of new files (a saved file always ends with a
    newline; a zero-byte file loads as no rules, as no file does), so they become NULL.
    ``saved_hash`` of a restore that removed the file is the version of no file, ``new``.
    SQLite cannot drop a NOT NULL constraint: the table is rebuilt, ids kept."""
    _script(db, """
        CREATE TABLE rule_history_m018 (
            id INTEGER PRIMARY KEY,
            file TEXT NOT NULL,             -- path relative to the rules folder
            who TEXT NOT NULL,
            created_at TEXT NOT NULL,
            diff TEXT NOT NULL,             -- unified diff, previous -> saved
            previous TEXT,                  -- the whole text that was replaced; NULL: no file
            saved_hash TEXT NOT NULL        -- sha256 of the text written ('new': file removed)
        );
        INSERT INTO rule_history_m018(id, file, who, created_at, diff, previous, saved_hash)
            SELECT id, file, who, created_at, diff, nullif(previous, ''), saved_hash
            FROM rule_history;
        DROP TABLE rule_history;
        ALTER TABLE rule_history_m018 RENAME TO rule_history;
        CREATE INDEX rule_history_file ON rule_history(file, created_at)
        """)


@migrations()
def m019_shown_date(db: Database) -> None:
    """`alerts --since` reads the date an article is shown with (its publication date, else
    when it was fetched: ``reading.SHOWN_DATE``), an expression no index held: over a year of
    archive it read every match and its article (0.4 s at 1,000,000 articles). An index on
    that very expression serves the range (8 ms). Building it reads every article once
    (18 s on a loaded 2-core machine at 1,000,000 articles)."""
    db.execute("CREATE INDEX articles_shown ON articles(coalesce(published_at, fetched_at))")


@migrations()
def m020_event_concepts(db: Database) -> None:
    """Reports in other languages are compared by their concepts too (``events.lexicon``:
    common news words of en/fr/ar/ru as shared ids), which the terms stored in ``event_docs``
    lack: the stored matched articles of the archive's last month are grouped again
    (``store.events.regroup_all``, as m015: sent event alerts follow their articles)."""
    _regroup(db)


@migrations()
def m021_event_regroup(db: Database) -> None:
    """Open stories are grouped again after each batch from scratch (``events.settle``:
    their articles may move), at a lower threshold: the stored matched articles of the
    archive's last month are grouped again with that method (``store.events.regroup_all``,
    as m015 and m020: sent event alerts follow their articles)."""
    _regroup(db)


@migrations()
def m022_event_scores(db: Database) -> None:
    """Regrouping pairs every article by all the scores it took part in and judges the
    reciprocal bonus again (``events.settle``), at threshold 0.26: the stored matched
    articles of the archive's last month are grouped again with it
    (``store.events.regroup_all``, as m021: sent event alerts follow their articles)."""
    _regroup(db)


@migrations()
def m023_event_contrast(db: Database) -> None:
    """A pair's score is raised for two articles close to little else (``events.similarity``'s
    hubness contrast), at threshold 0.28: the stored matched articles of the archive's last
    month are grouped again with it (``store.events.regroup_all``, as m022: sent event
    alerts follow their articles)."""
    _regroup(db)


@migrations()
def m024_event_open_until_alerted(db: Database) -> None:
    """A pair's score rises from a hubness of 0.23 (``events.similarity``, 0.20 before), and
    a story a digest showed may still be regrouped (only a breaking-story alert holds one):
    the stored matched articles of the archive's last month are grouped again
    (``store.events.regroup_all``, as m023: sent event alerts follow their articles)."""
    _regroup(db)
