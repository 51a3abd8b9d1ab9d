"""Watch rules: files, query language, matching.  (CONTRACT — implementation in progress)

Public API used by the rest of watchdesk (keep these names and signatures):

    Document(title: str, summary: str, body: str)                    # text to match, plain text
    Snippet(text: str, spans: tuple[tuple[int, int], ...])           # keyword-in-context, spans = highlighted [start, end) in text
    Match(rule_id: str, priority: str, terms: tuple[str, ...], snippets: dict[str, Snippet])
          # terms: the query terms that matched (as written in the rule, e.g. "haftar", "libyen*", "africa corps")
          # snippets: one per field that had a hit: keys among "title", "summary", "body"
    Rule(id, title, query, exclude, priority, feeds, enabled, recipients, path, line)
    RuleSet(rules: Sequence[Rule])            # compiles all rules together
        .rules -> tuple[Rule, ...]
        .match(doc: Document, feed_name: str | None = None, feed_tags: Iterable[str] = ()) -> list[Match]
        .get(rule_id) -> Rule | None
    compile_query(text: str, *, path: str = "<query>", line: int | None = None) -> Query   # raises RuleSyntaxError
    Query.matches(doc) -> Match | None   (used by `watchdesk search` and `rules test --query`)
    load_rule_file(path) -> list[Rule]                 # raises ConfigError (file, line, column, message)
    load_rules(directory) -> tuple[RuleSet, list[ConfigError]]
    RuleBook(directory)                               # hot-reload holder
        .reload() -> list[ConfigError]                # re-reads changed files; a broken file keeps its last good rules
        .ruleset -> RuleSet
        .errors -> list[ConfigError]
"""
