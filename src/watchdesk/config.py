"""feeds.yaml: load and validate the list of feeds.

Every mistake is a ``ConfigError`` with file, line and column, and all mistakes of a file are
reported at once (``check_feeds``), so an analyst fixes them in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError
from .models import FeedConfig
from .rules import RuleBook, RuleSet
from .yamlsource import YamlDocument, load_yaml, schema_errors

MIN_INTERVAL = 60
DEFAULT_INTERVAL = 30 * 60

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | int) -> int:
    """``90`` / ``"90s"`` / ``"15m"`` / ``"2h"`` / ``"1d"`` → seconds."""
    if isinstance(value, int):
        return value
    m = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", value)
    if not m:
        raise ValueError(f"not a duration: {value!r} (use e.g. 90s, 15m, 2h, 1d)")
    return int(m.group(1)) * _UNITS[m.group(2) or "s"]


def _check_url(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"url must start with http:// or https:// (got {url!r})"
    if not parts.hostname:
        return f"url has no host name: {url!r}"
    return None


def feeds_from_document(doc: YamlDocument) -> tuple[list[FeedConfig], list[ConfigError]]:
    """Validate a parsed feeds.yaml; return the valid feeds and every error found."""
    if doc.data is None:
        return [], [ConfigError(doc.path, 1, 1, "the file is empty; it needs a 'feeds:' list")]
    errors = list(schema_errors(doc, "feeds.schema.json"))
    if errors or not isinstance(doc.data, dict):
        return [], errors
    defaults: dict[str, Any] = doc.data.get("defaults") or {}
    feeds: list[FeedConfig] = []
    names: dict[str, int | None] = {}
    urls: dict[str, int | None] = {}
    for i, item in enumerate(doc.data.get("feeds") or []):
        line, _ = doc.locate(("feeds", i))
        problem = _check_url(item["url"])
        if problem:
            errors.append(doc.error(("feeds", i, "url"), problem))
            continue
        try:
            interval = parse_duration(item.get("interval", defaults.get("interval",
                                                                        DEFAULT_INTERVAL)))
        except ValueError as e:
            errors.append(doc.error(("feeds", i, "interval"), str(e)))
            continue
        if interval < MIN_INTERVAL:
            errors.append(doc.error(("feeds", i, "interval"),
                                    f"interval {interval}s is too short: at least 60s, please"))
            continue
        name = item["name"]
        if name in names:
            errors.append(doc.error(("feeds", i, "name"),
                                    f"duplicate feed name {name!r} (first used on line "
                                    f"{names[name]}): names must be unique"))
            continue
        if item["url"] in urls:
            errors.append(doc.error(("feeds", i, "url"),
                                    f"this url is already listed on line {urls[item['url']]}"))
            continue
        names[name] = line
        urls[item["url"]] = line
        tags = tuple(dict.fromkeys([*defaults.get("tags", []), *item.get("tags", [])]))
        feeds.append(FeedConfig(
            name=name, url=item["url"], tags=tags, interval=interval,
            fetch_articles=item.get("fetch_articles", defaults.get("fetch_articles", True)),
            enabled=item.get("enabled", True), line=line))
    return feeds, errors


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


def check_config(feeds_path: str | Path, rules_dir: str | Path) -> ConfigCheck:
    """Every error in feeds.yaml and in the rule files, feeds first."""
    feeds, errors = check_feeds(feeds_path)
    ruleset, warnings = None, []
    if Path(rules_dir).is_dir():
        book = RuleBook(rules_dir)
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
