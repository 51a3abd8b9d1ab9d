"""Memory and CPU of a process tree, sampled from a thread (psutil).

``Monitor(pid)`` samples the process and all its descendants (watchdesk's forkserver and
extraction workers) every ``interval`` seconds and keeps:

- the peak RSS of the main process, the peak RSS of the largest worker, and the peak of the
  tree's summed RSS (an over-estimate: pages shared between the forkserver and its workers
  are counted once per process) and summed PSS (shared pages split between sharers: what the
  tree really costs the machine);
- the CPU time of every process seen (last sample of each: a process that ends between two
  samples loses at most one interval, 0.5 s; a default run replaces about 10 workers, so
  the tree's CPU is under-counted by well under 1%), and the machine's busy CPU over the
  same time, so a run on a busy machine says so (``other_cpu_s``: CPU used by processes
  outside the tree).

  Not the reaped children's times (``children_user``): a parent does not always reap (the
  forkserver is never waited for), and dropping a dead process on the belief that its
  parent counted it lost the whole extraction CPU of a run once.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psutil

MB = 1024 * 1024
PSS_EVERY = 4


def _busy(t: Any) -> float:
    return float(t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0)
                 + getattr(t, "steal", 0))


class Monitor:
    def __init__(self, pid: int, interval: float = 0.5, exclude: tuple[int, ...] = ()) -> None:
        self.pid = pid
        self.interval = interval
        self.exclude = exclude  # pids whose CPU is accounted elsewhere (the farm)
        self.peak_main_rss = 0.0
        self.peak_worker_rss = 0.0
        self.peak_tree_rss = 0.0
        self.peak_tree_pss = 0.0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-monitor", daemon=True)
        self._t0 = 0.0
        self._sys0: Any = None
        self.samples = 0

    def __enter__(self) -> Monitor:
        self._t0 = time.monotonic()
        self._sys0 = psutil.cpu_times()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.wall = time.monotonic() - self._t0
        self.system_busy = _busy(psutil.cpu_times()) - _busy(self._sys0)

    def sample(self) -> None:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        rss = pss = 0.0
        # PSS reads /proc/PID/smaps: 1 ms per process, which on a 2-core machine is CPU taken
        # from the process under test, so it is sampled only every PSS_EVERY samples (RSS and
        # CPU, from /proc/PID/stat, every time).
        full = self.samples % PSS_EVERY == 0
        for p in procs:
            try:
                with p.oneshot():
                    mem = p.memory_full_info() if full else p.memory_info()
                    t = p.cpu_times()
            except psutil.Error:
                continue
            rss += mem.rss
            pss += getattr(mem, "pss", mem.rss)
            self.cpu[p.pid] = t.user + t.system
            if p.pid == self.pid:
                self.peak_main_rss = max(self.peak_main_rss, mem.rss / MB)
            else:
                self.peak_worker_rss = max(self.peak_worker_rss, mem.rss / MB)
        self.peak_tree_rss = max(self.peak_tree_rss, rss / MB)
        if full:
            self.peak_tree_pss = max(self.peak_tree_pss, pss / MB)
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def report(self) -> dict[str, float]:
        tree_cpu = sum(self.cpu.values())
        return {
            "peak_main_rss_mb": round(self.peak_main_rss, 1),
            "peak_worker_rss_mb": round(self.peak_worker_rss, 1),
            "peak_tree_rss_mb": round(self.peak_tree_rss, 1),
            "peak_tree_pss_mb": round(self.peak_tree_pss, 1),
            "tree_cpu_s": round(tree_cpu, 2),
            "system_busy_cpu_s": round(self.system_busy, 2),
            "wall_s": round(self.wall, 2),
        }
