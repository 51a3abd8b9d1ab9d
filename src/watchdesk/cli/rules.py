"""The analyst's rule commands: ``check``, ``search``, ``rules test``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..config import check_config
from ..errors import StoreError
from ..settings import Settings
from ..store import Store
from ._common import Since, cli, common, highlight_marks, since_iso, since_option


@cli.command()
@common
def check(settings: Settings) -> None:
    """Validate feeds.yaml and the rule files; exit 1 on any error.

    Every mistake of every file is printed in one run, feeds.yaml first, then the rule files,
    each by position, as FILE:LINE:COLUMN: what is wrong and what to write instead.
    """
    result = check_config(settings.feeds, settings.rules)
    for e in result.errors:
        click.echo(str(e))
    if result.errors:
        click.echo(f"{len(result.errors)} error(s)", err=True)
        sys.exit(1)
    nrules = len(result.rules.rules) if result.rules else 0
    click.echo(f"ok: {len(result.feeds)} feeds in {settings.feeds}, {nrules} rules in "
               f"{settings.rules}")


def _print_hits(hits: list[Any], as_json: bool, empty: str) -> None:
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
        where = ", ".join(x for x in (t.feed, (t.when or "")[:16].replace("T", " ")) if x)
        click.echo(f"{t.label}" + (f"  ({where})" if where else ""))
        if t.url:
            click.echo(f"  {t.url}")
        for m in h.matches:
            rule = "" if m.rule_id == "query" else f"[{m.rule_id}] "
            click.echo(f"  {rule}terms: {', '.join(m.terms)}")
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

    QUERY is written as in a rule, e.g. 'haftar NEAR/8 (moscou OR russie OR russe*)'. The
    full-text index narrows the candidates; the rule matcher decides, so a hit here is exactly
    what a rule with this query would match.
    """
    from ..rules import compile_query
    from ..search import run_query, stored_targets

    q = compile_query(query, path="query")
    store = Store(settings.db, mode="read")
    try:
        hits = run_query(q, stored_targets(store, since_iso(since), query=q))
    finally:
        store.close()
    _print_hits(hits[:limit], as_json, f"no article in the last {since} matches {query!r}")
    if len(hits) > limit and not as_json:
        click.echo(f"{len(hits) - limit} more matched: --limit {len(hits)} shows them all")


@cli.group()
def rules() -> None:
    """Try rules before the daemon runs them (see `watchdesk rules test --help`)."""


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
              help="Test this query instead of rule files.")
@since_option("30d")
@click.option("--file", "files", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Match local files (HTML pages or text) instead of stored articles.")
@click.option("--url", default=None, help="Fetch this page now and match it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array).")
def rules_test(settings: Settings, target: Path | None, query_text: str | None, since: Since,
               files: tuple[Path, ...], url: str | None, as_json: bool) -> None:
    """Run rules on stored articles, local files or a page, and show each hit.

    TARGET is a rule file or a rules folder (default: the rules folder). Without --file or
    --url, rules run on the articles stored since --since. When a rule in TARGET differs from
    the version the daemon runs, what the edit gains and loses is shown too.
    """
    from ..app import running_rules
    from ..rules import RuleSet, compile_query, load_rule_file, load_rules
    from ..search import compare, file_target, run_query, run_rules, stored_targets, url_target

    store = _rules_test_store(settings, stored=not files and not url)
    if files:
        targets = [file_target(f) for f in files]
    elif url:
        targets = [url_target(settings, url)]
    else:
        assert store is not None
        targets = list(stored_targets(store, since_iso(since)))
    if query_text:
        q = compile_query(query_text, path="query")
        _print_hits(run_query(q, targets), as_json, "no match")
        return
    source = target or settings.rules
    if source.is_dir():
        ruleset, errors = load_rules(source)
        for e in errors:
            click.echo(f"Error: {e}", err=True)
        rule_list = list(ruleset.rules)
    else:
        rule_list = load_rule_file(source)
    hits = run_rules(RuleSet(rule_list), targets, respect_feeds=not (files or url))
    _print_hits(hits, as_json, f"no match among {len(targets)} article(s)")
    if store is None or as_json:
        return
    for d in compare(rule_list, running_rules(store), targets):
        click.echo(f"\n{d.rule_id}: changed since the daemon loaded it: +{len(d.gained)} "
                   f"gained, -{len(d.lost)} lost, {d.kept} kept")
        for t in d.gained:
            click.echo(f"  + {t.label}")
        for t in d.lost:
            click.echo(f"  - {t.label}")


