"""Shared fixtures: a real HTTP server on 127.0.0.1 serving feeds and article pages built from
real-looking templates, a real SQLite file, settings pointing at both."""

from __future__ import annotations

import html
import shutil
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from ports import refusing_port
from watchdesk.config.settings import Settings
from watchdesk.demo.server import FixtureServer

DATA = Path(__file__).parent / "data"


def rfi_paragraphs() -> list[str]:
    text = (DATA / "rfi-libye-russie-2023-08-22.txt").read_text(encoding="utf-8")
    lines = [p.strip() for p in text.splitlines()[1:] if p.strip()]
    return lines


def article_page(title: str, paragraphs: list[str], *, lang: str = "fr",
                 sidebar: list[str] = ()) -> str:
    """A news page as sites publish them: navigation, 'read also' box, footer around the text."""
    nav = "".join(f'<li><a href="/rubrique/{i}">{html.escape(s)}</a></li>'
                  for i, s in enumerate(["Afrique", "Monde", "Économie", "Culture", "Sports"]))
    side = "".join(f'<li><a href="/a/{i}">{html.escape(s)}</a></li>'
                   for i, s in enumerate(sidebar))
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return textwrap.dedent(f"""\
        <!DOCTYPE html>
        <html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
        <meta name="author" content="Rédaction"></head>
        <body>
        <header><nav><ul>{nav}</ul></nav></header>
        <main>
        <article>
          <h1>{html.escape(title)}</h1>
          <p class="byline">Publié le 22/08/2023</p>
          {body}
        </article>
        <aside class="read-also"><h2>Lire aussi</h2><ul>{side}</ul></aside>
        </main>
        <footer><ul><li><a href="/mentions">Mentions légales</a></li>
        <li><a href="/contact">Contact</a></li></ul><p>© Exemple Médias</p></footer>
        </body></html>""")


def rss(items: list[dict[str, str]], title: str = "Afrique") -> str:
    out = []
    for it in items:
        guid = f"<guid isPermaLink=\"false\">{html.escape(it['guid'])}</guid>" if it.get(
            "guid") else ""
        out.append(f"""<item><title>{html.escape(it['title'])}</title>
<link>{html.escape(it['link'])}</link>{guid}
<description>{html.escape(it.get('summary', ''))}</description>
<pubDate>{it.get("date", "Tue, 22 Aug 2023 10:00:00 GMT")}</pubDate></item>""")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{html.escape(title)}</title><link>{{{{BASE}}}}/</link>"
            f"<description>test</description>{''.join(out)}</channel></rss>")


NOT_LIBYA = [
    "Au Sénégal, la saison des pluies a commencé plus tôt que prévu dans le bassin arachidier.",
    "Les agriculteurs de Kaolack se réjouissent : les semis ont pu être faits dès la fin juin, "
    "et les premières pousses sont prometteuses selon les techniciens agricoles.",
    "Le ministère de l'Agriculture prévoit une récolte record si les pluies se maintiennent "
    "jusqu'en septembre, après deux années difficiles pour les producteurs.",
]


# the entries of the ``site`` fixture's feed (a test that changes the feed starts from them)
SITE_ENTRIES = [
    {"title": "Libye : une délégation militaire russe à Benghazi",
     "link": "{{BASE}}/afrique/libye-delegation-russe",
     "guid": "rfi-1", "summary": "Une délégation russe est arrivée."},
    {"title": "Sénégal : les pluies arrivent tôt",
     "link": "{{BASE}}/afrique/senegal-pluies", "guid": "rfi-2",
     "summary": "Bonne nouvelle pour les agriculteurs."},
]


def serve_site(srv: FixtureServer) -> FixtureServer:
    """The ``site`` fixture's pages on ``srv``."""
    srv.set("/afrique/rss.xml", rss(SITE_ENTRIES))
    srv.set("/afrique/libye-delegation-russe", article_page(
        "Libye : une délégation militaire russe à Benghazi", rfi_paragraphs()))
    srv.set("/afrique/senegal-pluies", article_page(
        "Sénégal : les pluies arrivent tôt", NOT_LIBYA,
        sidebar=["Wagner en Libye : Haftar reçoit Moscou",
                 "Libye : le maréchal Haftar à Moscou"]))
    return srv


@pytest.fixture
def site() -> Iterator[FixtureServer]:
    """A news site on 127.0.0.1 with one feed of two articles: the RFI piece on the Russian
    delegation in Benghazi, and a Senegal farming piece whose 'read also' box mentions Wagner
    and Haftar (which must not match, since that box is not the article)."""
    with FixtureServer() as srv:
        yield serve_site(srv)


@pytest.fixture(autouse=True, scope="session")
def _known_good_markers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The markers of a configuration found good (config.known_good, under $XDG_CACHE_HOME)
    go to a folder of the session, not to the user's ~/.cache."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    yield
    mp.undo()


@pytest.fixture(autouse=True, scope="session")
def _compiled_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each `watchdesk` subprocess (some hundreds: commands, daemons, their workers) compiles
    the modules it imports once per session, not once per process: their bytecode goes to a
    folder of the session (``PYTHONPYCACHEPREFIX``), never to the checkout, even where the
    environment says not to write bytecode (``PYTHONDONTWRITEBYTECODE``, set on this kind of
    machine, made every subprocess compile all of ``src/`` again: ~0.2 s of CPU each)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("PYTHONPYCACHEPREFIX", str(tmp_path_factory.mktemp("pycache")))
    mp.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database filled once per session by `watchdesk demo --db` (15 articles, matches,
    events): the web pages' tests copy it, the documented examples read it."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    r = watchdesk("demo", "--db", str(db), "-q", timeout=180)
    assert r.returncode == 0, r.stderr
    return db


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port of 127.0.0.1 where nothing answers (connections refused), for the whole test."""
    with refusing_port() as port:
        yield port


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    d = tmp_path / "rules"
    shutil.copytree(DATA / "rules", d)
    return d


def write_feeds(path: Path, feeds: list[tuple[str, str]], **extra: str) -> Path:
    lines = ["feeds:"]
    for name, url in feeds:
        lines += [f"  - name: {name}", f"    url: {url}"]
        lines += [f"    {k}: {v}" for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def site_settings(folder: Path, site: FixtureServer, rules: Path) -> Settings:
    """The ``settings`` fixture's: feeds.yaml (``site``'s feed), rules and database in
    ``folder``."""
    write_feeds(folder / "feeds.yaml", [("afrique", site.url("/afrique/rss.xml"))])
    return _in(folder, rules)


def _in(folder: Path, rules: Path) -> Settings:
    return Settings(feeds=folder / "feeds.yaml", rules=rules, db=folder / "watchdesk.db",
                    workers=2, timeout=10.0)


@pytest.fixture
def settings(tmp_path: Path, site: FixtureServer, rules_dir: Path) -> Settings:
    return site_settings(tmp_path, site, rules_dir)


SRC = Path(__file__).resolve().parents[1] / "src"


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for running `python -m watchdesk` as a real subprocess."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("WATCHDESK_", "NOTIFY_",
                                                                      "WATCHDOG_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def watchdesk(*args: str, env: dict[str, str] | None = None, timeout: float = 120):  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "watchdesk", *args], capture_output=True,
                          text=True, env=env or cli_env(), timeout=timeout, check=False)


def paths(s: Settings) -> list[str]:
    """The command-line options that point a command at ``s``'s files."""
    return ["--feeds", str(s.feeds), "--rules", str(s.rules), "--db", str(s.db)]


def poll(s: Settings) -> Settings:
    r = watchdesk("poll", *paths(s))
    assert r.returncode == 0, r.stderr
    return s


@pytest.fixture(scope="module")
def _polled_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder as ``polled`` leaves it (feeds.yaml, rules, database), polled once per test
    module from a site of its own with the ``site`` fixture's pages, served until the module
    ends."""
    root = tmp_path_factory.mktemp("polled")
    with FixtureServer() as srv:
        shutil.copytree(DATA / "rules", root / "rules")
        poll(site_settings(root, serve_site(srv), root / "rules"))
        yield root


@pytest.fixture
def polled(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """``settings`` after one real `watchdesk poll` of the fixture site.

    A test that also uses ``site``, ``settings`` or ``rules_dir`` has them polled (it may
    change the site and poll again). Any other test gets, in its own ``tmp_path``, a copy of
    the files of the module's one poll (``_polled_once``: the same pages, rules and
    settings; its site still serves them): as isolated, without a `watchdesk poll` a test."""
    if {"site", "settings", "rules_dir"} & set(request.fixturenames):
        return poll(request.getfixturevalue("settings"))
    shutil.copytree(request.getfixturevalue("_polled_once"), tmp_path, dirs_exist_ok=True)
    return _in(tmp_path, tmp_path / "rules")


# -- the suite leaves the checkout as it found it ---------------------------------------------
# Tests write only under tmp paths. At the end of the session, anything new that `git status`
# reports in the checkout (untracked or ignored: a stray `watchdesk.db`, a file named after a
# command) fails the run, listed. Caches are not counted.

REPO = Path(__file__).resolve().parents[1]
_CACHES = {".venv", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "__pycache__"}


def repo_litter(root: Path) -> set[str] | None:
    """Untracked and ignored paths under ``root`` as `git status` lists them (a directory
    once), caches left out; None when ``root`` is not a git work tree or git is missing."""
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--ignored", "-z"], cwd=root,
                             capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    paths = set()
    for entry in out.stdout.split("\0"):
        code, path = entry[:2], entry[3:]
        if code not in ("??", "!!"):
            continue
        parts = Path(path).parts
        if any(p in _CACHES or p.endswith(".egg-info") for p in parts):
            continue
        paths.add(path)
    return paths


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_LITTER] = repo_litter(REPO)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_LITTER, None)
    after = repo_litter(REPO)
    if before is None or after is None:
        return
    new = sorted(after - before)
    if new:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        msg = ("the test session left files in the checkout (tests must write only under "
               "tmp paths): " + ", ".join(new))
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(msg, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_LITTER = pytest.StashKey[set[str] | None]()
