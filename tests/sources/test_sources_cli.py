"""`watchdesk feeds import / export / add` as real subprocesses: OPML files in the shapes
Inoreader, Feedly and FreshRSS export, a feeds.yaml with comments kept through the edits,
discovery against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from watchdesk.config.feeds import load_feeds
from watchdesk.demo.server import FixtureServer

from conftest import cli_env, rss, watchdesk

DATA = Path(__file__).parent / "data"
HTML = "text/html; charset=utf-8"
RULES = Path(__file__).parents[1] / "data" / "rules"

HAND_WRITTEN = textwrap.dedent("""\
    # Feeds of the Libya desk. Keep RFI first: it is the fastest on Haftar.
    defaults:
      interval: 15m

    feeds:
      - name: rfi-afrique        # the reference
        url: "https://www.rfi.fr/fr/afrique/rss"
        tags: [afrique, fr]

      # Arabic sources below
      - name: aljazeera-ar
        url: https://www.aljazeera.net/aljazeerarss/a7c186be-1baa-4bd4-9d80-a84db769f779/73d0e1b4-532f-45ef-b135-bfdff8b8cab9
        tags: [ar]
    """)


def run(*args: str, feeds: Path, db: Path | None = None):  # type: ignore[no-untyped-def]
    extra = ["--db", str(db)] if db else []
    return watchdesk(*args, "--feeds", str(feeds), *extra, env=cli_env())


@pytest.fixture
def feeds_file(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def by_name(path: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {f.name: (f.url, f.tags) for f in load_feeds(path)}


# -- import ------------------------------------------------------------------------------------

def test_import_inoreader_keeps_comments_names_from_titles_folders_as_tags(
        feeds_file: Path) -> None:
    r = run("feeds", "import", str(DATA / "inoreader.opml"), feeds=feeds_file)
    assert r.returncode == 0, r.stderr
    text = feeds_file.read_text(encoding="utf-8")
    # the file as written stays, comments and quotes included; the new feeds follow
    assert text.startswith(HAND_WRITTEN.rstrip("\n"))
    feeds = by_name(feeds_file)
    assert feeds["libya-herald"] == ("https://libyaherald.com/feed/", ("libye", "sahel-afrique"))
    assert feeds["libya-observer"] == ("https://libyaobserver.ly/rss.xml", ("libye",))
    assert feeds["le-monde-fr-actualites-et-infos-en-france-et-dans-le-monde"][1] == ()
    # RFI and the Arabic feed were there already (by URL): skipped, and said so
    assert "skipped inoreader.opml:13: RFI - Afrique: already in feeds.yaml as 'rfi-afrique'" \
        in r.stdout
    assert "already in feeds.yaml as 'aljazeera-ar'" in r.stdout
    assert len(feeds) == 5 and "3 feed(s) added" in r.stdout and "2 skipped" in r.stdout
    # interval default applies to them: the file is valid as a whole
    check = watchdesk("check", "--feeds", str(feeds_file), "--rules", str(RULES),
                      env=cli_env())
    assert check.returncode == 0, check.stdout + check.stderr


def test_import_dry_run_changes_nothing(feeds_file: Path) -> None:
    before = feeds_file.read_bytes()
    r = run("feeds", "import", "--dry-run", str(DATA / "feedly.opml"), feeds=feeds_file)
    assert r.returncode == 0, r.stderr
    assert "would add meduza-the-real-russia-today  https://meduza.io/rss/en/all  [russie]" \
        in r.stdout
    assert "would add jeune-afrique  https://www.jeuneafrique.com/feed/  [sahel]" in r.stdout
    assert "feedly.opml: line 14: Podcast: not an http(s) URL" in r.stdout
    assert "(dry run: nothing changed)" in r.stdout
    assert feeds_file.read_bytes() == before


def test_import_freshrss_categories_and_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "feeds.yaml"
    path.parent.mkdir()
    r = run("feeds", "import", str(DATA / "freshrss.opml"), feeds=path)
    assert r.returncode == 0, r.stderr
    assert by_name(path) == {
        "france-24-afrique": ("https://www.france24.com/fr/afrique/rss", ("sans-categorie",)),
        "libya-review": ("https://libyareview.com/feed/", ("libye", "est", "russie"))}


def test_import_refuses_hostile_or_broken_files(feeds_file: Path, tmp_path: Path) -> None:
    before = feeds_file.read_bytes()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n")
    xxe = tmp_path / "xxe.opml"
    xxe.write_text(f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">'
                   ']><opml version="2.0"><body><outline text="&x;" xmlUrl="https://a.example/'
                   'rss"/></body></opml>')
    r = run("feeds", "import", str(xxe), feeds=feeds_file)
    assert r.returncode == 1 and "not well-formed XML" in r.stderr
    assert "TOP SECRET" not in r.stdout + r.stderr
    html = tmp_path / "page.opml"
    html.write_text("<html><body>not OPML</body></html>")
    r = run("feeds", "import", str(html), feeds=feeds_file)
    assert r.returncode == 1 and "is not OPML: its root element is <html>" in r.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("feeds:\n  - name: x\n    url: ftp://nope\n")
    r = run("feeds", "import", str(DATA / "feedly.opml"), feeds=broken)
    assert r.returncode == 1 and "fix them first" in r.stderr and "broken.yaml:3" in r.stderr
    assert broken.read_text() == "feeds:\n  - name: x\n    url: ftp://nope\n"
    assert feeds_file.read_bytes() == before


def test_export_then_import_round_trip(feeds_file: Path, tmp_path: Path) -> None:
    assert run("feeds", "import", str(DATA / "inoreader.opml"), feeds=feeds_file).returncode == 0
    with feeds_file.open("a", encoding="utf-8") as f:
        f.write("  - name: channel\n    kind: telegram\n    url: https://t.me/s/sahel_monitor\n")
    r = run("feeds", "export", feeds=feeds_file, db=tmp_path / "none.db")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert "not exported (1 source(s) that are not feeds): channel" in r.stderr
    exported = tmp_path / "export.opml"
    exported.write_text(r.stdout, encoding="utf-8")
    again = tmp_path / "again.yaml"
    r = run("feeds", "import", str(exported), feeds=again)
    assert r.returncode == 0, r.stderr
    original = {url: tags for url, tags in by_name(feeds_file).values()
                if not url.startswith("https://t.me/")}
    assert {url: tags for url, tags in by_name(again).values()} == original
    assert set(by_name(again)) == set(by_name(feeds_file)) - {"channel"}


# -- add ---------------------------------------------------------------------------------------

@pytest.fixture
def blog() -> FixtureServer:
    with FixtureServer() as srv:
        srv.set("/feed/", rss([{"title": "Libye : Haftar reçoit une délégation russe",
                                "link": "{{BASE}}/2025/06/07/haftar", "guid": "p1",
                                "date": "Sat, 07 Jun 2025 09:00:00 GMT"}],
                              title="Sahel Hebdo"), content_type="application/rss+xml")
        srv.set("/", '<!DOCTYPE html><html><head><title>Sahel Hebdo</title><link rel="alternate"'
                ' type="application/rss+xml" title="Sahel Hebdo &raquo; Flux" href="/feed/">'
                "</head><body><h1>Sahel Hebdo</h1></body></html>", content_type=HTML)
        yield srv  # type: ignore[misc]


def test_add_finds_the_feed_a_page_announces_and_refuses_it_twice(
        feeds_file: Path, blog: FixtureServer) -> None:
    r = run("feeds", "add", blog.url("/"), "--tags", "sahel,fr", feeds=feeds_file)
    assert r.returncode == 0, r.stderr
    assert f"feed {blog.url('/feed/')}" in r.stdout and "title: Sahel Hebdo" in r.stdout
    assert "2025-06-07 09:00  Libye : Haftar reçoit une délégation russe" in r.stdout
    assert by_name(feeds_file)["sahel-hebdo"] == (blog.url("/feed/"), ("sahel", "fr"))
    assert feeds_file.read_text(encoding="utf-8").startswith(HAND_WRITTEN.rstrip("\n"))
    r = run("feeds", "add", blog.url("/"), feeds=feeds_file)
    assert r.returncode == 1 and "is already in" in r.stderr and "'sahel-hebdo'" in r.stderr
    r = run("feeds", "add", blog.url("/feed/"), "--name", "other", feeds=feeds_file)
    assert r.returncode == 1 and "already in" in r.stderr
    r = run("feeds", "add", blog.url("/feed/"), "--name", "Sahel Hebdo", feeds=feeds_file)
    assert r.returncode == 2 and "(e.g. 'sahel-hebdo')" in r.stderr


def test_add_tries_the_common_paths_then_says_what_it_tried(
        feeds_file: Path, blog: FixtureServer) -> None:
    blog.set("/", "<html><head><title>Sans flux</title></head><body></body></html>",
             content_type=HTML)
    blog.unset("/feed/")
    blog.set("/rss.xml", rss([{"title": "Un titre", "link": "{{BASE}}/a"}], title="Le flux"),
             content_type="application/rss+xml")
    r = run("feeds", "add", blog.url("/"), "--name", "sans-lien", feeds=feeds_file)
    assert r.returncode == 0, r.stderr
    assert by_name(feeds_file)["sans-lien"][0] == blog.url("/rss.xml")
    blog.unset("/rss.xml")
    r = run("feeds", "add", blog.url("/"), "--name", "rien", feeds=feeds_file)
    assert r.returncode == 1 and "no feed found at" in r.stderr
    assert f"{blog.url('/feed')}: HTTPStatusError: HTTP 404" in r.stderr
    assert "rien" not in by_name(feeds_file)


def test_add_recognises_a_channel_a_sitemap_and_a_listing_with_its_warnings(
        feeds_file: Path, blog: FixtureServer) -> None:
    blog.set("/s/sahel_monitor", (DATA / "telegram-latest.html").read_bytes(), content_type=HTML)
    blog.set("/news-sitemap.xml", (DATA / "news-sitemap.xml").read_bytes())
    blog.set("/category/actualites/", (DATA / "wordpress-listing.html").read_bytes(),
             content_type=HTML)
    r = run("feeds", "add", blog.url("/s/sahel_monitor"), feeds=feeds_file)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("telegram ") and "title: Sahel Monitor" in r.stdout
    assert "Update: the convoy reached Gao." in r.stdout
    r = run("feeds", "add", blog.url("/news-sitemap.xml"), "--name", "hebdo-news",
            feeds=feeds_file)
    assert r.returncode == 0, r.stderr
    assert "Libye : une délégation militaire russe à Benghazi" in r.stdout
    r = run("feeds", "add", blog.url("/category/actualites/"), "--name", "hebdo-liste",
            "--kind", "html", "--select", "item=article.post", "--select",
            "link=h2.entry-title a", "--select", "date=span.td-post-date", feeds=feeds_file)
    assert r.returncode == 0, r.stderr
    assert "warning: select.date 'span.td-post-date' matched nothing in any item" in r.stdout
    feeds = {f.name: f for f in load_feeds(feeds_file)}
    assert feeds["sahel-monitor"].kind == "telegram"
    assert feeds["hebdo-news"].kind == "sitemap"
    assert feeds["hebdo-liste"].kind == "html" and dict(feeds["hebdo-liste"].select) == {
        "item": "article.post", "link": "h2.entry-title a", "date": "span.td-post-date"}
    r = run("feeds", "add", blog.url("/category/actualites/"), "--kind", "html",
            "--select", "item=article.post", feeds=feeds_file)
    assert r.returncode == 2 and "--select item=CSS and --select link=CSS" in r.stderr


def test_bare_feeds_and_its_options_work_as_before(feeds_file: Path, tmp_path: Path,
                                                   blog: FixtureServer) -> None:
    db = tmp_path / "w.db"
    r = watchdesk("feeds", "--db", str(db), "add", blog.url("/feed/"), "--feeds", str(feeds_file),
                  env=cli_env())
    assert r.returncode == 0, r.stderr
    r = watchdesk("poll", "--feeds", str(feeds_file), "--rules", str(RULES), "--db", str(db),
                  "--feed", "sahel-hebdo", env=cli_env())
    assert r.returncode == 0, r.stderr
    r = watchdesk("feeds", "--json", "--feeds", str(feeds_file), "--db", str(db), env=cli_env())
    assert r.returncode == 0, r.stderr
    assert {f["name"]: f["kind"] for f in json.loads(r.stdout)}["sahel-hebdo"] == "feed"
    r = watchdesk("feeds", "--feeds", str(feeds_file), "--db", str(db), env=cli_env())
    assert r.stdout.splitlines()[0].split()[:3] == ["FEED", "LAST", "POLL"]
    r = watchdesk("feeds", "--json", "export", "--feeds", str(feeds_file), env=cli_env())
    assert r.returncode == 2 and "--json is for `watchdesk feeds` alone" in r.stderr
