"""The labelled test set of the default rules: articles, outlets, and the site that serves them.

Each article is one YAML file in ``articles/`` (its name is its id)::

    outlet: rfi                 # an outlet of outlets.yaml: its feed, language, page template
    date: 2025-03-12
    kind: russia-libya          # what kind of story (coverage is checked in test_corpus.py)
    title: "…"
    summary: "…"                # the feed's description and the page's standfirst
    expect: [libye, russie-libye]   # exactly the default rules it must match ([] for none)
    why: "…"                    # why those, in one sentence
    read_also: ["…"]            # optional: titles of the inline read-also links of the page
    paragraphs: ["…", "…"]      # the article's text, as extraction should return it

An outlet (``outlets.yaml``) has a feed (RSS or Atom), a language, site chrome (menu,
"most read" box, footer, all naming Libya, Haftar and Wagner) and a page template
(``templates/<outlet>.html``, extending ``base.html``) that renders the read-also links in that
outlet's own form, inside the article, after its second paragraph.

``serve(server)`` puts every page and feed on a FixtureServer (``read_also=False``: the
pages without their inline read-also links); ``feeds_yaml(server)`` lists the
feeds for ``watchdesk poll``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

from watchdesk.demo.server import FixtureServer
from watchdesk.rules import Document

HERE = Path(__file__).parent
RULE_IDS = ("libye", "haftar", "wagner", "russie-libye")


@dataclass(frozen=True)
class Outlet:
    name: str            # the feed's name in feeds.yaml
    site: str            # shown in the page chrome
    lang: str
    format: str          # rss | atom
    menu: tuple[str, ...]
    most_read: tuple[str, ...]
    read_also: tuple[str, ...]   # default read-also titles when an article gives none
    footer: tuple[str, ...]

    @property
    def feed_path(self) -> str:
        return f"/{self.name}/feed.{'xml' if self.format == 'rss' else 'atom'}"


@dataclass(frozen=True)
class Article:
    id: str
    outlet: Outlet
    date: date
    kind: str
    title: str
    summary: str
    expect: frozenset[str]
    why: str
    paragraphs: tuple[str, ...]
    read_also: tuple[str, ...] = field(default=())

    @property
    def lang(self) -> str:
        return self.outlet.lang

    @property
    def path(self) -> str:
        return f"/{self.outlet.name}/{self.date:%Y/%m/%d}/{self.id}.html"

    @property
    def guid(self) -> str:
        return f"tag:labelled.watchdesk,{self.date:%Y-%m-%d}:{self.id}"

    @property
    def body(self) -> str:
        """The text extraction should return: the paragraphs, nothing of the page around."""
        return "\n\n".join(self.paragraphs)

    def document(self) -> Document:
        return Document(self.title, self.summary, self.body)


ARTICLE_KEYS = {"outlet", "date", "kind", "title", "summary", "expect", "why", "paragraphs",
                "read_also"}


@cache
def outlets() -> dict[str, Outlet]:
    data = yaml.safe_load((HERE / "outlets.yaml").read_text(encoding="utf-8"))
    return {name: Outlet(name=name, site=o["site"], lang=o["lang"], format=o["format"],
                         menu=tuple(o["menu"]), most_read=tuple(o["most_read"]),
                         read_also=tuple(o["read_also"]), footer=tuple(o["footer"]))
            for name, o in data["outlets"].items()}


def load_article(path: Path) -> Article:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(data) - ARTICLE_KEYS
    missing = ARTICLE_KEYS - {"read_also"} - set(data)
    if unknown or missing:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}, missing {sorted(missing)}")
    bad = set(data["expect"]) - set(RULE_IDS)
    if bad:
        raise ValueError(f"{path}: expect names no default rule: {sorted(bad)}")
    return Article(
        id=path.stem, outlet=outlets()[data["outlet"]], date=data["date"], kind=data["kind"],
        title=data["title"].strip(), summary=data["summary"].strip(),
        expect=frozenset(data["expect"]), why=data["why"].strip(),
        paragraphs=tuple(p.strip() for p in data["paragraphs"]),
        read_also=tuple(data.get("read_also") or ()))


@cache
def articles() -> tuple[Article, ...]:
    return tuple(load_article(p) for p in sorted((HERE / "articles").glob("*.yaml")))


# --------------------------------------------------------------------------------- the site

@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True)


def page(a: Article, *, read_also: bool = True) -> str:
    """The article's page as its outlet publishes it (``read_also=False``: without the
    inline read-also links, menus, most-read box and footer kept)."""
    return _env().get_template(f"{a.outlet.name}.html").render(
        a=a, o=a.outlet, read_also=(a.read_also or a.outlet.read_also) if read_also else ())


def feed(o: Outlet, items: list[Article]) -> str:
    """The outlet's feed: RSS 2.0 or Atom 1.0, newest first, one item per article."""
    items = sorted(items, key=lambda a: (a.date, a.id), reverse=True)
    return _env().get_template(f"feed.{o.format}").render(o=o, items=items)


def serve(server: FixtureServer, *, read_also: bool = True) -> None:
    by_outlet: dict[str, list[Article]] = {name: [] for name in outlets()}
    for a in articles():
        server.set(a.path, page(a, read_also=read_also),
                   content_type="text/html; charset=utf-8")
        by_outlet[a.outlet.name].append(a)
    for name, items in by_outlet.items():
        o = outlets()[name]
        ctype = "application/rss+xml" if o.format == "rss" else "application/atom+xml"
        server.set(o.feed_path, feed(o, items), content_type=f"{ctype}; charset=utf-8")


def feeds_yaml(server: FixtureServer) -> str:
    lines = ["feeds:"]
    for o in outlets().values():
        lines += [f"  - name: {o.name}", f"    url: {server.url(o.feed_path)}",
                  f"    tags: [{o.lang}]"]
    return "\n".join(lines) + "\n"


def text_of(markup: str) -> str:
    """Visible text of a fragment (for checks on the rendered pages)."""
    import re

    return html.unescape(re.sub(r"<[^>]+>", " ", markup))
