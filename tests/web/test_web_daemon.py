"""`watchdesk run` serves the pages when WATCHDESK_WEB_LISTEN is set, on its own loop, and
stops them cleanly on SIGTERM; the digest and alerts link each event to its page when
WATCHDESK_WEB_URL is set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from watchdesk.notify.digest import compose
from watchdesk.notify.render import render

from .conftest import Web, first_event


def test_run_serves_the_pages_and_stops_cleanly(daemon_web: Callable[..., Web]) -> None:
    w = daemon_web()
    story = first_event(w.client)
    assert w.client.get(f"/events/{story}").status_code == 200
    assert w.client.get("/feeds").status_code == 200
    assert w.stop() == 0
    logs = w.logs()
    assert "web pages at http://127.0.0.1:" in logs and "(auth: local)" in logs
    assert "stopped" in logs and "Traceback" not in logs


def test_digest_and_alerts_link_each_event_to_its_page() -> None:
    now = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    rows = [{"article_id": 7, "story_id": 42, "rule_id": "libye", "priority": "alert",
             "title": "Libye : une délégation russe", "url": "https://www.rfi.fr/x",
             "feed_name": "rfi", "feed_title": "RFI", "published_at": "2026-11-26T06:00:00Z",
             "fetched_at": "2026-11-26T06:05:00Z", "terms": '["libye"]', "snippet": "",
             "snippets": "{}", "created_at": "2026-11-26T06:05:00Z"}]
    for kind in ("digest", "alert"):
        d = compose(rows, kind=kind, now=now, window_start=None, window_end=now,
                    timezone="Europe/Paris", web_url="https://desk.example.org/")
        r = render(d, "fr")
        assert "https://desk.example.org/events/42" in r.text
        assert 'href="https://desk.example.org/events/42"' in r.html
        assert "https://desk.example.org/rules" in r.text
        plain = render(compose(rows, kind=kind, now=now, window_start=None, window_end=now,
                               timezone="Europe/Paris"), "fr")
        assert "/events/" not in plain.text and "/events/" not in plain.html
    # a web address that is not http(s) is never linked
    d = compose(rows, now=now, window_start=None, window_end=now, timezone="Europe/Paris",
                web_url="javascript:alert(1)")
    assert "javascript" not in render(d, "en").html


def test_settings_accept_the_web_variables(tmp_path: Path) -> None:
    import pytest

    from watchdesk.config.settings import from_env
    from watchdesk.errors import ConfigError

    s = from_env({"WATCHDESK_WEB_LISTEN": "8081", "WATCHDESK_WEB_URL": "https://d.example/",
                  "WATCHDESK_WEB_EDITORS": "amina, chef",
                  "WATCHDESK_WEB_TRUSTED_PROXIES": "10.0.0.0/8"})
    assert s.web_listen == "127.0.0.1:8081" and s.web_url == "https://d.example"
    assert s.web_editors == ("amina", "chef") and str(s.web_trusted_proxies[0]) == "10.0.0.0/8"
    with pytest.raises(ConfigError, match="WATCHDESK_WEB_URL"):
        from_env({"WATCHDESK_WEB_URL": "desk.example"})
