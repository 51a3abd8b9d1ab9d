"""Walls and cuts through the real path: pages served on 127.0.0.1, `watchdesk poll` as a
subprocess, a real SQLite file, then `feeds`, `status`, `search` and the digest preview.

The issue's scenario: two articles of one feed whose pages answer with the same consent
interstitial, one about Libyan oil, one about Wagner in Mali. They used to be stored with the
interstitial as body (``extraction=page``), found by `search cookies`, grouped into one
event, and the urgent section « Pétrole libyen » showed the Wagner headline."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from long_page import LAST, long_page

from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer
from watchdesk.extract import walls
from watchdesk.store import Store

from conftest import NOT_LIBYA, article_page, paths, rfi_paragraphs, rss, watchdesk, write_feeds

WALLS = Path(__file__).parent / "walls"
HTML = "text/html; charset=utf-8"

OIL = {"title": "Pétrole libyen : la production dépasse 1,3 million de barils par jour",
       "link": "{{BASE}}/eco/petrole-libyen", "guid": "oil",
       "summary": "La Compagnie nationale libyenne de pétrole (NOC) annonce la réouverture "
                  "des terminaux d'Es Sider et de Ras Lanouf et une production record."}
WAGNER = {"title": "Mali : les mercenaires de Wagner quittent Kidal",
          "link": "{{BASE}}/afrique/wagner-kidal", "guid": "wagner",
          "summary": "Les combattants du groupe paramilitaire russe ont évacué la ville du "
                     "nord du Mali, laissant l'armée malienne seule face aux groupes armés."}
RULES = """\
rules:
  - id: petrole
    title: Pétrole libyen
    query: (libye OR libyen OR libyenne) AND (pétrole OR baril* OR NOC)
    priority: alert
  - id: wagner
    title: Wagner en Afrique
    query: wagner AND (mali OR libye OR centrafrique)
"""
# a consent page no rule of watchdesk knows: no platform markup, no known wording
UNKNOWN_WALL = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Exemple Presse</title></head><body><div class="gate"><h2>Exemple Presse</h2>
<p>Pour accéder à Exemple Presse, veuillez confirmer votre choix. Exemple Presse et les
sociétés de son groupe souhaitent mieux vous connaître afin d'améliorer votre expérience de
lecture, mesurer la fréquentation de nos rubriques et financer notre rédaction. Votre choix
sera conservé pendant six mois et vous pourrez le modifier depuis le pied de page de chacune
de nos rubriques, à tout moment, sans que cela n'affecte votre lecture.</p>
<p><a href="/oui">Je confirme</a> <a href="/non">Je refuse</a></p></div></body></html>"""


def dated(item: dict[str, str], minutes: int) -> dict[str, str]:
    when = datetime.now(UTC) - timedelta(minutes=minutes)
    return {**item, "date": format_datetime(when, usegmt=True)}


def setup(tmp_path: Path, srv: FixtureServer) -> Settings:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "desk.yaml").write_text(RULES, encoding="utf-8")
    feeds = write_feeds(tmp_path / "feeds.yaml", [("presse", srv.url("/rss.xml"))])
    return Settings(feeds=feeds, rules=rules, db=tmp_path / "w.db")


def poll(s: Settings) -> None:
    r = watchdesk("poll", *paths(s))
    assert r.returncode == 0, r.stderr


def articles(s: Settings) -> dict[str, dict[str, object]]:
    store = Store(s.db, mode="read")
    try:
        return {r["guid"]: dict(r) for r in store.query(
            "SELECT guid, body, extraction, wall, truncated, story_id FROM articles")}
    finally:
        store.close()


def section(text: str, title: str) -> str:
    """The lines of the digest's text part under the section ``title``."""
    m = re.search(rf"^== [^\n]*{re.escape(title)}[^\n]*\n(.*?)(?=^== |\Z)", text, re.M | re.S)
    assert m, text
    return m.group(1).replace("*", "")   # matched terms are starred


@pytest.mark.parametrize("wall", ["consent-didomi-fr.html", "unknown"])
def test_two_articles_behind_one_consent_wall_are_two_stories(tmp_path: Path,
                                                              wall: str) -> None:
    page = (WALLS / wall).read_bytes() if wall != "unknown" else UNKNOWN_WALL.encode()
    with FixtureServer() as srv:
        srv.set("/rss.xml", rss([dated(OIL, 30), dated(WAGNER, 20)]))
        srv.set("/eco/petrole-libyen", page, content_type=HTML)
        srv.set("/afrique/wagner-kidal", page, content_type=HTML)
        s = setup(tmp_path, srv)
        poll(s)

    rows = articles(s)
    for guid in ("oil", "wagner"):
        assert rows[guid]["extraction"] == "summary" and rows[guid]["body"] == ""
        reason = str(rows[guid]["wall"])
        # the known platform is told by its markup; the unknown page by its repetition
        assert reason.startswith("consent: " if wall != "unknown" else "repeated: "), reason
    assert rows["oil"]["story_id"] and rows["wagner"]["story_id"]
    assert rows["oil"]["story_id"] != rows["wagner"]["story_id"]

    found = watchdesk("search", "cookies OR confirmer", *paths(s), "--json")
    assert found.returncode in (0, 1) and json.loads(found.stdout or "[]") == []

    preview = watchdesk("digest", "--preview", *paths(s))
    assert preview.returncode == 0, preview.stderr
    oil = section(preview.stdout, "Pétrole libyen")
    assert "Pétrole libyen : la production dépasse" in oil
    assert "Wagner" not in oil and "Kidal" not in oil
    assert "Kidal" in section(preview.stdout, "Wagner en Afrique")

    feeds = watchdesk("feeds", *paths(s), "--json")
    assert feeds.returncode == 0, feeds.stderr
    assert json.loads(feeds.stdout)[0]["walls"] == 2
    table = watchdesk("feeds", *paths(s)).stdout.splitlines()
    assert "WALLS" in table[0].split()
    assert table[1].split()[table[0].split().index("WALLS") + 1] == "2"   # LAST POLL: 2 words
    status = watchdesk("status", *paths(s))
    assert "walls:        2 page(s) of 1 feed(s)" in status.stdout and "presse 2" in status.stdout
    facts = json.loads(watchdesk("status", *paths(s), "--json").stdout)["facts"]
    assert facts["walls"] == [["presse", 2]]


def test_a_body_seen_again_later_demotes_the_first_article(tmp_path: Path) -> None:
    with FixtureServer() as srv:
        srv.set("/rss.xml", rss([dated(OIL, 30)]))
        srv.set("/eco/petrole-libyen", UNKNOWN_WALL, content_type=HTML)
        s = setup(tmp_path, srv)
        poll(s)
        first = articles(s)["oil"]
        # the first page of a wall nothing here knows is stored as it came: nothing tells it
        assert first["extraction"] == "page" and "confirmer" in str(first["body"])

        srv.set("/rss.xml", rss([dated(OIL, 30), dated(WAGNER, 20)]))
        srv.set("/afrique/wagner-kidal", UNKNOWN_WALL, content_type=HTML)
        poll(s)

    rows = articles(s)
    assert rows["wagner"]["extraction"] == "summary" and rows["wagner"]["body"] == ""
    assert str(rows["wagner"]["wall"]).startswith("repeated: ")
    # the first one is demoted in the same transaction: body emptied, its summary stands
    assert rows["oil"]["extraction"] == "summary" and rows["oil"]["body"] == ""
    assert "wagner-kidal" in str(rows["oil"]["wall"])
    assert rows["oil"]["story_id"] != rows["wagner"]["story_id"]
    found = watchdesk("search", "confirmer", *paths(s), "--json")
    assert json.loads(found.stdout or "[]") == []


def test_an_article_behind_an_overlay_stays_extracted_from_its_page(tmp_path: Path) -> None:
    banner = (WALLS / "onetrust-overlay-en.html").read_text(encoding="utf-8")
    overlay = banner[banner.index('<div id="onetrust-consent-sdk">'):banner.index("</body>")]
    page = article_page("Libye : une délégation militaire russe à Benghazi", rfi_paragraphs())
    page = page.replace("</body>", overlay + "</body>").replace(
        "<head>", '<head><script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js">'
        "</script>")
    other = article_page("Sénégal : les pluies arrivent tôt", NOT_LIBYA)
    other = other.replace("</body>", overlay + "</body>")
    with FixtureServer() as srv:
        srv.set("/rss.xml", rss([
            {"title": "Libye : une délégation russe", "link": "{{BASE}}/a/1", "guid": "a1"},
            {"title": "Sénégal : les pluies", "link": "{{BASE}}/a/2", "guid": "a2"}]))
        srv.set("/a/1", page, content_type=HTML)
        srv.set("/a/2", other, content_type=HTML)
        s = setup(tmp_path, srv)
        poll(s)
    rows = articles(s)
    for guid in ("a1", "a2"):   # one banner on both pages: not one body on both
        assert rows[guid]["extraction"] == "page" and rows[guid]["wall"] is None
    assert "Evkourov" in str(rows["a1"]["body"]) and "cookies" not in str(rows["a1"]["body"])


def test_a_long_page_keeps_its_articles_end_and_a_cut_is_counted(tmp_path: Path) -> None:
    with FixtureServer() as srv:
        srv.set("/rss.xml", rss([
            {"title": "Une longue tournée", "link": "{{BASE}}/a/long", "guid": "long"},
            {"title": "Un article sans fin", "link": "{{BASE}}/a/endless", "guid": "endless"}]))
        srv.set("/a/long", long_page(), content_type=HTML)
        srv.set("/a/endless", long_page(menu=10, paragraphs=15_000, comments=10),
                content_type=HTML)
        feeds = write_feeds(tmp_path / "feeds.yaml", [("presse", srv.url("/rss.xml"))])
        rules = Path(__file__).parents[1] / "data" / "rules"
        s = Settings(feeds=feeds, rules=rules, db=tmp_path / "w.db")
        poll(s)

    rows = articles(s)
    assert str(rows["long"]["body"]).endswith(LAST) and rows["long"]["truncated"] is None
    assert rows["endless"]["truncated"] == "cut at the 12,000th start tag"
    assert LAST not in str(rows["endless"]["body"])
    store = Store(s.db, mode="read")
    try:
        matched = {r[0] for r in store.query(
            "SELECT a.guid FROM matches m JOIN articles a ON a.id = m.article_id"
            " WHERE m.rule_id = 'haftar'")}
    finally:
        store.close()
    assert matched == {"long"}   # its only Haftar is its last paragraph's
    listed = json.loads(watchdesk("feeds", *paths(s), "--json").stdout)
    assert listed[0]["truncated"] == 1 and listed[0]["walls"] == 0


def test_one_article_under_two_addresses_of_its_site_keeps_its_text(tmp_path: Path) -> None:
    """A full article a site serves under two URLs (moved, republished, a query string) is
    the same article twice, not a wall: a repeated text counts only when it does not tell
    its entry's title, as a wall's, the same under every headline, does not."""
    title = "Libye : une délégation militaire russe à Benghazi"
    page = article_page(title, rfi_paragraphs())
    assert not walls.repeatable(" ".join(rfi_paragraphs()), title)
    assert walls.repeatable(UNKNOWN_WALL, title)
    items = [{**item, "title": title} for item in (OIL, WAGNER)]
    with FixtureServer() as srv:
        srv.set("/rss.xml", rss([dated(items[0], 30), dated(items[1], 20)]))
        srv.set("/eco/petrole-libyen", page, content_type=HTML)
        srv.set("/afrique/wagner-kidal", page, content_type=HTML)
        s = setup(tmp_path, srv)
        poll(s)

    rows = articles(s)
    for guid in ("oil", "wagner"):
        assert rows[guid]["extraction"] == "page" and rows[guid]["wall"] is None
        assert "Benghazi" in str(rows[guid]["body"])
