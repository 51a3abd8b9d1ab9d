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


def test_the_pools_pipes_have_room_for_several_pages() -> None:
    """pebble's task and result pipes are widened to 1 MB on the first task (Linux), and
    pages larger than the old 64 KB still go through whole."""
    import asyncio
    import fcntl

    from watchdesk.workers import PIPE_BYTES, Workers

    async def go() -> tuple[list[int], list[int]]:
        w = Workers(2, timeout=60)
        try:
            sizes = await asyncio.gather(*(w._run(len, bytes(300_000 + i)) for i in range(8)))
            m = w._pool._pool_manager.worker_manager
            pipes = [fcntl.fcntl(c.fileno(), 1032)   # F_GETPIPE_SZ
                     for ch in (m.pool_channel, m.workers_channel) for c in (ch.reader,
                                                                            ch.writer)]
            return list(sizes), pipes
        finally:
            w.close()

    sizes, pipes = asyncio.run(go())
    assert sizes == [300_000 + i for i in range(8)]
    assert pipes == [PIPE_BYTES] * 4
