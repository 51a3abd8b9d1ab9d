"""rules-2 end to end: `watchdesk poll` (a real subprocess) on local feeds of French, Arabic,
Russian and English articles served from 127.0.0.1, with rules using every new operator;
what is stored (the article's language, the matches, their terms and snippets)."""

from __future__ import annotations

import html
import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from watchdesk.app import Watchdesk
from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer
from watchdesk.store import Store

from conftest import article_page, watchdesk


def feed(items: list[tuple[str, str, str]], language: str | None = None) -> str:
    lang = f"<language>{language}</language>" if language else ""
    out = "".join(f"<item><title>{html.escape(t)}</title><link>{{{{BASE}}}}{link}</link>"
                  f"<guid>{link}</guid><description>{html.escape(s)}</description></item>"
                  for t, link, s in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>t</title><link>{{{{BASE}}}}/</link><description>d</description>{lang}"
            f"{out}</channel></rss>")


WAGNER = ("Wagner renforce ses positions en Libye", [
    "Le groupe Wagner a envoyé des renforts à Benghazi, selon des sources militaires "
    "libyennes, et deux délégations russes ont suivi.",
    "Des diplomates en poste à Tripoli confirment ces mouvements, qui inquiètent les voisins "
    "de la Libye et les chancelleries occidentales depuis plusieurs semaines.",
    "Son fondateur avait choisi ce nom en hommage au compositeur Richard Wagner, dont il "
    "admirait les opéras.",
])
BAYREUTH = ("Le festival de Bayreuth s'ouvre", [
    "Le Tannhäuser de Richard Wagner a été ovationné à l'opéra de Bayreuth, avec une mise en "
    "scène venue de Benghazi, selon le programme.",
])
GUN = ("Niger : le GUN déployé à Agadez", [
    "Le Groupement d'unités nigériennes (GUN) a été déployé à Agadez, où des conseillers "
    "russes sont attendus dans les prochains jours selon le ministère.",
])
GUN_EN = ("Gun laws debated", [
    "Lawmakers debated new gun laws on Tuesday, and the gun lobby said it would fight the "
    "proposal in court, according to people familiar with the talks.",
])
ARABIC = ("وفد روسي في بنغازي", [
    "وصل وفد عسكري روسي إلى بنغازي بدعوة من المشير خليفة حفتر، لبحث التعاون بين ليبيا "
    "وروسيا في المجال العسكري.",
])
RUSSIAN = ("Делегация в Бенгази", [
    "Российская военная делегация прибыла в Бенгази. Визит подтверждает интерес России к "
    "Ливии, а сотрудничество с Россией расширяется. Делегация затем отправится в Йемен.",
])

RULES = """\
lists:
  lieux-libye: libye OR benghazi OR tripoli OR بنغازي OR бенгази
rules:
  - id: wagner-groupe
    query: wagner NOT NEAR/5 (richard OR opéra OR opéras OR compositeur)
  - id: wagner-souvent
    query: ATLEAST/2 wagner
  - id: delegations
    query: ~délégation ONEAR/1 ~russe
  - id: lead-benghazi
    query: lead:benghazi
  - id: gun
    query: case:GUN
  - id: arabe-russie
    query: روسيا AND @lieux-libye
  - id: russie-formes
    query: ~россия AND @lieux-libye
    exclude: feed:arabe
  - id: langue-ar
    query: lang:ar
  - id: langue-en
    query: lang:en
  - id: tag-sahel
    query: tag:sahel AND ~russe
  - id: site
    query: site:127.0.0.1 AND (бенгази OR agadez)
  - id: yemen
    query: йемен
  - id: short-i        # й is not и: this must match nothing
    query: иемен
  - id: with-examples
    query: wagner ONEAR/5 benghazi
    examples:
      match: ["Le groupe Wagner a envoyé des renforts à Benghazi."]
      no_match: ["Benghazi accueille Wagner."]
"""

EXPECTED = {
    "wagner-groupe": {WAGNER[0]},                 # the composer is in another paragraph
    "wagner-souvent": {WAGNER[0]},
    "delegations": {WAGNER[0]},                   # "délégations russes"
    "lead-benghazi": {WAGNER[0], BAYREUTH[0]},    # the lead paragraph, not further down
    "gun": {GUN[0]},                              # not the English "gun"
    "arabe-russie": {ARABIC[0]},                  # وروسيا: "and Russia"
    "russie-formes": {RUSSIAN[0]},                # России, Россией
    "langue-ar": {ARABIC[0]},                     # from the feed's <language>
    "langue-en": {GUN_EN[0]},                     # detected
    "tag-sahel": {GUN[0]},
    "site": {GUN[0], RUSSIAN[0]},
    "yemen": {RUSSIAN[0]},
    "with-examples": {WAGNER[0]},
}


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[list[str], Path]]:
    with FixtureServer() as srv:
        srv.set("/fr.xml", feed([(WAGNER[0], "/fr/wagner", ""), (BAYREUTH[0], "/fr/bayreuth", ""),
                                 (RUSSIAN[0], "/ru/delegatsia", "")]))
        srv.set("/sahel.xml", feed([(GUN[0], "/fr/gun", ""), (GUN_EN[0], "/en/gun", "")]))
        srv.set("/ar.xml", feed([(ARABIC[0], "/ar/wafd", "")], language="ar"))
        srv.set("/fr/wagner", article_page(WAGNER[0], WAGNER[1]))
        srv.set("/fr/bayreuth", article_page(BAYREUTH[0], BAYREUTH[1]))
        srv.set("/fr/gun", article_page(GUN[0], GUN[1]))
        srv.set("/ru/delegatsia", article_page(RUSSIAN[0], RUSSIAN[1], lang="ru"))
        # no language on these pages: the feed's, then detection
        srv.set("/en/gun", article_page(GUN_EN[0], GUN_EN[1]).replace(' lang="fr"', ""))
        srv.set("/ar/wafd", article_page(ARABIC[0], ARABIC[1]).replace(' lang="fr"', ""))
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(textwrap.dedent(f"""\
            feeds:
              - name: afrique
                url: {srv.url("/fr.xml")}
              - name: sahel
                url: {srv.url("/sahel.xml")}
                tags: [sahel]
              - name: arabe
                url: {srv.url("/ar.xml")}
            """), encoding="utf-8")
        rules = tmp_path / "rules"
        rules.mkdir()
        (rules / "rules2.yaml").write_text(RULES, encoding="utf-8")
        db = tmp_path / "watchdesk.db"
        yield ["--feeds", str(feeds), "--rules", str(rules), "--db", str(db)], db


def test_poll_matches_with_every_new_operator(desk: tuple[list[str], Path]) -> None:
    args, db = desk
    check = watchdesk("check", *args)
    assert check.returncode == 0, check.stdout
    r = watchdesk("poll", *args)
    assert r.returncode == 0, r.stderr
    store = Store(db)
    rows = store.query("SELECT m.rule_id, a.title, m.terms, m.snippets FROM matches m"
                       " JOIN articles a ON a.id = m.article_id")
    got: dict[str, set[str]] = {}
    for row in rows:
        got.setdefault(row["rule_id"], set()).add(row["title"])
    assert got == EXPECTED
    by = {(row["rule_id"], row["title"]): row for row in rows}
    terms = {k: json.loads(v["terms"]) for k, v in by.items()}
    assert terms[("russie-formes", RUSSIAN[0])] == ["~россия", "бенгази"]
    assert terms[("arabe-russie", ARABIC[0])] == ["روسيا", "بنغازي"]
    assert terms[("delegations", WAGNER[0])] == ["~délégation", "~russe"]
    assert terms[("langue-ar", ARABIC[0])] == ["lang:ar"]
    body = json.loads(by[("russie-formes", RUSSIAN[0])]["snippets"])["body"]
    assert [body["text"][a:b] for a, b in body["spans"]] == ["Бенгази", "Бенгази", "России",
                                                             "Россией"]
    ar = json.loads(by[("arabe-russie", ARABIC[0])]["snippets"])["body"]
    assert "وروسيا" in [ar["text"][a:b] for a, b in ar["spans"]]
    langs = dict(store.query("SELECT title, lang FROM articles"))
    assert (langs[WAGNER[0]], langs[RUSSIAN[0]], langs[ARABIC[0]], langs[GUN_EN[0]]) == (
        "fr", "ru", "ar", "en")


def test_the_daemon_logs_rule_warnings_once(settings: Settings,
                                            caplog: pytest.LogCaptureFixture) -> None:
    (Path(settings.rules) / "warn.yaml").write_text(
        "rules:\n  - id: w\n    query: haftar or hafter\n", encoding="utf-8")
    wd = Watchdesk(settings)
    try:
        with caplog.at_level("WARNING"):
            wd.reload_rules()
            wd.reload_rules()
    finally:
        wd.store.close()
    said = [r.getMessage() for r in caplog.records if "lower-case 'or'" in r.getMessage()]
    assert len(said) == 1 and "warn.yaml:3:19: warning:" in said[0]
    assert wd.ruleset().get("w") is not None  # a warning does not stop the rule
