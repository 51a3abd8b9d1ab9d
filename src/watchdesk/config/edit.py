"""Adding sources to feeds.yaml by program (``watchdesk feeds import`` / ``feeds add``),
keeping the file as its author wrote it.

The file is edited with ruamel.yaml's round-trip mode: comments, blank lines, key order,
quotes and the list indentation stay as they were; new sources are appended to the
``feeds:`` list. The new text is validated (``feeds.feeds_from_document``) before it
replaces the file, atomically (``files.write_atomic``: a synced temporary file renamed over
it, same permissions), so a failed edit leaves the file untouched. Planning (names, tags,
duplicates) is pure: :func:`plan_import`.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from ..errors import ConfigError
from ..files import write_atomic
from ..models import FeedConfig
from .feeds import feeds_from_document
from .yamlsource import parse_yaml

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def slug(text: str, limit: int = 64) -> str:
    """A feeds.yaml name or tag made of ``text``: ``Le Monde – Afrique`` -> ``le-monde-afrique``.
    Empty when nothing of it is latin (an Arabic title: the caller falls back on the host)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:limit].strip("-")


def name_for(title: str | None, url: str, taken: set[str]) -> str:
    """A unique name from a title (or the URL's host and path), ``-2``, ``-3`` … if taken."""
    parts = urlsplit(url)
    base = slug(title or "") or slug(f"{(parts.hostname or '').removeprefix('www.')}"
                                     f"{parts.path}") or "feed"
    base = base[:60].strip("-")
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


@dataclass
class NewSource:
    """A source to append to feeds.yaml."""

    name: str
    url: str
    tags: list[str] = field(default_factory=list)
    kind: str = "feed"
    select: dict[str, str] = field(default_factory=dict)
    title: str | None = None      # where it came from (the OPML title), for messages

    def as_yaml(self) -> CommentedMap:
        m = CommentedMap(name=self.name, url=self.url)
        if self.kind != "feed":
            m["kind"] = self.kind
        if self.tags:
            tags = CommentedSeq(self.tags)
            tags.fa.set_flow_style()
            m["tags"] = tags
        if self.select:
            m["select"] = CommentedMap(self.select)
        return m


@dataclass
class ImportPlan:
    add: list[NewSource] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # why each one was left out


@dataclass
class Candidate:
    """One source offered for import: a title, a URL, categories."""

    title: str
    url: str
    categories: Sequence[str] = ()
    where: str = ""               # "line 12", for messages


def plan_import(existing: Iterable[FeedConfig], candidates: Iterable[Candidate]) -> ImportPlan:
    """Which candidates to add, under which names and tags; which to skip and why.

    A URL already in feeds.yaml is skipped (and said so); the same URL twice in the
    candidates is added once, with the categories of both."""
    feeds = list(existing)
    taken = {f.name for f in feeds}
    known = {f.url: f.name for f in feeds}
    plan = ImportPlan()
    by_url: dict[str, NewSource] = {}
    for c in candidates:
        tags = [t for t in (slug(cat) for cat in c.categories) if t and _NAME.match(t)]
        where = f"{c.where}: " if c.where else ""
        if c.url in known:
            plan.skipped.append(f"{where}{c.title or c.url}: already in feeds.yaml as "
                                f"{known[c.url]!r} ({c.url})")
            continue
        if c.url in by_url:
            new = by_url[c.url]
            new.tags = list(dict.fromkeys([*new.tags, *tags]))
            continue
        new = NewSource(name=name_for(c.title, c.url, taken), url=c.url,
                        tags=list(dict.fromkeys(tags)), title=c.title or None)
        by_url[c.url] = new
        plan.add.append(new)
    return plan


def _yaml(text: str) -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096  # never fold a long URL
    try:
        _, indent, offset = load_yaml_guess_indent(text)
    except YAMLError:
        indent = offset = None
    if indent is None or offset is None:  # no block list to copy: the style of the docs
        indent, offset = 4, 2
    # `  - name:` is sequence 4, offset 2 (mappings 2); `- name:` is 2 and 0
    y.indent(mapping=indent - offset if offset else indent, sequence=indent, offset=offset)
    return y


def with_sources(text: str, path: str, sources: Sequence[NewSource]) -> str:
    """``text`` (a feeds.yaml) with ``sources`` appended to its ``feeds:`` list."""
    y = _yaml(text or "feeds:\n")
    try:
        data: Any = y.load(text) if text.strip() else None
    except YAMLError as e:
        raise ConfigError(path, None, None, f"cannot be edited: {e}") from e
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        raise ConfigError(path, 1, 1, "cannot be edited: it must start with 'feeds:'")
    if data.get("feeds") is None:
        data["feeds"] = CommentedSeq()
    if isinstance(data["feeds"], CommentedSeq) and not data["feeds"]:
        data["feeds"].fa.set_block_style()  # `feeds: []`: the new items one per line
    for s in sources:
        data["feeds"].append(s.as_yaml())
    out = io.StringIO()
    y.dump(data, out)
    return out.getvalue()


def append_sources(path: str | Path, sources: Sequence[NewSource]) -> None:
    """Append ``sources`` to the feeds.yaml at ``path`` (created if missing), keeping its
    comments and layout. The result is checked before it replaces the file: ConfigError
    (and the file untouched) if it would not load."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    new = with_sources(text, str(path), sources)
    try:
        _, errors = feeds_from_document(parse_yaml(new, str(path)))
    except ConfigError as e:
        errors = [e]
    if errors:
        raise ConfigError(str(path), errors[0].line, errors[0].column,
                          f"not changed: the edit would make it invalid: "
                          f"{errors[0].message}")
    # same permissions as the file replaced; a new file is the owner's alone, as before
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o600
    write_atomic(path, new, mode)
