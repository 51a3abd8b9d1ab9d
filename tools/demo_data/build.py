"""Build the bundled demo site in src/watchdesk/demo/data/ from articles/*.yaml and sites.py.

    python tools/demo_data/build.py            # (re)write the data directory
    python tools/demo_data/build.py --check    # exit 1 if the committed files are stale

Writes one HTML page per article (realistic news-site chrome around the article), one feed per
site (RSS 2.0 or Atom), feeds.yaml, manifest.json (machine-readable expectations used by the
tests) and README.md. Every URL is written with the ``{{BASE}}`` placeholder, which
FixtureServer replaces with its own address when serving.

Dev-time tool only: nothing under src/ or tests/ imports it.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from render import lede_in_body, render_page
from sites import SITES, Site

HERE = Path(__file__).parent
REPO = HERE.parent.parent
OUT = REPO / "src" / "watchdesk" / "demo" / "data"
FIXTURES = REPO / "tests" / "demo" / "data"
TAG_AUTHORITY = "demo.watchdesk"


@dataclass
class Article:
    """One demo article, as read from articles/*.yaml."""

    id: str
    site: Site
    path: str
    title: str
    summary: str
    published: datetime
    author: str
    section: str
    kicker: str
    tags: list[str]
    caption: str
    credit: str
    expect: str
    rules: list[str]
    kind: str
    why: str
    key: str
    lede: str
    paragraphs: list[str]
    read_also: list[str]
    read_also_after: int
    comments: list[dict[str, str]] = field(default_factory=list)
    updated: datetime | None = None

    @property
    def guid(self) -> str:
        return f"tag:{TAG_AUTHORITY},{self.published:%Y-%m-%d}:{self.id}"

    @property
    def link(self) -> str:
        return "{{BASE}}/" + self.path

    @property
    def file(self) -> str:
        """Where the page lives under data/ (a URL ending in / is served by its index.html)."""
        return self.path + "index.html" if self.path.endswith("/") else self.path

    @property
    def own_text(self) -> str:
        return "\n".join([self.title, self.summary, self.lede, *self.paragraphs])


def load_article(file: Path) -> Article:
    data: dict[str, Any] = yaml.safe_load(file.read_text(encoding="utf-8"))
    if "body_file" in data:
        lede, paragraphs = _fixture_text(FIXTURES / data["body_file"])
    else:
        lede = data["lede"].strip()
        paragraphs = [p.strip() for p in data["body"].split("\n\n") if p.strip()]
    if ". " in data["summary"].rstrip(".") or len(data["summary"]) > 220:
        raise ValueError(f"{file.name}: the feed summary must be one short sentence")
    return Article(
        id=data["id"],
        site=SITES[data["site"]],
        path=data["path"],
        title=data["title"],
        summary=data["summary"],
        published=datetime.fromisoformat(data["published"]),
        updated=datetime.fromisoformat(data["updated"]) if data.get("updated") else None,
        author=data["author"],
        section=data["section"],
        kicker=data["kicker"],
        tags=list(data["tags"]),
        caption=data["caption"],
        credit=data["credit"],
        expect=data["expect"],
        rules=list(data["rules"]),
        kind=data["kind"],
        why=data["why"],
        key=data["key"],
        lede=lede,
        paragraphs=paragraphs,
        read_also=list(data.get("read_also", [])),
        read_also_after=int(data.get("read_also_after", 2)),
        comments=list(data.get("comments", [])),
    )


def _fixture_text(file: Path) -> tuple[str, list[str]]:
    """The shared RFI fixture: first line is ``date YYYY-MM`` + standfirst, then paragraphs."""
    text = file.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    stamp = first.split()
    if stamp[:1] != ["date"]:
        raise ValueError(f"{file}: first line should start with a date stamp")
    lede = first.strip().split(maxsplit=2)[2]
    return lede, [p.strip() for p in rest.split("\n\n") if p.strip()]


# -- feeds ----------------------------------------------------------------------------------


def _x(text: str) -> str:
    """Escape XML character data."""
    return escape(text, quote=False)


def _xa(text: str) -> str:
    """Escape an XML attribute value."""
    return escape(text, quote=True)


def render_rss(site: Site, items: list[Article]) -> str:
    newest = max(a.updated or a.published for a in items)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:media="http://search.yahoo.com/mrss/">',
        "<channel>",
        f"  <title>{_x(site.feed_title)}</title>",
        f"  <link>{{{{BASE}}}}/{site.base}/</link>",
        f"  <description>{_x(site.feed_description)}</description>",
        f"  <language>{site.lang}</language>",
        f"  <copyright>{_x(site.copyright)}</copyright>",
        f"  <lastBuildDate>{format_datetime(newest)}</lastBuildDate>",
        "  <ttl>15</ttl>",
        f'  <atom:link href="{{{{BASE}}}}/{site.feed_file}" rel="self" '
        'type="application/rss+xml"/>',
        "  <image>",
        "    <url>{{BASE}}/static/logo.svg</url>",
        f"    <title>{_x(site.feed_title)}</title>",
        f"    <link>{{{{BASE}}}}/{site.base}/</link>",
        "  </image>",
    ]
    for a in items:
        out += [
            "  <item>",
            f"    <title>{_x(a.title)}</title>",
            f"    <link>{a.link}</link>",
            f'    <guid isPermaLink="false">{a.guid}</guid>',
            f"    <pubDate>{format_datetime(a.published)}</pubDate>",
            f"    <dc:creator>{_x(a.author)}</dc:creator>",
            *(f"    <category>{_x(t)}</category>" for t in a.tags),
            f"    <description>{_x(a.summary)}</description>",
            '    <media:content url="{{BASE}}/static/placeholder.svg" medium="image" '
            'type="image/svg+xml"/>',
            "  </item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def render_atom(site: Site, items: list[Article]) -> str:
    newest = max(a.updated or a.published for a in items)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{site.lang}">',
        f"  <title>{_x(site.feed_title)}</title>",
        f"  <subtitle>{_x(site.feed_description)}</subtitle>",
        f'  <link rel="alternate" type="text/html" href="{{{{BASE}}}}/{site.base}/"/>',
        f'  <link rel="self" type="application/atom+xml" href="{{{{BASE}}}}/{site.feed_file}"/>',
        f"  <id>tag:{TAG_AUTHORITY},2024:{site.feed}</id>",
        f"  <updated>{newest.isoformat()}</updated>",
        f"  <rights>{_x(site.copyright)}</rights>",
        "  <icon>{{BASE}}/static/logo.svg</icon>",
    ]
    for a in items:
        out += [
            "  <entry>",
            f"    <title>{_x(a.title)}</title>",
            f'    <link rel="alternate" type="text/html" href="{a.link}"/>',
            f"    <id>{a.guid}</id>",
            f"    <published>{a.published.isoformat()}</published>",
            f"    <updated>{(a.updated or a.published).isoformat()}</updated>",
            f"    <author><name>{_x(a.author)}</name></author>",
            *(f'    <category term="{_xa(t)}"/>' for t in a.tags),
            f'    <summary type="text">{_x(a.summary)}</summary>',
            "  </entry>",
        ]
    out += ["</feed>", ""]
    return "\n".join(out)


# -- config, manifest, README -------------------------------------------------------------------


def render_feeds_yaml() -> str:
    out = [
        "# Feeds for `watchdesk demo`. They are served offline by the built-in loopback server;",
        "# {{BASE}} is replaced by its address (http://127.0.0.1:PORT) before this file is read.",
        "feeds:",
    ]
    for site in SITES.values():
        out += [
            f"  - name: {site.feed}",
            f'    url: "{{{{BASE}}}}/{site.feed_file}"',
            f"    tags: [{', '.join(site.tags)}]",
            "    interval: 15m",
            "    fetch_articles: true",
        ]
    return "\n".join(out) + "\n"


def boilerplate_probes(a: Article) -> list[str]:
    """Strings that appear on the page only in chrome: none may reach the extracted body."""
    s = a.site
    probes = [
        *a.read_also,
        *s.ticker[:2],
        *s.most_read[:3],
        *s.related[:2],
        s.cookie[:80],
        s.newsletter,
        s.demo_note[:60],
    ]
    if s.comments_open:
        probes += [c["text"] for c in a.comments]
    own = a.own_text
    kept = []
    for p in probes:
        if p in own:
            raise ValueError(f"{a.id}: boilerplate probe also in article text: {p!r}")
        kept.append(p)
    return kept


def body_probes(a: Article) -> list[str]:
    """Strings of the article that the extracted body must contain."""
    first = a.paragraphs[0][:70]
    last = a.paragraphs[-1][:70]
    probes = [a.key, first, last]
    if lede_in_body(a.site):
        probes.append(a.lede[:70])
    for p in probes:
        if p not in a.own_text:
            raise ValueError(f"{a.id}: {p!r} not in the article text")
    return list(dict.fromkeys(probes))


def render_manifest(articles: list[Article]) -> str:
    feeds = [
        {
            "name": s.feed,
            "file": s.feed_file,
            "format": s.feed_format,
            "lang": s.lang,
            "title": s.feed_title,
            "items": sum(1 for a in articles if a.site is s),
        }
        for s in SITES.values()
    ]
    items = [
        {
            "id": a.id,
            "feed": a.site.feed,
            "guid": a.guid,
            "title": a.title,
            "summary": a.summary,
            "lang": a.site.lang,
            "published": a.published.isoformat(),
            "page": a.file,
            "link": a.link,
            "lede": a.lede,
            "lede_in_body": lede_in_body(a.site),
            "expect": a.expect,
            "rules": a.rules,
            "kind": a.kind,
            "why": a.why,
            "body_must_contain": body_probes(a),
            "body_must_not_contain": boilerplate_probes(a),
        }
        for a in articles
    ]
    doc = {
        "about": "Expected outcome of each demo item for a rule on Russia / Haftar / Wagner "
        "(Africa Corps) in Libya or the Sahel. Generated by tools/demo_data/build.py.",
        "feeds": feeds,
        "items": items,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


KIND_NOTES = {
    "fixture": "real RFI article (22 Aug 2023), text verbatim",
    "libya-russia": "Russia / Haftar in Libya",
    "sahel": "Wagner → Africa Corps in the Sahel, Libyan hub",
    "body-only": "title and summary neutral: only the page body matches",
    "trap": "TRAP: Wagner/Haftar headlines only in nav, “À lire aussi” and sidebars",
    "libya-other": "Libya, but no Russia / Haftar / Wagner",
    "wagner-composer": "Richard Wagner the composer",
    "other": "unrelated",
}


def render_readme(articles: list[Article]) -> str:
    out = [
        "# watchdesk demo data",
        "",
        "The offline news site behind `watchdesk demo`: five feeds, fifteen article pages.",
        "Served by `watchdesk.demo.FixtureServer`, which replaces `{{BASE}}` in every file with",
        "its own address, so feed links point back at the local server. **Generated** by",
        "`tools/demo_data/build.py` from `tools/demo_data/articles/*.yaml`: edit those, rebuild.",
        "",
        "Only one article is real: the RFI piece of 22 August 2023 on a Russian military",
        "delegation in Benghazi (text verbatim). Every other article was written for the demo;",
        "page layouts imitate news sites, navigation links are fake, no reader comment is real.",
        "",
        "## Files",
        "",
        "- `feeds.yaml`: the demo feed list (`{{BASE}}` to be replaced by the server URL).",
        "- `*.xml`, `*.atom`: the feeds (RSS 2.0 or Atom 1.0), one sentence of summary per item:",
        "  the full text is only on the page, so the demo exercises extraction.",
        "- `<site>/…/*.html`: article pages, 20–80 KB each, with header menus, cookie banner,",
        "  share buttons, “read also” boxes inside the article, most-read lists, related",
        "  articles, comments and big footers around the article.",
        "- `manifest.json`: the table below, machine-readable, with strings the extracted body",
        "  must contain (`body_must_contain`) and chrome it must not (`body_must_not_contain`).",
        "- `index.html`, `static/`: a landing page and the assets the pages refer to.",
        "",
        "## Items and expected outcome",
        "",
        "`expect` assumes one rule: *Russia, Haftar, or Wagner / Africa Corps, in Libya or the",
        "Sahel*; `default rules` are the rules of `rules/libye.yaml` (shipped in",
        "`watchdesk/defaults/rules/`) each item must match in `watchdesk demo`.",
        "",
        "| feed | lang | item | expect | default rules | why |",
        "|---|---|---|---|---|---|",
    ]
    for a in articles:
        out.append(
            f"| {a.site.feed} | {a.site.lang} | [{a.title}]({a.file}) | "
            f"**{a.expect}** | {', '.join(a.rules) or '—'} | {KIND_NOTES[a.kind]} |"
        )
    pos = sum(a.expect == "positive" for a in articles)
    out += [
        "",
        f"{pos} positives, {len(articles) - pos} negatives.",
        "",
        "## Feeds",
        "",
        "| name | file | format | items |",
        "|---|---|---|---|",
    ]
    for s in SITES.values():
        n = sum(1 for a in articles if a.site is s)
        fmt = "RSS 2.0" if s.feed_format == "rss" else "Atom 1.0"
        out.append(f"| {s.feed} | `{s.feed_file}` | {fmt} | {n} |")
    out.append("")
    return "\n".join(out)


def render_index(articles: list[Article]) -> str:
    rows = []
    for s in SITES.values():
        links = "".join(
            f'<li><a href="{a.link}">{_x(a.title)}</a> <small>({a.expect})</small></li>'
            for a in articles
            if a.site is s
        )
        rows.append(
            f'<section><h2><a href="{{{{BASE}}}}/{s.feed_file}">{_x(s.feed_title)}</a></h2>'
            f"<ul>{links}</ul></section>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        "<title>watchdesk — site de démonstration</title>"
        '<link rel="stylesheet" href="{{BASE}}/static/demo.css"></head>'
        '<body class="demo-index"><h1>watchdesk — site de démonstration hors ligne</h1>'
        "<p>Flux et articles servis en local par <code>watchdesk demo</code>.</p>"
        + "".join(rows)
        + "</body></html>\n"
    )


# -- main ---------------------------------------------------------------------------------------


def build() -> dict[Path, str]:
    """Every output file and its content, keyed by path under OUT."""
    articles = [load_article(f) for f in sorted((HERE / "articles").glob("*.yaml"))]
    order = list(SITES)
    articles.sort(key=lambda a: (order.index(a.site.feed), -a.published.timestamp()))
    files: dict[Path, str] = {}
    for site in SITES.values():
        items = [a for a in articles if a.site is site]
        if not 3 <= len(items) <= 6:
            raise ValueError(f"{site.feed}: {len(items)} items, want 3 to 6")
        render = render_rss if site.feed_format == "rss" else render_atom
        files[Path(site.feed_file)] = render(site, items)
        for a in items:
            others = [o for o in items if o is not a]
            files[Path(a.file)] = render_page(a, others)
    files[Path("feeds.yaml")] = render_feeds_yaml()
    files[Path("manifest.json")] = render_manifest(articles)
    files[Path("README.md")] = render_readme(articles)
    files[Path("index.html")] = render_index(articles)
    for static in sorted((HERE / "static").iterdir()):
        files[Path("static") / static.name] = static.read_text(encoding="utf-8")
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if files are stale")
    args = parser.parse_args()
    files = build()
    existing = {p.relative_to(OUT) for p in OUT.rglob("*") if p.is_file()}
    stale = sorted(
        str(p)
        for p, text in files.items()
        if not (OUT / p).is_file() or (OUT / p).read_text(encoding="utf-8") != text
    )
    extra = sorted(str(p) for p in existing - set(files))
    if args.check:
        for p in stale:
            print(f"stale: {p}")
        for p in extra:
            print(f"not generated: {p}")
        return 1 if stale or extra else 0
    for p in extra:
        (OUT / p).unlink()
    for p, text in files.items():
        (OUT / p).parent.mkdir(parents=True, exist_ok=True)
        (OUT / p).write_text(text, encoding="utf-8")
    for d in sorted((d for d in OUT.rglob("*") if d.is_dir()), reverse=True):
        if not any(d.iterdir()):
            d.rmdir()
    sizes = {p: len(t.encode()) for p, t in files.items() if p.suffix == ".html"}
    print(f"wrote {len(files)} files to {OUT}")
    for p, n in sorted(sizes.items()):
        print(f"  {n / 1024:5.1f} KB  {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
