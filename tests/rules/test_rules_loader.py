"""Rule files: format, every kind of error with file and line, and RuleBook hot reload."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from watchdesk.config.yamlsource import load_schema
from watchdesk.errors import ConfigError, RuleSyntaxError
from watchdesk.rules import (
    Document,
    RuleBook,
    load_rule_file,
    load_rules,
    parse_rule_file,
)


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


GOOD = """
    rules:
      - id: russie-libye
        title: Russie en Libye
        query: >
          (libye OR libyen* OR benghazi)
          AND (haftar OR wagner OR "africa corps")
        exclude: '"richard wagner" OR opéra OR bayreuth'
        priority: alert
        feeds: [afrique]
        recipients: [desk@example.org]
      - id: haftar
        query: haftar OR hafter
"""


def test_load_a_good_file(tmp_path: Path) -> None:
    p = write(tmp_path / "libye.yaml", GOOD)
    a, b = load_rule_file(p)
    assert (a.id, a.title, a.priority, a.feeds, a.enabled, a.recipients) == (
        "russie-libye", "Russie en Libye", "alert", ("afrique",), True, ("desk@example.org",))
    assert a.exclude == '"richard wagner" OR opéra OR bayreuth'
    assert (a.path, a.line) == (str(p), 2)
    assert (b.title, b.priority, b.feeds, b.exclude, b.line) == ("haftar", "digest", (), None, 11)


def errors_of(tmp_path: Path, text: str, name: str = "r.yaml") -> list[ConfigError]:
    p = write(tmp_path / name, text)
    rules, errors = parse_rule_file(p)
    assert rules == []  # a file with an error contributes no rules
    assert errors
    return errors


def only_error(tmp_path: Path, text: str) -> ConfigError:
    [err] = errors_of(tmp_path, text)
    assert err.path == str(tmp_path / "r.yaml")
    return err


def test_query_error_in_a_folded_block_points_into_the_file(tmp_path: Path) -> None:
    err = only_error(tmp_path, """
        rules:
          - id: ok
            query: libye
          - id: casse
            query: >
              (libye OR libyen*
              AND haftar
    """)
    assert isinstance(err, RuleSyntaxError)
    assert (err.line, err.column) == (7, 17)  # just after "haftar"
    assert "expected ')' to close '(' opened at line 6, column 7" in err.message
    assert str(err).startswith(f"{tmp_path / 'r.yaml'}:7:17: ")


def test_query_error_on_one_line(tmp_path: Path) -> None:
    err = only_error(tmp_path, """
        rules:
          - id: casse
            query: libye NEAR haftar
    """)
    assert (err.line, err.column) == (3, 18)
    assert "NEAR needs a distance like NEAR/5" in err.message


def test_exclude_error_in_quotes(tmp_path: Path) -> None:
    err = only_error(tmp_path, """
        rules:
          - id: casse
            query: wagner
            exclude: '"richard wagner OR opéra'
    """)
    assert (err.line, err.column) == (4, 15)  # the opening quote of the phrase
    assert "unterminated phrase" in err.message


# one row per kind of mistake: the rules, where it must be reported, the exact message
SCHEMA_MISTAKES = [
    ("true/false as a word", "  - id: a\n    query: libye\n    enabled: 'oui'\n", 4, 14,
     "rules[a].enabled must be true or false, not the text 'oui'"),
    ("one feed not in a list", "  - id: a\n    query: libye\n    feeds: afrique\n", 4, 12,
     "rules[a].feeds must be a list: write feeds: [afrique]"),
    ("misspelt priority", "  - id: a\n    query: libye\n    priority: alerte\n", 4, 15,
     "rules[a].priority: 'alerte' is not one of: alert, digest: did you mean 'alert'?"),
    ("an id that is not a short name", "  - id: Russie_Libye\n    query: libye\n", 2, 9,
     "rules[Russie_Libye].id: 'Russie_Libye' is not valid: try 'russie-libye' (lower-case "
     "letters, digits and hyphens, starting with a letter or digit, e.g. russie-libye; unique "
     "across all rule files)"),
    ("an id YAML reads as a number", "  - id: 2024\n    query: libye\n", 2, 9,
     "rules[#1].id: YAML reads 2024 as a number, but it must be text: write id: '2024'"),
    ("no query", "  - id: a\n    title: Libye\n", 2, 5, "rules[a] has no 'query': add 'query: …'"),
    ("an empty query", "  - id: a\n    query: ''\n", 3, 12,
     "rules[a].query is empty: write a value"),
    ("a query YAML reads as a list", "  - id: a\n    query: [libye, benghazi]\n", 3, 12,
     "rules[a].query must be text, not a list: put it in quotes (query: '[libye, benghazi]')"),
    ("not an e-mail address", "  - id: a\n    query: x\n    recipients: [desk]\n", 4, 18,
     "rules[a].recipients[#1]: 'desk' is not valid (an e-mail address like desk@example.org)"),
    ("a misspelt key", "  - id: a\n    querry: libye\n", 3, 5,
     "unknown key 'querry' in rules[a]: did you mean 'query'?"),
    ("a key in capitals", "  - id: a\n    Query: libye\n", 3, 5,
     "unknown key 'Query' in rules[a]: did you mean 'query'?"),
]


@pytest.mark.parametrize(("body", "line", "column", "message"),
                         [row[1:] for row in SCHEMA_MISTAKES],
                         ids=[row[0] for row in SCHEMA_MISTAKES])
def test_schema_mistakes_name_the_rule_and_the_fix(tmp_path: Path, body: str, line: int,
                                                   column: int, message: str) -> None:
    [err] = errors_of(tmp_path, "rules:\n" + body)
    assert (err.line, err.column, err.message) == (line, column, message)


def test_unknown_top_level_key_top_level_list_and_yaml_syntax(tmp_path: Path) -> None:
    [err] = errors_of(tmp_path, "rules: []\nregles: []\n")
    assert (err.line, err.message) == (2, "unknown key 'regles' in the file: did you mean "
                                          "'rules'?")
    [err] = errors_of(tmp_path, "- id: a\n  query: libye\n")
    assert (err.line, err.column, err.message) == (
        1, 1, "the file is a list, but it must start with 'rules:': write 'rules:' on the "
              "first line and indent the list under it")
    [err] = errors_of(tmp_path, "rules:\n  - id: a\n    query: [libye\n")
    assert (err.line, err.column) == (3, 12) and "this '[' is never closed" in err.message


def test_every_mistake_of_a_rule_file_at_once(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, """
        rules:
          - id: russie-libye
            querry: libye
            feeds: afrique
          - id: haftar
            query: haftar NEAR benghazi
            priority: alerte
          - id: russie-libye
            query: (wagner OR "africa corps"
            exclude: opéra OR
          - id: sahel
            query: sahel
            enabled: oui
    """)
    assert [f"{e.line}:{e.column}: {e.message}" for e in errors] == [
        "3:5: unknown key 'querry' in rules[russie-libye]: did you mean 'query'?",
        "4:12: rules[russie-libye].feeds must be a list: write feeds: [afrique]",
        "6:19: NEAR needs a distance like NEAR/5 (at most that many words between the two "
        "terms)",
        "7:15: rules[haftar].priority: 'alerte' is not one of: alert, digest: did you mean "
        "'alert'?",
        "8:9: duplicate rule id 'russie-libye': already used at line 2; give one of them "
        "another id",
        "9:37: expected ')' to close '(' opened at column 12, found the end of the query",
        "10:22: expected a word, phrase or '(' after OR, found the end of the query",
        "13:14: rules[sahel].enabled must be true or false, not the text 'oui'",
    ]


def test_duplicate_ids_in_one_file(tmp_path: Path) -> None:
    [err] = errors_of(tmp_path, """
        rules:
          - id: a
            query: libye
          - id: a
            query: haftar
    """)
    assert (err.line, err.column) == (4, 9)
    assert "duplicate rule id 'a': already used at line 2" in err.message


def test_empty_file_is_no_rules(tmp_path: Path) -> None:
    p = write(tmp_path / "vide.yaml", "# rien pour l'instant\n")
    assert parse_rule_file(p) == ([], [])


def test_load_rules_keeps_good_files_and_reports_broken_ones(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", GOOD)
    write(tmp_path / "b.yml", "rules:\n  - id: sahel\n    query: sahel OR mali\n")
    write(tmp_path / "c.yaml", "rules:\n  - id: casse\n    query: (libye\n")
    write(tmp_path / "notes.txt", "not a rule file")
    rs, errors = load_rules(tmp_path)
    assert [r.id for r in rs.rules] == ["russie-libye", "haftar", "sahel"]
    [err] = errors
    assert err.path == str(tmp_path / "c.yaml") and err.line == 3


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", GOOD)
    write(tmp_path / "b.yaml", "rules:\n  - id: sahel\n    query: sahel\n"
                               "  - id: haftar\n    query: haftar\n")
    rs, errors = load_rules(tmp_path)
    assert [r.id for r in rs.rules] == ["russie-libye", "haftar", "sahel"]
    assert rs.get("haftar").path == str(tmp_path / "a.yaml")  # type: ignore[union-attr]
    [err] = errors
    assert (err.path, err.line, err.column) == (str(tmp_path / "b.yaml"), 4, 9)
    assert f"already defined at {tmp_path / 'a.yaml'}:11" in err.message


def test_a_broken_file_also_reports_its_duplicate_ids(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", GOOD)
    write(tmp_path / "b.yaml", "rules:\n  - id: haftar\n    query: haftar OR\n")
    _, errors = load_rules(tmp_path)
    assert [(e.line, e.column, e.message) for e in errors] == [
        (2, 9, f"duplicate rule id 'haftar': already defined at {tmp_path / 'a.yaml'}:11; "
               "rename one of them (this one is not loaded)"),
        (3, 21, "expected a word, phrase or '(' after OR, found the end of the query")]


def test_missing_directory(tmp_path: Path) -> None:
    rs, [err] = load_rules(tmp_path / "absent")
    assert len(rs) == 0 and "rules directory not found" in err.message


# ------------------------------------------------------------------------------- hot reload

def test_rulebook_edit_break_fix_delete(tmp_path: Path) -> None:
    f = write(tmp_path / "libye.yaml", "rules:\n  - id: libye\n    query: libye\n")
    write(tmp_path / "sahel.yaml", "rules:\n  - id: sahel\n    query: sahel\n")
    book = RuleBook(tmp_path)
    assert book.errors == [] and book.changed_rule_ids == {"libye", "sahel"}
    doc = Document(body="Haftar à Benghazi, en Libye")
    assert [m.rule_id for m in book.ruleset.match(doc)] == ["libye"]
    gen = book.generation

    # nothing changed: same RuleSet, nothing new
    first = book.ruleset
    assert book.reload() == [] and book.ruleset is first and book.changed_rule_ids == set()

    # edit: the new query is running
    write(f, "rules:\n  - id: libye\n    query: benghazi AND tripoli\n"
             "  - id: haftar\n    query: haftar\n")
    assert book.reload() == []
    assert [m.rule_id for m in book.ruleset.match(doc)] == ["haftar"]
    assert book.changed_rule_ids == {"libye", "haftar"} and book.generation == gen + 1

    # break it: the last good rules keep running, the error is reported
    write(f, "rules:\n  - id: libye\n    query: benghazi AND (tripoli\n")
    [err] = book.reload()
    assert err.path == str(f) and err.line == 3 and book.errors == [err]
    assert [m.rule_id for m in book.ruleset.match(doc)] == ["haftar"]
    assert book.changed_rule_ids == set()
    assert book.reload() == [err]  # still broken, still reported

    # fix it: the fixed rules run
    write(f, "rules:\n  - id: libye\n    query: benghazi\n")
    assert book.reload() == []
    assert [m.rule_id for m in book.ruleset.match(doc)] == ["libye"]
    assert book.changed_rule_ids == {"libye"} and book.removed_rule_ids == {"haftar"}

    # delete it: its rules go away
    f.unlink()
    assert book.reload() == []
    assert [r.id for r in book.ruleset.rules] == ["sahel"]
    assert book.removed_rule_ids == {"libye"}


def test_rulebook_reformatting_is_not_a_change_for_backfill(tmp_path: Path) -> None:
    f = write(tmp_path / "r.yaml", "rules:\n  - id: r\n    query: libye OR libyen*\n")
    book = RuleBook(tmp_path)
    version = book.ruleset.rules[0].version
    write(f, "rules:\n  - id: r\n    title: Libye\n    query: >\n      LIBYE\n      OR libyen*\n")
    book.reload()
    assert book.ruleset.rules[0].title == "Libye"  # the new rule object is running
    assert book.ruleset.rules[0].version == version and book.changed_rule_ids == set()
    write(f, "rules:\n  - id: r\n    query: libye OR libyen*\n    enabled: false\n")
    book.reload()
    assert book.removed_rule_ids == {"r"} and book.changed_rule_ids == set()


def test_rulebook_duplicate_newcomer_is_rejected(tmp_path: Path) -> None:
    write(tmp_path / "m.yaml", "rules:\n  - id: haftar\n    query: haftar\n")
    book = RuleBook(tmp_path)
    # a file sorting first arrives with the same id: the running rule keeps it
    write(tmp_path / "a.yaml", "rules:\n  - id: haftar\n    query: hafter\n"
                               "  - id: sahel\n    query: sahel\n")
    [err] = book.reload()
    assert err.path == str(tmp_path / "a.yaml") and "duplicate rule id 'haftar'" in err.message
    assert book.ruleset.get("haftar").query == "haftar"  # type: ignore[union-attr]
    assert book.ruleset.get("sahel") is not None
    assert book.changed_rule_ids == {"sahel"}
    # once the old one is gone, the other definition takes over
    (tmp_path / "m.yaml").unlink()
    assert book.reload() == []
    assert book.ruleset.get("haftar").query == "hafter"  # type: ignore[union-attr]
    assert book.changed_rule_ids == {"haftar"}


def test_rulebook_first_load_of_a_broken_file_has_no_rules(tmp_path: Path) -> None:
    write(tmp_path / "r.yaml", "rules:\n  - id: r\n    query: NEAR\n")
    book = RuleBook(tmp_path)
    assert len(book.ruleset) == 0 and len(book.errors) == 1


# ----------------------------------------------------------------------------------- schema

def test_schema_is_valid_and_documented() -> None:
    schema = load_schema("rules.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    rule = schema["$defs"]["rule"]
    assert schema["additionalProperties"] is False and rule["additionalProperties"] is False
    for name, prop in {**schema["properties"], **rule["properties"]}.items():
        assert prop.get("description"), name
    assert "e.g." in rule["properties"]["id"]["description"]
    json.dumps(schema)  # plain JSON, usable by editors


def test_query_starting_with_a_quote_gets_a_hint(tmp_path: Path) -> None:
    [err] = errors_of(tmp_path, """
        rules:
          - id: a
            query: "africa corps" OR wagner
    """)
    assert (err.line, err.column) == (3, 27) and "YAML syntax error" in err.message
    assert "quote the whole value (query: '\"africa corps\" OR wagner')" in err.message
