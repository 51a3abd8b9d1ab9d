"""PyYAML's syntax errors in plain words, placed where the mistake is.

PyYAML says *what the parser expected* (``expected ',' or ']', but got '<stream end>'``) and
where it noticed (often the end of the file). An analyst needs *what to change* and where the
mistake was made: the ``[`` or quote that was never closed (PyYAML's context mark), the tab,
the line indented one space too far. :func:`syntax_error` reads the error and the text and
returns a :class:`ConfigError` saying that. PyYAML stops at the first syntax error, so a file
gets at most one; the message says the rest of the file was not checked.

Each rule below is one kind of mistake; the tests (``tests/test_yaml_errors.py``) have one row
per kind. Anything not recognised keeps PyYAML's own words, at PyYAML's position.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from ..errors import ConfigError

__all__ = ["syntax_error"]

REST = " (YAML syntax error: the rest of this file is checked once it is fixed)"

Pos = tuple[int, int]  # 1-based line, column


def _pos(mark: yaml.Mark | None) -> Pos | None:
    return (mark.line + 1, mark.column + 1) if mark is not None else None


class _Text:
    """The file's lines, with the small questions the rules below ask of them."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines() or [""]

    def line(self, n: int) -> str:
        return self.lines[n - 1] if 0 < n <= len(self.lines) else ""

    def char(self, pos: Pos) -> str:
        text = self.line(pos[0])
        return text[pos[1] - 1] if 0 < pos[1] <= len(text) else ""

    @staticmethod
    def indent(text: str) -> int:
        return len(text) - len(text.lstrip(" "))

    def starts_line(self, pos: Pos) -> bool:
        """Is ``pos`` the first thing on its line?"""
        return self.indent(self.line(pos[0])) + 1 == pos[1]

    def content_lines_before(self, n: int) -> list[tuple[int, str]]:
        return [(i, t) for i in range(n - 1, 0, -1)
                if (t := self.line(i)).strip() and not t.lstrip().startswith("#")]

    def block_above(self, n: int) -> tuple[int, str, int] | None:
        """When line ``n`` comes right after the text of a ``key: >`` (or ``|``) block and is
        indented less than that text: the opener's line, its key, the text's column."""
        ind = self.indent(self.line(n))
        text_col = None
        for i, text in self.content_lines_before(n):
            m = _BLOCK_OPENER.match(text)
            if m:
                return (i, m.group(1), text_col) if text_col is not None else None
            lead = self.indent(text)
            if lead <= ind:
                return None
            text_col = lead + 1 if text_col is None else min(text_col, lead + 1)
        return None

    def first_content(self) -> Pos | None:
        for i, text in enumerate(self.lines, 1):
            if text.strip() and not text.lstrip().startswith("#"):
                return i, self.indent(text) + 1
        return None

    def open_columns(self, n: int) -> list[int]:
        """Columns where line ``n`` could start: those of the blocks still open above it."""
        cols: set[int] = set()
        least = None
        for _, text in self.content_lines_before(n):
            ind = self.indent(text)
            if least is not None and ind >= least:
                continue
            least = ind
            cols.add(ind + 1)
            rest = text[ind:]
            while rest.startswith("- "):  # "- - name:" opens a block at each dash
                ind += 2 + len(rest[2:]) - len(rest[2:].lstrip(" "))
                rest = text[ind:]
                cols.add(ind + 1)
            if ind == 0:
                break
        return sorted(cols)


def _quote(value: str) -> str:
    """``value`` in the YAML quotes that need no escaping."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _key_value(text: str) -> tuple[str, str] | None:
    """``  - title: Libye: la crise`` → ("title", "Libye: la crise")."""
    m = re.match(r"^\s*(?:-\s+)*([^\s:#][^:#]*?)\s*:\s+(.*?)\s*$", text)
    return (m.group(1), m.group(2)) if m else None


_BLOCK_OPENER = re.compile(r"^\s*(?:-\s+)*([^\s:#][^:#]*?)\s*:\s*[>|][-+0-9]*\s*(?:#.*)?$")


def _less_indented(t: _Text, line: int) -> str | None:
    """The message for a line of block text that lost its indentation, if it is one."""
    found = t.block_above(line)
    if found is None:
        return None
    n, key, col = found
    return (f"this line is indented less than the text of '{key}: >' on line {n}, so it is "
            f"not part of it: indent it to column {col} like that text (or, if it is a new "
            "key, add its ':')")


Rule = Callable[[yaml.MarkedYAMLError, _Text], tuple[Pos | None, str] | None]


def _unclosed_flow(e: yaml.MarkedYAMLError, t: _Text) -> tuple[Pos | None, str] | None:
    ctx = e.context or ""
    if "flow sequence" in ctx:
        opener, closer, what = "[", "]", "list"
    elif "flow mapping" in ctx:
        opener, closer, what = "{", "}", "mapping"
    else:
        return None
    if not (e.problem or "").startswith(f"expected ',' or '{closer}'"):
        return None
    at, found = _pos(e.context_mark), _pos(e.problem_mark)
    if "<stream end>" in (e.problem or "") or found is None:
        return at, (f"this '{opener}' is never closed: add the '{closer}' that ends the {what}, "
                    f"or put the whole value in quotes if the '{opener}' is part of the text")
    return at, (f"this '{opener}' is not closed before line {found[0]}, column {found[1]}: add "
                f"the '{closer}' that ends the {what}, or put the whole value in quotes if the "
                f"'{opener}' is part of the text")


def _unclosed_quote(e: yaml.MarkedYAMLError, t: _Text) -> tuple[Pos | None, str] | None:
    if "quoted scalar" not in (e.context or ""):
        return None
    at = _pos(e.context_mark)
    problem = e.problem or ""
    bad_escape = "unknown escape character" in problem or "expected escape sequence" in problem
    if bad_escape and e.problem_mark is not None:
        line = e.problem_mark.line + 1
        here = (line, t.line(line).rfind("\\", 0, e.problem_mark.column + 1) + 1)
        seq = t.line(line)[here[1] - 1:here[1] + 1]
        return here, (f"'{seq}' starts an escape sequence inside double quotes: write '\\\\' "
                      "for a backslash, or put the value in single quotes instead")
    if "unexpected end of stream" in problem or "document separator" in problem:
        q = t.char(at) if at else '"'
        q = q if q in "'\"" else '"'
        return at, (f"this quote ({q}) is never closed: add the closing {q} at the end of the "
                    "value")
    return None


def _tab_or_reserved(e: yaml.MarkedYAMLError, t: _Text) -> tuple[Pos | None, str] | None:
    m = re.match(r"found character '(.+)' that cannot start any token", e.problem or "")
    if not m:
        return None
    at = _pos(e.problem_mark)
    if m.group(1) == "\\t":
        return at, ("a tab: YAML does not allow tabs for indentation or before a value; "
                    "replace it with spaces")
    return at, (f"a value cannot start with '{m.group(1)}' (YAML reserves it): put the whole "
                "value in quotes")


def _colon_in_value(e: yaml.MarkedYAMLError, t: _Text) -> tuple[Pos | None, str] | None:
    if e.problem != "mapping values are not allowed here" or e.problem_mark is None:
        return None
    at = _pos(e.problem_mark)
    assert at is not None
    text = t.line(at[0])
    if not t.starts_line(at) and ": " in text[: at[1] - 1] + " ":
        joined = re.search(r"\S(\s{2,})([^\s:]+)$", text[: at[1] - 1])
        if joined:
            key = joined.group(2)
            return (at[0], joined.start(2) + 1), (
                f"'{key}:' is on the same line as the value before it: start a new line for "
                f"'{key}:' (a line break is missing)")
        kv = _key_value(text)
        if kv:
            fix = f"{kv[0]}: {_quote(kv[1])}"
            return at, (f"a ': ' inside a value: put the whole value in quotes ({fix})")
        return at, "a ': ' inside a value: put the whole value in quotes"
    before = t.content_lines_before(at[0])
    start = (at[0], t.indent(text) + 1)
    if before:
        n, prev = before[0]
        if ":" not in prev.split(" #")[0]:
            word = prev.strip().removeprefix("- ").strip()
            return (n, len(prev) - len(prev.lstrip(" -")) + 1), _no_colon(word)
        prev_key = t.indent(prev) + 1 + (len(prev.strip()) - len(prev.strip()
                                                                    .removeprefix("- ")))
        return start, (f"this line is indented further than the key on line {n}: start it at "
                       f"column {prev_key}, like that key")
    return start, "a ':' here is not allowed: put the value in quotes"


def _missing_colon(e: yaml.MarkedYAMLError, t: _Text) -> tuple[Pos | None, str] | None:
    if "simple key" not in (e.context or "") or "expected ':'" not in (e.problem or ""):
        return None
    at = _pos(e.context_mark)
    if at is None:
        return None
    block = _less_indented(t, at[0])
    if block:
        return at, block
    return at, _no_colon(t.line(at[0])[at[1] - 1:].strip())


def _no_colon(word: str) -> str:
    """``name rfi`` → write it as 'name: rfi'."""
    if " " in word:
        key, rest = word.split(" ", 1)
        return (f"'{word}' has no ':' after its key: write it as '{key}: {rest.strip()}', or "
                "start the line with '#' if it is a comment")
    return (f"'{word}' has no ':' after it: write it as '{word}: value' (a key needs ':' "
            "before its value)")


def _block_end(e: yaml.MarkedYAMLError, t: _Text) -> tuple[Pos | None, str] | None:
    m = re.match(r"expected <block end>, but found '(.*)'", e.problem or "")
    if not m or e.problem_mark is None:
        return None
    at = _pos(e.problem_mark)
    assert at is not None
    found = m.group(1)
    if not t.starts_line(at):
        if found in ("]", "}"):
            opener = "[" if found == "]" else "{"
            return at, f"a '{found}' with no '{opener}' before it: remove it"
        last = t.line(at[0])[: at[1] - 1].rstrip()[-1:]
        kv = _key_value(t.line(at[0]))
        if not kv:
            return at, "unexpected text here: put the whole value in quotes"
        key, value = kv
        if last in ("'", '"'):
            inner = value[1:-1] if len(value) > 1 and value[0] in "'\"" and \
                value.endswith(value[0]) else value
            return at, (f"text after the closing quote: quote the whole value ({key}: "
                        f"{_quote(inner)}), or write it on the lines after '{key}: >'")
        if last in ("]", "}"):
            opener, what = ("[", "list") if last == "]" else ("{", "mapping")
            return at, (f"text after the closing '{last}': a value that starts with '{opener}' "
                        f"is read as a {what}; put the whole value in quotes ({key}: "
                        f"{_quote(value)})")
        return at, f"unexpected text here: put the whole value in quotes ({key}: {_quote(value)})"
    cols = t.open_columns(at[0])
    col = at[1]
    shown = ", ".join(map(str, cols))
    if col in cols and found in ("-", "<block sequence start>"):
        return at, ("a list item ('- ') where the lines above at this indentation are keys: "
                    "indent it under the key it belongs to, or write it as 'key: value'")
    if col in cols:
        return at, ("a key where the lines above at this indentation are list items ('- '): "
                    "start it with '- ' to make it a new item, or indent it like the keys of "
                    "the item above")
    return at, (f"bad indentation: this line starts at column {col}, which lines up with no "
                f"line above it (columns used above: {shown}); indent it like the key or '- ' "
                "it belongs with")


def _other(e: yaml.MarkedYAMLError, t: _Text) -> tuple[Pos | None, str] | None:
    problem = e.problem or ""
    context = e.context or ""
    at = _pos(e.problem_mark)
    if "expected '<document start>'" in problem:
        first = t.first_content()
        if first is not None and t.char(first) == "%":
            return first, _DIRECTIVE
        if first is not None and at is not None and first[0] < at[0]:
            return first, ("this text stands alone before the rest of the file: make it a "
                           "comment (start the line with '#') or remove it")
    if m := re.match(r"expected the node content, but found '(.)'", problem):
        found = m.group(1)
        if found in "]}":
            return at, f"a '{found}' with no '{'[' if found == ']' else '{'}' before it: remove it"
        if found == "-" and "flow" in context:
            return at, ("a '- ' list item inside [ ] or { }: inside brackets, separate the "
                        "items with ',' instead")
    if problem == "sequence entries are not allowed here":
        return at, ("a '- ' list item cannot follow a key on the same line: put it on the next "
                    "line, indented under the key (or write the list as [a, b])")
    if "directive" in context:
        return _pos(e.context_mark), _DIRECTIVE
    if re.search(r"while (?:parsing|scanning) a tag", context):
        return _pos(e.context_mark), ("'!' at the start of a value starts a YAML tag: put the "
                                      "whole value in quotes")
    if m := re.match(r"found undefined alias '(.*)'", problem):
        return at, (f"'*{m.group(1)}' is read by YAML as a reference to an anchor '&"
                    f"{m.group(1)}' that is not defined: put the value in quotes")
    if "single document" in (e.context or ""):
        return at, ("a second YAML document ('---'): a watchdesk file holds one; remove the "
                    "'---' line")
    if "incompatible YAML document" in problem:
        return at, "a '%YAML' line for another YAML version: remove it"
    if "block scalar" in (e.context or ""):
        return at, ("after '|' or '>' nothing but a comment may follow on the line: start the "
                    "text on the next line, indented")
    if m := re.search(r"while scanning an? (anchor|alias)", e.context or ""):
        sign = "&" if m.group(1) == "anchor" else "*"
        return _pos(e.context_mark), (f"a value cannot start with '{sign}' (YAML reads an "
                                      f"{m.group(1)}): put the whole value in quotes")
    if m := re.match(r"could not determine a constructor for the tag '(.*)'", problem):
        tag = m.group(1).replace("tag:yaml.org,2002:", "!!")
        return at, (f"'{tag}' is read by YAML as a type tag: put the whole value in quotes if "
                    "the '!' is part of the text")
    return None


_DIRECTIVE = ("a line starting with '%' is read by YAML as a directive: put the value in "
              "quotes, or start the line with '#' for a comment")

RULES: tuple[Rule, ...] = (_unclosed_flow, _unclosed_quote, _tab_or_reserved, _colon_in_value,
                           _missing_colon, _block_end, _other)


def syntax_error(e: yaml.YAMLError, text: str, path: str) -> ConfigError:
    """The :class:`ConfigError` for PyYAML's ``e`` on ``text``: what to change, and where."""
    t = _Text(text)
    if isinstance(e, yaml.reader.ReaderError):
        before = text[: e.position]
        line = before.count("\n") + 1
        col = e.position - (before.rfind("\n") + 1) + 1
        return ConfigError(path, line, col, f"a control character (#x{e.character:04x}) YAML "
                                            "does not allow: delete it" + REST)
    if not isinstance(e, yaml.MarkedYAMLError):
        return ConfigError(path, None, None, f"YAML error: {e}")
    for rule in RULES:
        found = rule(e, t)
        if found is not None:
            pos, message = found
            break
    else:
        pos = _pos(e.problem_mark) or _pos(e.context_mark)
        message = e.problem or e.context or "invalid YAML"
        c = _pos(e.context_mark)
        if e.context and c is not None and e.problem_mark is not None:
            message += f" ({e.context} that starts at line {c[0]}, column {c[1]})"
    if not isinstance(e, yaml.constructor.ConstructorError):  # a tag is not fatal
        message += REST
    if pos is None:
        return ConfigError(path, None, None, message)
    return ConfigError(path, pos[0], pos[1], message)
