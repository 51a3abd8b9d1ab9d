"""The bundled demo site: feeds parse, links resolve, and trafilatura extracts clean bodies.

Everything is fetched from a real FixtureServer over loopback, as `watchdesk demo` will.
Expectations come from data/manifest.json (generated with the pages, see data/README.md).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import feedparser
import httpx
import pytest
import trafilatura
import yaml

from watchdesk.demo import FixtureServer, data_dir, render_feeds_yaml

# The options watchdesk should use (include_comments defaults to True in trafilatura!).
EXTRACT_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": False,
    "favor_precision": True,
}

HERE = Path(__file__).parent
REPO = HERE.parent.parent
DATA = data_dir()
MANIFEST: dict[str, Any] = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
ITEMS: list[dict[str, Any]] = MANIFEST["items"]
FEEDS: list[dict[str, Any]] = MANIFEST["feeds"]
RFI_FIXTURE = HERE / "data" / "rfi-libye-russie-2023-08-22.txt"
RFI_ID = "rfi-20230822-libye-delegation-russe"

# A crude stand-in for the desk's rule: (Russia | Haftar | Wagner | Africa Corps) near
# (Libya | Sahel). Only used to check that the expectations in the manifest are coherent.
_ACTOR = re.compile(
    r"\b(russ\w*|haftar|wagner|africa corps|moscou|moscow)\b|حفتر|روسي|فاغنر|الفيلق الأفريقي",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(liby\w*|libye\w*|benghazi|tobrouk|tobruk|sahel|mali|niger|burkina)\b|ليبي|بنغازي",
    re.IGNORECASE,
)


def crude_rule(text: str) -> bool:
    return bool(_ACTOR.search(text)) and bool(_PLACE.search(text))


@pytest.fixture(scope="module")
def srv() -> Iterator[FixtureServer]:
    with FixtureServer(DATA) as server:
        yield server


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as c:
        yield c


@cache
def _extract(page: bytes, url: str, include_comments: bool = False) -> str:
    opts = {**EXTRACT_OPTIONS, "include_comments": include_comments}
    return trafilatura.extract(page, url=url, **opts) or ""


def _page(client: httpx.Client, srv: FixtureServer, item: dict[str, Any]) -> httpx.Response:
    url = item["link"].replace("{{BASE}}", srv.base_url)
    r = client.get(url)
    assert r.status_code == 200, url
    return r


def _body(client: httpx.Client, srv: FixtureServer, item: dict[str, Any]) -> str:
    r = _page(client, srv, item)
    return _extract(r.content, str(r.url))


# -- feeds.yaml and feeds -------------------------------------------------------------------


def test_feeds_yaml(srv: FixtureServer, client: httpx.Client) -> None:
    config = yaml.safe_load(render_feeds_yaml(srv.base_url))
    names = [f["name"] for f in config["feeds"]]
    assert names == ["rfi-afrique", "france24-afrique", "libya-herald", "aljazeera-ar", "culture"]
    assert names == [f["name"] for f in FEEDS]
    for feed in config["feeds"]:
        assert set(feed) == {"name", "url", "tags", "interval", "fetch_articles"}
        assert feed["url"].startswith(srv.base_url + "/")
        assert feed["interval"] == "15m"
        assert feed["fetch_articles"] is True
        assert feed["tags"] and all(isinstance(t, str) for t in feed["tags"])
        assert client.get(feed["url"]).status_code == 200


@pytest.mark.parametrize("feed", FEEDS, ids=lambda f: f["name"])
def test_feed_parses_cleanly(
    srv: FixtureServer, client: httpx.Client, feed: dict[str, Any]
) -> None:
    r = client.get(srv.url(feed["file"]))
    assert r.status_code == 200
    assert "{{BASE}}" not in r.text
    parsed = feedparser.parse(
        r.content, response_headers={"content-type": r.headers["content-type"]}
    )
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == ("rss20" if feed["format"] == "rss" else "atom10")
    assert parsed.feed.get("language", feed["lang"]).startswith(feed["lang"])
    assert 3 <= len(parsed.entries) <= 6
    assert len(parsed.entries) == feed["items"]
    expected = {i["guid"]: i for i in ITEMS if i["feed"] == feed["name"]}
    assert {e.id for e in parsed.entries} == set(expected)
    for entry in parsed.entries:
        item = expected[entry.id]
        assert entry.title == item["title"]
        assert entry.link == item["link"].replace("{{BASE}}", srv.base_url)
        assert entry.published_parsed is not None
        # a one-sentence teaser: the article itself is only on the page
        assert entry.summary == item["summary"]
        assert len(entry.summary) < 220
        assert ". " not in entry.summary.rstrip(".")


def test_every_item_links_to_a_real_page(srv: FixtureServer, client: httpx.Client) -> None:
    for item in ITEMS:
        r = _page(client, srv, item)
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        assert 20 * 1024 <= len(r.content) <= 80 * 1024, (item["id"], len(r.content))
        assert "{{BASE}}" not in r.text
        assert "<h1 class=" in r.text and html.escape(item["title"], quote=True) in r.text


def test_guids_are_stable_and_unique() -> None:
    guids = [i["guid"] for i in ITEMS]
    assert len(set(guids)) == len(guids) == 15
    assert all(g.startswith("tag:demo.watchdesk,") and "{{BASE}}" not in g for g in guids)


def test_feeds_cover_three_languages_and_both_formats() -> None:
    assert {f["lang"] for f in FEEDS} == {"fr", "en", "ar"}
    assert {f["format"] for f in FEEDS} == {"rss", "atom"}


def test_readme_lists_every_item_with_its_expectation() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for item in ITEMS:
        row = next(line for line in readme.splitlines() if f"]({item['page']})" in line)
        assert f"**{item['expect']}**" in row
        assert row.startswith(f"| {item['feed']} |")


def test_inventory_has_the_promised_cases() -> None:
    kinds = {i["kind"] for i in ITEMS}
    assert {"fixture", "trap", "wagner-composer", "libya-other", "body-only", "sahel"} <= kinds
    assert sum(i["expect"] == "positive" for i in ITEMS) == 5
    assert sum(i["expect"] == "negative" for i in ITEMS) == 10


# -- extraction -----------------------------------------------------------------------------


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["id"])
def test_body_is_the_article_and_nothing_else(
    srv: FixtureServer, client: httpx.Client, item: dict[str, Any]
) -> None:
    body = _body(client, srv, item)
    for needle in item["body_must_contain"]:
        assert needle in body, f"missing from body: {needle!r}"
    for needle in item["body_must_not_contain"]:
        assert needle not in body, f"boilerplate leaked into body: {needle!r}"
    assert len(body) > 1000


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["id"])
def test_expectation_matches_a_crude_rule(
    srv: FixtureServer, client: httpx.Client, item: dict[str, Any]
) -> None:
    text = "\n".join([item["title"], item["summary"], _body(client, srv, item)])
    assert crude_rule(text) == (item["expect"] == "positive")


def test_trap_page_would_match_if_chrome_leaked(srv: FixtureServer, client: httpx.Client) -> None:
    """The trap is real: its navigation and boxes say Wagner/Haftar/Libye, its body does not."""
    item = next(i for i in ITEMS if i["kind"] == "trap")
    page = _page(client, srv, item).text
    for headline in ("Wagner en Libye : Haftar reçoit Moscou", "l'Africa Corps russe s'installe"):
        assert html.escape(headline, quote=True) in page
    assert crude_rule(html.unescape(re.sub(r"<[^>]+>", " ", page)))
    body = _body(client, srv, item)
    assert "Podor" in body
    assert "Wagner" not in body and "Haftar" not in body and "Libye" not in body


def test_comments_must_be_excluded(srv: FixtureServer, client: httpx.Client) -> None:
    """trafilatura's default include_comments=True would make the Bayreuth review match."""
    item = next(i for i in ITEMS if i["id"] == "culture-20250727-bayreuth-tannhauser")
    r = _page(client, srv, item)
    joke = "mercenaires du groupe Wagner en Libye"
    assert joke not in _extract(r.content, str(r.url))
    with_comments = _extract(r.content, str(r.url), include_comments=True)
    assert joke in with_comments
    assert crude_rule(with_comments)


def test_body_only_positive(srv: FixtureServer, client: httpx.Client) -> None:
    """The feed alone does not reveal this positive: only the fetched page does."""
    item = next(i for i in ITEMS if i["kind"] == "body-only")
    assert not crude_rule(item["title"] + "\n" + item["summary"])
    body = _body(client, srv, item)
    assert "Haftar" in body and "russe" in body


def test_wagner_the_composer_is_not_the_group(srv: FixtureServer, client: httpx.Client) -> None:
    for item in (i for i in ITEMS if i["kind"] == "wagner-composer"):
        body = _body(client, srv, item)
        assert "Wagner" in body
        assert not _PLACE.search(body)


def test_rfi_article_is_carried_verbatim(srv: FixtureServer, client: httpx.Client) -> None:
    item = next(i for i in ITEMS if i["id"] == RFI_ID)
    assert item["title"] == (
        "Libye : une délégation militaire russe à Benghazi à l'invitation du maréchal Haftar"
    )
    r = _page(client, srv, item)
    body = _extract(r.content, str(r.url))
    assert "Evkourov" in body
    assert "Ingouchie" in body
    first, _, rest = RFI_FIXTURE.read_text(encoding="utf-8").partition("\n")
    lede = first.split(maxsplit=2)[2]
    paragraphs = [p.strip() for p in rest.split("\n\n") if p.strip()]
    assert len(paragraphs) == 8
    for p in paragraphs:
        assert p in body, p[:60]
    # the standfirst sits in the article header, outside the body container (as on rfi.fr)
    page_text = html.unescape(r.text)
    assert lede in page_text
    assert item["lede"] == lede
    assert item["lede_in_body"] is False


def test_arabic_pages_are_rtl(srv: FixtureServer, client: httpx.Client) -> None:
    for item in (i for i in ITEMS if i["lang"] == "ar"):
        page = _page(client, srv, item).text
        assert '<html lang="ar" dir="rtl">' in page
    positive = next(i for i in ITEMS if i["lang"] == "ar" and i["expect"] == "positive")
    body = _body(client, srv, positive)
    assert "حفتر" in body and "بنغازي" in body and "فاغنر" in body


def test_index_page_links_every_feed(srv: FixtureServer, client: httpx.Client) -> None:
    r = client.get(srv.base_url + "/")
    assert r.status_code == 200
    for feed in FEEDS:
        assert srv.url(feed["file"]) in r.text


# -- packaging ------------------------------------------------------------------------------


def test_data_is_not_a_package() -> None:
    assert not list(DATA.rglob("*.py"))
    assert (DATA.parent / "__init__.py").is_file()


def test_pyproject_ships_demo_data() -> None:
    pyproject = REPO / "pyproject.toml"
    if not pyproject.is_file():
        pytest.skip("not running from a source checkout")
    assert '"demo/data/**/*"' in pyproject.read_text(encoding="utf-8")


def test_generated_files_are_fresh() -> None:
    tool = REPO / "tools" / "demo_data" / "build.py"
    if not tool.is_file():
        pytest.skip("not running from a source checkout")
    result = subprocess.run(
        [sys.executable, str(tool), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, "run tools/demo_data/build.py\n" + result.stdout
