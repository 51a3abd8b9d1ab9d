"""The store's side of repeated bodies (``store.walls``), on a real SQLite file: a body the
pipeline could not know was repeated (two feeds of one site saved in one cycle, each
checked before the other was stored) is caught in the save's transaction, and both
articles keep their summaries; the same article saved again is not a repeat."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from watchdesk.extract import walls
from watchdesk.models import ArticleWrite, FeedConfig, PollResult
from watchdesk.store import Store

NOW = "2026-12-06T10:00:00Z"
WALL_TEXT = "Pour accéder à Exemple Presse, veuillez confirmer votre choix."


def write(guid: str, url: str, summary: str, action: str = "new",
          article_id: int | None = None) -> ArticleWrite:
    return ArticleWrite(action=action, identity=guid, entry_hash=guid, guid=guid, url=url,
                        canonical_url=url, title=f"Titre {guid}", summary=summary,
                        body=WALL_TEXT, extraction="page", content_hash=guid,
                        article_id=article_id, body_site="presse.example",
                        body_key=walls.body_key(WALL_TEXT))


def test_a_body_stored_by_another_feed_demotes_both(tmp_path: Path) -> None:
    store = Store(tmp_path / "w.db")
    store.sync_feeds([FeedConfig("a", "https://presse.example/a.xml"),
                      FeedConfig("b", "https://presse.example/b.xml")], datetime.now(UTC))
    ids = {f.name: f.id for f in store.feeds()}
    store.save_poll(PollResult(ids["a"], "a", NOW),
                    [write("a1", "https://presse.example/1", "Résumé un.")], NOW)
    # the same article again (an update of its page): not a repeat
    first = store.query("SELECT id FROM articles")[0][0]
    store.save_poll(PollResult(ids["a"], "a", NOW),
                    [write("a1", "https://presse.example/1", "Résumé un.", "update", first)],
                    NOW)
    assert store.query("SELECT extraction FROM articles")[0][0] == "page"

    store.save_poll(PollResult(ids["b"], "b", NOW),
                    [write("b1", "https://presse.example/2", "Résumé deux.")], NOW)
    rows = {r["guid"]: dict(r) for r in store.query(
        "SELECT guid, body, extraction, wall FROM articles")}
    assert rows["a1"]["body"] == rows["b1"]["body"] == ""
    assert rows["a1"]["extraction"] == rows["b1"]["extraction"] == "summary"
    assert rows["a1"]["wall"] == walls.repeated_reason("presse.example",
                                                       "https://presse.example/2")
    assert rows["b1"]["wall"] == walls.repeated_reason("presse.example",
                                                       "https://presse.example/1")
    assert store.query("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'confirmer'"
                       )[0][0] == 0
    assert store.wall_counts() == [("a", 1), ("b", 1)]
    store.close()


def test_body_keys_are_forgotten_after_a_week_unseen(tmp_path: Path) -> None:
    from watchdesk.store.walls import KEEP

    store = Store(tmp_path / "w.db")
    store.sync_feeds([FeedConfig("a", "https://presse.example/a.xml")], datetime.now(UTC))
    feed = store.feeds()[0].id
    store.save_poll(PollResult(feed, "a", NOW),
                    [write("a1", "https://presse.example/1", "Résumé un.")], NOW)
    assert store.bodies_seen([("presse.example", walls.body_key(WALL_TEXT))])
    later = (datetime(2026, 12, 6, 10, tzinfo=UTC) + KEEP).strftime("%Y-%m-%dT%H:%M:%SZ")
    later = later.replace("T10", "T11")   # one hour past the bound
    store.save_poll(PollResult(feed, "a", later), [], later)
    assert store.bodies_seen([("presse.example", walls.body_key(WALL_TEXT))]) == {}
    store.close()
