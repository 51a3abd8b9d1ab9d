"""The default rules shipped with watchdesk (rules/libye.yaml), on real and realistic texts.

What each rule is for is in docs/rules.md ("Default rules"); the labelled set in
tests/labelled/ tries them on 133 articles through the matcher and through `watchdesk poll`.
Here: the shipped copy, the ids, the real RFI article, and one line per behaviour.
"""

from __future__ import annotations

import pytest
from rules_data import DATA, REPO, RFI_TEXT

from watchdesk.rules import Document, RuleSet, load_rules

DEFAULTS = REPO / "src" / "watchdesk" / "defaults" / "rules"


@pytest.fixture(scope="module")
def defaults() -> RuleSet:
    rs, errors = load_rules(REPO / "rules")
    assert errors == []
    return rs


def matched(rs: RuleSet, title: str, summary: str = "", body: str = "") -> set[str]:
    return {m.rule_id for m in rs.match(Document(title, summary, body))}


def test_package_defaults_are_the_repository_rules() -> None:
    repo_files = sorted(p.name for p in (REPO / "rules").glob("*.y*ml"))
    assert repo_files == sorted(p.name for p in DEFAULTS.glob("*.y*ml"))
    for name in repo_files:
        assert (REPO / "rules" / name).read_bytes() == (DEFAULTS / name).read_bytes()


def test_every_default_rule_file_loads() -> None:
    rs, errors = load_rules(DEFAULTS)
    assert errors == []
    assert [r.id for r in rs.rules] == [r.id for r in load_rules(REPO / "rules")[0].rules]


def test_the_ids_are_those_of_issue_12_and_only_one_rule_alerts(defaults: RuleSet) -> None:
    """Stored matches carry these ids: they must not change. haftar-anl became haftar,
    wagner-africa-corps became wagner, evkourov went into russie-libye."""
    assert {r.id: r.priority for r in defaults.rules} == {
        "libye": "digest", "haftar": "digest", "wagner": "digest", "russie-libye": "alert"}
    assert all(r.enabled and not r.feeds for r in defaults.rules)


def test_rfi_article_raises_the_russia_libya_alert(defaults: RuleSet) -> None:
    found = {m.rule_id: m for m in defaults.match(
        Document("Libye : une délégation militaire russe à Benghazi", "", RFI_TEXT))}
    assert set(found) == {"libye", "haftar", "wagner", "russie-libye"}
    alert = found["russie-libye"]
    assert alert.priority == "alert"
    assert {"russe", "libye", "name:benghazi"} <= set(alert.terms)
    assert "Benghazi" in alert.snippets["title"].highlighted()
    assert {"name:haftar", "armée nationale libyenne"} <= set(found["haftar"].terms)
    assert "wagner" in found["wagner"].terms


@pytest.mark.parametrize("name", ["wagner-bayreuth-en.txt", "afrika-korps-1942-fr.txt"])
def test_false_friends_match_nothing(defaults: RuleSet, name: str) -> None:
    title, _, body = (DATA / name).read_text(encoding="utf-8").partition("\n")
    assert matched(defaults, title, "", body) == set()


def test_english_africa_corps(defaults: RuleSet) -> None:
    title, _, body = (DATA / "africa-corps-mali-en.txt").read_text(encoding="utf-8").partition("\n")
    found = {m.rule_id: m.terms for m in defaults.match(Document(title, "", body))}
    assert set(found) == {"wagner"}
    assert "africa corps" in found["wagner"] and "prigozhin" in found["wagner"]


@pytest.mark.parametrize(("title", "summary", "body", "expected"), [
    # libye: the country, its places and actors in the title or the summary
    ("Libye : le Parlement turc prolonge le mandat de ses militaires", "", "", {"libye"}),
    ("Dbeibah reshuffles cabinet", "", "", {"libye"}),
    ("درنة: ارتفاع حصيلة ضحايا الفيضانات", "", "", {"libye"}),
    ("В Триполи возобновились столкновения", "В столице Ливии закрыт аэропорт.", "",
     {"libye"}),
    # … Tripoli alone only when the article does not mention Lebanon
    ("Tripoli : affrontements entre milices rivales", "", "", {"libye"}),
    ("Tripoli : la misère s'installe à Bab el-Tebbaneh", "",
     "La deuxième ville du Liban s'enfonce dans la crise.", set()),
    # … without Lebanon named, Lebanon's places say which Tripoli it is
    ("Tripoli : la capitale du Nord privée d'électricité", "",
     "À Bab el-Tebbaneh, les générateurs tournent jour et nuit.", set()),
    # … in the lead paragraph when Libya is named again, or three times in the text
    ("Naufrage en Méditerranée", "",
     "Le bateau avait quitté Zouara, en Libye. Les garde-côtes libyens ont repêché six corps.",
     {"libye"}),
    ("Naufrage en Méditerranée", "",
     "Soixante migrants ont disparu en mer mardi.\n\nLe bateau avait quitté Zouara, en Libye. Les "
     "garde-côtes libyens ont repêché six corps.", {"libye"}),
    ("Naufrage en Méditerranée", "",
     "Soixante migrants ont disparu en mer mardi.\n\nLe bateau avait quitté Zouara, en "
     "Libye.", set()),
    # … the GUN in capitals, Libya's government, in the headline (with Libya named twice)
    ("Le GUN adopte un budget d'urgence", "",
     "Les salaires seront payés en premier.\n\nLa Libye paie mal ses fonctionnaires "
     "libyens.", {"libye"}),
    ("Gun sales adopt an emergency rule", "",
     "Sales will be regulated from Monday.\n\nLibya pays its Libyan civil servants badly.", set()),
    # … but not a country in a list, nor a passing "Benghazi, Libya"
    ("Le FMI relève ses prévisions", "",
     "Le Fonds prévoit un rebond en Libye et au Maroc.", set()),
    ("New inquiry into the Afghanistan withdrawal", "",
     "The most thorough inquiry since the hearings on the attack in Benghazi, Libya.", set()),
    # … nor WWII history, unless today's Libya is in it
    ("The siege of Tobruk, 85 years on", "",
     "Australians held Tobruk against Rommel's Afrika Korps in the Second World War.", set()),
    # haftar: every spelling and script; the acronyms only near Libya
    ("Le maréchal Hafter reçoit à Benghazi", "", "", {"libye", "haftar"}),
    ("Egypt's el-Sissi meets Libyan commander Hifter", "", "", {"libye", "haftar"}),
    # (the lead paragraph names Sirte and Libya: an article about Libya too)
    ("", "", "L'ANL du maréchal a repris Syrte, en Libye", {"haftar", "libye"}),
    ("", "", "L'ANL, le parti de Jean Dupont, tient son congrès", set()),
    ("", "", "Командующий Ливийской национальной армией провел переговоры", {"haftar"}),
    # wagner: the group, anywhere, next to what names it; never the composer or a namesake
    ("Biélorussie : les combattants de Wagner installés à Tsel", "", "", {"wagner"}),
    ("Wagner au Mali : une opération contre les jihadistes", "", "", {"wagner"}),
    ("مرتزقة فاغنر متهمون بارتكاب انتهاكات في مالي", "", "", {"wagner"}),
    ("ЧВК «Вагнер» завершила миссию в Мали", "", "", {"wagner"}),
    ("Burkina : l'Africa Corps arrive à Ouagadougou", "", "", {"wagner"}),
    ("Bayreuth : la Walkyrie de Wagner triomphe", "", "", set()),
    ("Bayreuth : un Ring rattrapé par l'actualité", "",
     "À Bayreuth, on ne peut plus entendre Wagner sans penser aux mercenaires russes qui "
     "lui ont emprunté son nom.", set()),
    ("Norwich se sépare de David Wagner", "",
     "Le groupe de David Wagner a fait une belle saison.", set()),
    # … an article about the group that recalls the composer still matches
    ("Dmitri Outkine, l'homme qui a donné son nom à Wagner", "",
     "Les mercenaires de Wagner doivent leur nom au compositeur Richard Wagner, l'auteur "
     "de « Parsifal ».", {"wagner"}),
    # russie-libye: Russia in the title or the summary (or twice in the lead paragraph),
    # and Libya there (in the lead, named again) or Russian forces at a Libyan place
    ("وصل وفد عسكري روسي إلى بنغازي للقاء المشير خليفة حفتر", "", "",
     {"libye", "haftar", "russie-libye"}),
    ("Делегация Минобороны России во главе с Евкуровым прибыла в Бенгази", "", "",
     {"libye", "russie-libye"}),
    ("Russia moves military hardware from Syria", "",
     "Russian cargo aircraft landed at al-Khadim, east of Benghazi, Libyan officials in "
     "eastern Libya said.", {"libye", "russie-libye"}),
    ("Russia moves military hardware from Syria", "",
     "Cargo aircraft flew to Libya; Moscow did not comment.", set()),
    ("Naval build-up on NATO's southern flank", "",
     "A Russian frigate docked at Tobruk, in eastern Libya, the third Russian port call "
     "there this year.", {"libye", "russie-libye"}),
    ("Putin hosts African leaders in Sochi", "",
     "Putin welcomed delegations from Egypt, Libya and Mali.", set()),
    # … nor a Russia story that names a Libyan port once, deep in the text
    ("Russia's navy expands its reach in the Mediterranean", "",
     "The fleet has new ports of call in Syria and Algeria this year.\n\n"
     "Officials said Russian warships also called at Tobruk.", set()),
    # … not an article on Turkey in Libya recalling that Moscow backs Haftar
    ("Libye : Ankara prolonge le mandat de ses soldats", "",
     "Les drones turcs avaient repoussé le maréchal Haftar, soutenu par Moscou.",
     {"libye", "haftar"}),
    # … not Russia with Lebanon's Tripoli, nor Russia with Libya in a list of buyers
    ("Un cargo de blé russe accoste à Tripoli", "",
     "Le navire est arrivé dans le nord du Liban.", set()),
    ("Russian wheat exports set for record", "",
     "Buyers included Egypt, Algeria, Libya and Kenya.", set()),
])
def test_variants(defaults: RuleSet, title: str, summary: str, body: str,
                  expected: set[str]) -> None:
    assert matched(defaults, title, summary, body) == expected


@pytest.mark.parametrize(("title", "summary", "body", "expected"), [
    # the headline counts alone, a list in it too
    ("Égypte, Libye, Tunisie : la sécheresse s'étend", "", "", {"libye"}),
    # Lebanon's Tripoli with nothing Lebanese named is taken for Libya's
    ("Tripoli : grève des enseignants", "",
     "Les enseignants de la ville ont cessé le travail lundi pour réclamer des hausses.",
     {"libye"}),
    # the group's "Wagner" next to a composer word is not counted...
    ("", "", "Le groupe Wagner, qui tient son nom du compositeur, a quitté le Mali.", set()),
    # ... but the article matches when the group is named elsewhere
    ("", "", "Le groupe Wagner, qui tient son nom du compositeur, a quitté le Mali.\n\n"
     "Ses combattants ont rejoint l'Africa Corps.", {"wagner"}),
    # a lead paragraph that names Russia twice to recall it
    ("Libye : Ankara prolonge le mandat de ses soldats", "",
     "Les drones turcs avaient repoussé le maréchal Haftar, soutenu par la Russie et les "
     "mercenaires russes.", {"libye", "haftar", "russie-libye"}),
])
def test_known_limits_of_the_default_rules(defaults: RuleSet, title: str, summary: str,
                                           body: str, expected: set[str]) -> None:
    """What docs/rules.md lists under "Known limits": these outcomes are not wanted, but
    the rules give them; the test says so, and fails if a change fixes one (update the
    docs then)."""
    assert matched(defaults, title, summary, body) == expected
