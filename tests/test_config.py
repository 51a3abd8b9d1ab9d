"""feeds.yaml validation: every mistake names the file, the line and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchdesk.config import check_feeds, load_feeds, parse_duration
from watchdesk.errors import ConfigError
from watchdesk.settings import Secret, from_env


def errors_for(tmp_path: Path, text: str) -> list[str]:
    p = tmp_path / "feeds.yaml"
    p.write_text(text, encoding="utf-8")
    _, errors = check_feeds(p)
    return [str(e) for e in errors]


def test_valid_file_with_defaults(tmp_path: Path) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_text("defaults:\n  interval: 15m\n  tags: [afrique]\nfeeds:\n"
                 "  - name: rfi-afrique\n    url: https://www.rfi.fr/fr/afrique/rss\n"
                 "    tags: [fr]\n"
                 "  - name: libya-herald\n    url: https://libyaherald.com/feed/\n"
                 "    interval: 1h\n    fetch_articles: false\n", encoding="utf-8")
    a, b = load_feeds(p)
    assert (a.name, a.interval, a.tags, a.fetch_articles, a.line) == (
        "rfi-afrique", 900, ("afrique", "fr"), True, 5)
    assert (b.interval, b.fetch_articles) == (3600, False)


@pytest.mark.parametrize(("text", "expected"), [
    ("feeds:\n  - name: a\n    url: https://a.example/rss\n    intervall: 5m\n",
     ":4:5: unknown key 'intervall' in feeds/0; allowed keys:"),
    ("feeds:\n  - name: a\n    url: ftp://a.example/rss\n",
     ":3:10: url must start with http:// or https://"),
    ("feeds:\n  - name: a\n    url: https://a.example/rss\n  - name: a\n"
     "    url: https://b.example/rss\n", ":4:11: duplicate feed name 'a' (first used on line 2)"),
    ("feeds:\n  - name: a\n    url: https://a.example/rss\n    interval: 10s\n",
     ":4:15: interval 10s is too short"),
    ("feeds:\n  - name: a\n    url: https://a.example/rss\n    fetch_articles: maybe\n",
     ":4:21: feeds/0/fetch_articles: expected boolean"),
    ("feeds:\n  - name: Le Monde\n    url: https://a.example/rss\n",
     ":2:11: feeds/0/name: \"Le Monde\" is not valid (short unique name"),
    ("feeds:\n  - url: https://a.example/rss\n", ":2:5: feeds/0: 'name' is a required property"),
    ("feeds:\n  - name: a\n    url: [https://a.example/rss\n",
     ":4:1: YAML syntax error"),
    ("feeds:\n  - name: a\n    url: https://a.example/rss\n    name: b\n",
     ":4:5: duplicate key 'name'"),
    ("", ":1:1: the file is empty"),
])
def test_errors_name_file_line_and_column(tmp_path: Path, text: str, expected: str) -> None:
    errs = errors_for(tmp_path, text)
    assert errs, "expected an error"
    assert errs[0].startswith(str(tmp_path / "feeds.yaml"))
    assert expected in errs[0], errs


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    errs = errors_for(tmp_path, "feeds:\n  - name: a\n    url: https://a.example/\n    x: 1\n"
                                "  - name: b\n    url: https://b.example/\n    y: 2\n")
    assert len(errs) == 2 and ":4:" in errs[0] and ":7:" in errs[1]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_feeds(tmp_path / "nope.yaml")


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("15m", 900),
                                               ("2h", 7200), ("1d", 86400), (300, 300)])
def test_durations(text: str | int, seconds: int) -> None:
    assert parse_duration(text) == seconds


def test_settings_from_environment(tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text("s3cret\n")
    s = from_env({"WATCHDESK_DB": "/var/lib/watchdesk/w.db", "WATCHDESK_CONCURRENCY": "8",
                  "WATCHDESK_MAIL_TO": "a@x.org, b@x.org", "WATCHDESK_SMTP_PASSWORD_FILE":
                  str(pw), "WATCHDESK_ALLOW_NETWORKS": "10.0.0.0/8"})
    assert str(s.db) == "/var/lib/watchdesk/w.db" and s.concurrency == 8
    assert s.mail_to == ("a@x.org", "b@x.org")
    assert s.smtp_password.value == "s3cret"
    assert "s3cret" not in repr(s) and "s3cret" not in str(s.smtp_password)
    assert repr(Secret("x")) == "Secret('********')"


def test_bad_environment_value_is_named() -> None:
    with pytest.raises(ConfigError, match="WATCHDESK_CONCURRENCY: invalid value"):
        from_env({"WATCHDESK_CONCURRENCY": "lots"})


def test_credentials_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / "smtp-password").write_text("from-systemd")
    s = from_env({"CREDENTIALS_DIRECTORY": str(tmp_path)})
    assert s.smtp_password.value == "from-systemd"
