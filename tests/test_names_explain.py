"""watchdesk.names.explain: a word that is a known spelling of another name is explained away
for ``name:term``; the term's own spellings never are."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest

from watchdesk.names import explain, explained_away
from watchdesk.rules import Document, compile_query


def _matches(query: str, text: str) -> bool:
    return compile_query(query).matches(Document("", "", text)) is not None


@pytest.mark.parametrize(("other", "own", "text"), [
    # Arabic: دميتري is Dmitry's (the same consonants, vowels Demetrio's spellings never
    # differ by), with or without a proclitic
    ("name:demetrio", "name:dmitry", "وقال دميتري بيسكوف إن المفاوضات ستستمر"),
    ("name:demetrio", "name:dimitri", "ووجهت الحكومة دعوة لدميتري لحضور الاجتماع"),
    # Russian: Майер is Mayer's (the same consonants, vowels of another name), in any case
    ("name:marj", "name:mayer", "Представитель Майера отказался от комментариев."),
    ("name:marj", "name:mayer", "Встреча с Майером прошла за закрытыми дверями."),
    # هولت is listed once for Hoult and once for Hult: two names of those consonants and
    # other vowels, seen twice together, explain it
    ("name:howlett", "name:hoult", "قال هولت في بيان إن المفاوضات ستستمر"),
    # Christine's: Kristian writes an a after the i that كريستين and Кристина do not
    ("name:kristian", "name:christine", "قالت كريستين إن المفاوضات ستستمر"),
    ("name:kristian", "name:kristina", "Представитель Кристины отказался от комментариев."),
])
def test_a_look_alike_is_explained_away(other: str, own: str, text: str) -> None:
    assert not _matches(other, text)
    assert _matches(own, text)


@pytest.mark.parametrize(("query", "text"), [
    ("name:haftar", "قال حفتر في بيان"),
    ("name:hafter", "قال حفتر في بيان"),
    ("name:haftar", "Встреча с Хафтаром прошла за закрытыми дверями."),
    ("name:prigojine", "Представитель Пригожина отказался от комментариев."),
    ("name:katja", "قالت كاتيا إن المفاوضات ستستمر"),  # Katya, Katia: one name
    ("name:viktorija", "قالت فيكتوريا إن المفاوضات ستستمر"),  # Victoria
    ("name:alekseievitch", "Алексеевич заявил журналистам"),  # Alexeyevich
    ("name:meyers", "قال مايرز في بيان"),  # Myers
    ("name:brega", "К Бреге подошли колонны"),  # Брега in the dative, not Breguet
    ("name:feodosia", "Из Феодосии поступают сообщения"),  # not Феодосий, Feodosy
    ("name:belinda", "قالت بليندا إن"),  # not ب + ليندا, Linda
    ("name:benghazi", "اندلعت اشتباكات عنيفة في بنغازي"),
    ("name:wittman", "قال بيتمان في بيان"),  # Pittman's, but not clearly closer to it
    ("name:kristian", "قال كريستيان في بيان"),
    ("name:kristian", "Встреча с Кристианом прошла за закрытыми дверями."),
])
def test_own_spellings_are_never_explained_away(query: str, text: str) -> None:
    assert _matches(query, text)


def test_every_listed_name_keeps_its_listed_spellings() -> None:
    """For a sample of the table: no word is explained away for a name it lists."""
    entries = explain.load()[1]
    for line in itertools.islice(entries, 0, len(entries), 97):
        word, _, items = line.partition("\t")
        for name in explain.known(word):
            assert not explained_away(name, word), (name, word, items)


def test_a_word_the_table_does_not_know_is_never_explained_away() -> None:
    assert explain.known("زززز") == {}
    assert not explained_away("marga", "زززز")
    assert not explained_away("wittman", "Wittman")  # (Latin words are not listed)


@pytest.mark.parametrize(("term", "name", "relation"), [
    ("haftar", "hafter", "same"),  # a|e: two spellings of one name, often
    ("katja", "katya", "same"),
    ("mihajlovic", "mikhailovich", "same"),  # other letters, the same consonant classes
    ("marga", "mayorga", "vowels"),  # a|ayo: never between spellings of one name
    ("bing", "byung", "vowels"),
    ("kristian", "christine", "vowels"),  # i|ia is not a|la, an a one lacks
    ("mikkel", "michael", "same"),  # ae|e: often
    ("wittman", "pittman", "other"),
])
def test_relation_of_two_latin_names(term: str, name: str, relation: str) -> None:
    assert explain.relation(term, name) == relation


def test_the_table_is_read_only_for_a_name_term() -> None:
    """``search`` without ``name:`` (and importing the names package) never reads it."""
    code = (
        "from watchdesk.rules import Document, compile_query\n"
        "from watchdesk.names import explain\n"
        "compile_query('haftar OR benghazi').matches(Document('', '', 'قال حفتر Хафтаром'))\n"
        "print(explain.load.cache_info().currsize)\n"
        "compile_query('name:haftar').matches(Document('', '', 'قال حفتر'))\n"
        "print(explain.load.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["0", "1"]
