"""feeds.yaml's `kind`, `select` and `max_entries`: each mistake named at its line, with the
fix; valid sources loaded as the pipeline needs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchdesk.config.edit import NewSource, name_for, slug, with_sources
from watchdesk.config.feeds import check_feeds, load_feeds
from watchdesk.errors import ConfigError


def check(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    p = tmp_path / "feeds.yaml"
    p.write_text(text, encoding="utf-8")
    _, errors = check_feeds(p)
    return [(e.line, e.message) for e in errors]


def test_each_kind_loads(tmp_path: Path) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_text(
        "feeds:\n"
        "  - name: rfi\n    url: https://www.rfi.fr/fr/afrique/rss\n"
        "  - name: sahel-monitor\n    kind: telegram\n    url: https://t.me/sahel_monitor\n"
        "    max_entries: 300\n"
        "  - name: hebdo-news\n    kind: sitemap\n    url: https://sahel.example/news.xml\n"
        "  - name: hebdo\n    kind: html\n    url: https://sahel.example/actualites/\n"
        "    select:\n      item: article.post\n      link: h2 a\n      date: time\n",
        encoding="utf-8")
    rfi, tg, sm, html = load_feeds(p)
    assert (rfi.kind, rfi.select, rfi.max_entries, rfi.fetch_articles) == ("feed", (), None,
                                                                           True)
    # t.me/CHANNEL is read through its preview page; a message is its own text
    assert (tg.kind, tg.url, tg.max_entries, tg.fetch_articles) == (
        "telegram", "https://t.me/s/sahel_monitor", 300, False)
    assert sm.kind == "sitemap" and sm.fetch_articles
    assert html.select == (("item", "article.post"), ("link", "h2 a"), ("date", "time"))


SRC = "  - name: hebdo\n    url: https://sahel.example/actualites/\n"

MISTAKES = [
    ("unknown kind", "feeds:\n" + SRC + "    kind: rss\n", 4,
     "feeds[hebdo].kind: 'rss' is not one of: feed, sitemap, html, telegram"),
    ("html without select", "feeds:\n" + SRC + "    kind: html\n", 2,
     "feeds[hebdo]: kind: html needs 'select:' with at least 'item:' and 'link:' (CSS "
     "selectors of the listing page)"),
    ("select on a feed", "feeds:\n" + SRC + "    select:\n      item: li\n      link: a\n", 5,
     "feeds[hebdo].select: 'select' is for kind: html only (this source is kind: feed)"),
    ("select without link", "feeds:\n" + SRC + "    kind: html\n    select:\n"
     "      item: li\n", 6, "feeds[hebdo].select has no 'link': add 'link: …' (in an item: "
     "the link to the article, e.g. h2 a)"),
    ("misspelt select key", "feeds:\n" + SRC + "    kind: html\n    select:\n"
     "      item: li\n      link: a\n      titel: h2\n", 8,
     "unknown key 'titel' in feeds[hebdo].select: did you mean 'title'?"),
    ("bad selector", "feeds:\n" + SRC + "    kind: html\n    select:\n"
     "      item: 'article..post'\n      link: a\n", 6,
     "feeds[hebdo].select.item: not a CSS selector we can read: SelectorSyntaxError: "
     "Expected ident, got <DELIM '.' at 8>"),
    ("telegram with pages", "feeds:\n" + SRC + "    kind: telegram\n    fetch_articles: true\n",
     5, "feeds[hebdo].fetch_articles: a Telegram message is its own text (there is no page to "
        "fetch): remove this line"),
    ("max_entries zero", "feeds:\n" + SRC + "    max_entries: 0\n", 4,
     "feeds[hebdo].max_entries: 0 is less than the minimum of 1"),
]


@pytest.mark.parametrize(("text", "line", "message"), [m[1:] for m in MISTAKES],
                         ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_named_where_it_is(tmp_path: Path, text: str, line: int,
                                           message: str) -> None:
    assert check(tmp_path, text) == [(line, message)]


def test_names_and_tags_made_from_titles() -> None:
    taken = {"le-monde"}
    assert slug("Sahel & Afrique") == "sahel-afrique"
    assert name_for("Le Monde", "https://www.lemonde.fr/rss/une.xml", taken) == "le-monde-2"
    assert name_for("Le Monde", "https://www.lemonde.fr/rss/x.xml", taken) == "le-monde-3"
    # nothing latin in the title: the host and path
    assert name_for("الجزيرة نت", "https://www.aljazeera.net/rss", taken) == "aljazeera-net-rss"
    assert name_for("", "https://x.example/", taken) == "x-example"


def test_edit_keeps_an_empty_flow_list_readable(tmp_path: Path) -> None:
    text = with_sources("# mine\nfeeds: []\n", "feeds.yaml",
                        [NewSource("a", "https://a.example/rss", ["x", "y"])])
    assert text == ("# mine\nfeeds:\n  - name: a\n    url: https://a.example/rss\n"
                    "    tags: [x, y]\n")
    # a file written `- name:` at the margin keeps that style
    text = with_sources("feeds:\n- name: b\n  url: https://b.example/rss\n", "feeds.yaml",
                        [NewSource("a", "https://a.example/rss")])
    assert text.endswith("\n- name: a\n  url: https://a.example/rss\n")
    with pytest.raises(ConfigError, match="must start with 'feeds:'"):
        with_sources("- a\n- b\n", "feeds.yaml", [])
