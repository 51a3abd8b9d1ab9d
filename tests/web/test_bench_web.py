"""benchmarks/bench_web.py still runs and reports every page (timings are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import cli_env

ROOT = Path(__file__).resolve().parents[2]


def test_bench_web_runs(tmp_path: Path, demo_db: Path) -> None:
    out = tmp_path / "web.json"
    p = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_web.py"), "--db",
                        str(demo_db), "--n", "2", "--json", str(out)], capture_output=True,
                       text=True, timeout=180, env=cli_env(), cwd=tmp_path, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    r = json.loads(out.read_text())
    assert r["articles"] == 15 and r["n"] == 2
    assert {"/", "/feeds", "/rules"} <= set(r["pages"])
    assert any(k.startswith("/events/") for k in r["pages"])
    assert all(v["median_ms"] > 0 for v in r["pages"].values())
