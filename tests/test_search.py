"""`watchdesk search` and `watchdesk rules test`: the rule language over stored articles, files
and pages, with the FTS index only ever narrowing candidates."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer
from watchdesk.rules import compile_query
from watchdesk.search import fts_prefilter, run_query, stored_targets
from watchdesk.store import Store

from conftest import DATA, cli_env, paths, rss, watchdesk


@pytest.mark.parametrize(("query", "fts"), [
    ("haftar", '"haftar"'),
    ("libyen* AND NOT opera", '"libyen" *'),
    # FTS5 NEAR with twice the distance (FTS counts an elided l' as a word) plus two
    ('"africa corps" OR wagner', '(NEAR("africa" "corps", 6) OR "wagner")'),
    ("haftar NEAR/5 moscou", 'NEAR("haftar" "moscou", 16)'),
    ("haftar ONEAR/1 (moscou OR kremlin)",
     '(NEAR("haftar" "moscou", 8) OR NEAR("haftar" "kremlin", 8))'),
    ("wagner NOT NEAR/5 opera", '"wagner"'),
    ("ATLEAST/3 (libye OR libyen*)", '("libye" OR "libyen" *)'),
    ("lead:haftar AND lang:fr AND feed:rfi", '"haftar"'),       # filters: SQL, not FTS
    ("case:ANL", '"anl"'),
    ("~libyen", None),                # word forms need the vocabulary (a database)
    ("l'armée", '"armee"'),
    ("ليبيا OR libye", None),        # Arabic is folded differently by FTS: no narrowing
    ("NOT wagner", None),
    ("russie", None),                # 'ss' could be a folded ß, which FTS keeps whole
    ("name:haftar", None),           # names: their spellings in the vocabulary
    ("name:haftar AND wagner", '"wagner"'),
])
def test_fts_prefilter_is_a_safe_superset(query: str, fts: str | None) -> None:
    assert fts_prefilter(compile_query(query)) == fts


QUERIES = ["haftar", "benghazi AND russe*", "délégation", "\"vice-ministre\"", "ingouchie",
           "evkourov NEAR/3 iounous", "kaolack OR haftar", "l'ANL", "wagner AND NOT kaolack",
           # rules-2: forms through the FTS vocabulary, NEAR groups, filters in SQL
           "~délégation", "~russe AND ~libyen", "maréchal ONEAR/1 haftar",
           "\"armée nationale libyenne\"", "wagner NOT NEAR/5 kaolack",
           "ATLEAST/2 libyen*", "lead:benghazi", "case:ANL", "lang:fr AND haftar",
           "feed:afrique AND kaolack", "tag:x OR haftar", "russie NOT feed:autre",
           "site:127.0.0.1 AND haftar", "~семья OR haftar",
           # names: spellings through the FTS vocabulary, in NEAR and phrases
           "name:haftar", "name:evkourov NEAR/3 name:iounous", 'name:"khalifa haftar"',
           "name:benghazi AND NOT name:kaolack"]


def test_search_with_index_equals_search_without(polled: Settings) -> None:
    store = Store(polled.db)
    for query in QUERIES:
        q = compile_query(query)
        narrowed = [h.target.article_id
                    for h in run_query(q, stored_targets(store, "2000", query=q))]
        full = [h.target.article_id for h in run_query(q, stored_targets(store, "2000"))]
        assert narrowed == full and narrowed, query


def test_search_command(polled: Settings) -> None:
    r = watchdesk("search", "haftar NEAR/5 maréchal", *paths(polled))
    assert r.returncode == 0
    assert "Libye : une délégation militaire russe à Benghazi" in r.stdout
    assert "[maréchal] Khalifa [Haftar]" in r.stdout and "1 article(s)" in r.stdout
    data = json.loads(watchdesk("search", "kaolack", "--json", *paths(polled)).stdout)
    assert [d["title"] for d in data] == ["Sénégal : les pluies arrivent tôt"]
    assert data[0]["matches"][0]["terms"] == ["kaolack"]
    none = watchdesk("search", "bayreuth", *paths(polled))
    assert none.returncode == 0 and "no article fetched in the last 30d" in none.stdout
    bad = watchdesk("search", "(haftar", *paths(polled))
    assert bad.returncode == 1 and "Error: query:1:8: expected ')'" in bad.stderr


IMPORTED = """
import sys
from watchdesk.cli import main
sys.argv = ["watchdesk", *sys.argv[1:]]
try:
    main()
finally:
    heavy = ("watchdesk.rules.loader", "jsonschema", "yaml", "watchdesk.names", "asyncio",
             "watchdesk.config.feeds")
    print("imported:", *[m for m in heavy if m in sys.modules])
"""


def test_a_search_loads_only_what_its_query_needs(polled: Settings) -> None:
    """`search` and `rules test --query` read the rules folder's @lists only for a query
    that names one, and import neither the rule loader (YAML, jsonschema), nor the names'
    tables, nor the event loop, for a query without them."""
    for args in (["search", "haftar NEAR/5 maréchal"],
                 ["rules", "test", "--query", "~délégation AND libye"]):
        r = subprocess.run([sys.executable, "-c", IMPORTED, *args, *paths(polled)],
                           capture_output=True, text=True, env=cli_env(), timeout=120)
        assert r.returncode == 0, r.stderr
        assert r.stdout.rstrip().splitlines()[-1] == "imported:", r.stdout[-300:]
    lists = polled.rules / "lists.yaml"
    lists.write_text("lists:\n  chefs: haftar OR hafter\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", IMPORTED, "search", "@chefs", *paths(polled)],
                       capture_output=True, text=True, env=cli_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Haftar" in r.stdout and "watchdesk.rules.loader" in r.stdout.splitlines()[-1]


def test_rules_test_on_files(settings: Settings, tmp_path: Path) -> None:
    page = tmp_path / "bayreuth.html"
    page.write_text("<html><body><article><h1>Bayreuth</h1>" + "<p>Le festival de Bayreuth "
                    "ouvre avec Tannhäuser de Richard Wagner, sans lien avec la Libye.</p>" * 5
                    + "</article></body></html>", encoding="utf-8")
    r = watchdesk("rules", "test", "--file", str(DATA / "rfi-libye-russie-2023-08-22.txt"),
                  "--file", str(page), *paths(settings))
    assert r.returncode == 0, r.stderr
    assert "[russie-libye] terms:" in r.stdout and "[haftar] terms: haftar" in r.stdout
    # "richard wagner" is excluded: not a hit, but said so, with the exclusion terms found
    assert "bayreuth.html: Bayreuth\n  [" not in r.stdout
    assert ("  russie-libye: 1 match, 1 removed by the exclusion\n"
            f'    excluded by "richard wagner", bayreuth: {page}: Bayreuth\n') in r.stdout
    assert "  haftar: 1 match\n" in r.stdout
    q = watchdesk("rules", "test", "--query", "bayreuth", "--file", str(page), *paths(settings))
    assert "bayreuth.html: Bayreuth" in q.stdout


def test_rules_test_on_a_page_fetched_now(settings: Settings, site: FixtureServer) -> None:
    r = watchdesk("rules", "test", "--url", site.url("/afrique/libye-delegation-russe"),
                  "--json", *paths(settings))
    data = json.loads(r.stdout)
    assert {m["rule_id"] for m in data[0]["matches"]} == {"russie-libye", "haftar"}


def test_rules_test_shows_what_an_edit_gains_and_loses(polled: Settings) -> None:
    edited = Path(polled.rules) / "libye.yaml"
    text = edited.read_text(encoding="utf-8").replace("query: haftar OR hafter",
                                                       "query: kaolack")
    candidate = edited.parent.parent / "candidate.yaml"
    candidate.write_text(text, encoding="utf-8")
    r = watchdesk("rules", "test", str(candidate), "--replaces", str(edited), *paths(polled))
    assert r.returncode == 0, r.stderr
    assert "haftar: changed since the daemon loaded it: +1 gained, -1 lost, 0 kept" in r.stdout
    assert "  + Sénégal : les pluies arrivent tôt" in r.stdout
    assert "  - Libye : une délégation militaire russe à Benghazi" in r.stdout
    assert "russie-libye: changed" not in r.stdout


# -- [ux-2] item 10: dates, JSON, NOT-only queries, warnings; item 5: exit status ------------

def test_search_shows_the_publication_date_and_the_id(polled: Settings) -> None:
    r = watchdesk("search", "haftar NEAR/5 maréchal", *paths(polled))
    head = next(line for line in r.stdout.splitlines() if line.startswith("Libye : une"))
    # the feed's pubDate (10:00 GMT) in WATCHDESK_TIMEZONE, not the time it was fetched
    assert head.endswith("  (afrique, published 2023-08-22 12:00 CEST)"), head
    data = json.loads(watchdesk("search", "haftar NEAR/5 maréchal", "--json",
                                *paths(polled)).stdout)
    assert data[0]["published_at"] == "2023-08-22T10:00:00Z" and data[0]["lang"] == "fr"
    assert data[0]["fetched_at"] > "2026"
    assert f"  #{data[0]['article_id']} http://127.0.0.1:" in r.stdout


def test_search_falls_back_to_the_fetch_time_and_says_so(settings: Settings,
                                                         site: FixtureServer) -> None:
    site.set("/afrique/rss.xml", rss([{"title": "Libye : Haftar à Benghazi", "date": "",
                                       "link": "{{BASE}}/afrique/libye-delegation-russe",
                                       "guid": "x"}]).replace("<pubDate></pubDate>", ""))
    assert watchdesk("poll", *paths(settings)).returncode == 0
    r = watchdesk("search", "haftar", *paths(settings))
    head = r.stdout.splitlines()[0]
    assert re.search(r"\(afrique, fetched \d{4}-\d\d-\d\d \d\d:\d\d \S+\)$", head), head
    assert json.loads(watchdesk("search", "haftar", "--json",
                                *paths(settings)).stdout)[0]["published_at"] is None


def test_search_not_only_prints_no_empty_terms_line(polled: Settings) -> None:
    r = watchdesk("search", "NOT wagner", *paths(polled))
    assert r.returncode == 0 and "Sénégal : les pluies" in r.stdout
    assert not [line for line in r.stdout.splitlines() if line.strip() == "terms:"], r.stdout
    assert "terms:" not in r.stdout


def test_search_warns_on_lower_case_operators_as_check_does(polled: Settings,
                                                            tmp_path: Path) -> None:
    r = watchdesk("search", "haftar near benghazi", *paths(polled))
    assert r.returncode == 0
    said = [line for line in r.stderr.splitlines() if "warning:" in line]
    assert len(said) == 1 and said[0].startswith("query:1:8: warning: lower-case 'near'")
    # the same words as `check` on a rule with this query
    rules = tmp_path / "warned"
    rules.mkdir()
    (rules / "w.yaml").write_text("rules:\n  - id: w\n    query: haftar near benghazi\n",
                                  encoding="utf-8")
    c = watchdesk("check", "--feeds", str(polled.feeds), "--rules", str(rules))
    assert c.returncode == 0
    checked = next(line for line in c.stdout.splitlines() if "warning:" in line)
    assert checked.split("warning:", 1)[1] == said[0].split("warning:", 1)[1]


def test_rules_test_url_errors_name_the_url(settings: Settings, site: FixtureServer) -> None:
    url = site.url("/afrique/no-such-page")
    r = watchdesk("rules", "test", "--url", url, *paths(settings))
    assert r.returncode == 1
    assert r.stderr.startswith(f"Error: {url}: "), r.stderr


def test_rules_test_folder_with_a_broken_file_exits_1(polled: Settings) -> None:
    broken = polled.rules / "casse.yaml"
    broken.write_text("rules:\n  - id: casse\n    query: (haftar\n", encoding="utf-8")
    for args in (["rules", "test", str(polled.rules)], ["rules", "test"]):
        r = watchdesk(*args, *paths(polled))
        assert r.returncode == 1, (args, r.stdout, r.stderr)
        assert f"Error: {broken}:3:19: expected ')'" in r.stderr
        # the rules that load were tested all the same
        assert "2 rule(s) tested" in r.stdout and "  haftar: 1 match" in r.stdout
        assert r.stderr.rstrip().endswith("the rules of the files in error were not tested")
    # a folder holding only a broken file
    alone = polled.rules.parent / "alone"
    alone.mkdir()
    broken.rename(alone / "casse.yaml")
    r = watchdesk("rules", "test", str(alone), *paths(polled))
    assert r.returncode == 1 and "0 rule(s) tested" in r.stdout
    assert "1 error(s) in " in r.stderr
    # and the help says so
    assert "any of its files has one" in " ".join(
        watchdesk("rules", "test", "--help").stdout.split())

def test_rules_test_shows_the_spellings_a_name_found(settings: Settings, tmp_path: Path) -> None:
    text = tmp_path / "ria.txt"
    text.write_text("Хафтар в Москве\n\nМаршал Халифа Хафтар встретился в Бенгази с "
                    "Евкуровым; ранее делегация обсудила с Хафтаром поставки.\n",
                    encoding="utf-8")
    r = watchdesk("rules", "test", "--query", "name:haftar AND name:yevkurov", "--file",
                  str(text), *paths(settings))
    assert r.returncode == 0, r.stderr
    assert "terms: name:haftar (Хафтар, Хафтаром), name:yevkurov (Евкуровым)" in r.stdout
    weak = watchdesk("rules", "test", "--query", "name:safar", "--file", str(text),
                     *paths(settings))
    assert weak.returncode == 0
    assert "query:1:6: warning: name:safar: spelled like the common word(s) سفر" in weak.stderr
