"""``watchdesk feeds add``, ``feeds import`` and ``feeds export``: feeds.yaml from and to
other readers, and from a site's address (over ``sources.opml``, ``sources.discover`` and
``config.edit``). Those are imported when a command runs: every other command starts
without ruamel.yaml, lxml's parsers and feedparser."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from ..config.settings import Settings
from ..errors import ContentError, FetchError, StoreError
from ..models import FeedConfig
from ..sources import KINDS, SELECT_KEYS
from ..store import Store
from ._common import common
from .ops import feeds

LATEST = 5  # entries `feeds add` shows


def _current(settings: Settings) -> list[FeedConfig]:
    """The feeds of feeds.yaml (none if the file does not exist yet); a file with errors is
    not edited."""
    if not Path(settings.feeds).exists():
        return []
    from ..config.feeds import check_feeds  # the rule compiler and jsonschema: not for `feeds`

    found, errors = check_feeds(settings.feeds)
    if errors:
        for e in errors:
            click.echo(f"  {e}", err=True)
        raise click.ClickException(f"{settings.feeds} has {len(errors)} error(s) (above): fix "
                                   "them first, then run this again (nothing was changed)")
    return found


@feeds.command("import")
@common
@click.argument("opml_file", metavar="FILE.opml",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be added; change nothing.")
def import_(settings: Settings, opml_file: Path, dry_run: bool) -> None:
    """Add the feeds of an OPML file (Inoreader, Feedly, FreshRSS, Miniflux …) to feeds.yaml.

    Names are made from the titles (unique), folders and categories become tags; a feed
    whose URL is already in feeds.yaml is skipped, and said so. The file's comments and
    layout are kept; the new feeds are appended to its list.
    """
    from ..config.edit import Candidate, append_sources, plan_import
    from ..sources.opml import read_opml

    try:
        subs, bad = read_opml(opml_file.read_bytes(), str(opml_file))
    except ContentError as e:
        raise click.ClickException(str(e)) from e
    plan = plan_import(_current(settings), [
        Candidate(s.title, s.url, s.categories, f"{opml_file.name}:{s.line}") for s in subs])
    verb = "would add" if dry_run else "added"
    for new in plan.add:
        tags = f"  [{', '.join(new.tags)}]" if new.tags else ""
        click.echo(f"{verb} {new.name}  {new.url}{tags}")
    for why in plan.skipped:
        click.echo(f"skipped {why}")
    for why in bad:
        click.echo(f"skipped {opml_file.name}: {why}")
    if plan.add and not dry_run:
        append_sources(settings.feeds, plan.add)
    click.echo(f"{len(plan.add)} feed(s) {verb} to {settings.feeds}, "
               f"{len(plan.skipped) + len(bad)} skipped"
               + (" (dry run: nothing changed)" if dry_run else ""))


@feeds.command("export")
@common
def export(settings: Settings) -> None:
    """Print feeds.yaml's feeds as OPML 2.0, for Inoreader, Feedly, FreshRSS or Miniflux.

    Each feed's first tag is its folder, and all its tags are its categories; the titles
    are those of the last poll when the database has them. Sources of another kind
    (sitemap, html, telegram) are left out (other readers cannot poll them), and said so
    on stderr.
    """
    from ..sources.opml import ExportFeed, write_opml

    configs = _current(settings)
    polled: dict[str, Any] = {}
    if Path(settings.db).exists():
        try:
            store = Store(settings.db, mode="read")
            try:
                polled = {r["name"]: r for r in store.query(
                    "SELECT name, title, site_url FROM feeds")}
            finally:
                store.close()
        except StoreError as e:
            click.echo(f"titles not read from the database: {e}", err=True)
    out = []
    for f in configs:
        if f.kind != "feed":
            continue
        row = polled.get(f.name)
        out.append(ExportFeed(f.name, f.url, title=row["title"] if row else None,
                              site_url=row["site_url"] if row else None, tags=f.tags))
    others = [f.name for f in configs if f.kind != "feed"]
    if others:
        click.echo(f"not exported ({len(others)} source(s) that are not feeds): "
                   f"{', '.join(others)}", err=True)
    sys.stdout.write(write_opml(out))


def _select(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        key, sep, css = v.partition("=")
        if not sep or key.strip() not in SELECT_KEYS or not css.strip():
            raise click.BadParameter(f"{v!r}: write KEY=CSS, KEY one of "
                                     f"{', '.join(SELECT_KEYS)}", param_hint="'--select'")
        out[key.strip()] = css.strip()
    return out


@feeds.command("add")
@common
@click.argument("url")
@click.option("--name", help="Its name in feeds.yaml (default: made from its title).")
@click.option("--tags", default="", metavar="A,B", help="Comma-separated tags.")
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="Read URL as this kind, without discovery (default: found out).")
@click.option("--select", "select", multiple=True, metavar="KEY=CSS",
              help="For --kind html: a CSS selector, KEY item, link, title, date or summary "
                   "(repeatable).")
def add(settings: Settings, url: str, name: str | None, tags: str, kind: str | None,
        select: tuple[str, ...]) -> None:
    """Find the feed of a site (or take a feed, sitemap or t.me channel) and add it.

    Looks at URL, then at the feeds its page announces (<link rel="alternate">), then at
    the usual places (/feed, /rss, /rss.xml, /atom.xml, /feed.xml, /index.xml, /feed.json);
    polls it once to show its title and latest entries, and appends it to feeds.yaml. A URL
    already there is refused. A listing page without a feed: --kind html with --select item=CSS
    --select link=CSS (a selector that matches nothing is shown as a warning).
    """
    from ..config.edit import NewSource, append_sources, name_for, slug
    from ..sources.discover import discover
    from ..sources.fetch import Fetcher

    if name is not None and not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,63}", name):
        raise click.BadParameter(f"{name!r}: lower-case letters, digits, '-', '_' or '.' "
                                 f"(e.g. {slug(name) or 'sahel-hebdo'!r})",
                                 param_hint="'--name'")
    selectors = _select(select)
    if kind == "html" and not {"item", "link"} <= set(selectors):
        raise click.UsageError("--kind html needs --select item=CSS and --select link=CSS")
    if selectors and kind != "html":
        raise click.UsageError("--select is for --kind html")
    configs = _current(settings)
    known = {f.url: f.name for f in configs}
    taken = {f.name for f in configs}
    if url in known:
        raise click.ClickException(f"{url} is already in {settings.feeds} as {known[url]!r}")
    if name is not None and name in taken:
        raise click.ClickException(f"a feed named {name!r} is already in {settings.feeds}")

    async def find() -> Any:
        async with Fetcher(settings) as fetcher:
            return await discover(fetcher, url, max_bytes=settings.max_feed_bytes,
                                  kind=kind, select=selectors)

    from .. import eventloop

    try:
        found = eventloop.run(find())
    except FetchError as e:
        raise click.ClickException(f"{type(e).__name__}: {e}") from e
    if found.url in known:
        raise click.ClickException(f"its {found.kind} {found.url} is already in "
                                   f"{settings.feeds} as {known[found.url]!r}")
    parsed = found.parsed
    new = NewSource(name=name or name_for(parsed.title, found.url, taken), url=found.url,
                    kind=found.kind, select=selectors,
                    tags=[t.strip() for t in tags.split(",") if t.strip()])
    click.echo(f"{found.kind} {found.url}")
    if parsed.title:
        click.echo(f"  title: {parsed.title}")
    latest = parsed.entries[:LATEST]
    if found.kind == "sitemap" and parsed.more:
        click.echo(f"  a sitemap index: its {len(parsed.more)} most recent sitemaps are read "
                   "at each poll")
    else:
        click.echo(f"  {len(parsed.entries)} entries" + (", latest:" if latest else ""))
    for entry in latest:
        click.echo(f"    {(entry.published_at or '')[:16].replace('T', ' '):16}  "
                   f"{entry.title or entry.link}")
    for w in ([f"the feed is malformed but was read: {parsed.bozo}"] if parsed.bozo else []
              ) + parsed.warnings:
        click.echo(f"  warning: {w}")
    append_sources(settings.feeds, [new])
    click.echo(f"added {new.name} to {settings.feeds}"
               + (f" (tags: {', '.join(new.tags)})" if new.tags else ""))
