"""deploy/: the systemd unit, its offline checks, the scripts, and the daemon inside the unit's
sandbox; secrets passed as systemd credentials never reach the logs."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from ports import SMTPController
from watchdesk.config.settings import Settings, env_name, from_env

from conftest import cli_env

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "watchdesk.service"
SANDBOX = Path(__file__).with_name("sandbox_exec.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def unit_directives(path: Path = UNIT) -> dict[str, dict[str, list[str]]]:
    """section -> key -> values, in order (systemd keys may repeat)."""
    out: dict[str, dict[str, list[str]]] = {}
    section: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = out.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        assert sep, f"not a KEY=value line: {raw!r}"
        section.setdefault(key.strip(), []).append(value.strip())
    return out


def test_unit_has_the_directives_the_issue_asks_for() -> None:
    unit = unit_directives()
    service = unit["Service"]

    def one(key: str) -> str:
        assert key in service, f"{key}= missing"
        return service[key][-1]

    assert one("Type") == "notify" and one("NotifyAccess") == "main"
    assert one("ExecStart") == "/opt/watchdesk/venv/bin/watchdesk run"
    assert one("ExecReload") == "/bin/kill -HUP $MAINPID"
    assert one("WatchdogSec") and one("TimeoutStopSec") and one("Restart") == "on-failure"
    assert one("KillMode") == "mixed"   # SIGTERM to the daemon only: it drains its workers
    assert one("StateDirectory") == "watchdesk" and one("ConfigurationDirectory") == "watchdesk"
    assert "WATCHDESK_DB=%S/watchdesk/watchdesk.db" in service["Environment"]
    assert one("EnvironmentFile") == "-/etc/watchdesk/watchdesk.env"
    assert one("LoadCredential") == "smtp-password:/etc/watchdesk/smtp-password"
    for key, value in [("ProtectSystem", "strict"), ("NoNewPrivileges", "yes"),
                       ("SystemCallArchitectures", "native"), ("CapabilityBoundingSet", ""),
                       ("PrivateDevices", "yes"), ("PrivateTmp", "yes"), ("ProtectHome", "yes"),
                       ("ProtectProc", "invisible"), ("ProcSubset", "pid"),
                       ("MemoryDenyWriteExecute", "yes"), ("UMask", "0077"),
                       ("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6")]:
        assert one(key) == value, key
    assert service["SystemCallFilter"][0] == "@system-service"
    assert "IPAddressAllow" not in service, "the fetcher needs the Internet"
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


def test_example_env_file_lists_every_setting() -> None:
    text = (DEPLOY / "watchdesk.env").read_text(encoding="utf-8")
    missing = [env_name(f.name) for f in fields(Settings)
               if f"#{env_name(f.name)}=" not in text]
    assert missing == []
    assert "#WATCHDESK_SMTP_PASSWORD_FILE=" in text


def test_every_unit_option_is_commented() -> None:
    """Each directive in [Service] sits under a comment saying what it does and why."""
    lines = UNIT.read_text(encoding="utf-8").splitlines()
    section, bare = "", []
    for i, line in enumerate(lines):
        if line.startswith("["):
            section = line
        elif section == "[Service]" and line and not line.startswith("#"):
            j = i - 1
            while j >= 0 and lines[j] and not lines[j].startswith("#"):
                j -= 1  # a group of related options shares one comment
            if j < 0 or not lines[j].startswith("#"):
                bare.append(line)
    assert bare == []


needs_analyze = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                   reason="systemd-analyze not installed (apt-get install "
                                   "systemd); .ci/run installs it")


def check_unit(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(DEPLOY / "check-unit.sh"), str(path), *extra],
                          capture_output=True, text=True, timeout=60, check=False)


@needs_analyze
def test_check_unit_passes_with_exposure_at_most_1_2() -> None:
    r = check_unit(UNIT)
    assert r.returncode == 0, r.stdout + r.stderr
    score = float(r.stdout.split("security exposure ")[1].split()[0])
    assert score <= 1.2


@needs_analyze
def test_check_unit_fails_a_weak_or_broken_unit(tmp_path: Path) -> None:
    weak = tmp_path / "weak.service"
    weak.write_text("[Service]\nType=notify\nExecStart=/opt/watchdesk/venv/bin/watchdesk run\n")
    r = check_unit(weak)
    assert r.returncode == 1 and "above 1.2" in r.stderr, r.stdout + r.stderr
    typo = tmp_path / "typo.service"
    typo.write_text(UNIT.read_text().replace("ProtectSystem=strict", "ProtectSistem=strict"))
    r = check_unit(typo)
    assert r.returncode == 1 and "ProtectSistem" in r.stderr, r.stdout + r.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
def test_scripts_pass_shellcheck() -> None:
    scripts = [*sorted(DEPLOY.glob("*.sh")), DEPLOY / "watchdesk-cli", ROOT / ".ci" / "run"]
    r = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True,
                       check=False)
    assert r.returncode == 0, r.stdout


# -- the daemon as the unit runs it -----------------------------------------------------------


def _sandbox_available() -> str | None:
    if shutil.which("systemd-analyze") is None:
        return "systemd-analyze not installed"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found"
    probe = subprocess.run([SYSTEM_PYTHON, str(SANDBOX), str(UNIT), "true"],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        return ("cannot emulate the sandbox here (needs python3-seccomp and Linux >= 6.3): "
                f"exit {probe.returncode}")
    return None


def run_daemon(settings: Settings, tmp: Path, *prefix: str, **env: str) -> Iterator[Any]:
    log = tmp / "daemon.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [*prefix, sys.executable, "-m", "watchdesk", "run", "-v",
             "--feeds", str(settings.feeds), "--rules", str(settings.rules),
             "--db", str(settings.db)],
            stdout=out, stderr=subprocess.STDOUT, env=cli_env(WATCHDESK_TICK="0.5", **env))
        try:
            yield proc, log
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def wait_for(log: Path, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = log.read_text()
        if text in content:
            return content
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not in the daemon's log:\n{log.read_text()}")


def test_daemon_runs_inside_the_units_sandbox(settings: Settings, tmp_path: Path) -> None:
    """Extraction workers (forkserver, /dev/shm semaphores, setrlimit), lxml and trafilatura,
    SQLite in WAL mode, signals: all within SystemCallFilter, RestrictAddressFamilies and
    MemoryDenyWriteExecute as the unit sets them."""
    why = _sandbox_available()
    if why:
        pytest.skip(why)
    gen = run_daemon(settings, tmp_path, SYSTEM_PYTHON, str(SANDBOX), str(UNIT))
    proc, log = next(gen)
    try:
        wait_for(log, "matched=2")
        proc.send_signal(signal.SIGHUP)
        wait_for(log, "reloading feeds and rules")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0, log.read_text()
        assert "stopped" in log.read_text()
    finally:
        gen.close()


# -- secrets ----------------------------------------------------------------------------------

PASSWORD = "s3cret-Pa55-4f9d"


class AuthRecorder:
    """An SMTP server on 127.0.0.1 that records the logins it is offered and refuses them."""

    def __init__(self) -> None:
        from aiosmtpd.smtp import AuthResult

        self.passwords: list[str] = []

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                          data: Any) -> AuthResult:
            self.passwords.append(data.password.decode())
            return AuthResult(success=False, handled=False)

        class Accept:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                return "250 OK"

        self.port = 0      # the system's choice, once started
        self.controller = SMTPController(Accept(), authenticator=authenticator,
                                         auth_require_tls=False)

    def __enter__(self) -> AuthRecorder:
        self.controller.start()
        self.port = self.controller.port
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def test_smtp_password_from_credentials_never_logged(settings: Settings,
                                                     tmp_path: Path) -> None:
    creds = tmp_path / "credentials"
    creds.mkdir(mode=0o700)
    (creds / "smtp-password").write_text(PASSWORD + "\n")
    env = {"CREDENTIALS_DIRECTORY": str(creds), "WATCHDESK_SMTP_USER": "desk",
           "WATCHDESK_MAIL_TO": "desk@example.org", "WATCHDESK_SMTP_HOST": "127.0.0.1"}
    # the daemon will find it where systemd's LoadCredential= puts it
    assert from_env(env).smtp_password.value == PASSWORD
    with AuthRecorder() as smtp:
        env["WATCHDESK_SMTP_PORT"] = str(smtp.port)
        gen = run_daemon(settings, tmp_path, **env)
        proc, log = next(gen)
        try:
            wait_for(log, "matched=2")
            # the match is urgent: an alert is queued and its delivery tried with the login
            deadline = time.monotonic() + 30
            while not smtp.passwords and time.monotonic() < deadline:
                time.sleep(0.1)
            wait_for(log, "outbox failed")
            proc.send_signal(signal.SIGHUP)
            wait_for(log, "reloading feeds and rules")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0
        finally:
            gen.close()
    text = log.read_text()
    assert "DEBUG" in text, "the session ran with -v"
    assert PASSWORD not in text
    # the credential was used (and refused, and that failure logged) without being shown
    assert smtp.passwords and all(p == PASSWORD for p in smtp.passwords)
