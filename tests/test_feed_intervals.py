"""An `interval:` written on a feed is what the user asked for: the ceiling of the adaptive
interval. Through feeds.yaml, a real poll of loopback feeds whose entries are old (2023), the
database, and `watchdesk feeds`, which says why each next poll is when it is."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from watchdesk.config.feeds import check_feeds
from watchdesk.demo.server import FixtureServer, status
from watchdesk.store import Store, parse_iso

from conftest import rss, watchdesk

OLD_ITEMS = [{"title": "Sénégal : les pluies arrivent tôt", "link": "{{BASE}}/a", "guid": "a"},
             {"title": "Libye : une délégation russe", "link": "{{BASE}}/b", "guid": "b"}]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_only_an_interval_on_the_feed_is_explicit(tmp_path: Path) -> None:
    feeds, errors = check_feeds(write(tmp_path / "feeds.yaml", """\
defaults:
  interval: 20m
feeds:
  - name: vite
    url: https://a.example/rss
    interval: 60s
  - name: defaut
    url: https://b.example/rss
"""))
    assert not errors
    assert [(f.name, f.interval, f.interval_explicit) for f in feeds] == [
        ("vite", 60, True), ("defaut", 1200, False)]


def seconds_between(a: str, b: str) -> float:
    x, y = parse_iso(a), parse_iso(b)
    assert x and y
    return (y - x).total_seconds()


def test_feed_asked_at_60s_is_polled_within_a_minute(tmp_path: Path, rules_dir: Path) -> None:
    with FixtureServer() as srv:
        srv.set("/vite.xml", rss(OLD_ITEMS))
        srv.set("/calme.xml", rss(OLD_ITEMS).replace("Afrique", "Calme"))
        srv.route("/panne.xml", status(503, headers={"Retry-After": "3600"}))
        for p in ("/a", "/b"):
            srv.set(p, "<html><body><p>texte</p></body></html>")
        feeds = write(tmp_path / "feeds.yaml", f"""\
defaults:
  interval: 30m
  fetch_articles: false
feeds:
  - name: vite
    url: {srv.url('/vite.xml')}
    interval: 60s
  - name: calme
    url: {srv.url('/calme.xml')}
  - name: panne
    url: {srv.url('/panne.xml')}
""")
        args = ["--feeds", str(feeds), "--rules", str(rules_dir), "--db", str(tmp_path / "w.db")]
        assert watchdesk("poll", *args).returncode == 0
        data = {f["name"]: f for f in json.loads(watchdesk("feeds", "--json", *args).stdout)}
        text = watchdesk("feeds", *args).stdout
    vite, calme, panne = data["vite"], data["calme"], data["panne"]
    # the entries are from 2023: adaptive alone says 6 h, the feed asked for 60 s
    assert 60 <= seconds_between(vite["last_polled_at"], vite["next_poll_at"]) <= 67
    assert vite["interval_explicit"] == 1 and vite["poll_interval_s"] == 60
    assert vite["next_poll_reason"].startswith("the feed's interval: 1m, the most it waits")
    # from defaults: adapts up to its ceiling
    assert calme["poll_interval_s"] == 6 * 3600
    assert calme["next_poll_reason"].startswith("adaptive, at its ceiling 6h")
    assert panne["next_poll_reason"] == "the server's Retry-After: 1h (backoff alone: 30m)"
    lines = {line.split()[0]: line for line in text.splitlines()[1:] if line[:1].strip()}
    assert re.search(r" in (1m|\d\ds) ", lines["vite"]), lines["vite"]   # a few s have passed
    assert "the feed's interval: 1m" in lines["vite"]
    assert "in 6h" in lines["calme"] or "in 5h" in lines["calme"]
    assert "Retry-After: 1h" in lines["panne"]


def test_changing_the_interval_brings_the_next_poll_forward(tmp_path: Path) -> None:
    from watchdesk.models import FeedConfig

    store = Store(tmp_path / "w.db")
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    store.sync_feeds([FeedConfig("f", "https://a.example/rss")], now)
    with store.transaction() as c:
        c.execute("UPDATE feeds SET next_poll_at='2026-12-01T14:00:00Z', poll_interval_s=21600")
    store.sync_feeds([FeedConfig("f", "https://a.example/rss")], now)        # unchanged
    assert store.feeds()[0].next_poll_at == "2026-12-01T14:00:00Z"
    store.sync_feeds([FeedConfig("f", "https://a.example/rss", interval=60,
                                 interval_explicit=True)], now)
    f = store.feeds()[0]
    assert f.next_poll_at is None and f.poll_interval is None and f.interval_explicit
    assert store.feed_report()[0]["next_poll_reason"] == "interval changed in feeds.yaml"
    store.close()

