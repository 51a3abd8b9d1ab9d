"""YAML mistakes in plain words, where they were made: one row per kind of mistake.

Each row is a file as an analyst might write it (French values), the line and column that must
be reported, and the exact message. Syntax errors stop PyYAML, so each says the rest of the
file is checked once it is fixed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchdesk.config.feeds import feeds_from_document
from watchdesk.config.yamlsource import load_yaml, parse_yaml
from watchdesk.config.yamlsyntax import REST
from watchdesk.errors import ConfigError
from watchdesk.rules import parse_rule_file

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
     "'name rfi' has no ':' after its key: write it as 'name: rfi', or start the line with '#' "
     "if it is a comment"),
    ("a key without its ':' between keys",
     "feeds:\n  - name: rfi\n    url\n    tags: [afrique]\n", 3, 5,
     "'url' has no ':' after it: write it as 'url: value' (a key needs ':' before its value)"),
    ("a line of text that is not a comment",
     "Flux du desk Libye\nfeeds:\n  - name: rfi\n", 1, 1,
     "'Flux du desk Libye' has no ':' after its key: write it as 'Flux: du desk Libye', or "
     "start the line with '#' if it is a comment"),
    ("a line of a '>' block that lost its indentation",
     "rules:\n  - id: libye\n    query: >\n      libye OR benghazi\n    OR tripoli\n", 5, 5,
     "this line is indented less than the text of 'query: >' on line 3, so it is not part of "
     "it: indent it to column 7 like that text (or, if it is a new key, add its ':')"),
    ("two keys on one line",
     "feeds:\n  - name: rfi\n    title: RFI Afrique    url: https://www.rfi.fr/fr/afrique/rss\n",
     3, 27, "'url:' is on the same line as the value before it: start a new line for 'url:' (a "
     "line break is missing)"),
    ("text standing alone before the keys",
     '"Flux du desk"\nfeeds:\n  - name: rfi\n', 1, 1,
     "this text stands alone before the rest of the file: make it a comment (start the line "
     "with '#') or remove it"),
    ("a list item after a key on the same line",
     "rules:\n  - id: libye\n    feeds: - afrique\n", 3, 12,
     "a '- ' list item cannot follow a key on the same line: put it on the next line, indented "
     "under the key (or write the list as [a, b])"),
    ("a list item inside brackets",
     "rules:\n  - id: libye\n    feeds: [afrique, - sahel]\n", 3, 22,
     "a '- ' list item inside [ ] or { }: inside brackets, separate the items with ',' instead"),
    ("a line starting with %",
     "%rules du desk\nrules: []\n", 1, 1,
     "a line starting with '%' is read by YAML as a directive: put the value in quotes, or "
     "start the line with '#' for a comment"),
    ("a value starting with !",
     "rules:\n  - id: a\n    query: !#urgent\n", 3, 12,
     "'!' at the start of a value starts a YAML tag: put the whole value in quotes"),
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


REPO = Path(__file__).resolve().parents[1]
SHIPPED = [REPO / "feeds.yaml", *sorted((REPO / "rules").glob("*.yaml"))]
TYPOS = list(" \t\n:-[]{}'\"#&*!|>?@`%,\\é5")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_typo_in_a_shipped_file_gets_placed_errors_never_a_crash(data: st.DataObject
                                                                     ) -> None:
    """A few characters inserted, deleted or replaced anywhere in the shipped feeds.yaml or
    rule files: every error found has a line and a column, and nothing else is raised (this
    found `url: https://[x` crashing `check` with a traceback). Each example loads a whole
    rule file (~0.4 s): 60 here, and 300 in the soak run (`-m slow`) below."""
    typo_gets_placed_errors(data)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_typo_in_a_shipped_file_soak(data: st.DataObject) -> None:
    """The same with 300 examples (`pytest -m slow`)."""
    typo_gets_placed_errors(data)


def typo_gets_placed_errors(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(SHIPPED))
    text = list(path.read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        if op == "insert":
            text.insert(i, data.draw(st.sampled_from(TYPOS)))
        elif i < len(text):
            text[i:i + 1] = [] if op == "delete" else [data.draw(st.sampled_from(TYPOS))]
    mutated = "".join(text)
    if path.name == "feeds.yaml":
        try:
            errors = feeds_from_document(parse_yaml(mutated, "feeds.yaml"))[1]
        except ConfigError as e:
            errors = [e]
    else:
        with tempfile.TemporaryDirectory() as d:
            rule_file = Path(d) / "x.yaml"
            rule_file.write_text(mutated, encoding="utf-8")
            errors = parse_rule_file(rule_file)[1]
    for err in errors:
        assert err.line is not None and err.column is not None, str(err)
        assert err.message, str(err)


@pytest.mark.parametrize("text", [
    "feeds:\n  - name: \"Le Monde — Afrique ☕ 𝄞\"\n    url: https://example.com/é\n"
    "    tags: [ä, 'b', \"c\"]\n  - {name: x, url: 'http://x'}\n"
    "  - name: |\n      multi ☕\n      line\n    url: >-\n      folded\n    url: again\n",
    "rules:\r\n  - id: a\r\n    query: 'libye NEAR/3 \"ça\"'\r\n    tags: !weird x\r\n",
    "\ufefffeeds:\n  - name: é\n    url: http://x\n",
])
def test_libyaml_and_pyyaml_place_every_value_alike(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_yaml composes with libyaml when PyYAML has it (ten times faster on a big
    feeds.yaml): the lines, columns and character offsets of every value and key, and the
    mistakes found, must be those PyYAML's own parser gives."""
    from watchdesk.config import yamlsource

    fast = parse_yaml(text, "f.yaml")
    monkeypatch.setattr(yamlsource, "_FAST_LOADER", None)
    slow = parse_yaml(text, "f.yaml")
    assert fast.data == slow.data
    assert (fast.marks, fast.key_marks, fast.spans) == (slow.marks, slow.key_marks, slow.spans)
    assert [str(e) for e in fast.errors] == [str(e) for e in slow.errors]
    assert fast.errors or "\ufeff" in text      # the key given twice, the unknown tag
