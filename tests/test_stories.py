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
    # seed, hash or folding would silently stop linking stories across an upgrade.
    assert signature("x", OTHER)[:3] == (8957485460407464, 871012161155398, 5491701387731768)


# The fast paths of signature() must give exactly what the plain definitions give: signatures
# are compared with those stored by earlier versions.

def _plain_minhash(sh: set[int]) -> tuple[int, ...]:
    return tuple(min((a * x + b) % stories._P for x in sh) for a, b in stories._PERMS)


@given(st.sets(st.one_of(st.integers(0, stories._P - 1),
                         st.sampled_from([0, 1, 2, stories._P - 2, stories._P - 1])),
               min_size=1, max_size=300))
def test_packed_minhash_is_the_plain_minhash(sh: set[int]) -> None:
    assert stories._minhash(sh) == _plain_minhash(sh)


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
    assert signature(RFI_TITLE, text) == tuple(_plain_minhash(stories.shingles(RFI_TITLE, text)))


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
