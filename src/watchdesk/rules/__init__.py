"""Watch rules: files, query language, matching. Pure data: no network, database or clock.

Public API used by the rest of watchdesk (names and signatures of the contract kept; "added"
marks what this implementation adds):

    Document(title: str, summary: str, body: str, lang=None, url=None)
        # text to match, plain text; lang and url (added) for the lang: and site: filters
    Snippet(text: str, spans: tuple[tuple[int, int], ...])
        # keyword in context; spans = highlighted [start, end) in text
        .highlighted(before="[", after="]") -> str                      # added
    Match(rule_id: str, priority: str, terms: tuple[str, ...], snippets: dict[str, Snippet])
        # terms: the query terms that matched, as written in the rule ("haftar", "libyen*",
        #        "africa corps"), deduplicated, in query order
        # snippets: one per field that had a hit: keys among "title", "summary", "body"
    Rule(id, title, query, exclude, priority, feeds, enabled, recipients, path, line)
        .version -> str      # added: hash of what decides matching (backfill when it changes)
    RuleSet(rules: Sequence[Rule])                       # compiles all rules together
        .rules -> tuple[Rule, ...]
        .match(doc: Document, feed_name: str | None = None,
               feed_tags: Iterable[str] = (), excluded: list | None = None) -> list[Match]
        .explain(rule_id, doc, feed_name=None, feed_tags=()) -> Verdict   # added
        .get(rule_id) -> Rule | None
    compile_query(text: str, *, path: str = "<query>", line: int | None = None,
                  locate: Callable[[int], tuple[int, int]] | None = None) -> Query
        # raises RuleSyntaxError; locate (added) maps offsets to (line, column) in a file
        # lists (added): named fragments for @name; see rules.lists
    Query.matches(doc, feed_name=None, feed_tags=()) -> Match | None
        # used by `watchdesk search` and `rules test --query`
    Query.warnings -> list[ConfigError]   # added: likely mistakes (lower-case or between words)
    load_rule_file(path) -> list[Rule]       # raises ConfigError (file, line, column, message)
    parse_rule_file(path) -> tuple[list[Rule], list[ConfigError]]   # added: all errors
    load_rules(directory) -> tuple[RuleSet, list[ConfigError]]
    RuleBook(directory)                                  # hot-reload holder
        .reload() -> list[ConfigError]
            # re-reads changed files; a broken file keeps its last good rules
        .ruleset -> RuleSet
        .errors -> list[ConfigError]
        .changed_rule_ids -> frozenset[str]   # added: enabled rules new/changed by last reload
        .removed_rule_ids -> frozenset[str]   # added: rules no longer running (or disabled)
        .generation -> int                    # added: +1 each time .ruleset is replaced
        .warnings -> list[ConfigError]        # added: lint (valid but likely mistakes)
        .lists, .broken_lists                 # added: the folder's named lists (broken:
                                              # name -> why it cannot be used)
    load_lists(directory) -> (lists, broken)  # added: for queries typed on the command line

Module map: ``text`` (folding, tokens, Arabic proclitics), ``stem`` (word forms),
``language`` (language tags, detection), ``lexer`` and ``query`` (the language and its parser;
the semantics are in query's docstring), ``nodes`` (its syntax tree), ``matcher`` (RuleSet:
index, candidates), ``scan`` (reading one document), ``tree`` (evaluating compiled queries),
``snippet`` (keyword in context), ``model`` (values), ``lists`` (named lists), ``examples``
(a rule's own examples), ``source`` (positions in YAML), ``loader`` (YAML files, RuleBook).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loader import RuleBook, load_lists, load_rule_file, load_rules, parse_rule_file
    from .matcher import RuleSet
    from .model import Document, Match, Rule, Snippet
    from .query import Query, compile_query

__all__ = [
    "Document", "Match", "Query", "Rule", "RuleBook", "RuleSet", "Snippet", "compile_query",
    "load_lists", "load_rule_file", "load_rules", "parse_rule_file",
]

# Imported on first use (PEP 562): a module that needs only ``rules.text`` (the store, via
# the event keys) does not load the compiler, the loader and jsonschema with it: that is a
# third of the start of every command (`status`, `feeds`, `alerts`).
_WHERE = {"RuleBook": "loader", "load_lists": "loader", "load_rule_file": "loader",
          "load_rules": "loader", "parse_rule_file": "loader", "RuleSet": "matcher",
          "Document": "model", "Match": "model", "Rule": "model", "Snippet": "model",
          "Query": "query", "compile_query": "query"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
