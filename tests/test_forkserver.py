"""The workers' forkserver is started before the poll's own imports and reused by the pool."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = '''
import os, sys


def parent_and_loaded():
    return os.getppid(), "trafilatura" in sys.modules
'''


def test_the_pool_forks_its_workers_from_the_forkserver_started_early(tmp_path: Path) -> None:
    # A process of its own: the forkserver is a per-process singleton. The probe is a module
    # of its own: the workers cannot import the function from a ``-c`` script.
    (tmp_path / "fs_probe.py").write_text(PROBE, encoding="utf-8")
    code = textwrap.dedent(f"""
        import asyncio, json, os, sys, time
        sys.path.insert(0, {str(tmp_path)!r})
        from multiprocessing import forkserver as fs
        from watchdesk.forkserver import start_early
        t0 = time.monotonic()
        start_early()
        spawned = time.monotonic() - t0
        early = fs._forkserver._forkserver_pid
        loaded_here = "trafilatura" in sys.modules
        from watchdesk.workers import Workers
        from fs_probe import parent_and_loaded

        async def go():
            w = Workers(1, timeout=30)
            try:
                fut = w._pool.schedule(parent_and_loaded)
                return await asyncio.wrap_future(fut)
            finally:
                w.close()

        ppid, loaded = asyncio.run(go())
        print(json.dumps({{"early": early, "ppid": ppid, "loaded_in_worker": loaded,
                           "loaded_here": loaded_here, "now": fs._forkserver._forkserver_pid,
                           "spawned_s": spawned}}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    r = json.loads(out.strip().splitlines()[-1])
    assert r["early"] is not None and r["early"] == r["now"] == r["ppid"]
    assert r["loaded_in_worker"] and not r["loaded_here"]   # preloaded there, not here



def test_only_a_first_poll_starts_the_forkserver_before_its_imports(tmp_path: Path) -> None:
    # No database, or an empty file: every page is new. A filled one: mostly 304s, and the
    # pool starts the forkserver on its first page (if any).
    from watchdesk.forkserver import first_poll

    db = tmp_path / "watchdesk.db"
    assert first_poll(db)
    db.write_bytes(b"")
    assert first_poll(db)
    db.write_bytes(b"SQLite format 3\x00" + bytes(4080))
    assert not first_poll(db)
