"""`status` answers for the running daemon (issue 21, item 10): it announced a 07:00 digest,
from its caller's settings, while the daemon, started with WATCHDESK_DIGEST_TIME=18:54, sent
at 18:54. The daemon records its settings in the database; `status` shows them while it runs
(and names the caller's settings that differ), its caller's once it has stopped."""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime
from pathlib import Path

from watchdesk import running
from watchdesk.config.settings import Settings
from watchdesk.store import Store, iso
from watchdesk.store.lock import DbLock

from .proc import Run
from conftest import paths, watchdesk


def test_status_shows_the_running_daemons_digest_time(settings: Settings, tmp_path: Path,
                                                      refused_port: int) -> None:
    r = Run(paths(settings), tmp_path / "run.log", WATCHDESK_TICK="0.5",
            WATCHDESK_DIGEST_TIME="18:54", WATCHDESK_TIMEZONE="UTC",
            # (its urgent alert fails on a closed port of 127.0.0.1: it stays queued)
            WATCHDESK_MAIL_TO="desk@example.org", WATCHDESK_SMTP_HOST="127.0.0.1",
            WATCHDESK_SMTP_PORT=str(refused_port))
    try:
        r.wait_log("watchdesk running")
        st = watchdesk("status", *paths(settings))     # the caller's defaults: 07:00, Paris
        assert " 18:54 UTC" in st.stdout and "07:00" not in st.stdout, st.stdout
        assert f"daemon:       running, PID {r.pid}" in st.stdout
        assert ("yours differ: WATCHDESK_DIGEST_TIME, WATCHDESK_TIMEZONE, WATCHDESK_MAIL_TO, "
                "WATCHDESK_TICK"
                in st.stdout), st.stdout
        facts = json.loads(watchdesk("status", "--json", *paths(settings)).stdout)["facts"]
        assert facts["daemon_pid"] == r.pid and facts["next_digest_at"].endswith("18:54:00Z")
        assert facts["daemon_tick"] == 0.5   # its tick judges "not polling", not ours
        r.signal(signal.SIGTERM)
        assert r.wait() == 0
    finally:
        r.close()
    after = watchdesk("status", *paths(settings))
    assert "not running on this database" in after.stdout
    assert "18:54" not in after.stdout and "digest:  none (" in after.stdout, after.stdout


def test_digest_preview_names_the_running_daemons_next_digest(polled: Settings) -> None:
    """`digest --preview` gives the same answer as `status` (one decision): the running
    daemon's digest time. The daemon is this process here: it holds the lock and recorded
    its settings, as `watchdesk run` does."""
    daemons = polled.with_overrides(digest_time="18:54", timezone="UTC",
                                    mail_to=("desk@example.org",))
    with DbLock(polled.db, "run"):
        store = Store(polled.db)
        running.record(store, daemons, iso(datetime.now(UTC)))
        store.close()
        r = watchdesk("digest", "--preview", *paths(polled))
        assert r.returncode == 0, r.stderr
        assert "next digest: " in r.stderr and " 18:54 UTC" in r.stderr, r.stderr
    after = watchdesk("digest", "--preview", *paths(polled))   # no daemon: the caller's
    assert "18:54" not in after.stderr
