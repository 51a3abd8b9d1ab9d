"""YAML mistakes in plain words, where they were made: one row per kind of mistake.

Each row is a file as an analyst might write it (French values), the line and column that must
be reported, and the exact message. Syntax errors stop PyYAML, so each says the rest of the
file is checked once it is fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from watchdesk.errors import ConfigError
from watchdesk.yamlsource import load_yaml, parse_yaml
from watchdesk.yamlsyntax import REST

SYNTAX = [
    # the example: reported where the '[' was opened, not at the end of the file (4:1)
    ("unclosed [",
     "feeds:\n  - url: https://www.rfi.fr/fr/afrique/rss\n    name: [unclosed\n", 3, 11,
     "this '[' is never closed: add the ']' that ends the list, or put the whole value in "
     "quotes if the '[' is part of the text"),
    ("[ closed too late",
     "feeds:\n  - name: [rfi-afrique\n  - name: libya-herald\n", 2, 11,
     "this '[' is not closed before line 3, column 9: add the ']' that ends the list, or put "
     "the whole value in quotes if the '[' is part of the text"),
    ("unclosed {",
     "defaults: {interval: 15m, tags: [afrique]\nfeeds: []\n", 1, 11,
     "this '{' is not closed before line 2, column 1: add the '}' that ends the mapping, or put "
     "the whole value in quotes if the '{' is part of the text"),
    ("unclosed double quote",
     'feeds:\n  - name: rfi\n    title: "Libye : la délégation russe\n    url: x\n', 3, 12,
     'this quote (") is never closed: add the closing " at the end of the value'),
    ("unclosed single quote",
     "rules:\n  - id: libye\n    query: 'haftar OR wagner\n", 3, 12,
     "this quote (') is never closed: add the closing ' at the end of the value"),
    ("tab as indentation",
     "feeds:\n  - name: rfi\n\turl: https://www.rfi.fr/fr/afrique/rss\n", 3, 1,
     "a tab: YAML does not allow tabs for indentation or before a value; replace it with "
     "spaces"),
    ("indented to no column above",
     "feeds:\n  - name: rfi\n   url: https://www.rfi.fr/fr/afrique/rss\n", 3, 4,
     "bad indentation: this line starts at column 4, which lines up with no line above it "
     "(columns used above: 1, 3, 5); indent it like the key or '- ' it belongs with"),
    ("indented further than the key above",
     "feeds:\n  - name: rfi\n      url: https://www.rfi.fr/fr/afrique/rss\n", 3, 7,
     "this line is indented further than the key on line 2: start it at column 5, like that "
     "key"),
    ("a key without its ':'",
     "feeds:\n  - name rfi\n    url: https://www.rfi.fr/fr/afrique/rss\n", 2, 5,
     "'name rfi' has no ':' after it: write it as 'key: value' (a key needs ':' before its "
     "value)"),
    ("a key without its ':' between keys",
     "feeds:\n  - name: rfi\n    url\n    tags: [afrique]\n", 3, 5,
     "'url' has no ':' after it: write it as 'key: value' (a key needs ':' before its value)"),
    ("': ' inside a value (French typography)",
     "feeds:\n  - name: rfi\n    title: Libye : Haftar reçoit Moscou\n", 3, 18,
     "a ': ' inside a value: put the whole value in quotes (title: 'Libye : Haftar reçoit "
     "Moscou')"),
    ("text after a closing quote",
     'rules:\n  - id: a\n    query: "africa corps" OR wagner\n', 3, 27,
     "text after the closing quote: quote the whole value (query: '\"africa corps\" OR "
     "wagner'), or write it on the lines after 'query: >'"),
    ("apostrophe inside single quotes",
     "feeds:\n  - name: rfi\n    title: 'L'Afrique en direct'\n", 3, 15,
     "text after the closing quote: quote the whole value (title: \"L'Afrique en direct\"), "
     "or write it on the lines after 'title: >'"),
    ("text after a closing ]",
     "feeds:\n  - name: rfi\n    title: [Libye] Haftar à Moscou\n", 3, 20,
     "text after the closing ']': a value that starts with '[' is read as a list; put the "
     "whole value in quotes (title: '[Libye] Haftar à Moscou')"),
    ("a stray ]",
     "feeds: [rfi]]\n", 1, 13, "a ']' with no '[' before it: remove it"),
    ("a list item among keys",
     "feeds:\n  name: rfi\n  - url: https://www.rfi.fr/fr/afrique/rss\n", 3, 3,
     "a list item ('- ') where the lines above at this indentation are keys: indent it under "
     "the key it belongs to, or write it as 'key: value'"),
    ("a key among list items",
     "feeds:\n  - name: rfi\n    url: https://www.rfi.fr/fr/afrique/rss\n  tags: [afrique]\n",
     4, 3,
     "a key where the lines above at this indentation are list items ('- '): start it with "
     "'- ' to make it a new item, or indent it like the keys of the item above"),
    ("a value starting with @",
     "feeds:\n  - name: rfi\n    title: @RFI_Afrique\n", 3, 12,
     "a value cannot start with '@' (YAML reserves it): put the whole value in quotes"),
    ("a backslash in double quotes",
     'feeds:\n  - name: rfi\n    title: "Libye\\Russie"\n', 3, 18,
     "'\\R' starts an escape sequence inside double quotes: write '\\\\' for a backslash, or "
     "put the value in single quotes instead"),
    ("a value starting with *",
     "rules:\n  - id: a\n    query: *libye OR benghazi\n", 3, 12,
     "'*libye' is read by YAML as a reference to an anchor '&libye' that is not defined: put "
     "the value in quotes"),
    ("a value starting with &",
     "rules:\n  - id: a\n    query: & libye\n", 3, 12,
     "a value cannot start with '&' (YAML reads an anchor): put the whole value in quotes"),
    ("two documents",
     "feeds: []\n---\nfeeds: []\n", 2, 1,
     "a second YAML document ('---'): a watchdesk file holds one; remove the '---' line"),
    ("text after a block indicator",
     "rules:\n  - id: a\n    query: > libye\n      OR benghazi\n", 3, 14,
     "after '|' or '>' nothing but a comment may follow on the line: start the text on the "
     "next line, indented"),
    ("a control character",
     "feeds:\n  - name: rfi\x07\n", 2, 14,
     "a control character (#x0007) YAML does not allow: delete it"),
    ("anything else keeps PyYAML's words",
     "feeds: ? rfi\n", 1, 8, "mapping keys are not allowed here"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"),
                         [row[1:] for row in SYNTAX], ids=[row[0] for row in SYNTAX])
def test_syntax_errors_say_what_to_change_where(text: str, line: int, column: int,
                                                message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml(text, "feeds.yaml")
    err = info.value
    assert (err.path, err.line, err.column, err.message) == (
        "feeds.yaml", line, column, message + REST)


def test_an_unknown_tag_is_reported_and_the_file_read_on() -> None:
    doc = parse_yaml("rules:\n  - id: a\n    query: !important libye\n    title: 12\n", "r.yaml")
    [err] = doc.errors
    assert (err.line, err.column, err.message) == (
        3, 12, "'!important' is read by YAML as a type tag: put the whole value in quotes if "
               "the '!' is part of the text")
    assert doc.data["rules"][0]["title"] == 12  # the rest of the file was read
    assert not doc.is_valid(("rules", 0, "query")) and doc.is_valid(("rules", 0, "title"))


def test_a_key_given_twice_is_reported_at_the_second() -> None:
    doc = parse_yaml("feeds:\n  - name: rfi\n    url: https://a.example/\n    name: rfi2\n",
                     "feeds.yaml")
    [err] = doc.errors
    assert (err.line, err.column, err.message) == (
        4, 5, "'name' is given twice here (first on line 2): keep one of them")


def test_not_utf8_is_reported_at_the_first_bad_byte(tmp_path: Path) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_bytes("feeds:\n  - title: Libye é\n".encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        load_yaml(p)
    assert (info.value.line, info.value.column) == (2, 18)
    assert info.value.message == ("not UTF-8 text (invalid continuation byte): save the file "
                                  "as UTF-8")


def test_item_labels_use_the_id_or_name() -> None:
    doc = parse_yaml("rules:\n  - id: russie-libye\n    query: x\n  - query: y\n"
                     "  - id: Le Monde\n", "r.yaml")
    assert doc.label(("rules", 0, "query")) == "rules[russie-libye].query"
    assert doc.label(("rules", 1, "query")) == "rules[#2].query"  # no id: its position
    assert doc.label(("rules", 2)) == "rules[#3]"  # a name with a space: its position too
    assert doc.label(()) == "the file"
