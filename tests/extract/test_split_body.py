"""An article printed in several blocks of the same class is read whole; comments, cards and
blocks the extraction did not start from are not added."""

from __future__ import annotations

import lxml.html
import pytest

from watchdesk.extract.page import extract_page
from watchdesk.extract.split_body import chunks, complete

PARTS = [
    ["Le maréchal Khalifa Haftar a reçu lundi à Benghazi une délégation du ministère russe de "
     "la Défense conduite par le vice-ministre Iounous-Bek Evkourov, sa cinquième visite en "
     "deux ans, selon son entourage, qui n'a pas donné le détail des entretiens.",
     "Les deux parties ont évoqué la coopération militaire, la formation des officiers de "
     "l'Armée nationale libyenne et la situation dans le sud du pays, où opèrent des éléments "
     "de l'Africa Corps."],
    ["Selon un communiqué de l'Armée nationale libyenne, la visite a duré deux jours et s'est "
     "achevée par une inspection de la base aérienne d'Al-Khadim, à l'est de Benghazi, où "
     "stationnent des avions russes depuis 2020, selon des images satellites publiées par "
     "la presse.",
     "À Tripoli, le gouvernement d'union nationale d'Abdel Hamid Dbeibah n'a pas réagi. Ses "
     "proches rappellent que Moscou a promis de ne traiter qu'avec les autorités reconnues."],
    ["Pour les diplomates européens en poste à Tunis, ces visites répétées montrent que la "
     "Russie ne compte pas quitter la Libye, qui lui sert de base vers le Sahel, malgré la fin "
     "officielle du groupe Wagner après la mort d'Evgueni Prigojine en août 2023, dans un "
     "accident d'avion au nord de Moscou.",
     "Le prochain rendez-vous est fixé en juin à Moscou, où Khalifa Haftar doit rencontrer le "
     "ministre de la Défense, selon une source proche de l'état-major de l'ANL."],
]


def block(paragraphs: list[str], cls: str = "article__body") -> str:
    return f'<div class="{cls}">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"


def split_page(between: str = '<div class="ad">Publicité</div>') -> str:
    return ("<html lang='fr'><head><title>Libye : Haftar reçoit Moscou</title></head><body>"
            "<nav><a href='/'>Accueil</a> <a href='/monde'>Monde</a></nav>"
            "<article><h1>Libye : Haftar reçoit Moscou</h1>"
            + between.join(block(part) for part in PARTS)
            + "</article><footer>© Le Quotidien</footer></body></html>")


def test_a_body_split_in_three_blocks_is_read_whole() -> None:
    ex = extract_page(split_page().encode(), "https://x.example/a", "text/html; charset=utf-8")
    assert ex is not None
    assert ex.body == "\n".join(p for part in PARTS for p in part)


def test_the_missing_blocks_are_added_after_the_text_in_page_order() -> None:
    tree = lxml.html.fromstring(split_page())
    first = "\n".join(PARTS[0])
    assert complete(tree, first) == "\n".join(p for part in PARTS for p in part)


def test_a_text_holding_every_block_is_left_as_it_is() -> None:
    tree = lxml.html.fromstring(split_page())
    whole = "\n".join(p for part in PARTS for p in part)
    assert complete(tree, whole) == whole


def test_blocks_before_the_one_extracted_are_not_added() -> None:
    # the extraction started at the second block: the first is some other part of the page
    tree = lxml.html.fromstring(split_page())
    text = "\n".join(PARTS[1] + PARTS[2])
    assert complete(tree, text) == text


def test_a_text_from_elsewhere_gets_nothing() -> None:
    tree = lxml.html.fromstring(split_page())
    assert complete(tree, "Un tout autre texte.") == "Un tout autre texte."


@pytest.mark.parametrize("cls", ["comment-body", "review__text", "card-summary", "teaser",
                                 "answer"])
def test_comments_reviews_and_cards_are_not_a_split_body(cls: str) -> None:
    html = "<div>" + block(PARTS[0]) + block(PARTS[1], cls) + block(PARTS[2], cls) + "</div>"
    assert chunks(lxml.html.fromstring(html)) == []


def test_short_blocks_are_not_a_split_body() -> None:
    # captions or summaries of one line each, under MIN_CHUNK characters
    html = "<div>" + "".join(block(["Une légende de photo, Benghazi, 2024."], "txt")
                             for _ in range(4)) + "</div>"
    assert chunks(lxml.html.fromstring(html)) == []
