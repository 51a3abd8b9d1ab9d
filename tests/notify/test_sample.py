"""A realistic day (tests/notify/sample.py): size and content of the digest."""

from __future__ import annotations

from watchdesk.notify.outbox import preview_digest
from watchdesk.settings import Settings
from watchdesk.store import Store

from .sample import NOW, TITLES, populate


def test_typical_digest_stays_small(store: Store, settings: Settings) -> None:
    populate(store)
    d, r = preview_digest(store, settings, NOW, titles=TITLES)
    assert (d.n_stories, d.n_rules) == (14, 4)
    assert r.subject == "watchdesk — 14 articles pour 4 règles — jeu. 26 nov."
    # Gmail clips HTML bodies over 102 KB behind a "message clipped" link
    assert len(r.html.encode()) < 40 * 1024
    assert [g.rule_id for g in d.groups][0] == "haftar-russie"          # the alert rule
    assert "Le Monde Afrique" in d.groups[0].items[0].also_in
    assert r.html.count('class="title rtl"') == 2                        # the Arabic titles
    assert "javascript:" not in r.html and "<script>" not in r.html
