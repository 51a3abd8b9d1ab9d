"""feeds.yaml: load and validate the list of feeds.

Every mistake is a ``ConfigError`` with file, line and column, and all mistakes of a file are
reported at once (``check_feeds``), so an analyst fixes them in one go.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..durations import parse_duration
from ..errors import ConfigError
from ..models import FeedConfig
from ..rules import RuleBook, RuleSet
from .yamlsource import YamlDocument, load_yaml, schema_errors

MIN_INTERVAL = 60
DEFAULT_INTERVAL = 30 * 60

def _check_url(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError as e:  # e.g. an unclosed '[' around an IPv6 address
        return f"is not a valid URL ({e}): {url!r}"
    if parts.scheme not in ("http", "https"):
        return f"must start with http:// or https:// (got {url!r})"
    if not parts.hostname:
        return f"has no host name: {url!r}"
    return None


def _interval(value: Any) -> tuple[int | None, str | None]:
    """Seconds, or what is wrong with the interval (``durations``: a bare number is
    seconds in this file, as documented from the start)."""
    try:
        seconds = parse_duration(value)
    except ValueError as e:
        return None, str(e)
    if seconds < MIN_INTERVAL:
        return None, f"{seconds}s is too short: at least 60s, please"
    return seconds, None


def _kind_errors(doc: YamlDocument, base: tuple[str | int, ...],
                 item: dict[str, Any]) -> list[ConfigError]:
    """What the schema cannot say about a source's kind: ``select`` belongs to kind html,
    which needs it, and its selectors must compile; a telegram source has no pages to fetch.
    """
    kind = item.get("kind", "feed") if doc.is_valid((*base, "kind")) else None
    found = []
    select = item.get("select")
    if kind == "html" and "select" not in item:
        found.append(doc.error(base, f"{doc.label(base)}: kind: html needs 'select:' with at "
                                     "least 'item:' and 'link:' (CSS selectors of the listing "
                                     "page)"))
    elif kind is not None and kind != "html" and "select" in item:
        found.append(doc.error((*base, "select"), f"{doc.label((*base, 'select'))}: 'select' "
                               f"is for kind: html only (this source is kind: {kind})"))
    elif isinstance(select, dict) and doc.is_valid((*base, "select")):
        from ..sources.listing import compile_select  # cssselect: only for html sources

        _, problems = compile_select({k: v for k, v in select.items() if isinstance(v, str)})
        for key, problem in problems.items():
            path = (*base, "select", key)
            found.append(doc.error(path, f"{doc.label(path)}: not a CSS selector we can read: "
                                         f"{problem}"))
    if kind == "telegram" and item.get("fetch_articles") is True:
        path = (*base, "fetch_articles")
        found.append(doc.error(path, f"{doc.label(path)}: a Telegram message is its own text "
                                     "(there is no page to fetch): remove this line"))
    return found


def feeds_from_document(doc: YamlDocument) -> tuple[list[FeedConfig], list[ConfigError]]:
    """Validate a parsed feeds.yaml: the feeds (none if there is any error) and every error.

    Every check runs on every value the schema let through, so one run reports all mistakes:
    a feed with a bad url is still checked for a duplicate name and a short interval.
    """
    if doc.data is None:
        return [], [ConfigError(doc.path, 1, 1, "the file is empty; it needs a 'feeds:' list")]
    errors = schema_errors(doc, "feeds.schema.json")
    data = doc.data if isinstance(doc.data, dict) else {}
    given = data.get("defaults") if doc.is_valid(("defaults",)) else None
    defaults: dict[str, Any] = given if isinstance(given, dict) else {}
    default_interval = DEFAULT_INTERVAL
    if "interval" in defaults:
        seconds, problem = _interval(defaults["interval"])
        if problem:
            errors.append(doc.error(("defaults", "interval"), f"defaults.interval: {problem}"))
        default_interval = seconds or DEFAULT_INTERVAL
    items = data.get("feeds")
    feeds: list[FeedConfig] = []
    names: dict[str, int | None] = {}
    urls: dict[str, int | None] = {}
    for i, item in enumerate(items if isinstance(items, list) else []):
        base: tuple[str | int, ...] = ("feeds", i)
        if not isinstance(item, dict):
            continue
        line, _ = doc.locate(base)
        found: list[ConfigError] = []
        name, url = item.get("name"), item.get("url")
        if isinstance(name, str) and doc.is_valid((*base, "name")):
            if name in names:
                found.append(doc.error((*base, "name"),
                                       f"duplicate feed name {name!r} (first used on line "
                                       f"{names[name]}): names must be unique"))
            else:
                names[name] = line
        if isinstance(url, str) and doc.is_valid((*base, "url")):
            problem = _check_url(url)
            if problem:
                found.append(doc.error((*base, "url"), f"{doc.label((*base, 'url'))}: {problem}"))
            elif url in urls:
                found.append(doc.error((*base, "url"),
                                       f"{doc.label((*base, 'url'))}: this url is already "
                                       f"listed on line {urls[url]}: list each feed once"))
            else:
                urls[url] = line
        interval = default_interval
        if "interval" in item and doc.is_valid((*base, "interval")):
            seconds, problem = _interval(item["interval"])
            if problem:
                found.append(doc.error((*base, "interval"),
                                       f"{doc.label((*base, 'interval'))}: {problem}"))
            interval = seconds or interval
        found.extend(_kind_errors(doc, base, item))
        errors.extend(found)
        if found or not doc.is_valid(base):
            continue
        tags = tuple(dict.fromkeys([*defaults.get("tags", []), *item.get("tags", [])]))
        kind = item.get("kind", "feed")
        fetch_articles = item.get("fetch_articles", defaults.get("fetch_articles", True))
        url = item["url"]
        if kind == "telegram":
            from ..sources.telegram import preview_url

            url = preview_url(url)
        feeds.append(FeedConfig(
            name=item["name"], url=url,
            tags=tags, interval=interval,
            # a Telegram message is its own text: there is no page to fetch
            fetch_articles=fetch_articles and kind != "telegram",
            enabled=item.get("enabled", True), line=line,
            interval_explicit="interval" in item, kind=kind,
            select=tuple((k, v) for k, v in item.get("select", {}).items()),
            max_entries=item.get("max_entries")))
    errors.sort(key=lambda e: (e.line or 0, e.column or 0))
    return ([] if errors else feeds), errors


def check_feeds(path: str | Path) -> tuple[list[FeedConfig], list[ConfigError]]:
    try:
        doc = load_yaml(path)
    except ConfigError as e:
        return [], [e]
    return feeds_from_document(doc)


@dataclass
class ConfigCheck:
    """feeds.yaml and the rules folder, validated together (`watchdesk check`)."""

    feeds: list[FeedConfig]
    rules: RuleSet | None           # None when the rules folder does not exist
    errors: list[ConfigError]
    warnings: list[ConfigError] = field(default_factory=list)  # likely mistakes, still valid


def check_config(feeds_path: str | Path, rules_dir: str | Path,
                 targets: Collection[str] | None = None) -> ConfigCheck:
    """Every error in feeds.yaml and in the rule files: feeds.yaml first, then the rule files
    in name order; within a file, by line and column. ``targets``: the chat target names a
    rule's ``notify:`` may use (None: not checked)."""
    feeds, errors = check_feeds(feeds_path)
    ruleset, warnings = None, []
    if Path(rules_dir).is_dir():
        book = RuleBook(rules_dir, targets=targets)
        ruleset, warnings = book.ruleset, book.warnings
        errors.extend(book.errors)
    else:
        errors.append(ConfigError(str(rules_dir), None, None,
                                  "rules folder not found (create it, or pass --rules DIR)"))
    return ConfigCheck(feeds, ruleset, errors, warnings)


def load_feeds(path: str | Path) -> list[FeedConfig]:
    """Load feeds.yaml or raise the first ConfigError."""
    feeds, errors = check_feeds(path)
    if errors:
        raise errors[0]
    return feeds
