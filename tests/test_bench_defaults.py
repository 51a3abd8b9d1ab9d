"""benchmarks/bench_defaults.py still runs: rule folders on the labelled set, structure and
agreement with the labels (not timings)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(120)
def test_default_rules_benchmark_runs_on_the_labelled_set(tmp_path: Path) -> None:
    """Two folders in one run: the repository's rules (every article as labelled) and a
    one-rule folder, reported as a ratio to the first."""
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "r.yaml").write_text("rules:\n  - id: r\n    query: libye\n",
                                             encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_defaults.py"), "--rules",
         str(ROOT / "rules"), "--rules", str(tmp_path / "one"), "--passes", "1", "--repeat",
         "1", "--json"], capture_output=True, text=True, timeout=110,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    labelled = len(list((ROOT / "tests" / "labelled" / "articles").glob("*.yaml")))
    assert result["articles"] == labelled
    first, one = result["runs"]
    assert (first["count"], first["off_label"], first["vs_first"]) == (4, 0, 1.0)
    assert one["count"] == 1 and one["off_label"] > 0 and one["ms_per_article"] > 0
