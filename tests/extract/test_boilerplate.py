"""Read-also links and related boxes never reach the body; the article's own text always does.

One test per cue phrase and one per markup form, each inside a plain article page run through
``extract_page``; then the pure functions of ``boilerplate`` on their own."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from watchdesk.extract import boilerplate
from watchdesk.extract.page import extract_page

BODY = [
    "Le conseil municipal de Nantes a voté mardi soir le nouveau plan de circulation du "
    "centre-ville, après trois heures de débats parfois vifs entre la majorité et l'opposition.",
    "Le texte prévoit de fermer aux voitures la rue de Strasbourg le week-end et d'ouvrir deux "
    "nouvelles pistes cyclables le long de l'Erdre avant la fin de l'année prochaine.",
    "Les commerçants du quartier Bouffay craignent une baisse de fréquentation ; la mairie "
    "promet un parking relais supplémentaire et des navettes gratuites le samedi.",
    "Les travaux doivent commencer au printemps, pour un coût estimé à douze millions "
    "d'euros, dont un tiers financé par la métropole et la région des Pays de la Loire.",
]
LINK = "Libye : le maréchal Haftar et ses parrains russes de Wagner"


def page(inserted: str, lang: str = "fr") -> bytes:
    paras = [f"<p>{p}</p>" for p in BODY]
    paras.insert(2, inserted)
    return (f'<html lang="{lang}"><head><meta charset="utf-8"><title>Nantes : le plan de '
            f"circulation adopté</title></head><body><main><article><h1>Nantes : le plan de "
            f"circulation adopté</h1>{''.join(paras)}</article></main></body></html>").encode()


def body_of(inserted: str) -> str:
    ex = extract_page(page(inserted), "https://www.example.fr/nantes", "text/html")
    assert ex is not None
    return ex.body


# every cue phrase of the brief, in the form that leaked before: <p><strong>CUE :</strong> <a>
CUES = ["Lire aussi", "À lire aussi", "Lire également", "Voir aussi", "Sur le même sujet",
        "Notre sélection", "Read more", "Read also", "Related", "See also", "More on this",
        "اقرأ أيضا", "اقرأ أيضاً", "Читайте также"]


# and the same in the other languages of the benchmark pages
MORE_CUES = ["See more", "Also on", "Leggi anche", "Lee también", "Leia também",
             "Lesen Sie auch", "Lees ook"]


@pytest.mark.parametrize("cue", CUES + MORE_CUES)
def test_each_cue_phrase_with_its_link_is_dropped(cue: str) -> None:
    body = body_of(f'<p><strong>{cue} :</strong> <a href="/libye/haftar">{LINK}</a></p>')
    assert body == "\n".join(BODY)


FORMS = {
    "strong cue then link": f'<p><strong>Lire aussi :</strong> <a href="/x">{LINK}</a></p>',
    "cue inside the link": f'<p><a href="/x">Lire aussi | {LINK}</a></p>',
    "plain cue then link": f'<p>Lire aussi : <a href="/x">{LINK}</a></p>',
    "uppercase cue, no colon": f'<p><strong>LIRE AUSSI</strong> <a href="/x">{LINK}</a></p>',
    "cue in a span, link after": f'<div class="catcher"><span>Lire aussi</span> '
                                 f'<a href="/x">{LINK}</a></div>',
    "list item": f'<ul><li>Read more: <a href="/x">{LINK}</a></li></ul>',
    "arrow before the cue": f'<p>» Lire aussi : <a href="/x">{LINK}</a></p>',
    "cue heading over a list of links": f'<h3>Sur le même sujet</h3><ul><li><a href="/a">{LINK}'
                                        f'</a></li><li><a href="/b">Tripoli, ville coupée en '
                                        f'deux</a></li></ul>',
    "cue paragraph over a paragraph of links": f'<p><b>Notre sélection</b></p><p><a href="/a">'
                                               f'{LINK}</a></p>',
    "read-also box by class": f'<div class="read-also"><p>Le groupe Wagner en Libye</p>'
                              f'<a href="/x">{LINK}</a></div>',
    "lire-aussi box by class": f'<section class="article__lire-aussi"><a href="/x">{LINK}</a>'
                               f"</section>",
    "related box by class": f'<div class="related-articles"><h4>Libye</h4><a href="/x">{LINK}'
                            f"</a></div>",
    "aside": f'<aside><h4>Les plus lus</h4><p><a href="/x">{LINK}</a></p></aside>',
    "list of teaser links": "<ul>" + "".join(f'<li><a href="/{i}">{LINK} ({i})</a></li>'
                                             for i in range(4)) + "</ul>",
    "most-read box by class": f'<div class="most-read"><p>Haftar à Moscou</p><a href="/x">{LINK}'
                              f"</a></div>",
    "cue and link text without markup": f"<p>Read more: {LINK}</p>",
    # schema.org copies of the headline and teasers the page's own style hides
    "hidden by an inline style": f'<div style="display: none"><h2>{LINK}</h2>'
                                 f"<div>2024-05-14T08:57:40+02:00</div></div>",
    "invisible by an inline style": f'<p style="visibility:hidden">{LINK}</p>',
}


@pytest.mark.parametrize("form", FORMS)
def test_each_read_also_form_is_dropped(form: str) -> None:
    body = body_of(FORMS[form])
    assert body == "\n".join(BODY)
    assert "Haftar" not in body and "Wagner" not in body


KEPT = {
    "cue words in running text": "<p>Il faut lire aussi le rapport de la Cour des comptes, "
                                 "qui chiffre le coût des travaux à quinze millions d'euros.</p>",
    "a paragraph opening with 'Related'": "<p>Related to this, the mayor said the city would "
                                          "publish the traffic figures every month.</p>",
    "an inline link in a sentence": '<p>Selon <a href="/rapport">le rapport</a> publié lundi, '
                                    "le trafic a baissé de dix pour cent en deux ans.</p>",
    "a list of points with a link in each": "<ul>" + "".join(
        f'<li>Étape {i} : les travaux de voirie de la <a href="/r{i}">rue {i}</a> dureront '
        f"trois mois selon la mairie</li>" for i in range(3)) + "</ul>",
}


@pytest.mark.parametrize("case", KEPT)
def test_article_text_that_looks_like_a_cue_is_kept(case: str) -> None:
    body = body_of(KEPT[case])
    text = " ".join(lxml_html.fromstring(KEPT[case]).text_content().split())
    assert text.split()[1] in body and text.split()[-1] in body
    for p in BODY:
        assert p in body


# the pure functions ------------------------------------------------------------------------

@pytest.mark.parametrize(("block", "expected"), [
    (f'<p><strong>Lire aussi :</strong> <a href="/x">{LINK}</a></p>', True),
    ("<p>Sur le même sujet</p>", True),
    (f'<p>Lire aussi : <a href="/x">{LINK}</a> et bien d\'autres choses encore qui ne sont '
     f"pas un lien du tout, car ce paragraphe parle longuement d'autre chose.</p>", False),
    ('<p>Read more about the plan in <a href="/x">our guide</a>.</p>', False),
    (f'<p><a href="/x">{LINK}</a></p>', False),  # a bare link: no cue
    ("<p>" + "Lire aussi : " + "x" * 400 + "</p>", False),  # too long to be a link line
])
def test_is_read_also(block: str, expected: bool) -> None:
    assert boilerplate.is_read_also(lxml_html.fragment_fromstring(block)) is expected


@pytest.mark.parametrize("style", ["display:none", "DISPLAY: NONE;", "color: red; display :none",
                                   "visibility: hidden"])
def test_prune_removes_what_the_pages_style_hides(style: str) -> None:
    tree = lxml_html.fromstring(f'<div><p>{BODY[0]}</p><div style="{style}"><a href="/x">{LINK}'
                                f'</a></div><p style="color: red">{BODY[1]}</p></div>')
    assert boilerplate.prune(tree) == 1
    assert [p.text_content() for p in tree.iter("p")] == BODY[:2] and LINK not in \
        tree.text_content()


def test_a_hidden_article_that_is_the_pages_only_copy_is_kept() -> None:
    # a script reveals it (or a paywall hides it): its text is still the article
    html = (f'<html lang="fr"><head><title>Nantes</title></head><body><nav><a href="/">Accueil'
            f'</a></nav><article style="display:none"><h1>Nantes</h1>'
            f"{''.join(f'<p>{p}</p>' for p in BODY)}</article></body></html>")
    ex = extract_page(html.encode(), "https://www.example.fr/nantes", "text/html")
    assert ex is not None and ex.body == "\n".join(BODY)


def test_a_hidden_copy_of_the_article_is_dropped() -> None:
    # a "republish this article" pop-up holding the article again, hidden
    paras = "".join(f"<p>{p}</p>" for p in BODY)
    tree = lxml_html.fromstring(f'<html><body><article>{paras}</article><div style="display:'
                                f'none"><p>Republier cet article</p>{paras}</div></body></html>')
    assert boilerplate.prune(tree) == 1
    assert tree.text_content().count(BODY[0]) == 1


def test_prune_keeps_the_tail_text_of_what_it_removes() -> None:
    tree = lxml_html.fromstring(f'<div><p>avant</p><div class="read-also"><a href="/x">{LINK}'
                                f"</a></div>après le bloc</div>")
    assert boilerplate.prune(tree) == 1
    assert " ".join(tree.text_content().split()) == "avant après le bloc"


@pytest.mark.parametrize(("text", "title", "expected"), [
    ("Nantes : le plan adopté\nLe conseil a voté.", "Nantes : le plan adopté",
     "Le conseil a voté."),
    # <title> often carries the site's name after the headline
    ("Nantes : le plan de circulation adopté\nLe conseil a voté.",
     "Nantes : le plan de circulation adopté - Ouest-France", "Le conseil a voté."),
    # a first line that only starts with the title is article text (a table row, a lead)
    ("Nantes : le plan adopté par 40 voix contre 12, après trois heures de débat\nSuite.",
     "Nantes : le plan adopté", "Nantes : le plan adopté par 40 voix contre 12, après trois "
     "heures de débat\nSuite."),
    ("Le conseil a voté.\nLire aussi :\nLa suite.", None, "Le conseil a voté.\nLa suite."),
    ("Le conseil a voté.\nRead more: Haftar in Moscow\nLa suite.", None,
     "Le conseil a voté.\nLa suite."),
    ("Il faut lire aussi le rapport.", None, "Il faut lire aussi le rapport."),
    # the closing lines that call to action go, in a run at the end
    ("Le conseil a voté.\nInscrivez-vous à notre newsletter « Nantes » !\n3 commentaires",
     None, "Le conseil a voté."),
    ("The council voted.\nFollow us on Twitter.\nClick here to subscribe to our newsletter\n"
     "Comments", None, "The council voted."),
    ("The council voted.\nJane Doe contributed to this report.", None, "The council voted."),
    ("The council voted.\n(Reporting by John Smith; editing by Jane Doe)", None,
     "The council voted."),
])
def test_clean_text(text: str, title: str | None, expected: str) -> None:
    assert boilerplate.clean_text(text, title) == expected


@pytest.mark.parametrize("lines", [
    # a call to action before the article's last paragraph is not a closing line
    ["Le conseil a voté.", "Cliquez ici pour lire le rapport.", "Les travaux commencent."],
    # nor a long paragraph that mentions a newsletter
    ["Le conseil a voté.", "La mairie publiera chaque mois une newsletter " + "x" * 300],
    # and a text made of one such line keeps it
    ["Abonnez-vous à notre newsletter pour suivre le conseil municipal."],
])
def test_without_closing_keeps_the_article(lines: list[str]) -> None:
    assert boilerplate.without_closing(lines) == lines


def test_without_closing_stops_after_a_few_lines() -> None:
    lines = ["Le conseil a voté."] + ["Suivez-nous sur Facebook"] * 10
    assert len(boilerplate.without_closing(lines)) == 11 - boilerplate.MAX_CLOSING
