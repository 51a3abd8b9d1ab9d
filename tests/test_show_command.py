"""`watchdesk show ID` as a real subprocess on a database a real `watchdesk poll` filled:
one article whole (metadata, the rules it matched and why, its text), so that reading an
article never needs sqlite3."""

from __future__ import annotations

import json

from watchdesk.config.settings import Settings

from conftest import paths, rfi_paragraphs, watchdesk


def _article_id(s: Settings, title_start: str) -> int:
    """The #ID `alerts` prints before the article's URL."""
    out = watchdesk("alerts", "--matched-since", "1h", *paths(s)).stdout.splitlines()
    head = next(i for i, line in enumerate(out) if line[2:].startswith(title_start))
    ident = out[head + 1].split()[0]
    assert ident.startswith("#"), out[head + 1]
    return int(ident[1:])


def test_show_prints_an_article_whole(polled: Settings) -> None:
    article_id = _article_id(polled, "Libye : une délégation")
    r = watchdesk("show", str(article_id), *paths(polled))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    lines = out.splitlines()
    assert lines[0] == f"#{article_id}  Libye : une délégation militaire russe à Benghazi"
    fields = {k.strip(): v.strip() for k, v in (line.split(": ", 1) for line in lines[1:12]
                                               if ": " in line)}
    assert fields["url"].endswith("/afrique/libye-delegation-russe")
    assert fields["feed"].startswith("afrique (Afrique)")
    assert fields["outlet"] == "127.0.0.1"
    assert fields["lang"] == "fr"
    assert fields["published"] == "2023-08-22 12:00 CEST"  # pubDate 10:00 GMT, Paris time
    assert fields["extraction"].startswith("page: ")
    assert fields["story"].startswith(tuple("0123456789"))
    # the rules it matched and why: the query, the terms, a highlighted snippet
    assert "matched 2 rule(s):" in out
    assert "  [russie-libye] Russie en Libye (urgent, matched " in out
    assert "    query:   (libye OR libyen* OR benghazi OR tripoli OR libya) AND" in out
    assert "    exclude: \"richard wagner\" OR opera OR bayreuth" in out
    assert "  [haftar] Maréchal Haftar (digest, matched " in out
    assert "[Haftar]" in out
    # its text: the summary and every paragraph of the extracted body
    assert "\nsummary (" in out and "Une délégation russe est arrivée." in out
    body = out.split("\nbody (", 1)[1]
    for para in rfi_paragraphs():
        assert para in body


def test_show_json_and_unknown_id(polled: Settings) -> None:
    article_id = _article_id(polled, "Libye : une délégation")
    data = json.loads(watchdesk("show", str(article_id), "--json", *paths(polled)).stdout)
    a = data["article"]
    assert a["id"] == article_id and a["lang"] == "fr" and a["extraction"] == "page"
    assert a["published_at"] == "2023-08-22T10:00:00Z" and a["feeds"] == ["afrique"]
    assert rfi_paragraphs()[0] in a["body"]
    assert {m["rule_id"] for m in data["matches"]} == {"russie-libye", "haftar"}
    urgent = next(m for m in data["matches"] if m["rule_id"] == "russie-libye")
    assert urgent["priority"] == "alert" and "benghazi" in urgent["terms"]
    assert urgent["query"].startswith("(libye OR libyen*") and urgent["snippets"]["body"]
    missing = watchdesk("show", "999999", *paths(polled))
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: no article 999999 in ")
    not_a_number = watchdesk("show", "abc", *paths(polled))
    assert not_a_number.returncode == 2
