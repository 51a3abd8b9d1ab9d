"""``watchdesk run`` as a real subprocess whose log the tests read, line by line."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from conftest import cli_env


class Run:
    """A real `watchdesk run`, its stderr in a file."""

    def __init__(self, args: list[str], log: Path, **env: str) -> None:
        self.log_path = log
        self._log = open(log, "w")  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen([sys.executable, "-m", "watchdesk", "run", *args],
                                     stdout=self._log, stderr=subprocess.STDOUT,
                                     env=cli_env(**env))

    @property
    def pid(self) -> int:
        return self.proc.pid

    def logs(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8")

    def wait_log(self, text: str, timeout: float = 60, n: int = 1) -> None:
        """Until ``text`` is in the log ``n`` times (or the process ended)."""
        self.wait_for(lambda log: log.count(text) >= n, timeout, f"{text!r} x{n}")

    def wait_for(self, pred: Callable[[str], bool], timeout: float = 60,
                 what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not pred(self.logs()):
            if self.proc.poll() is not None:
                raise AssertionError(f"exited {self.proc.returncode} before {what}:\n"
                                     f"{self.logs()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} after {timeout}s:\n{self.logs()}")
            time.sleep(0.05)

    def signal(self, sig: signal.Signals = signal.SIGTERM) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float = 60) -> int:
        return self.proc.wait(timeout=timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def lines(log: str) -> list[str]:
    return [x for x in log.splitlines() if x.strip()]
