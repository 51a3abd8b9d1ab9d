"""What the pages show, over HTTP against a real `watchdesk web` on the demo's database:
events like the digest counts them, every report of an event, the stored article and why
it matched, search with highlights, errors placed and pages, the rules with their counts,
rule tests (gains, losses, verdicts), verdicts (one per person, the later replaces), and
rule editing (check placed in the text, atomic save, history and restore, conflicts)."""

from __future__ import annotations

import getpass
import html
import re
import sqlite3
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from .conftest import Web, copy_desk, csrf_of, web_args
from conftest import watchdesk


def q(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as c:
        return c.execute(sql, params).fetchall()


def article_id(db: Path, title_start: str) -> int:
    return int(q(db, "SELECT id FROM articles WHERE title LIKE ?", title_start + "%")[0][0])


def two_reports(db: Path) -> int:
    """Make the English Africa Corps report part of the French one's event (the grouping
    itself is tested in tests/test_events.py; the demo's five outlets cover different
    stories) and return the event's id."""
    fr = article_id(db, "Mali : l'Africa Corps")
    en = article_id(db, "Africa Corps replaces Wagner")
    story = int(q(db, "SELECT story_id FROM articles WHERE id = ?", fr)[0][0])  # type: ignore[call-overload]
    with sqlite3.connect(db) as c:
        c.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story, en))
    return story


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@dataclass(frozen=True)
class Reading:
    web: Web
    db: Path
    story: int       # the event two_reports made of two reports


@pytest.fixture(scope="module")
def reading(tmp_path_factory: pytest.TempPathFactory,
            demo_db: Path) -> Iterator[Reading]:
    """One `watchdesk web` for the tests that only read (GET): over a desk of their own
    (``copy_desk``) in which ``two_reports`` made one event of two reports. The tests that
    post, or change the database or the rules, start their own (``web``)."""
    folder = tmp_path_factory.mktemp("reading")
    db, rules = copy_desk(folder, demo_db)
    story = two_reports(db)
    w = Web(web_args(db, rules), {}, folder / "web.log")
    try:
        yield Reading(w, db, story)
    finally:
        w.close()


def test_home_shows_the_last_24_hours_by_rule_like_the_digest(reading: Reading) -> None:
    page = reading.web.client.get("/").text
    words = " ".join(text_of(page).split())
    assert "Les dernières 24 heures" in words
    # each event once, under the most urgent of its rules; the urgent rule first
    assert re.search(r"URGENT Russie en Libye", words), words[:600]
    # the two reports are one event, headed by the earliest, with both outlets named
    assert re.search(r"Africa Corps replaces Wagner [^·]* 2 sources : Libya Herald , France 24",
                     words), words[:1200]
    assert words.count("Africa Corps replaces Wagner") == 1
    assert "Mali : l'Africa Corps" not in words
    assert "Les 14 derniers jours" in words          # the week at a glance
    assert page.count("<svg") >= 4
    # Arabic titles: direction from the text itself
    assert re.search(r'class="title rtl" dir="auto"><a href="/events/\d+">(<mark>)?حفتر', page)


def test_event_page_every_report_side_by_side_and_the_timeline(reading: Reading) -> None:
    w, story = reading.web, reading.story
    page = w.client.get(f"/events/{story}").text
    words = " ".join(text_of(page).split())
    assert "Les 2 reportages" in words
    assert page.count('<article class="report"') == 2
    assert "Mali : l'Africa Corps russe prend le relais de Wagner" in words
    assert "Africa Corps replaces Wagner" in words
    assert "langue fr" in words and "langue en" in words
    assert "<mark>" in page                                  # the matched terms
    assert re.search(r"termes : [^·]*wagner", words, re.I)
    assert "Chronologie" in words and "premier reportage" in words
    assert re.search(r"\(\+\d+[smhd]\)", words)
    assert 'rel="noreferrer noopener"' in page               # links to the outlets
    assert w.client.get("/events/999999").status_code == 404


def test_a_link_to_a_story_grouped_into_another_finds_the_event(reading: Reading) -> None:
    # A story is named after its oldest article; a link sent before the English report
    # joined the French one's event (its own story then) leads to the event as it is now.
    en = article_id(reading.db, "Africa Corps replaces Wagner")
    assert en != reading.story and not q(reading.db, "SELECT 1 FROM articles WHERE story_id = ?",
                                         en)
    r = reading.web.client.get(f"/events/{en}")
    assert r.status_code == 307 and r.headers["location"] == f"/events/{reading.story}"
    assert reading.web.client.get(f"/events/{reading.story}").status_code == 200


def test_article_page_body_matches_and_why(reading: Reading) -> None:
    aid = article_id(reading.db, "Libye : une délégation militaire russe")
    w = reading.web
    page = w.client.get(f"/articles/{aid}").text
    words = " ".join(text_of(page).split())
    assert "Texte extrait" in words and "vice-ministre de la Défense" in words
    for rule in ("libye", "haftar", "russie-libye"):
        assert f'name="rule" value="{rule}"' in page
    assert "Pourquoi — termes trouvés" in words
    assert "pertinent" in words and "hors sujet" in words
    assert w.client.get("/articles/999999").status_code == 404


def test_search_highlights_pages_and_places_errors(reading: Reading) -> None:
    w = reading.web
    r = w.client.get("/search", params={"q": "wagner OR haftar", "since": "30d"})
    words = " ".join(text_of(r.text).split())
    assert r.status_code == 200 and "<mark>" in r.text
    n = int(re.search(r"(\d+) résultat", words)[1])  # type: ignore[index]
    assert n >= 5
    r = w.client.get("/search", params={"q": "libye", "since": "30d", "page": "1"})
    assert "résultat" in r.text
    # a syntax error: the message and a caret under the column, as in the CLI
    r = w.client.get("/search", params={"q": 'haftar NEAR/x "russie'})
    assert r.status_code == 200 and 'role="alert"' in r.text
    assert re.search(r'<pre class="caret">haftar NEAR/x &#34;russie\n *\^</pre>', r.text), r.text
    r = w.client.get("/search", params={"q": "haftar", "since": "30"})
    assert r.status_code == 400 and "30 needs a unit" in r.text


def test_search_pagination(reading: Reading) -> None:
    w = reading.web
    query = {"q": "libye OR libya OR wagner OR haftar OR ليبيا", "since": "30d"}
    one = w.client.get("/search", params=query).text
    total = int(re.search(r"(\d+) résultat", one)[1])  # type: ignore[index]
    assert 5 < total <= 20 and 'rel="next"' not in one         # one page of 20
    seen: list[str] = []
    page, pages = 1, (total + 4) // 5
    while True:
        r = w.client.get("/search", params={**query, "per": "5", "page": str(page)}).text
        titles = re.findall(r'<div class="title" dir="auto"><a href="/articles/(\d+)"', r)
        assert len(titles) == (5 if page < pages else total - 5 * (pages - 1))
        assert f"<span>{page} / {pages}</span>" in r
        seen += titles
        nxt = re.search(r'<a rel="next" href="([^"]+)"', r)
        if not nxt:
            break
        assert f"page={page + 1}" in html.unescape(nxt[1]) and "per=5" in html.unescape(nxt[1])
        page += 1
    assert page == pages and len(seen) == len(set(seen)) == total   # each once, none lost


def test_search_counts_as_the_cli_does_an_estimate_beyond_the_bound(
        web: Callable[..., Web], desk: tuple[Path, Path]) -> None:
    """Over many candidates /search counts as `watchdesk search`: the hits of the pages up to
    this one listed, at most CHECK candidates read, and beyond an estimate said to be one
    ("environ"), with a next page while more are expected."""
    from datetime import UTC, datetime, timedelta

    from watchdesk.models import ArticleWrite, FeedConfig, PollResult
    from watchdesk.search import CHECK
    from watchdesk.store import Store, iso

    db, _ = desk
    now = datetime.now(UTC) - timedelta(hours=1)
    filler = "Le conseil municipal a voté le budget de la voirie après le débat. " * 4
    n = 2 * CHECK + 100      # every other one a hit: 200 hits among 400 candidates
    store = Store(db)
    try:
        store.sync_feeds([FeedConfig("bulk", "http://127.0.0.1:9/rss")], now)
        feed = next(f for f in store.feeds() if f.name == "bulk")
        store.save_poll(PollResult(feed.id, feed.name, iso(now), status=200), [ArticleWrite(
            action="new", identity=f"guid:bulk{i}", entry_hash=f"h{i}", guid=f"bulk{i}",
            url=f"http://127.0.0.1:9/a/{i}", canonical_url=f"http://127.0.0.1:9/a/{i}",
            title=f"Bulk {i}", summary="", body=filler + (
                "Zorglub à Quimper hier." if i % 2 == 0 else
                "Zorglub parlait longtemps hier soir avec le maire de Quimper."),
            extraction="page", content_hash=f"c{i}", matches=[]) for i in range(n)], iso(now))
    finally:
        store.close()
    w = web()
    query = {"q": "zorglub NEAR/2 quimper", "since": "30d", "per": "5"}
    r = w.client.get("/search", params=query).text
    words = " ".join(text_of(r).split())
    m = re.search(r"environ (\d+) résultat", words)
    assert m, words[:800]
    assert CHECK // 2 < int(m[1]) < 2 * n // 2     # an estimate of 200, not a count of 200
    assert len(re.findall(r'href="/articles/(\d+)"', r)) >= 5 and 'rel="next"' in r
    # when the pages up to this one read every candidate, the count is exact again
    exact = w.client.get("/search", params={"q": "zorglub NEAR/2 quimper", "since": "30d",
                                              "per": "100", "page": "2"}).text
    counts = " ".join(text_of(exact).split())
    assert re.search(r"\b200 résultat", counts), counts[counts.find("sultat") - 60:][:200]


def test_rules_page_counts_and_running_state(reading: Reading) -> None:
    w = reading.web
    page = w.client.get("/rules").text
    words = " ".join(text_of(page).split())
    for rule in ("libye", "haftar", "wagner", "russie-libye"):
        assert f'id="rule-{rule}"' in page
    counts = {rid: int(n) for rid, n in q(reading.db, "SELECT rule_id, count(*) FROM matches"
                                                     " GROUP BY 1")}  # type: ignore[misc]
    row = page.split('id="rule-wagner"')[1].split("</tr>")[0]
    assert f'<td class="num">{counts["wagner"]}</td>' in row
    assert "appliquée par le démon" in words
    assert 'href="/rules/libye.yaml"' in page


def test_rule_test_query_gains_losses_and_verdicts(web: Callable[..., Web],
                                                   desk: tuple[Path, Path]) -> None:
    w = web()
    aid = article_id(desk[0], "Mali : l'Africa Corps")
    page = w.client.get(f"/articles/{aid}").text
    r = w.client.post(f"/articles/{aid}/verdict",
                      data={"rule": "wagner", "verdict": "relevant", "csrf": csrf_of(page)})
    assert r.status_code == 303
    # "wagner" alone in place of the rule wagner: loses the Africa Corps-only articles?
    r = w.client.get("/rules/test", params={"q": "tannhäuser", "rule": "wagner"})
    words = " ".join(text_of(r.text).split())
    assert r.status_code == 200
    assert re.search(r"wagner par rapport à la version en service : \+\d+ gagnés, −\d+ perdus",
                     words), words
    assert "garde 0 des 1 jugés pertinents" in words
    assert "jugés pertinents, perdus : Mali : l'Africa Corps" in words
    r = w.client.get("/rules/test", params={"q": "(haftar"})
    assert 'role="alert"' in r.text and "^" in r.text


def test_verdicts_one_per_person_the_later_replaces(web: Callable[..., Web],
                                                    desk: tuple[Path, Path]) -> None:
    w = web()
    aid = article_id(desk[0], "Libye : une délégation militaire russe")
    token = csrf_of(w.client.get(f"/articles/{aid}").text)
    for v in ("relevant", "off_topic"):
        r = w.client.post(f"/articles/{aid}/verdict",
                          data={"rule": "haftar", "verdict": v, "csrf": token})
        assert r.status_code == 303 and r.headers["location"].startswith(f"/articles/{aid}")
    rows = q(desk[0], "SELECT article_id, rule_id, verdict FROM verdicts")
    assert rows == [(aid, "haftar", "off_topic")]
    assert f"verdict article={aid} rule=haftar verdict=off_topic who=" in w.logs()
    page = w.client.get(f"/articles/{aid}?saved=1").text
    assert "Avis enregistré" in page
    assert re.search(r'value="off_topic" class="chosen" aria-pressed="true"', page)
    r = w.client.post(f"/articles/{aid}/verdict",
                      data={"rule": "haftar", "verdict": "maybe", "csrf": token})
    assert r.status_code == 400


def test_verdicts_export_and_rules_test_report_them(web: Callable[..., Web],
                                                   desk: tuple[Path, Path]) -> None:
    db, rules = desk
    w = web()
    keep = article_id(db, "Libye : une délégation militaire russe")
    wrong = article_id(db, "Mali : l'Africa Corps")
    token = csrf_of(w.client.get(f"/articles/{keep}").text)
    for aid, v in ((keep, "relevant"), (wrong, "off_topic")):
        assert w.client.post(f"/articles/{aid}/verdict", data={
            "rule": "wagner" if aid == wrong else "haftar", "verdict": v,
            "csrf": token}).status_code == 303
    assert w.client.post(f"/articles/{wrong}/verdict", data={
        "rule": "haftar", "verdict": "off_topic", "csrf": token}).status_code == 303
    r = watchdesk("verdicts", "export", "--rule", "haftar", "--db", str(db), "--rules",
                  str(rules))
    assert r.returncode == 0, r.stderr
    ex = yaml.safe_load(r.stdout)["examples"]
    assert next(e["title"] for e in ex["match"]).startswith("Libye : une délégation")
    assert next(e["title"] for e in ex["no_match"]).startswith("Mali : l'Africa Corps")
    r = watchdesk("rules", "test", "--db", str(db), "--rules", str(rules), "--since", "30d")
    assert r.returncode == 0, r.stderr
    tally = r.stdout.split("rule(s) tested on")[1]
    haftar = tally.split("  haftar: ")[1].split("  wagner: ")[0]
    assert "verdicts: keeps 1 of 1 judged relevant, still matches 1 of 1 judged off-topic" \
        in haftar
    assert "verdicts: keeps 0 of 0 judged relevant, still matches 1 of 1 judged off-topic" \
        in r.stdout
    assert "judged off-topic, still matched: Mali : l'Africa Corps" in r.stdout
    # the same verdicts into the file, from the editor: a draft (not saved) keeping comments
    token, base, text = edit_form(w, "libye.yaml")
    r = w.client.post("/rules/libye.yaml/examples", data={
        "csrf": token, "base": base, "text": text, "rule": "haftar"})
    assert r.status_code == 200
    draft = html.unescape(re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', r.text,
                                    re.S)[1])  # type: ignore[index]
    assert "Libye : une délégation militaire russe" in draft.split("id: haftar")[1]
    assert "# Default watch rules" in draft
    assert (rules / "libye.yaml").read_text() == text            # nothing saved yet
    # the off-topic example the rule still matches: the check says so, placed in the text
    assert 'class="marked"' in r.text


def edit_form(w: Web, name: str) -> tuple[str, str, str]:
    page = w.client.get(f"/rules/{name}").text
    base = re.search(r'name="base" value="([^"]+)"', page)[1]  # type: ignore[index]
    text = html.unescape(re.search(r"<textarea name=\"text\"[^>]*>(.*?)</textarea>", page,
                                   re.S)[1])  # type: ignore[index]
    return csrf_of(page), base, text


def test_check_places_errors_in_the_text_and_save_refuses(web: Callable[..., Web],
                                                          desk: tuple[Path, Path]) -> None:
    rules = desk[1]
    w = web()
    token, base, text = edit_form(w, "libye.yaml")
    before = (rules / "libye.yaml").read_text()
    assert text == before
    broken = text.replace("query: ", "query: (", 1)
    line = broken.splitlines().index(next(x for x in broken.splitlines() if "query: (" in x)) + 1
    r = w.client.post("/rules/libye.yaml", data={"csrf": token, "base": base, "text": broken,
                                                 "action": "check"})
    assert r.status_code == 200
    assert 'class="marked"' in r.text and "erreur(s)" in r.text
    listing = r.text.split('<ol class="listing">')[1].split("</ol>")[0]
    items = listing.split("<li")
    assert 'class="marked"' in items[line] and 'class="msg"' in items[line]
    r = w.client.post("/rules/libye.yaml", data={"csrf": token, "base": base, "text": broken,
                                                 "action": "save"})
    assert r.status_code == 422
    assert (rules / "libye.yaml").read_text() == before
    assert q(desk[0], "SELECT count(*) FROM rule_history") == [(0,)]


def test_save_is_atomic_keeps_comments_history_and_restore(web: Callable[..., Web],
                                                           desk: tuple[Path, Path]) -> None:
    db, rules = desk
    path = rules / "libye.yaml"
    path.chmod(0o640)
    w = web()
    token, base, text = edit_form(w, "libye.yaml")
    edited = text.replace("  - id: wagner", "  # the Wagner rule, edited in the browser\n"
                                            "  - id: wagner", 1)
    assert edited != text
    r = w.client.post("/rules/libye.yaml", data={"csrf": token, "base": base, "text": edited,
                                                 "action": "save"})
    assert r.status_code == 200 and "Enregistré" in r.text
    assert path.read_text() == edited                          # as typed: comments kept
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not [p for p in rules.iterdir() if p.name.startswith(".")]   # no temp file left
    (entry, who, diff, previous), = q(db, "SELECT id, who, diff, previous FROM rule_history")
    assert who == getpass.getuser()
    assert previous == text and "+  # the Wagner rule, edited in the browser" in str(diff)
    # restore the version before
    r = w.client.post("/rules/libye.yaml/restore", data={"csrf": token, "entry": str(entry)})
    assert r.status_code == 200, r.text
    assert path.read_text() == text
    assert q(db, "SELECT count(*) FROM rule_history") == [(2,)]


def test_two_analysts_saving_the_second_is_told_and_nothing_is_lost(
        web: Callable[..., Web], desk: tuple[Path, Path]) -> None:
    rules = desk[1]
    w = web()
    token, base, text = edit_form(w, "libye.yaml")     # both open the same version
    first = text.replace("# Default watch rules", "# First analyst's rules")
    second = text.replace("# Default watch rules", "# Second analyst's rules")
    r = w.client.post("/rules/libye.yaml", data={"csrf": token, "base": base, "text": first,
                                                 "action": "save"})
    assert r.status_code == 200
    r = w.client.post("/rules/libye.yaml", data={"csrf": token, "base": base, "text": second,
                                                 "action": "save"})
    assert r.status_code == 409
    assert "Quelqu’un a enregistré ce fichier" in r.text
    assert (rules / "libye.yaml").read_text() == first          # the first save stands
    assert "# Second analyst&#39;s rules" in r.text               # the draft is kept, shown
    assert "-# First analyst&#39;s rules" in r.text               # and how they differ


def test_a_new_rule_file_and_a_bad_name(web: Callable[..., Web], desk: tuple[Path, Path]) -> None:
    rules = desk[1]
    w = web()
    page = w.client.get("/rules/veille-sahel.yaml").text
    assert "nouveau fichier" in page
    token = csrf_of(page)
    text = ("rules:\n  - id: sahel\n    title: Sahel\n    query: sahel OR niger\n")
    r = w.client.post("/rules/veille-sahel.yaml", data={"csrf": token, "base": "new",
                                                        "text": text, "action": "save"})
    assert r.status_code == 200, r.text
    assert (rules / "veille-sahel.yaml").read_text() == text
    assert w.client.get("/rules/..%2Fetc%2Fpasswd").status_code == 404
    assert w.client.get("/rules/x.txt").status_code == 404


def test_restoring_the_creation_of_a_file_removes_it(web: Callable[..., Web],
                                                    desk: tuple[Path, Path]) -> None:
    """A new file's first save replaced no file: its history entry's "restore" removes the
    file (it wrote an empty file, which the folder then listed); the removal is itself in the
    history, and restoring it brings the text back."""
    db, rules = desk
    w = web()
    token = csrf_of(w.client.get("/rules/veille-sahel.yaml").text)
    text = "rules:\n  - id: sahel\n    title: Sahel\n    query: sahel OR niger\n"
    r = w.client.post("/rules/veille-sahel.yaml", data={"csrf": token, "base": "new",
                                                        "text": text, "action": "save"})
    assert r.status_code == 200, r.text
    (entry, previous), = q(db, "SELECT id, previous FROM rule_history")
    assert previous is None                                   # there was no file
    assert "supprimer</button>" in r.text                     # the button says what it does
    r = w.client.post("/rules/veille-sahel.yaml/restore", data={"csrf": token,
                                                                "entry": str(entry)})
    assert r.status_code == 200, r.text
    assert not (rules / "veille-sahel.yaml").exists()
    assert "Supprimé" in r.text and "nouveau fichier" in r.text
    assert "veille-sahel.yaml" not in w.client.get("/rules").text
    (removal, kept), = q(db, "SELECT id, previous FROM rule_history WHERE id != ?", entry)
    assert kept == text                                       # nothing lost
    r = w.client.post("/rules/veille-sahel.yaml/restore", data={"csrf": token,
                                                                "entry": str(removal)})
    assert r.status_code == 200, r.text
    assert (rules / "veille-sahel.yaml").read_text() == text


def test_hostile_feed_text_renders_as_text(web: Callable[..., Web],
                                           desk: tuple[Path, Path]) -> None:
    db = desk[0]
    aid = article_id(db, "Libye : une délégation militaire russe")
    hostile = "<script>alert(1)</script> Haftar <img src=x onerror=alert(2)>"
    with sqlite3.connect(db) as c:    # as a feed would have it: text with markup in it
        c.execute("UPDATE articles SET title = ?, author = ?, body = body || ? WHERE id = ?",
                  (hostile, '"><svg onload=alert(3)>', "\n<iframe src=//evil>", aid))
        c.execute("UPDATE feeds SET title = '<b onmouseover=x>RFI</b>' WHERE id ="
                  " (SELECT feed_id FROM articles WHERE id = ?)", (aid,))
    w = web()
    story = int(q(db, "SELECT story_id FROM articles WHERE id = ?", aid)[0][0])  # type: ignore[call-overload]
    for path in ("/", f"/events/{story}", f"/articles/{aid}", "/search?q=haftar",
                 "/rules/test?q=haftar"):
        page = w.client.get(path).text
        for bad in ("<script", "<img", "<svg onload", "<iframe", "<b onmouseover"):
            assert bad not in page, (path, bad)
    page = w.client.get(f"/articles/{aid}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Haftar &lt;img src=x" in page



def test_demo_in_two_lines_without_a_rules_folder(tmp_path: Path, demo_db: Path) -> None:
    """`watchdesk demo --db demo.db` then `watchdesk web --db demo.db`, from a folder with no
    rules/: the rules are those the database records as running, shown read-only."""
    import shutil

    from .conftest import Web as W

    db = tmp_path / "demo.db"
    shutil.copy(demo_db, db)
    import os
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        w = W(["web", "--db", str(db), "--listen", "127.0.0.1:0"], {}, tmp_path / "w.log")
    finally:
        os.chdir(here)
    try:
        page = w.client.get("/rules").text
        assert "Dossier des règles introuvable" in page
        assert 'id="rule-russie-libye"' in page and 'href="/rules/libye.yaml"' not in page
        assert w.client.get("/rules/libye.yaml").status_code == 404
        assert w.client.get("/").status_code == 200
    finally:
        w.close()


def test_no_database_is_said_before_listening(tmp_path: Path) -> None:
    r = watchdesk("web", "--db", str(tmp_path / "none.db"), "--listen", "127.0.0.1:0")
    assert r.returncode == 3 and "no database at" in r.stderr


def test_home_shows_the_latest_events_when_the_day_was_quiet(
        web: Callable[..., Web], desk: tuple[Path, Path]) -> None:
    with sqlite3.connect(desk[0]) as c:
        c.execute("UPDATE matches SET created_at = '2025-01-01T00:00:00Z'")
    w = web()
    words = " ".join(text_of(w.client.get("/").text).split())
    assert "Rien depuis 24 heures : les derniers sujets repérés." in words
    assert "URGENT Russie en Libye" in words


def test_a_posted_draft_is_tested_against_the_running_rules(
        web: Callable[..., Web], desk: tuple[Path, Path]) -> None:
    w = web()
    token, _, text = edit_form(w, "libye.yaml")
    draft = text.replace("\nrules:\n", "\nrules:\n  - id: opera\n    title: Opéra\n"
                                       "    query: tannhäuser OR bayreuth\n", 1)
    r = w.client.post("/rules/test", data={"csrf": token, "file": "libye.yaml", "text": draft})
    words = " ".join(text_of(r.text).split())
    assert r.status_code == 200
    assert "opera : 1 article(s) correspondent parmi 15" in words
    assert "wagner : 5 article(s)" in words
    r = w.client.post("/rules/test", data={"csrf": token, "file": "libye.yaml",
                                           "text": draft.replace("query: tannhäuser",
                                                                 "query: (tannhäuser")})
    assert 'role="alert"' in r.text and "libye.yaml:" in r.text
    r = w.client.post("/rules/test", data={"file": "libye.yaml", "text": draft})
    assert r.status_code == 403


def test_a_verdict_only_on_a_rule_the_article_matched(web: Callable[..., Web],
                                                      desk: tuple[Path, Path]) -> None:
    w = web()
    aid = article_id(desk[0], "Bayreuth : le Tannhäuser")   # matched by no rule
    page = w.client.get(f"/articles/{article_id(desk[0], 'Libye : une délégation')}").text
    token = csrf_of(page)
    r = w.client.post(f"/articles/{aid}/verdict",
                      data={"rule": "wagner", "verdict": "off_topic", "csrf": token})
    assert r.status_code == 404 and "did not match" in r.text
    assert q(desk[0], "SELECT count(*) FROM verdicts") == [(0,)]
    assert "verdict article=" not in w.logs()


def test_english_like_the_digest(web: Callable[..., Web]) -> None:
    w = web(WATCHDESK_DIGEST_LANG="en")
    page = w.client.get("/").text
    words = " ".join(text_of(page).split())
    assert '<html lang="en"' in page
    assert "The last 24 hours" in words and "URGENT Russie en Libye" in words
    assert re.search(r"\d+ stories for 4 rules", words)
    assert "The last 14 days" in words
    assert "Search the stored articles" in w.client.get("/search").text


def test_rule_and_urgent_atom_feeds_are_served(reading: Reading) -> None:
    """`/rules/<id>.atom` and `/urgent.atom`: the documents `watchdesk feeds-out` writes,
    read back by feedparser without a complaint; an unknown rule is a 404, not the editor."""
    import feedparser

    w = reading.web
    r = w.client.get("/rules/wagner.atom")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.bozo_exception
    titles = {t for (t,) in q(reading.db, "SELECT a.title FROM matches m JOIN articles a"
                                       " ON a.id = m.article_id WHERE m.rule_id = 'wagner'")}
    assert titles and {e.title for e in parsed.entries} == titles
    urgent = w.client.get("/urgent.atom")
    assert urgent.status_code == 200
    assert not feedparser.parse(urgent.content).bozo
    assert w.client.get("/rules/no-such-rule.atom").status_code == 404
