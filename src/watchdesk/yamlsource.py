"""Load YAML files with line numbers, and validate them against a JSON Schema.

Every configuration file watchdesk reads (feeds.yaml, rules/*.yaml) goes through here, so every
mistake is reported the same way: ``file:line:column: what is wrong``. The schemas live in
``watchdesk/schemas/`` and are the same files editors use for completion.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .errors import ConfigError

JsonPath = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Parsed YAML data plus where each value stood in the file."""

    path: str
    data: Any
    marks: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)

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


def _construct(node: yaml.Node, path: JsonPath, doc: YamlDocument,
               errors: list[ConfigError], fname: str) -> Any:
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append(ConfigError(fname, key_node.start_mark.line + 1,
                                          key_node.start_mark.column + 1,
                                          "keys must be plain words"))
                continue
            key = key_node.value
            if key in out:
                errors.append(ConfigError(fname, key_node.start_mark.line + 1,
                                          key_node.start_mark.column + 1,
                                          f"duplicate key {key!r}: remove one of them"))
            doc.key_marks[(*path, key)] = (key_node.start_mark.line + 1,
                                           key_node.start_mark.column + 1)
            out[key] = _construct(value_node, (*path, key), doc, errors, fname)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, (*path, i), doc, errors, fname) for i, v in enumerate(node.value)]
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse YAML text; raise ConfigError with the position of a syntax error."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        problem = e.problem or e.context or "invalid YAML"
        raise ConfigError(path, line, col, f"YAML syntax error: {problem}") from e
    except yaml.YAMLError as e:
        raise ConfigError(path, None, None, f"YAML error: {e}") from e
    doc = YamlDocument(path, None)
    if node is None:
        return doc
    errors: list[ConfigError] = []
    doc.data = _construct(node, (), doc, errors, path)
    if errors:
        raise errors[0]
    return doc


def load_yaml(path: str | Path) -> YamlDocument:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(str(p), None, None, "file not found") from e
    except UnicodeDecodeError as e:
        raise ConfigError(str(p), None, None, f"not UTF-8 text ({e.reason})") from e
    except OSError as e:
        raise ConfigError(str(p), None, None, f"cannot read: {e.strerror}") from e
    return parse_yaml(text, str(p))


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in ``watchdesk/schemas/``."""
    text = resources.files("watchdesk").joinpath("schemas", name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _describe(err: jsonschema.ValidationError) -> str:
    where = "/".join(str(p) for p in err.absolute_path) or "the file"
    if err.validator == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        extra = sorted(set(err.instance) - set(allowed)) if isinstance(err.instance, dict) else []
        return (f"unknown key {', '.join(map(repr, extra))} in {where}; "
                f"allowed keys: {', '.join(allowed)}")
    if err.validator == "required":
        return f"{where}: {err.message}"
    if err.validator == "type":
        return f"{where}: expected {err.validator_value}, got {json.dumps(err.instance)[:60]}"
    if err.validator == "enum":
        choices = ", ".join(map(str, err.validator_value))
        return f"{where}: {json.dumps(err.instance)[:60]} is not one of: {choices}"
    if err.validator == "pattern":
        hint = err.schema.get("description", f"must match {err.validator_value}")
        return f"{where}: {json.dumps(err.instance)[:60]} is not valid ({hint})"
    return f"{where}: {err.message}"


def schema_errors(doc: YamlDocument, schema_name: str) -> Iterator[ConfigError]:
    """Every schema violation in ``doc``, in file order, each with its line."""
    validator = jsonschema.Draft202012Validator(load_schema(schema_name))
    errs = []
    for err in validator.iter_errors(doc.data):
        # for oneOf/anyOf, report the most specific cause
        best = jsonschema.exceptions.best_match([err]) if err.context else err
        path = tuple(best.absolute_path)
        at_key = False
        if best.validator == "additionalProperties" and isinstance(best.instance, dict):
            extra = sorted(set(best.instance) - set(best.schema.get("properties", {})))
            if extra:
                path, at_key = (*path, extra[0]), True
        errs.append(doc.error(path, _describe(best), at_key=at_key))
    errs.sort(key=lambda e: (e.line or 0, e.column or 0))
    yield from errs
