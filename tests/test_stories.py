"""Near-duplicate story detection (pure functions): same story, other words; other story."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from watchdesk import stories
from watchdesk.rules.text import fold
from watchdesk.stories import (
    BANDS,
    band_keys,
    dumps,
    loads,
    pick_story,
    same_story,
    signature,
    similarity,
)

from conftest import rfi_paragraphs

RFI_TITLE = "Libye : une délégation militaire russe à Benghazi"
RFI = "\n\n".join(rfi_paragraphs())

# The same news as another outlet ran it: new headline, first sentences reworded, dateline
# and credit added, the end cut.
WIRE_TITLE = "Benghazi : le vice-ministre russe de la Défense reçu par le maréchal Haftar"
WIRE = "BENGHAZI (AFP) - " + (
    RFI.replace("conduit une délégation militaire", "a conduit une délégation")
    .replace("Une occasion pour la Russie", "L'occasion pour Moscou")
    .replace("est arrivée ce 22 août 2023", "est arrivée mardi 22 août")
    .replace("l'homme fort de l'est libyen", "l'homme fort de l'Est")
)[: len(RFI) * 2 // 3] + "\n\nAvec AFP."

# Same topic, same names, another story.
OTHER_TITLE = "Libye : Khalifa Haftar reçu à Moscou par Vladimir Poutine"
OTHER = (
    "Le maréchal Khalifa Haftar, l'homme fort de l'est libyen, a été reçu jeudi au Kremlin "
    "par Vladimir Poutine. Les deux hommes ont évoqué la coopération militaire entre la Russie "
    "et l'Armée nationale libyenne, selon un communiqué de la présidence russe. Cette visite "
    "intervient quelques semaines après celle d'une délégation russe à Benghazi, menée par le "
    "vice-ministre de la Défense Iounous-bek Evkourov. Moscou cherche à consolider sa présence "
    "en Libye, où les anciens combattants du groupe Wagner ont été intégrés à l'Africa Corps."
)


def sig(title: str, text: str) -> tuple[int, ...]:
    s = signature(title, text)
    assert s is not None
    return s


def test_same_story_in_other_words_is_the_same_story() -> None:
    a, b = sig(RFI_TITLE, RFI), sig(WIRE_TITLE, WIRE)
    assert same_story(a, b) and similarity(a, b) > 0.6
    assert set(band_keys(a)) & set(band_keys(b))  # found as a candidate by the index


def test_same_topic_other_story_is_not() -> None:
    a, b = sig(RFI_TITLE, RFI), sig(OTHER_TITLE, OTHER)
    assert not same_story(a, b) and similarity(a, b) < 0.1


def test_case_accents_and_punctuation_do_not_matter() -> None:
    folded = RFI.upper().replace("é", "e").replace("’", " ").replace(",", "")
    assert similarity(sig(RFI_TITLE, RFI), sig(RFI_TITLE.upper(), folded)) > 0.9


def test_short_texts_are_never_linked() -> None:
    assert signature("Libye : Haftar à Moscou", "") is None
    assert signature("Libye", "Haftar reçu à Moscou.") is None


def test_pick_story_takes_the_closest_candidate_above_the_threshold() -> None:
    a = sig(RFI_TITLE, RFI)
    candidates = [(7, sig(OTHER_TITLE, OTHER)), (3, sig(WIRE_TITLE, WIRE)), (5, a)]
    assert pick_story(a, candidates) == 5
    assert pick_story(a, candidates[:2]) == 3
    assert pick_story(a, candidates[:1]) is None
    assert pick_story(a, []) is None


@given(st.lists(st.sampled_from("abcdefghij"), min_size=0, max_size=60))
def test_signature_round_trip_and_band_keys_fit_sqlite(letters: list[str]) -> None:
    text = " ".join(w * 3 for w in letters)
    s = signature("t", text)
    if s is None:
        return
    assert loads(dumps(s)) == s
    keys = band_keys(s)
    assert len(keys) == BANDS and all(0 <= k < 2**63 for k in keys)


def test_signatures_do_not_change_between_versions() -> None:
    # Signatures written by one process (and release) are compared in another: a change of
    # seed, hash or folding would silently stop linking stories across an upgrade (a change
    # on purpose comes with a migration that recomputes the stored ones, as m006 does).
    assert signature("x", OTHER)[:3] == (2195536996474233372, 58673362633713633,
                                         640986808991283241)


def _pair(rng: random.Random, size: int, jaccard: float) -> tuple[set[int], set[int]]:
    """Two sets of ``size`` random 61-bit hashes with the given Jaccard similarity."""
    common = round(2 * size * jaccard / (1 + jaccard))
    shared = {rng.randrange(stories._P) for _ in range(common)}
    a = shared | {rng.randrange(stories._P) for _ in range(size - common)}
    b = shared | {rng.randrange(stories._P) for _ in range(size - common)}
    return a, b


def test_signature_agreement_estimates_jaccard_similarity() -> None:
    # The one-permutation MinHash must behave like a MinHash of 64 separate hash functions:
    # each slot agrees with probability J (no bias), and slots are as good as independent
    # (the spread of the estimate is the binomial one), on long leads (every slot filled)
    # as on short ones (most slots borrowed from others by densification).
    rng = random.Random(11)
    for size in (15, 60, 400):
        for jaccard in (0.1, 0.3, 0.5, 0.7, 0.9):
            pairs = [_pair(rng, size, jaccard) for _ in range(200)]
            true = sum(len(a & b) / len(a | b) for a, b in pairs) / len(pairs)
            est = [similarity(stories._minhash(a), stories._minhash(b)) for a, b in pairs]
            mean = sum(est) / len(est)
            spread = (sum((e - mean) ** 2 for e in est) / len(est)) ** 0.5
            binomial = (true * (1 - true) / stories.SLOTS) ** 0.5
            assert abs(mean - true) < 0.03, (size, jaccard, mean, true)
            assert spread < 1.3 * binomial + 0.01, (size, jaccard, spread, binomial)


@given(st.sets(st.integers(0, stories._P), min_size=1, max_size=300))
def test_each_slot_holds_a_shingle_and_filled_slots_their_smallest(sh: set[int]) -> None:
    s = stories._minhash(sh)
    assert len(s) == stories.SLOTS and set(s) <= sh
    for j, v in enumerate(s):
        own = [x for x in sh if x >> stories._SLOT_SHIFT == j]
        assert v == (min(own) if own else v) and (own or v >> stories._SLOT_SHIFT != j)


_WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@given(st.lists(_WORDS, max_size=600),
       st.lists(st.sampled_from([" ", "  ", "\n", " \u0301", "\u00a0", "-", "’ ", "\t "]),
                min_size=1, max_size=5),
       st.integers(1, 300))
def test_lead_words_are_the_first_folded_words(parts: list[str], seps: list[str],
                                               n: int) -> None:
    text = "".join(p + seps[i % len(seps)] for i, p in enumerate(parts))
    assert stories._lead_words(text, n) == stories._WORD.findall(fold(text))[:n]


def test_lead_words_of_a_long_article() -> None:
    text = RFI * 3
    assert stories._lead_words(text) == stories._WORD.findall(fold(text))[:stories.LEAD_WORDS]
    assert signature(RFI_TITLE, text) == stories._minhash(stories.shingles(RFI_TITLE, text))


def test_a_near_duplicate_is_found_among_many_articles_sharing_a_common_band(
        tmp_path: Path) -> None:
    # A common trigram that hashes low gives thousands of unrelated articles one band key in
    # common; only the articles sharing the most band keys are compared, and the
    # near-duplicate (stored first, so last in any order by recency) is among them.
    from watchdesk.store import Store
    from watchdesk.store.articles import ArticlesMixin

    store = Store(tmp_path / "s.db")
    target = sig(RFI_TITLE, RFI)
    rng = random.Random(5)
    dup = tuple(v if i % 8 else rng.randrange(stories._P) for i, v in enumerate(target))
    assert same_story(dup, target)
    now = "2026-03-02T10:00:00Z"
    with store.transaction() as c:
        assert ArticlesMixin._story(c, 1, dup, now) == 1
        for article_id in range(2, 2 + 3 * stories.CANDIDATES):
            noise = tuple(v if i < 2 else rng.randrange(stories._P)
                          for i, v in enumerate(target))  # band 0 in common
            ArticlesMixin._story(c, article_id, noise, now)
        assert ArticlesMixin._story(c, 10_000, target, now) == 1


def test_upgrade_recomputes_stored_signatures(tmp_path: Path) -> None:
    # A database written before m006 holds signatures of the old kind: after the upgrade
    # they are the new ones, band keys included, so a new article still finds its story.
    from watchdesk.store import Store

    db = tmp_path / "s.db"
    store = Store(db)
    now = "2026-03-02T10:00:00Z"
    with store.transaction() as c:
        c.execute("INSERT INTO feeds(name, url, config_url, interval_s, created_at) VALUES"
                  " ('rfi', 'http://127.0.0.1/rfi', 'http://127.0.0.1/rfi', 600, ?)", (now,))
        c.execute("INSERT INTO articles(feed_id, url, canonical_url, title, summary, body,"
                  " fetched_at, extraction, content_hash) VALUES (1, 'u', 'u', ?, '', ?, ?,"
                  " 'page', 'h')", (RFI_TITLE, RFI, now))
        c.execute("INSERT INTO story_sigs VALUES (1, 1, ?, ?)", (dumps(range(64)), now))
        c.executemany("INSERT INTO story_bands VALUES (?, 1)", [(7,), (8,)])
        c.execute("INSERT INTO story_sigs VALUES (99, 99, ?, ?)", (dumps(range(64)), now))
        c.execute("DELETE FROM _sqlite_migrations"
                  " WHERE name = 'm006_one_permutation_story_signatures'")
    store.close()

    store = Store(db)
    new = sig(RFI_TITLE, RFI)
    assert [tuple(r) for r in store.query("SELECT article_id, sig FROM story_sigs")] == [
        (1, dumps(new))]
    assert ({r[0] for r in store.query("SELECT band FROM story_bands WHERE article_id = 1")}
            == set(band_keys(new)))
    with store.transaction() as c:
        from watchdesk.store.articles import ArticlesMixin
        assert ArticlesMixin._story(c, 2, sig(WIRE_TITLE, WIRE), now) == 1
