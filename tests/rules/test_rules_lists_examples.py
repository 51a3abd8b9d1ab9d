"""Rule files, rules-2: named lists across files, a rule's own examples, the quoted-phrase
trap, lint warnings, every mistake of a file at once, and what a reload does with them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import jsonschema
import pytest

from watchdesk.config.yamlsource import load_schema
from watchdesk.errors import ConfigError
from watchdesk.rules import Document, RuleBook, compile_query, load_lists, parse_rule_file
from watchdesk.store.rule_state import rule_definition


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


LISTS = """
    lists:
      lieux-libye: tripoli OR benghazi OR misrata OR syrte OR ليبيا
      russes: russie OR ~russe OR moscou OR wagner
    rules:
      - id: russie-libye
        query: '@lieux-libye AND @russes'
"""


def where(e: ConfigError) -> tuple[int | None, int | None]:
    return e.line, e.column


def test_a_list_is_used_in_another_file(tmp_path: Path) -> None:
    write(tmp_path / "a-lists.yaml", LISTS)
    write(tmp_path / "b.yaml", """
        rules:
          - id: haftar-libye
            query: haftar AND @lieux-libye
            exclude: "@russes"
    """)
    book = RuleBook(tmp_path)
    assert book.errors == []
    doc = Document(body="Le maréchal Haftar à Benghazi, sans les Russes.")
    assert [m.rule_id for m in book.ruleset.match(doc)] == ["russie-libye"]
    [m] = book.ruleset.match(Document(body="Haftar à Benghazi"))
    assert m.rule_id == "haftar-libye" and m.terms == ("haftar", "benghazi")
    assert set(book.lists) == {"lieux-libye", "russes"}
    assert load_lists(tmp_path)[0].keys() == book.lists.keys()


def test_a_list_change_changes_the_rules_that_use_it(tmp_path: Path) -> None:
    lists = write(tmp_path / "lists.yaml", LISTS)
    write(tmp_path / "other.yaml", "rules:\n  - id: sans-liste\n    query: haftar\n")
    book = RuleBook(tmp_path)
    assert book.changed_rule_ids == {"russie-libye", "sans-liste"}
    lists.write_text(lists.read_text(encoding="utf-8").replace("OR syrte", "OR syrte OR derna"),
                     encoding="utf-8")
    book.reload()
    assert book.changed_rule_ids == {"russie-libye"}  # backfilled; the other rule is not
    assert book.ruleset.match(Document(body="Wagner à Derna"))


@pytest.mark.parametrize(("files", "expected"), [
    # an unknown list, with a suggestion
    ({"r.yaml": """
        lists:
          lieux-libye: tripoli
        rules:
          - id: a
            query: haftar AND @lieux-lybie
     """}, [("r.yaml", 5, 23, "unknown list '@lieux-lybie'; did you mean @lieux-libye?")]),
    # a loop
    ({"r.yaml": """
        lists:
          a: tripoli OR @b
          b: benghazi OR @a
        rules:
          - id: r
            query: haftar
     """}, [("r.yaml", 2, 17, "list '@b' refers back to itself (@b -> @a -> @b)"),
            ("r.yaml", 3, 18, "list '@a' refers back to itself (@a -> @b -> @a)")]),
    # a list that refers to itself
    ({"r.yaml": """
        lists:
          a: tripoli OR @a
        rules:
          - id: r
            query: haftar
     """}, [("r.yaml", 2, 17, "list '@a' refers back to itself (@a -> @a)")]),
    # the same name in two files: the second is in error
    ({"a.yaml": "lists:\n  lieux: tripoli\nrules: []\n",
      "b.yaml": "lists:\n  lieux: benghazi\nrules: []\n"},
     [("b.yaml", 2, 3, "duplicate list name 'lieux': already defined at")]),
    # a syntax error inside a list, and a rule using it
    ({"r.yaml": """
        lists:
          lieux: (tripoli OR benghazi
        rules:
          - id: r
            query: haftar @lieux
     """}, [("r.yaml", 2, 30, "expected ')' to close '(' opened at column 10"),
            ("r.yaml", 5, 19, "list '@lieux' has an error")]),
])
def test_list_errors(tmp_path: Path, files: dict[str, str],
                     expected: list[tuple[str, int, int, str]]) -> None:
    for name, text in files.items():
        write(tmp_path / name, text)
    errors = RuleBook(tmp_path).errors
    got = [(Path(e.path).name, e.line, e.column, e.message) for e in errors]
    assert len(got) == len(expected), got
    for (name, line, col, msg), (gname, gline, gcol, gmsg) in zip(expected, got, strict=True):
        assert (gname, gline, gcol) == (name, line, col) and msg in gmsg, gmsg


def test_list_names_follow_the_schema(tmp_path: Path) -> None:
    write(tmp_path / "r.yaml", "lists:\n  Lieux_Libye: tripoli\nrules: []\n")
    [e] = RuleBook(tmp_path).errors
    assert "Lieux_Libye" in e.message and e.line == 2


def test_a_running_rule_keeps_its_lists_written_out() -> None:
    """rule_state.definition must compile again without the lists (rules test compares)."""
    from watchdesk.rules import Rule
    from watchdesk.rules.lists import ListDef

    lists = {"lieux": ListDef("lieux", "tripoli OR @villes"),
             "villes": ListDef("villes", "benghazi OR misrata")}
    q = compile_query("haftar AND @lieux", lists=lists)
    assert q.expanded == "haftar AND (tripoli OR (benghazi OR misrata))"
    rule = Rule("r", "r", "haftar AND @lieux", compiled=q)
    assert '"query": "haftar AND (tripoli OR (benghazi OR misrata))"' in rule_definition(rule)


EXAMPLES = """
    rules:
      - id: wagner-libye
        query: wagner NOT NEAR/5 (richard OR opéra OR bayreuth) AND (libye OR benghazi)
        exclude: tannhäuser
        examples:
          match:
            - "Le groupe Wagner renforce ses positions autour de Benghazi, en Libye."
            - title: Wagner en Libye
              body: "Des mercenaires à Benghazi."
          no_match:
            - "Richard Wagner en Libye"
            - {title: "Tannhäuser à Benghazi", body: "Wagner en Libye"}
"""


def test_examples_that_hold(tmp_path: Path) -> None:
    rules, errors = parse_rule_file(write(tmp_path / "r.yaml", EXAMPLES))
    assert errors == [] and [r.id for r in rules] == ["wagner-libye"]


@pytest.mark.parametrize(("edit", "line", "message"), [
    # a match example that the query misses: which terms were found and which were not
    (('"Le groupe Wagner renforce ses positions autour de Benghazi, en Libye."',
      '"Le groupe Wagner renforce ses positions au Mali."'), 7,
     "example 1 under match: does not match rule 'wagner-libye': query terms found: wagner; "
     "not found: richard, opéra, bayreuth, libye, benghazi"),
    # one the exclusion removes
    (("Des mercenaires à Benghazi.", "Des mercenaires à Benghazi, et Tannhäuser."), 8,
     "example 2 under match: does not match rule 'wagner-libye': the exclusion removes it "
     "(exclude terms found: tannhäuser)"),
    # a no_match example that matches: which terms
    (('"Richard Wagner en Libye"', '"Le groupe Wagner en Libye"'), 11,
     "example 1 under no_match: matches rule 'wagner-libye' (terms: wagner, libye)"),
])
def test_failing_examples_break_the_file(tmp_path: Path, edit: tuple[str, str], line: int,
                                         message: str) -> None:
    text = textwrap.dedent(EXAMPLES)
    assert edit[0] in text
    rules, errors = parse_rule_file(write(tmp_path / "r.yaml", text.replace(*edit)))
    assert rules == []
    [e] = errors
    assert e.line == line and message in e.message, e.message


def test_a_failing_example_of_a_rule_with_long_lists_names_the_first_terms(
        tmp_path: Path) -> None:
    """A rule built on lists has hundreds of terms: the message names twelve and counts
    the rest, found and not found alike."""
    places = " OR ".join(f"ville{i}" for i in range(40))
    p = write(tmp_path / "r.yaml", f"""
        lists:
          villes: {places}
        rules:
          - id: villes
            query: '@villes AND libye'
            examples:
              match: ["Libye"]
    """)
    [e] = parse_rule_file(p)[1]
    assert ("query terms found: libye; not found: ville0, ville1, ville2, ville3, ville4, "
            "ville5, ville6, ville7, ville8, ville9, ville10, ville11 and 28 more") in e.message


def test_an_example_with_every_term_but_not_in_order(tmp_path: Path) -> None:
    p = write(tmp_path / "r.yaml", """
        rules:
          - id: ordre
            query: wagner ONEAR/1 benghazi
            examples:
              match: ["Benghazi accueille Wagner"]
    """)
    [e] = parse_rule_file(p)[1]
    assert e.line == 5 and ("all its terms occur (wagner, benghazi) but not as the query "
                            "combines them") in e.message


def test_examples_with_filters_and_feeds(tmp_path: Path) -> None:
    p = write(tmp_path / "r.yaml", """
        rules:
          - id: ar
            query: lang:ar AND روسيا
            feeds: [arabe]
            examples:
              match:
                - {body: "ليبيا وروسيا", lang: ar, feed: arabe}
                - {body: "ليبيا وروسيا", lang: ar, feed: autre}
    """)
    _, errors = parse_rule_file(p)
    [e] = errors
    assert e.line == 8 and "the rule's feeds (arabe) leave out the example's feed" in e.message


def test_a_failing_example_keeps_the_last_good_version(tmp_path: Path) -> None:
    p = write(tmp_path / "r.yaml", EXAMPLES)
    book = RuleBook(tmp_path)
    old = book.ruleset.get("wagner-libye")
    p.write_text(p.read_text(encoding="utf-8").replace("(libye OR benghazi)", "(mali)"),
                 encoding="utf-8")
    book.reload()
    assert book.ruleset.get("wagner-libye") is old
    assert [e.line for e in book.errors] == [7, 8]


@pytest.mark.parametrize(("line", "key"), [
    ('    query: "africa corps"', "query"),
    ("    query: 'africa corps'", "query"),
    ('    exclude: "richard wagner"', "exclude"),
])
def test_a_quoted_phrase_yaml_unquotes_is_an_error(tmp_path: Path, line: str, key: str) -> None:
    text = "rules:\n  - id: a\n" + ("    query: wagner\n" if key == "exclude" else "") + line
    _, errors = parse_rule_file(write(tmp_path / "r.yaml", text + "\n"))
    [e] = errors
    phrase = line.split(":", 1)[1].strip()[1:-1]
    assert (e.line, e.column) == (3 if key == "query" else 4, len(key) + 7)
    assert f"this {key} searches the 2 words anywhere, not the phrase" in e.message
    assert f"""write {key}: '"{phrase}"'""" in e.message


@pytest.mark.parametrize("query", ["'\"africa corps\" OR wagner'", '"wagner OR haftar"',
                                   "'haftar'", "africa corps", '"(africa corps)"'])
def test_quoting_a_real_query_is_fine(tmp_path: Path, query: str) -> None:
    text = f"rules:\n  - id: a\n    query: {query}\n"
    _, errors = parse_rule_file(write(tmp_path / "r.yaml", text))
    assert errors == []


def test_lint_warns_on_lower_case_operators(tmp_path: Path) -> None:
    write(tmp_path / "r.yaml", """
        lists:
          lieux: tripoli or benghazi
        rules:
          - id: a
            query: >
              haftar and benghazi
              OR wagner near/5 libye
          - id: b
            query: and OR not haftar OR "ceux qui or"
    """)
    book = RuleBook(tmp_path)
    assert book.errors == [] and len(book.ruleset.rules) == 2
    got = [(w.line, w.column, w.message.split(" between")[0]) for w in book.warnings]
    assert got == [(2, 18, "warning: lower-case 'or'"), (6, 14, "warning: lower-case 'and'"),
                   (7, 17, "warning: lower-case 'near/5'")]
    assert "write AND for the operator" in book.warnings[1].message


def test_every_mistake_of_a_file_at_once(tmp_path: Path) -> None:
    p = write(tmp_path / "r.yaml", """
        lists:
          lieux: tripoli OR (benghazi
        rules:
          - id: a
            query: haftar NEAR libye
            priority: urgent
          - id: b
            querry: libye
          - id: c
            query: '@inconnue'
          - id: d
            query: "africa corps"
          - id: a
            query: wagner
    """)
    _, errors = parse_rule_file(p)
    got = [(e.line, e.message[:40]) for e in errors]
    assert [line for line, _ in got] == [2, 5, 6, 8, 10, 12, 13], got  # querry: one mistake


def test_schema_describes_lists_and_examples() -> None:
    schema = load_schema("rules.schema.json")
    good = {"lists": {"lieux-libye": "tripoli OR benghazi"},
            "rules": [{"id": "a", "query": "@lieux-libye", "examples": {
                "match": ["Tripoli", {"title": "x", "lang": "fr", "tags": ["afrique"]}],
                "no_match": []}}]}
    jsonschema.validate(good, schema)
    for bad in ({"lists": {"Lieux": "x"}, "rules": []},
                {"lists": {"a": ""}, "rules": []},
                {"rules": [{"id": "a", "query": "x", "examples": {"matches": []}}]},
                {"rules": [{"id": "a", "query": "x", "examples": {"match": [{"titre": "x"}]}}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
    for word in ("~", "ONEAR", "NOT NEAR", "ATLEAST", "lead:", "case:", "lang:", "site:", "@"):
        assert word in schema["$defs"]["rule"]["properties"]["query"]["description"]


@pytest.mark.parametrize(("text", "names"), [
    # a YAML error further down: the names under lists: are still found
    ("lists:\n  libye-nom: libye OR libya\n  'villes': tripoli\nrules:\n  - id: x\n"
     "    query: @libye-nom\n", ["libye-nom", "villes"]),
    # a folded value's lines and comments are not names; keys after lists: are not either
    ("# lists of the desk\nlists:\n  russes: >\n    russie OR\n    moscou\n  # a: b\n"
     "  wagner: wagner\nrules: [\n", ["russes", "wagner"]),
    ("rules:\n  - id: a\n    query: [x\n", []),
])
def test_list_names_of_a_file_yaml_cannot_parse(text: str, names: list[str]) -> None:
    from watchdesk.rules.lists import scan_list_names

    assert scan_list_names(text) == names
