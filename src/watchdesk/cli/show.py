"""``watchdesk show ID``: one stored article whole, so that reading one never needs sqlite3.

Its metadata (title, url, feeds, outlet, language, dates, how its text was obtained, its
story), the rules it matched and why (the rule's query as the rule files have it now, the
terms found, the snippets), then its summary and the extracted body.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from ..config.settings import Settings
from ..store import Store
from ..urls import host_of
from ._common import cli, common, highlight_marks, local_time, readable_rules

if TYPE_CHECKING:
    from ..rules import Rule

# how the text was obtained (articles.extraction)
EXTRACTION = {
    "page": "the article's page, fetched and extracted",
    "feed": "the feed's own content (the page could not be used)",
    "summary": "the feed's summary only (no page, no content)",
    "none": "nothing but the title",
}
# the columns printed by name; any other (newer) column is printed after them as it is
_SHOWN = {"id", "title", "url", "canonical_url", "feed_id", "feed_name", "feed_title",
          "feed_site", "feed_tags", "feeds", "lang", "published_at", "fetched_at", "updated_at",
          "extraction", "story_id", "author", "summary", "body", "guid", "content_hash"}


@cli.command()
@common
@click.argument("article_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object).")
def show(settings: Settings, article_id: int, as_json: bool) -> None:
    """Show one stored article: metadata, the rules it matched and why, and its text.

    ID is the number `alerts` and `search` print as #ID (article_id in their --json). Shown:
    title, url, the feeds that carried it, the outlet (the URL's host), language, publication
    and fetch dates (in WATCHDESK_TIMEZONE), how its text was obtained (the page, the feed's
    content or its summary), its story (the other articles reporting the same event); then
    each rule it matched, with the rule's query as the rule files have it now, the terms
    found and the snippets (terms highlighted on a terminal, between [ ] otherwise); then
    the summary and the extracted body. --json gives all of it, every stored column
    included.
    """
    store = Store(settings.db, mode="read")
    try:
        article = store.article(article_id)
        if article is None:
            raise click.ClickException(
                f"no article {article_id} in {settings.db}: the ids are the #ID of `watchdesk "
                "alerts` and `watchdesk search` (article_id in their --json)")
        matches = [dict(r) for r in store.article_matches(article_id)]
        story = ([dict(r) for r in store.story_articles(article["story_id"])]
                 if article["story_id"] is not None else [])
    finally:
        store.close()
    rules = _rules(settings)
    for m in matches:
        m["terms"] = json.loads(m["terms"])
        m["snippets"] = json.loads(m["snippets"] or "{}")
        rule = rules.get(m["rule_id"])
        m["title"] = rule.title if rule else None
        m["query"] = rule.query if rule else None
        m["exclude"] = rule.exclude if rule else None
    if as_json:
        click.echo(json.dumps({"article": article, "matches": matches, "story": story},
                              ensure_ascii=False, indent=2))
        return
    _print_article(article, story, settings)
    _print_matches(matches, settings)
    for name in ("summary", "body"):
        text = (article[name] or "").strip()
        click.echo(f"\n{name} ({len(text.split())} words):" if text else f"\n{name}: (empty)")
        for para in text.split("\n"):
            if para.strip():
                click.echo(f"  {para.strip()}")


def _rules(settings: Settings) -> dict[str, Rule]:
    """The rules of the rule files, by id (none when they cannot be read)."""
    return {r.id: r for r in readable_rules(settings)}


def _print_article(a: dict[str, Any], story: list[dict[str, Any]], settings: Settings) -> None:
    click.echo(f"#{a['id']}  {a['title'] or '(no title)'}")
    rows: list[tuple[str, str]] = [("url", a["url"] or "(none)")]
    feed = a["feed_name"] + (f" ({a['feed_title']})" if a["feed_title"] else "")
    others = [f for f in a["feeds"] if f != a["feed_name"]]
    rows.append(("feed", feed + (f"; also in {', '.join(others)}" if others else "")))
    outlet = host_of(a["url"]) if a["url"] else None
    rows.append(("outlet", outlet or (host_of(a["feed_site"]) if a["feed_site"] else "?")))
    rows.append(("lang", a["lang"] or "?"))
    rows.append(("published", local_time(a["published_at"], settings)
                 if a["published_at"] else "(no date in the feed)"))
    rows.append(("fetched", local_time(a["fetched_at"], settings)))
    if a["updated_at"]:
        rows.append(("updated", local_time(a["updated_at"], settings)))
    rows.append(("author", a["author"] or "?"))
    how = a["extraction"]
    rows.append(("extraction", f"{how}: {EXTRACTION[how]}" if how in EXTRACTION else how))
    for key, value in a.items():  # columns added since (why an extraction fell back, ...)
        if key not in _SHOWN and value not in (None, ""):
            rows.append((key.replace("_", " "), str(value)))
    if a["story_id"] is None:
        rows.append(("story", "none (no rule matched it when it was stored)"))
    else:
        others_in = [s for s in story if s["id"] != a["id"]]
        rows.append(("story", f"{a['story_id']}, {len(others_in)} other article(s)"))
    width = max(len(k) for k, _ in rows) + 1
    for key, value in rows:
        click.echo(f"  {key + ':':<{width}} {value}")
    for s in story:
        if s["id"] != a["id"]:
            when = s["published_at"] or s["fetched_at"]
            click.echo(f"    #{s['id']}  {s['title']}  ({s['feed_name']}, "
                       f"{local_time(when, settings)})")


def _print_matches(matches: list[dict[str, Any]], settings: Settings) -> None:
    if not matches:
        click.echo("\nmatched no rule")
        return
    from ..notify.recent import FIELDS
    from ..rules import Snippet

    on, off = highlight_marks()
    click.echo(f"\nmatched {len(matches)} rule(s):")
    for m in matches:
        tags = ", ".join(x for x in ("urgent" if m["priority"] == "alert" else "digest",
                                     "backfill" if m["backfill"] else "") if x)
        title = f" {m['title']}" if m["title"] and m["title"] != m["rule_id"] else ""
        click.echo(f"  [{m['rule_id']}]{title} ({tags}, matched "
                   f"{local_time(m['created_at'], settings)})")
        if m["query"] is None:
            click.echo(f"    (no rule {m['rule_id']!r} in {settings.rules} now)")
        else:
            click.echo(f"    query:   {' '.join(m['query'].split())}")
            if m["exclude"]:
                click.echo(f"    exclude: {' '.join(m['exclude'].split())}")
        if m["terms"]:
            click.echo(f"    terms:   {', '.join(m['terms'])}")
        for name in FIELDS:
            snip = m["snippets"].get(name)
            if snip and snip.get("text"):
                spans = tuple((int(x), int(y)) for x, y in snip.get("spans", []))
                text = Snippet(snip["text"], spans).highlighted(on, off).replace("\n", " ")
                click.echo(f"    {name}: {text}")
