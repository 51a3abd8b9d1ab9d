"""What a poll pays against a full window ([perf-2]): the event index loaded from the store at
once, and the average-link agglomeration's averages, each the same as the code it replaced.

The index a ``watchdesk poll`` loads (the 8-day window, thousands of articles) must be the
one ``add`` would build article by article; the agglomeration counts the pairs of two groups
within the horizon only when their times straddle it, and must merge as counting them all
would.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from watchdesk.events import EventIndex, dumps, epoch, loads, terms_of
from watchdesk.events import settle as settling
from watchdesk.events.keys import CONCEPT
from watchdesk.events.similarity import HORIZON

DATA = Path(__file__).parent / "data"
ARTICLES: list[dict[str, Any]] = [
    *json.loads((DATA / "events.json").read_text(encoding="utf-8"))["articles"],
    *json.loads((DATA / "events_languages.json").read_text(encoding="utf-8"))["articles"]]


def stored() -> list[tuple[int, float, str, int, float, str]]:
    """Rows as ``event_docs`` holds them: the test articles' terms as ``terms_of`` writes
    them, and terms in no particular order (keys and concepts before words: ``load`` must
    put them in ``add``'s order), in stories of one to three."""
    rng = random.Random(3)
    rows = []
    for n, a in enumerate(sorted(ARTICLES, key=lambda a: a["time"]), start=1):
        at = epoch(a["time"]) or 0.0
        terms = terms_of(a["title"], a["lead"], lang=a.get("lang", ""))
        rows.append((n, at, dumps(terms), 1 + (n - 1) // 3 * 3, at + 60, a.get("lang", "")))
    vocab = [f"w{i}" for i in range(40)] + ["^haftar", "#12", "#2024", "~d2024-01-02",
                                            f"{CONCEPT}17", f"{CONCEPT}3", "le", "the"]
    for n in range(100, 160):
        terms = {t: float(rng.randint(1, 4)) for t in rng.sample(vocab, 14)}
        rows.append((n, 1.7e9 + 600 * n, dumps(terms), rng.choice([n, 100]), 1.7e9 + 600 * n,
                     "fr"))
    return rows


def state(index: EventIndex) -> dict[str, Any]:
    return {"docs": index.docs, "stories": index.stories, "df": index._df, "ldf": index._ldf,
            "postings": index._postings, "added": index._added, "live": index._live,
            "dead": index._dead}


def by_add(rows: list[tuple[int, float, str, int, float, str]]) -> EventIndex:
    index = EventIndex()
    for doc_id, at, text, story, kept, lang in rows:
        index.add(doc_id, at, loads(text), story, kept, lang)
    return index


def test_loading_stored_articles_builds_the_index_add_builds() -> None:
    rows = stored()
    loaded = EventIndex()
    loaded.load(rows)
    assert state(loaded) == state(by_add(rows))
    # words first, then marks, then concepts, whatever the stored order
    doc = loaded.docs[100]
    kinds = [0 if not t.startswith(("^", "#", "~")) else 2 if t.startswith(CONCEPT) else 1
             for t in doc.keys]
    assert kinds == sorted(kinds) and doc.words == kinds.count(0)
    assert loaded.docs[100].nums == by_add(rows).docs[100].nums != frozenset()


def test_an_id_loaded_twice_is_replaced_as_add_replaces_it() -> None:
    rows = stored()
    again = [*rows[:30], (5, rows[40][1], rows[40][2], 5, rows[40][4], "fr"), *rows[30:]]
    loaded = EventIndex()
    loaded.load(again)
    assert state(loaded) == state(by_add(again))


def test_a_loaded_index_groups_new_articles_as_an_added_one_does() -> None:
    rows = stored()
    loaded = EventIndex()
    loaded.load(rows[:20])
    added = by_add(rows[:20])
    for index in (loaded, added):
        for doc_id, at, text, _, _, lang in rows[20:]:
            index.assign(doc_id, at, loads(text), lang=lang)
        index.settle([r[0] for r in rows[20:]], lambda story: True)
    assert {d: doc.story for d, doc in loaded.docs.items()} == \
        {d: doc.story for d, doc in added.docs.items()}


def counted(times: dict[int, float], groups: list[list[int]], labels: list[int],
            pairs: dict[tuple[int, int], float], threshold: float,
            ) -> list[tuple[list[int], int]]:
    """Average-link agglomeration as the definition says, every average counted again from
    the pairs: the two groups most alike on average (pairs within the horizon; an unknown
    pair counts 0) merge first, ties to the smaller names, while that reaches threshold."""
    groups = [list(g) for g in groups]
    labels = list(labels)

    def average(g: list[int], h: list[int]) -> float:
        n = sum(1 for a in g for b in h if -HORIZON <= times[a] - times[b] <= HORIZON)
        total = sum(pairs.get((min(a, b), max(a, b)), 0.0) for a in g for b in h)
        return total / n if n else 0.0

    while True:
        best = min(((-average(groups[i], groups[j]), (labels[i], labels[j]), i, j)
                    for i in range(len(groups)) for j in range(i + 1, len(groups))),
                   default=None)
        if best is None or -best[0] < threshold:
            return sorted((sorted(g), label) for g, label in zip(groups, labels, strict=True))
        _, _, i, j = best
        groups[i].extend(groups.pop(j))
        labels[i] = min(labels[i], labels.pop(j))


@pytest.mark.parametrize("seed", range(12))
def test_the_agglomeration_merges_as_counting_every_pair_would(seed: int) -> None:
    # times over three horizons: some groups straddle it (their pairs are counted), others
    # lie within it (every pair is, without counting)
    rng = random.Random(seed)
    ids = list(range(1, rng.randint(8, 26)))
    spread = rng.choice([0.5, 1.0, 3.0]) * HORIZON
    times = {d: rng.uniform(0, spread) for d in ids}
    pairs = {(a, b): rng.choice([0.0, rng.uniform(0.05, 0.7)])
             for a in ids for b in ids if a < b and rng.random() < 0.6}
    index: Any = SimpleNamespace(docs={d: SimpleNamespace(at=t) for d, t in times.items()})
    got = settling._agglomerate(index, [[d] for d in ids], list(ids), dict(pairs), 0.26)
    assert sorted(got) == counted(times, [[d] for d in ids], ids, pairs, 0.26)


def test_a_kept_score_is_the_score_until_what_it_was_computed_from_changes() -> None:
    rows = stored()
    index = EventIndex()
    index.load(rows[:12])
    big = index.big()
    p = index.stored_probe(1)
    first = index.kept_score(p, 2, big)
    assert first == index.score(p, index.docs[2], big) > 0.0
    assert index.kept_score(p, 2, big) == first
    # the article's norms refreshed (enough articles added since): computed again
    for doc_id, at, text, story, kept, lang in rows[12:60]:
        index.add(doc_id, at, loads(text), story, kept, lang)
    big = index.big()
    again = index.kept_score(p, 2, big)
    assert again == index.score(p, index.docs[2], big) != first
    # the article replaced (its text changed): computed again
    index.update(2, loads(rows[3][2]))
    assert index.kept_score(p, 2, big) == index.score(p, index.docs[2], big) != again
    # another probe of the same article: computed for it
    q = index.stored_probe(1)
    assert index.kept_score(q, 2, big) == index.score(q, index.docs[2], big)


def test_kept_scores_go_with_their_probes(monkeypatch: pytest.MonkeyPatch) -> None:
    # kept per probe, as long as ``_known`` keeps the probe: bounded by what it keeps
    from watchdesk.events import index as ix

    monkeypatch.setattr(ix, "KNOWN", 3)
    rows = stored()
    index = EventIndex()
    index.load(rows[:12])
    big = index.big()
    for d in range(1, 9):
        p = index.stored_probe(d)
        index._known[d] = (p, {})
        index.kept_score(p, 10, big)
    assert len(index._scores) == 8
    index._forget()
    assert set(index._scores) == set(index._known) == {6, 7, 8}
    index.remove(7)
    assert set(index._scores) == {6, 8}
