"""Load YAML files with line numbers, and validate them against a JSON Schema.

Every configuration file watchdesk reads (feeds.yaml, rules/*.yaml) goes through here, so every
mistake is reported the same way: ``file:line:column: what is wrong and what to write``, and
every mistake at once:

- reading: a file that is not UTF-8 (at the first bad byte); a YAML syntax error, in plain
  words where it was made (``yamlsyntax``). PyYAML cannot read on after one, so that file
  reports that one; the other files are still read;
- structure: a key given twice, an unknown ``!tag`` (kept in ``YamlDocument.errors``), then
  every JSON-Schema violation (``schemacheck``), each at its value or key;
- meaning: the caller's checks (duplicate names, URLs, intervals, queries), which run on every
  value that got this far: :meth:`YamlDocument.is_valid` says which did.

The schemas live in ``watchdesk/schemas/`` and are the same files editors use for completion.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError
from .schemacheck import violations
from .yamlsyntax import syntax_error

JsonPath = tuple[str | int, ...]


_NAME = re.compile(r"[^\s\[\]]{1,64}")


@dataclass
class YamlDocument:
    """Parsed YAML data plus where each value stood in the file.

    ``errors`` holds the mistakes found while reading a file that parsed (a key given twice, an
    unknown ``!tag``); :func:`schema_errors` reports them with the schema's. ``invalid`` holds
    the paths with a reported mistake, so that later checks can leave those values alone.
    """

    path: str
    data: Any
    text: str = ""
    marks: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    spans: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    errors: list[ConfigError] = field(default_factory=list)
    invalid: set[JsonPath] = field(default_factory=set)

    def locate(self, json_path: JsonPath) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value at ``json_path``, or of its nearest parent."""
        p = tuple(json_path)
        while True:
            if p in self.marks:
                return self.marks[p]
            if not p:
                return None, None
            p = p[:-1]

    def error(self, json_path: JsonPath, message: str, *, at_key: bool = False) -> ConfigError:
        """An error located at the value of ``json_path`` (or at its key, with ``at_key``)."""
        pos = self.key_marks.get(tuple(json_path)) if at_key else None
        line, col = pos or self.locate(json_path)
        return ConfigError(self.path, line, col, message)

    def value(self, json_path: JsonPath) -> Any:
        """The value at ``json_path``, or None where there is none."""
        v = self.data
        for part in json_path:
            in_list = isinstance(part, int) and isinstance(v, list) and 0 <= part < len(v)
            if not (in_list or (isinstance(v, dict) and part in v)):
                return None
            v = v[part]
        return v

    def raw(self, json_path: JsonPath) -> str | None:
        """The value at ``json_path`` as written in the file, if it was on one line."""
        span = self.spans.get(tuple(json_path))
        if span is None:
            return None
        text = self.text[span[0]:span[1]].strip()
        return text if text and "\n" not in text else None

    def label(self, json_path: JsonPath) -> str:
        """``("feeds", 2, "interval")`` → ``feeds[rfi-afrique].interval``: list items are named
        by their ``id`` or ``name`` when they have a usable one, else by position (``[#3]``,
        counting from 1)."""
        out = ""
        for i, part in enumerate(json_path):
            if isinstance(part, int):
                item = self.value(json_path[: i + 1])
                name = (item.get("id") or item.get("name")) if isinstance(item, dict) else None
                good = isinstance(name, str) and _NAME.fullmatch(name)
                out += f"[{name}]" if good else f"[#{part + 1}]"
            else:
                out += f".{part}" if out else part
        return out or "the file"

    def is_valid(self, json_path: JsonPath) -> bool:
        """No mistake has been reported at ``json_path`` or inside it."""
        p = tuple(json_path)
        return not any(bad[: len(p)] == p for bad in self.invalid)


def _pos(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _construct(node: yaml.Node, path: JsonPath, doc: YamlDocument,
               loader: yaml.SafeLoader) -> Any:
    doc.marks[path] = _pos(node.start_mark)
    doc.spans[path] = (node.start_mark.index, node.end_mark.index)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                doc.errors.append(ConfigError(doc.path, *_pos(key_node.start_mark),
                                              "a key must be a plain word, not a list or "
                                              "mapping"))
                doc.invalid.add(path)
                continue
            key = key_node.value
            if key in out:
                first = doc.key_marks[(*path, key)]
                doc.errors.append(ConfigError(doc.path, *_pos(key_node.start_mark),
                                              f"'{key}' is given twice here (first on line "
                                              f"{first[0]}): keep one of them"))
                doc.invalid.add((*path, key))
            else:
                doc.key_marks[(*path, key)] = _pos(key_node.start_mark)
            out[key] = _construct(value_node, (*path, key), doc, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, (*path, i), doc, loader) for i, v in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as e:  # an unknown !tag: keep the text
        doc.errors.append(syntax_error(e, doc.text, doc.path))
        doc.invalid.add(path)
        return node.value


# libyaml's parser (when PyYAML was built with it) composes the same nodes, with the same
# lines, columns and character offsets, about ten times faster than PyYAML's own: 0.19 s of
# CPU -> 0.02 s for a feeds.yaml of 1,000 feeds, paid by every `watchdesk poll`. Its error
# messages are worded differently, so a text it refuses is composed again by PyYAML's for the
# message watchdesk has always given; and a text starting with a byte order mark, whose
# offsets libyaml counts from after the mark, goes to PyYAML's directly.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> yaml.Node | None:
    if _FAST_LOADER is not None and not text.startswith("\ufeff"):
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass   # said as PyYAML's own parser says it, below
    return yaml.compose(text, Loader=yaml.SafeLoader)


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse YAML text. A syntax error raises ConfigError (in plain words, where the mistake
    was made); other mistakes found while reading are kept in ``.errors``."""
    try:
        node = _compose(text)
    except yaml.YAMLError as e:
        raise syntax_error(e, text, path) from e
    doc = YamlDocument(path, None, text)
    if node is None:
        return doc
    loader = yaml.SafeLoader("")
    try:
        doc.data = _construct(node, (), doc, loader)
    finally:
        loader.dispose()
    return doc


def read_text(path: str | Path) -> str:
    """A configuration file's text; ConfigError if it is missing, unreadable or not UTF-8
    (at the line and column of the first byte that is not)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError as e:
        raise ConfigError(str(p), None, None, "file not found") from e
    except OSError as e:
        raise ConfigError(str(p), None, None, f"cannot read: {e.strerror}") from e
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        nl = data.rfind(b"\n", 0, e.start)
        line = data.count(b"\n", 0, e.start) + 1
        col = len(data[nl + 1:e.start].decode("utf-8", "replace")) + 1
        raise ConfigError(str(p), line, col, f"not UTF-8 text ({e.reason}): save the file as "
                                             "UTF-8") from e


def load_yaml(path: str | Path) -> YamlDocument:
    return parse_yaml(read_text(path), str(path))


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in ``watchdesk/schemas/``."""
    text = resources.files("watchdesk").joinpath("schemas", name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_errors(doc: YamlDocument, schema_name: str) -> list[ConfigError]:
    """Every mistake in the structure of ``doc``, in file order: those found while reading it
    (``doc.errors``) and every violation of the schema, in plain words (``schemacheck``)."""
    found, seen = list(doc.errors), set(doc.invalid)
    for path, at_key, message in violations(doc, load_schema(schema_name)):
        if path in seen:  # already reported while reading
            continue
        found.append(doc.error(path, message, at_key=at_key))
        doc.invalid.add(path)
    found.sort(key=lambda e: (e.line or 0, e.column or 0))
    return found
