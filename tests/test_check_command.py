"""`watchdesk check` as a real subprocess: every mistake of every file in one run, each at
file:line:column, sorted by file then position, in words that say what to change.

The rules folder holds one file per kind of mistake (the row's name is the file's name), so
one run checks the whole table; feeds.yaml holds the issue's five mistakes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import DATA, cli_env, watchdesk

ROOT = Path(__file__).resolve().parents[1]

FEEDS = """\
feeds:
  - name: rfi-afrique
    url: https://www.rfi.fr/fr/afrique/rss
    intervall: 15m
  - name: Le Monde
    url: https://www.lemonde.fr/afrique/rss_full.xml
  - name: libya-herald
    url: ftp://libyaherald.com/feed/
    interval: 10s
  - name: 500
    url: https://www.jeuneafrique.com/feed/
  - name: rfi-afrique
    url: https://www.rfi.fr/fr/moyen-orient/rss
"""

FEEDS_ERRORS = [
    "4:5: unknown key 'intervall' in feeds[rfi-afrique]: did you mean 'interval'?",
    "5:11: feeds[#2].name: 'Le Monde' is not valid: try 'le-monde' (short unique name: "
    "lower-case letters, digits, '-', '_' or '.', e.g. rfi-afrique)",
    "8:10: feeds[libya-herald].url: must start with http:// or https:// "
    "(got 'ftp://libyaherald.com/feed/')",
    "9:15: feeds[libya-herald].interval: 10s is too short: at least 60s, please",
    "10:11: feeds[#4].name: YAML reads 500 as a number, but it must be text: write "
    "name: '500'",
    "12:11: duplicate feed name 'rfi-afrique' (first used on line 2): names must be unique",
]

REST = " (YAML syntax error: the rest of this file is checked once it is fixed)"

# file name, its text, the errors `check` must print for it (line:column: message)
RULE_FILES = [
    ("a-good.yaml", "rules:\n  - id: russie-libye\n    query: libye AND (haftar OR wagner)\n",
     []),
    ("b-unclosed-bracket.yaml",
     "rules:\n  - id: wagner\n    query: [wagner OR \"africa corps\"\n"
     "  - id: sahel\n    query: sahel\n",
     ["3:12: this '[' is not closed before line 4, column 7: add the ']' that ends the list, "
      "or put the whole value in quotes if the '[' is part of the text" + REST]),
    ("c-unclosed-quote.yaml",
     "rules:\n  - id: opera\n    exclude: 'richard wagner\n    query: wagner\n",
     ["3:14: this quote (') is never closed: add the closing ' at the end of the value" + REST]),
    ("d-tab.yaml", "rules:\n  - id: tab\n\tquery: libye\n",
     ["3:1: a tab: YAML does not allow tabs for indentation or before a value; replace it "
      "with spaces" + REST]),
    ("e-indentation.yaml", "rules:\n  - id: indent\n     query: libye\n",
     ["3:6: this line is indented further than the key on line 2: start it at column 5, "
      "like that key" + REST]),
    ("f-top-level-list.yaml", "- id: liste\n  query: libye\n",
     ["1:1: the file is a list, but it must start with 'rules:': write 'rules:' on the first "
      "line and indent the list under it"]),
    ("g-schema.yaml",
     "rules:\n  - id: benghazi\n    querry: benghazi\n    feeds: afrique\n"
     "  - id: 2024\n    query: libye\n    priority: alerte\n",
     ["3:5: unknown key 'querry' in rules[benghazi]: did you mean 'query'?",
      "4:12: rules[benghazi].feeds must be a list: write feeds: [afrique]",
      "5:9: rules[#2].id: YAML reads 2024 as a number, but it must be text: write id: '2024'",
      "7:15: rules[#2].priority: 'alerte' is not one of: alert, digest: did you mean "
      "'alert'?"]),
    ("h-query-and-duplicate.yaml",
     "rules:\n  - id: russie-libye\n    query: libye NEAR haftar\n",
     ["2:9: duplicate rule id 'russie-libye': already defined at {rules}/a-good.yaml:2; rename "
      "one of them (this one is not loaded)",
      "3:18: NEAR needs a distance like NEAR/5 (at most that many words between the two "
      "terms)"]),
]


def test_check_reports_every_mistake_of_every_file_in_one_run(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(FEEDS, encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    for name, text, _ in RULE_FILES:
        (rules / name).write_text(text, encoding="utf-8")

    r = watchdesk("check", "--feeds", str(feeds), "--rules", str(rules))

    expected = [f"{feeds}:{e}" for e in FEEDS_ERRORS]
    expected += [f"{rules / name}:{e.format(rules=rules)}"
                 for name, _, errors in RULE_FILES for e in errors]
    assert r.stdout.splitlines() == expected
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1] == f"{len(expected)} error(s)"


def test_check_names_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - name: rfi\n    url: https://www.rfi.fr/fr/afrique/rss\n",
                     encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "libye.yaml").write_bytes("rules:\n  - id: a\n    query: défense\n"
                                       .encode("latin-1"))
    r = watchdesk("check", "--feeds", str(feeds), "--rules", str(rules))
    assert r.stdout.splitlines() == [
        f"{rules / 'libye.yaml'}:3:13: not UTF-8 text (invalid continuation byte): save the "
        "file as UTF-8"]
    assert r.returncode == 1


def _block(text: str, opening: str) -> list[str]:
    """The lines of the console block that starts with ``opening``."""
    return text.split(opening + "\n", 1)[1].split("```", 1)[0].splitlines()


def test_the_messages_in_the_docs_are_real(tmp_path: Path) -> None:
    """docs/rules.md shows the whole output of `check` on tests/data/check/; the README an
    excerpt of it."""
    shutil.copytree(DATA / "check", tmp_path / "check")
    r = subprocess.run([sys.executable, "-m", "watchdesk", "check", "--feeds", "feeds.yaml",
                        "--rules", "rules"], cwd=tmp_path / "check", env=cli_env(),
                       capture_output=True, text=True, timeout=120, check=False)
    out = r.stdout.splitlines()
    assert r.returncode == 1 and len(out) == 14
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert _block(doc, "$ watchdesk check --feeds feeds.yaml --rules rules") == [
        *out, "14 error(s)"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = _block(readme, "$ watchdesk check")
    assert shown and set(shown) <= set(out)


def test_a_list_in_a_file_that_does_not_load_is_named_and_the_rest_is_checked(
        tmp_path: Path) -> None:
    """libye.yaml defines @libye-nom but has a YAML error; petrole.yaml uses the list and has
    a mistake of its own (OR OR) after it: both are reported, the first naming libye.yaml."""
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - name: rfi\n    url: https://www.rfi.fr/fr/afrique/rss\n",
                     encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "libye.yaml").write_text(
        "lists:\n  libye-nom: libye OR libya OR ليبيا\n  villes: tripoli OR benghazi\n"
        "rules:\n  - id: libye\n    query: @libye-nom\n", encoding="utf-8")
    (rules / "petrole.yaml").write_text(
        "rules:\n  - id: petrole\n    query: '@libye-nom AND (pétrole OR OR brut)'\n"
        "  - id: gaz\n    query: '@villes AND gaz'\n", encoding="utf-8")
    r = watchdesk("check", "--feeds", str(feeds), "--rules", str(rules))
    libye, petrole = rules / "libye.yaml", rules / "petrole.yaml"
    not_loaded = f"is defined in {libye}, which does not load (its error: line 6); fix that " \
                 "file first"
    assert r.stdout.splitlines()[1:] == [
        f"{petrole}:3:13: list '@libye-nom' {not_loaded}",
        f"{petrole}:3:40: expected a word, phrase or '(' after OR, found OR",
        f"{petrole}:5:13: list '@villes' {not_loaded}",
    ]
    assert r.stdout.startswith(f"{libye}:6:12: a value cannot start with '@'")
    assert r.returncode == 1
    # a query typed on the command line is told the same, with its other mistakes
    text = tmp_path / "article.txt"
    text.write_text("Libye\nDu pétrole à Benghazi.\n", encoding="utf-8")
    q = watchdesk("rules", "test", "--query", "@libye-nom AND (pétrole OR)", "--file",
                  str(text), "--rules", str(rules), "--db", str(tmp_path / "none.db"))
    assert q.returncode == 1
    assert q.stderr.splitlines()[0] == f"Error: query:1:1: list '@libye-nom' {not_loaded}"
    assert "Error: query:1:27: expected a word, phrase or '(' after OR, found ')'" in q.stderr


def test_a_file_with_a_schema_error_is_checked_with_its_own_lists(tmp_path: Path) -> None:
    """A file that does not load for a schema mistake still has its lists and queries
    checked: its own @list is not "unknown", and a mistake in a list's text is shown."""
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - name: rfi\n    url: https://www.rfi.fr/fr/afrique/rss\n",
                     encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    path = rules / "libye.yaml"
    path.write_text("lists:\n  libye-nom: libye OR OR libya\n  villes: tripoli OR benghazi\n"
                    "rules:\n  - id: libye\n    querry: x\n    query: '@villes AND (x OR'\n",
                    encoding="utf-8")
    r = watchdesk("check", "--feeds", str(feeds), "--rules", str(rules))
    assert r.stdout.splitlines() == [
        f"{path}:2:23: expected a word, phrase or '(' after OR, found OR",
        f"{path}:6:5: unknown key 'querry' in rules[libye]: did you mean 'query'?",
        f"{path}:7:30: expected a word, phrase or '(' after OR, found the end of the query",
    ]
    assert r.returncode == 1
