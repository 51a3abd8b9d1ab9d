"""Usage errors take one line, as the README promises of every error (issue 21): click's
three (usage, "Try ... for help.", error) become ``Error: ... (see `watchdesk X --help`)``."""

from __future__ import annotations

import pytest

from conftest import watchdesk


@pytest.mark.parametrize(("args", "says", "command"), [
    (["run", "--foo"], "No such option '--foo'", "watchdesk run"),
    (["alerts", "--since", "5"], "5 needs a unit: 5d for 5 days", "watchdesk alerts"),
    (["nosuch"], "No such command 'nosuch'", "watchdesk"),
    (["rules", "test", "--bar"], "No such option '--bar'", "watchdesk rules test"),
    (["outbox", "--status", "lost"], "Invalid value for '--status'", "watchdesk outbox"),
])
def test_a_usage_error_is_one_line(args: list[str], says: str, command: str) -> None:
    r = watchdesk(*args)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("Error: "), r.stderr
    assert says in r.stderr and f"(see `{command} --help`)" in r.stderr
    assert "Usage:" not in r.stderr and "Try '" not in r.stderr
