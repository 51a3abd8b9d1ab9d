"""JSON-Schema violations of a YAML file, in plain words with the fix.

jsonschema says ``500 is not of type 'string'`` at ``feeds/4/name``. This module says which
item (``feeds[rfi-afrique].name``: list items are named by their ``id`` or ``name``), what is
wrong in the terms of the file as written (YAML read ``500`` as a number), and what to write
instead (``name: '500'``). A misspelt key gets the allowed key it is closest to (difflib), and
then stands for the required key it misspells: one mistake, one message.

:func:`violations` yields ``(path, at_key, message)``; ``yamlsource.schema_errors`` turns those
into :class:`ConfigError` at the line and column of the value (or of the key).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import jsonschema

if TYPE_CHECKING:
    from .yamlsource import JsonPath, YamlDocument

__all__ = ["violations"]

Violation = tuple["JsonPath", bool, str]

_TYPES = {"string": "text", "array": "a list", "object": "keys and values",
          "boolean": "true or false", "integer": "a whole number", "number": "a number",
          "null": "nothing"}


def _hint(schema: Any) -> str:
    """A schema's description as a parenthesis, when it is short enough for a message."""
    desc = schema.get("description") if isinstance(schema, dict) else None
    return f" ({desc})" if isinstance(desc, str) and len(desc) <= 120 else ""


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "keys and values"


def _what(value: Any, shown: str) -> str:
    """``the text '15m'``, ``the number 5``, ``a list``: what YAML read, for a message."""
    if isinstance(value, str):
        return f"the text {_quoted(shown)}"
    if isinstance(value, list | dict):
        return _kind(value)
    return f"{_kind(value).removeprefix('a ')} {shown}".replace("number", "the number", 1) \
        if isinstance(value, int | float) and not isinstance(value, bool) else shown


def _shown(doc: YamlDocument, path: JsonPath, value: Any) -> str:
    raw = doc.raw(path)
    if raw is not None and len(raw) <= 60:
        return raw
    return json.dumps(value, ensure_ascii=False, default=str)[:60]


def _closest(word: str, choices: list[str]) -> str | None:
    found = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return found[0] if found else None


def _quoted(text: str) -> str:
    text = text.strip("'\"") if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"" \
        else text
    return "'" + text.replace("'", "''") + "'"


def _slug(text: str, pattern: str) -> str | None:
    """A value close to ``text`` that matches ``pattern`` (``Le Monde`` → ``le-monde``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    for bad in (r"[^a-z0-9._-]+", r"[^a-z0-9-]+"):
        cand = re.sub(bad, "-", plain).strip("-._")
        if cand and cand != text and re.search(pattern, cand):
            return cand
    return None


def _key(path: JsonPath) -> str | None:
    return path[-1] if path and isinstance(path[-1], str) else None


def _write(path: JsonPath, value: str) -> str:
    key = _key(path)
    return f"{key}: {value}" if key else value


def _type(doc: YamlDocument, err: jsonschema.ValidationError, path: JsonPath,
          where: str) -> str:
    want = err.validator_value if isinstance(err.validator_value, list) else [
        err.validator_value]
    value, shown = err.instance, _shown(doc, path, err.instance)
    hint = _hint(err.schema)
    if value is None and want == ["array"]:
        return (f"{where} is empty: write its items on the lines below it, each starting with "
                "'- ' (or [] for none)")
    if value is None:
        return f"{where} is empty: give it a value{hint}"
    if not path and "object" in want:
        first = (err.schema.get("required") or ["..."])[0]
        if isinstance(value, list):
            return (f"the file is a list, but it must start with '{first}:': write '{first}:' "
                    "on the first line and indent the list under it")
        return f"the file holds only {_kind(value)}; it must start with '{first}:'"
    scalar = not isinstance(value, list | dict)
    if want == ["string"] and scalar:
        return (f"{where}: YAML reads {shown} as {_kind(value)}, but it must be text: write "
                f"{_write(path, _quoted(shown))}")
    if want == ["string"] and doc.raw(path):
        return (f"{where} must be text, not {_kind(value)}: put it in quotes "
                f"({_write(path, _quoted(shown))})")
    if want == ["array"] and scalar:
        return f"{where} must be a list: write {_write(path, f'[{shown}]')}"
    if want == ["array"]:
        return f"{where} must be a list, one item per line starting with '- '"
    if want == ["boolean"] and isinstance(value, str):
        if value.lower() in ("true", "false"):
            return f"{where}: remove the quotes around {value} (it must be true or false)"
        return f"{where} must be true or false, not {_what(value, shown)}"
    if want == ["object"]:
        if isinstance(value, str) and re.fullmatch(r"[A-Za-z_][\w-]*:[^\s/].*", value):
            key, _, rest = value.partition(":")
            return (f"{where}: {shown} is read as text: put a space after the ':' "
                    f"({key}: {rest})")
        needs = ", ".join(f"'{k}:'" for k in err.schema.get("required", []))
        needs = f" ({needs} …, one per line)" if needs else ""
        return f"{where} must be keys and values{needs}, not {_what(value, shown)}"
    words = " or ".join(_TYPES.get(str(w), str(w)) for w in want)
    return f"{where} must be {words}, not {_what(value, shown)}{hint}"


def _messages(doc: YamlDocument, err: jsonschema.ValidationError) -> Iterator[Violation]:
    path: JsonPath = tuple(err.absolute_path)
    where = doc.label(path)
    kind, schema, value = err.validator, err.schema, err.instance
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}))
        for extra in (k for k in value if k not in allowed):
            close = _closest(extra, allowed)
            if close:
                yield (*path, extra), True, (f"unknown key '{extra}' in {where}: did you mean "
                                             f"'{close}'?")
            else:
                yield (*path, extra), True, (f"unknown key '{extra}' in {where}; allowed keys: "
                                             f"{', '.join(allowed)}")
    elif kind == "required":
        m = re.match(r"'(.*)' is a required property", err.message)
        key = m.group(1) if m else str(err.validator_value)
        hint = _hint(schema.get("properties", {}).get(key))
        yield path, False, f"{where} has no '{key}': add '{key}: …'{hint}"
    elif kind == "type":
        yield path, False, _type(doc, err, path, where)
    elif kind == "enum":
        choices = [str(c) for c in err.validator_value]
        close = _closest(str(value), choices) if isinstance(value, str) else None
        tip = f": did you mean '{close}'?" if close else ""
        yield path, False, (f"{where}: {_quoted(_shown(doc, path, value))} is not one of: "
                            f"{', '.join(choices)}{tip}")
    elif kind == "pattern" and isinstance(value, str):
        cand = _slug(value, err.validator_value)
        tip = f": try '{cand}'" if cand else ""
        hint = _hint(schema) or f" (it must match {err.validator_value})"
        yield path, False, f"{where}: {_quoted(_shown(doc, path, value))} is not valid{tip}{hint}"
    elif kind == "minLength" and isinstance(value, str) and not value:
        yield path, False, f"{where} is empty: write a value{_hint(schema)}"
    elif kind == "maxLength" and isinstance(value, str):
        yield path, False, (f"{where} is too long: at most {err.validator_value} characters "
                            f"(it has {len(value)})")
    elif kind == "uniqueItems" and isinstance(value, list):
        seen: list[Any] = []
        for i, v in enumerate(value):
            if v in seen:
                yield (*path, i), False, (f"{where}: {_quoted(_shown(doc, (*path, i), v))} is "
                                          "listed twice: remove one")
                break
            seen.append(v)
    else:
        yield path, False, f"{where}: {err.message}"


def violations(doc: YamlDocument, schema: dict[str, Any]) -> list[Violation]:
    """Every violation of ``schema`` in ``doc``, as ``(path, at_key, message)``."""
    validator = jsonschema.Draft202012Validator(schema)
    found: list[Violation] = []
    for err in validator.iter_errors(doc.data):
        # for oneOf/anyOf, report the most specific cause
        best = jsonschema.exceptions.best_match([err]) if err.context else err
        found.extend(_messages(doc, best))
    # `querry: x` stands for the missing `query`: one mistake, one message
    guessed = {(p[:-1], m.group(1)) for p, at_key, msg in found
               if at_key and (m := _GUESS.search(msg))}
    return [(p, at_key, msg) for p, at_key, msg in found
            if not ((m := _MISSING.search(msg)) and (p, m.group(1)) in guessed)]


_GUESS = re.compile(r"did you mean '(.*)'\?$")
_MISSING = re.compile(r" has no '(.*)': add '")
