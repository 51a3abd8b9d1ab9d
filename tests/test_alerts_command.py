"""`watchdesk alerts`: one entry per article with all its rules (pure grouping), and the
command as a real subprocess: publication dates, whole snippets, highlighting on a terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys

from watchdesk.config.settings import Settings
from watchdesk.notify.recent import best_snippet, recent_articles

from conftest import cli_env, paths, watchdesk


def row(article_id: int, rule_id: str, *, priority: str = "digest", published: str | None =
        "2023-08-22T10:00:00Z", created: str = "2026-12-01T08:00:00Z") -> dict[str, object]:
    text = "… le maréchal Khalifa Haftar a reçu la délégation russe à Benghazi …"
    return {"article_id": article_id, "title": f"article {article_id}", "url": None,
            "feed_name": "rfi", "published_at": published,
            "fetched_at": "2026-12-01T07:59:00Z", "rule_id": rule_id, "priority": priority,
            "terms": json.dumps(["haftar"]), "snippet": text, "backfill": 0,
            "snippets": json.dumps({"body": {"text": text, "spans": [[22, 28]]}}),
            "created_at": created}


def test_one_entry_per_article_urgent_rules_first() -> None:
    rows = [row(1, "haftar", created="2026-12-01T09:00:00Z"),
            row(2, "wagner", published=None, created="2026-12-01T08:30:00Z"),
            row(1, "russie-libye", priority="alert", created="2026-12-01T08:00:00Z")]
    got = recent_articles(rows)
    assert [a.article_id for a in got] == [1, 2]            # newest match first
    assert [h.rule_id for h in got[0].hits] == ["russie-libye", "haftar"]
    assert got[0].urgent and not got[1].urgent
    assert got[0].date == ("2023-08-22T10:00:00Z", "published")
    assert got[1].date == ("2026-12-01T07:59:00Z", "fetched")
    assert got[0].hits[0].snippet.highlighted() == (
        "… le maréchal Khalifa [Haftar] a reçu la délégation russe à Benghazi …")


def test_best_snippet_prefers_the_body_and_falls_back_to_the_plain_text() -> None:
    both = {"title": {"text": "Haftar à Moscou", "spans": [[0, 6]]},
            "body": {"text": "… Haftar est arrivé …", "spans": [[2, 8]]}}
    assert best_snippet(json.dumps(both), "x").highlighted() == "… [Haftar] est arrivé …"
    assert best_snippet("{}", "texte seul").highlighted() == "texte seul"


def test_alerts_command_one_block_per_article(settings: Settings) -> None:
    assert watchdesk("poll", *paths(settings)).returncode == 0
    data = json.loads(watchdesk("alerts", "--json", *paths(settings)).stdout)
    rfi = [d for d in data if d["title"].startswith("Libye")]
    assert {d["rule_id"] for d in rfi} == {"russie-libye", "haftar"}   # two rules, ...
    r = watchdesk("alerts", *paths(settings))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    heads = [line for line in lines if "Libye : une délégation" in line]
    assert len(heads) == 1                                            # ... one block
    # the article's publication date (pubDate 10:00 GMT), in WATCHDESK_TIMEZONE
    assert heads[0].endswith("(afrique, published 2023-08-22 12:00 CEST)")
    # each snippet whole, as stored (cut at word boundaries, with …), terms in [ ]
    shown = [line[6:] for line in lines if line.startswith("      ")]
    assert sorted(shown) == sorted(d["highlighted"] for d in data)
    for text in shown:
        assert "[" in text and (text.endswith("…") or text[-1] in ".!?»"), text
    assert lines[-1] == "1 article(s), 2 match(es) in the last 24h"


def test_alerts_highlight_on_a_terminal(settings: Settings) -> None:
    assert watchdesk("poll", *paths(settings)).returncode == 0
    leader, follower = pty.openpty()
    with subprocess.Popen([sys.executable, "-m", "watchdesk", "alerts", *paths(settings)],
                          stdout=follower, stderr=subprocess.PIPE, env=cli_env()) as proc:
        os.close(follower)
        out = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            out += chunk
        os.close(leader)
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 0, err
    text = out.decode()
    assert re.search(r"\x1b\[1;33mBenghazi\x1b\[0m", text, re.I), text
    assert "[Benghazi]" not in text
