"""Run a command under the system-call sandbox that deploy/watchdesk.service asks systemd for.

Usage: python3 sandbox_exec.py UNIT_FILE COMMAND [ARG...]   (needs python3-seccomp, Linux >= 6.3)

Without a running systemd, this reproduces with libseccomp and prctl the unit's
``SystemCallFilter=`` (groups expanded by ``systemd-analyze syscall-filter``; anything else
kills the process with SIGSYS, as systemd does), ``RestrictAddressFamilies=`` (other socket
families fail with EAFNOSUPPORT, as under systemd) and ``MemoryDenyWriteExecute=`` (the
kernel's PR_SET_MDWE, which refuses writable+executable memory as systemd's filter does), then
execs the command. Exit status 97 when the sandbox cannot be set up.
"""

import contextlib
import ctypes
import errno
import os
import socket
import subprocess
import sys

try:
    import seccomp
except ImportError:
    sys.exit(97)

PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1


def directives(unit: str, key: str) -> list[str]:
    out = []
    with open(unit, encoding="utf-8") as f:
        for line in f:
            name, sep, value = line.strip().partition("=")
            if sep and name == key:
                out.append(value.strip())
    return out


def expand(name: str) -> set[str]:
    if not name.startswith("@"):
        return {name}
    text = subprocess.run(["systemd-analyze", "syscall-filter", name], check=True,
                          capture_output=True, text=True).stdout
    calls: set[str] = set()
    for line in text.splitlines()[1:]:
        item = line.strip()
        if item and not item.startswith("#"):
            calls |= expand(item)
    return calls


def allowed_calls(unit: str) -> set[str]:
    allowed: set[str] = set()
    for value in directives(unit, "SystemCallFilter"):
        deny = value.startswith("~")
        for item in value.lstrip("~").split():
            allowed = allowed - expand(item) if deny else allowed | expand(item)
    if os.geteuid() == 0:
        # Run as root here, SQLite chowns its journal to the database's owner; the service
        # itself never runs as root, so it never does.
        allowed |= {"fchown"}
    return allowed


def main() -> None:
    unit, cmd = sys.argv[1], sys.argv[2:]
    f = seccomp.SyscallFilter(defaction=seccomp.KILL_PROCESS)
    for name in sorted(allowed_calls(unit) - {"socket"}):
        # a name this libseccomp or architecture does not know is skipped
        with contextlib.suppress(RuntimeError, ValueError, OSError):
            f.add_rule(seccomp.ALLOW, name)
    families = {getattr(socket, name) for value in directives(unit, "RestrictAddressFamilies")
                for name in value.split()}
    refuse = seccomp.ERRNO(errno.EAFNOSUPPORT)
    for family in range(0, 64):
        action = seccomp.ALLOW if family in families else refuse
        f.add_rule(action, "socket", seccomp.Arg(0, seccomp.EQ, family))
    f.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.GE, 64))
    if "yes" in directives(unit, "MemoryDenyWriteExecute"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
            sys.exit(97)
    f.load()
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main()
