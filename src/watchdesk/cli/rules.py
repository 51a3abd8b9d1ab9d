"""The analyst's rule commands: ``check``, ``search``, ``rules test``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..config.settings import Settings
from ..durations import Since, since_iso
from ..errors import ConfigError, ExtractError, FetchError, RuleSyntaxError, StoreError
from ..store import Store
from ._common import cli, common, highlight_marks, local_time, since_option

if TYPE_CHECKING:
    from ..rules import Query, Rule
    from ..rules.lists import ListDef
    from ..search import Beyond, Candidates, Target
    from ..verdicts import Score


@cli.command()
@common
def check(settings: Settings) -> None:
    """Validate feeds.yaml and the rule files; exit 1 on any error.

    Every mistake of every file is printed in one run, feeds.yaml first, then the rule files,
    each by position, as FILE:LINE:COLUMN: what is wrong and what to write instead. Warnings
    (likely mistakes that are valid, such as a lower-case `or` between two words) follow as
    FILE:LINE:COLUMN: warning: … and do not fail the check.
    """
    from ..config.feeds import check_config  # the rule compiler, jsonschema: only to check

    result = check_config(settings.feeds, settings.rules, settings.target_names)
    for e in result.errors:
        click.echo(str(e))
    for w in result.warnings:
        click.echo(str(w))
    if result.errors:
        sys.stdout.flush()  # the count comes after the lines it counts, also when both are piped
        click.echo(f"{len(result.errors)} error(s)", err=True)
        sys.exit(1)
    nrules = len(result.rules.rules) if result.rules else 0
    warned = f", {len(result.warnings)} warning(s)" if result.warnings else ""
    click.echo(f"ok: {len(result.feeds)} feeds in {settings.feeds}, {nrules} rules in "
               f"{settings.rules}{warned}")


def with_caret(e: ConfigError, text: str | None = None) -> str:
    """``e`` followed by the line it points at and a caret under its column. ``text`` is
    the query typed on the command line; otherwise the line is read from ``e.path``."""
    if e.line is None or e.column is None:
        return str(e)
    if text is None:
        try:
            text = Path(e.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return str(e)
        lines = text.splitlines()
    else:
        lines = text.splitlines() or [""]
        if e.line > len(lines):  # a query given on the command line counts lines from 1
            return str(e)
    if not 0 < e.line <= len(lines):
        return str(e)
    line = lines[e.line - 1]
    pad = "".join("\t" if c == "\t" else " " for c in line[:e.column - 1])
    return f"{e}\n  {line}\n  {pad}^"


def _compile_cli(text: str, label: str, settings: Settings) -> Query:
    """A query typed on the command line, with the rules folder's @lists (read only when
    the query names one: every rule file parsed and checked costs ~0.15 s)."""
    from ..rules import compile_query

    lists: dict[str, ListDef] = {}
    broken: dict[str, str] = {}
    if "@" in text:   # the loader: YAML, jsonschema
        from ..rules import load_lists

        lists, broken = load_lists(settings.rules)
    try:
        q = compile_query(text, path=label, lists=lists, broken_lists=broken)
    except RuleSyntaxError as e:
        shown = "\nError: ".join(with_caret(x, text) for x in (e, *e.also))
        raise click.ClickException(shown) from e
    for w in q.warnings:  # as `check` says them: lower-case near/or/and/not, a weak name: …
        click.echo(with_caret(w, text), err=True)
    return q


def _with_spellings(m: Any) -> list[str]:
    """The terms of a match, each ``name:`` term followed by the spellings it found."""
    return [f"{t} ({', '.join(m.spellings[t])})" if t in m.spellings else t for t in m.terms]


def _print_hits(hits: list[Any], as_json: bool, empty: str, settings: Settings) -> None:
    from ..search import hit_json

    if as_json:
        click.echo(json.dumps([hit_json(h) for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(empty)
        return
    on, off = highlight_marks()
    for h in hits:
        t = h.target
        # a stored article: its publication date, else when it was fetched (said which)
        when = (f"published {local_time(t.published_at, settings)}" if t.published_at else
                f"fetched {local_time(t.when, settings)}" if t.when else None)
        where = ", ".join(x for x in (t.feed, when) if x)
        click.echo(f"{t.label}" + (f"  ({where})" if where else ""))
        if t.url or t.article_id is not None:
            ident = f"#{t.article_id}" if t.article_id is not None else ""
            click.echo("  " + " ".join(x for x in (ident, t.url) if x))
        for m in h.matches:
            rule = "" if m.rule_id == "query" else f"[{m.rule_id}] "
            if m.terms:  # a query of NOT terms only matches with none
                click.echo(f"  {rule}terms: {', '.join(_with_spellings(m))}")
            elif rule:
                click.echo(f"  {rule.strip()}")
            for fname, snip in m.snippets.items():
                text = snip.highlighted(on, off).replace("\n", " ")
                click.echo(f"    {fname}: {text}")
    click.echo(f"{len(hits)} article(s)")


@cli.command()
@common
@click.argument("query")
@since_option("30d")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True,
              help="Show at most this many articles.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array).")
def search(settings: Settings, query: str, since: Since, limit: int, as_json: bool) -> None:
    """Search stored articles with the rule query language.

    QUERY is written as in a rule, e.g. 'haftar NEAR/8 (moscou OR russie OR russe*)', and may
    use the @lists of the rules folder. The full-text index narrows the candidates; the rule
    matcher decides, so a hit here is exactly what a rule with this query would match. A
    lower-case near, or, and, not between two words gets the warning `check` gives.

    The articles fetched in the last --since are searched, the most recently fetched first;
    each hit shows its publication date (or, without one, "fetched" and when), in
    WATCHDESK_TIMEZONE, and its #ID for `watchdesk show ID`. Then how many more matched:
    counted by reading at most 150 of the articles the full-text index kept, and beyond
    that estimated from them (and said to be "about").
    """
    from ..search import search_counted, stored_targets

    q = _compile_cli(query, "query", settings)
    store = Store(settings.db, mode="read")
    try:
        hits, beyond = search_counted(q, stored_targets(store, since_iso(since), query=q),
                                      limit)
    finally:
        store.close()
    _print_hits(hits, as_json, f"no article fetched in the last {since} matches {query!r}",
                settings)
    if as_json:
        return
    if beyond.exact and beyond.found:
        click.echo(f"{beyond.found} more matched: --limit {limit + beyond.found} shows them all")
    elif not beyond.exact:
        click.echo(f"about {beyond.estimate} more matched ({_estimated(beyond)}): "
                   f"--limit {limit + beyond.found} shows {beyond.found} more")


def _estimated(beyond: Beyond) -> str:
    """How an estimate was made, for the line that gives it."""
    read = beyond.checked
    return (f"an estimate: {beyond.hits} of the {read} articles read matched, "
            f"{beyond.unchecked} more the full-text index kept were not read")


@cli.group()
def rules() -> None:
    """Try rules before the daemon runs them (see `watchdesk rules test --help`)."""


def _print_tally(rules: list[Rule], counts: dict[str, int],
                 excluded: dict[str, list[tuple[Target, tuple[str, ...]]]], n: int,
                 scores: dict[str, Score] | None = None) -> None:
    click.echo(f"\n{len(counts)} rule(s) tested on {n} article(s):")
    for r in rules:
        if r.id not in counts:
            click.echo(f"  {r.id}: disabled, not tested")
            continue
        k, out = counts[r.id], excluded.get(r.id, [])
        line = f"  {r.id}: {k} match{'es' if k != 1 else ''}"
        if out:
            line += f", {len(out)} removed by the exclusion"
        click.echo(line)
        for t, terms in out:
            shown = ", ".join(f'"{x}"' if " " in x else x for x in terms)
            click.echo(f"    excluded by {shown}: {t.label}")
        score = (scores or {}).get(r.id)
        if score is not None and score.judged:
            click.echo(f"    {score.line()}")
            for t in score.lost:
                click.echo(f"      judged relevant, lost: {t.label}")
            for t in score.wrong:
                click.echo(f"      judged off-topic, still matched: {t.label}")


def _rules_test_store(settings: Settings, *, stored: bool) -> Store | None:
    """The database, read-only: needed for stored articles; for files and pages only to
    compare with the running rules, so a missing or unusable one is then skipped (and said)."""
    if stored:
        return Store(settings.db, mode="read")
    try:
        return Store(settings.db, mode="read")
    except StoreError as e:
        if e.kind != "missing":
            click.echo(f"Warning: not comparing with the rules the daemon runs: {e}", err=True)
        return None


@rules.command("test")
@common
@click.argument("target", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--query", "query_text", default=None,
              help="Test this query instead of rule files (it may use the @lists).")
@since_option("30d")
@click.option("--file", "files", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Match local files (HTML pages or text) instead of stored articles.")
@click.option("--url", default=None, help="Fetch this page now and match it.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True,
              help="With --query: show at most this many articles (the matches beyond are "
                   "counted).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array).")
@click.option("--replaces", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="TARGET is a draft of this file of the rules folder: load "
                                 "it in that file's place.")
def rules_test(settings: Settings, target: Path | None, query_text: str | None, since: Since,
               files: tuple[Path, ...], url: str | None, limit: int, as_json: bool,
               replaces: Path | None) -> None:
    """Run rules on stored articles, local files or a page, and show each hit.

    TARGET is a rule file or a rules folder (default: the rules folder). A file is loaded
    with the rules folder exactly as the daemon would load it (its lists, ids unique across
    files): every error is printed, and a rule the daemon would reject is not run. Without
    --file or --url, rules run on the articles stored since --since. Then one line per rule
    tested: its number of matches (0 included), the articles its exclusion removed, with
    the exclusion terms found, and how it fares against the analysts' verdicts (given on
    the web pages): how many articles judged relevant it keeps, how many judged off-topic it
    still matches, and which. When a rule in TARGET differs from the version the daemon
    runs, what the edit gains and loses is shown too: to try an edit of rules/libye.yaml
    before saving it, write the draft elsewhere and run `rules test DRAFT --replaces
    rules/libye.yaml`. Exit 1 when TARGET has an error, or, for a folder (the default: the
    rules folder), when any of its files has one; the rules that load are tested all the
    same. With --query, the newest --limit hits are shown, and then how many matched in
    all: counted as `search` counts them (by reading at most 150 of the articles the
    full-text index kept; beyond, an estimate, said to be "about").
    """
    from ..search import (
        compare,
        count_stored,
        file_target,
        run_rules,
        search_counted,
        stored_targets,
        url_target,
    )
    from ..store.rule_state import running_rules

    store = _rules_test_store(settings, stored=not files and not url)
    q = _compile_cli(query_text, "query", settings) if query_text else None
    book = None
    if q is None:
        from ..rules import RuleBook  # the loader (YAML, jsonschema): not for a --query

        source = target or settings.rules
        if source.is_dir():
            book = RuleBook(source)
            rule_list = list(book.ruleset.rules)
        else:
            folder = settings.rules if settings.rules.is_dir() else source.parent
            book = RuleBook(folder, extra=[source], without=[replaces] if replaces else [])
            rule_list = book.rules_of(source)
        for e in book.errors:
            click.echo(f"Error: {with_caret(e)}", err=True)
        for w in book.warnings:
            click.echo(str(w), err=True)
    # the running rules (each compiled) are compared with rule files, not with a query
    running = running_rules(store) if store is not None and q is None else {}
    targets: list[Target] | Candidates
    if files:
        targets = [file_target(f) for f in files]
        looked_at = len(targets)
    elif url:
        try:
            targets = [url_target(settings, url)]
        except (FetchError, ExtractError) as e:
            raise click.ClickException(f"{url}: {e}") from e
        looked_at = 1
    else:
        assert store is not None
        wanted = rule_list + [running[r.id] for r in rule_list if r.id in running] \
            if q is None else None
        since_ts = since_iso(since)
        targets = stored_targets(store, since_ts, query=q, rules=wanted)
        looked_at = count_stored(store, since_ts)
    if q is not None:
        hits, beyond = search_counted(q, targets, limit)
        _print_hits(hits, as_json, "no match", settings)
        if not as_json:
            n = len(hits) + beyond.found
            if beyond.exact:
                shown = (f" ({len(hits)} shown: --limit {n} shows them all)"
                         if beyond.found else "")
                click.echo(f"\n--query: {n} match{'es' if n != 1 else ''} among "
                           f"{looked_at} article(s){shown}")
            else:
                click.echo(f"\n--query: about {len(hits) + beyond.estimate} matches among "
                           f"{looked_at} article(s) ({_estimated(beyond)}; {len(hits)} shown)")
        return
    targets = list(targets)   # each rule, and the running version of each, go through them
    assert book is not None
    hits, counts, excluded = run_rules(rule_list, targets, respect_feeds=not (files or url))
    _print_hits(hits, as_json, f"no match among {looked_at} article(s)", settings)
    if not as_json:
        scores = None
        if store is not None:   # how each rule fares against the desk's verdicts (web pages)
            from .. import verdicts

            scores = verdicts.score(rule_list, *verdicts.load(store, [r.id for r in rule_list]))
        _print_tally(rule_list, counts, excluded, looked_at, scores)
    if store is not None and not as_json:
        for d in compare(rule_list, running, targets):
            click.echo(f"\n{d.rule_id}: changed since the daemon loaded it: +{len(d.gained)} "
                       f"gained, -{len(d.lost)} lost, {d.kept} kept")
            for t in d.gained:
                click.echo(f"  + {t.label}")
            for t in d.lost:
                click.echo(f"  - {t.label}")
    failing = _failing(book.errors, target)
    if failing:
        sys.stdout.flush()  # the verdict after the results, also when both are piped
        click.echo(f"{len(failing)} error(s) in {target or settings.rules}: the rules of the "
                   "files in error were not tested", err=True)
        sys.exit(1)


def _failing(errors: list[ConfigError], target: Path | None) -> list[ConfigError]:
    """The errors that make `rules test` fail: those of TARGET, a file, or of any file of the
    folder tested (TARGET or the rules folder). The rules that load are tested all the
    same."""
    if target is not None and target.is_file():
        return [e for e in errors if Path(e.path).resolve() == target.resolve()]
    return errors
