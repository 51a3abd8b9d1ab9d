"""feeds.yaml validation: every mistake names the file, the line and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchdesk.config.feeds import check_feeds, load_feeds, parse_duration
from watchdesk.config.settings import Secret, from_env
from watchdesk.errors import ConfigError


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


FEED = "  - name: rfi-afrique\n    url: https://www.rfi.fr/fr/afrique/rss\n"

# one row per kind of mistake: the file, where it must be reported, the exact message
MISTAKES = [
    ("misspelt key", "feeds:\n" + FEED + "    intervall: 15m\n", 4, 5,
     "unknown key 'intervall' in feeds[rfi-afrique]: did you mean 'interval'?"),
    ("unknown key, nothing close", "feeds:\n" + FEED + "    langue: fr\n", 4, 5,
     "unknown key 'langue' in feeds[rfi-afrique]; allowed keys: enabled, fetch_articles, "
     "interval, kind, max_entries, name, select, tags, title, url"),
    ("misspelt top-level key", "feed:\n" + FEED, 1, 1,
     "unknown key 'feed' in the file: did you mean 'feeds'?"),
    ("a list at the top", FEED.replace("  - ", "- ").replace("    ", "  "), 1, 1,
     "the file is a list, but it must start with 'feeds:': write 'feeds:' on the first line "
     "and indent the list under it"),
    ("a name YAML reads as a number", "feeds:\n  - name: 500\n    url: https://a.example/\n",
     2, 11, "feeds[#1].name: YAML reads 500 as a number, but it must be text: write name: '500'"),
    ("a name YAML reads as true/false", "feeds:\n  - name: yes\n    url: https://a.example/\n",
     2, 11,
     "feeds[#1].name: YAML reads yes as true/false, but it must be text: write name: 'yes'"),
    ("a name that is not a short name", "feeds:\n  - name: Le Monde Afrique\n"
     "    url: https://www.lemonde.fr/afrique/rss_full.xml\n", 2, 11,
     "feeds[#1].name: 'Le Monde Afrique' is not valid: try 'le-monde-afrique' (short unique "
     "name: lower-case letters, digits, '-', '_' or '.', e.g. rfi-afrique)"),
    ("one tag not in a list", "feeds:\n" + FEED + "    tags: afrique\n", 4, 11,
     "feeds[rfi-afrique].tags must be a list: write tags: [afrique]"),
    ("a tag twice", "feeds:\n" + FEED + "    tags: [afrique, fr, afrique]\n", 4, 25,
     "feeds[rfi-afrique].tags: 'afrique' is listed twice: remove one"),
    ("true/false in quotes", "feeds:\n" + FEED + "    fetch_articles: 'false'\n", 4, 21,
     "feeds[rfi-afrique].fetch_articles: remove the quotes around false (it must be true or "
     "false)"),
    ("not true/false", "feeds:\n" + FEED + "    enabled: peut-être\n", 4, 14,
     "feeds[rfi-afrique].enabled must be true or false, not the text 'peut-être'"),
    ("a feed given as a url", "feeds:\n  - https://www.rfi.fr/fr/afrique/rss\n", 2, 5,
     "feeds[#1] must be keys and values ('name:', 'url:' …, one per line), not the text "
     "'https://www.rfi.fr/fr/afrique/rss'"),
    ("no space after ':'", "feeds:\n  - name:rfi-afrique\n", 2, 5,
     "feeds[#1]: name:rfi-afrique is read as text: put a space after the ':' (name: "
     "rfi-afrique)"),
    ("no name", "feeds:\n  - url: https://www.rfi.fr/fr/afrique/rss\n", 2, 5,
     "feeds[#1] has no 'name': add 'name: …' (short unique name: lower-case letters, digits, "
     "'-', '_' or '.', e.g. rfi-afrique)"),
    ("no feeds", "feeds:\n", 1, 7,
     "feeds is empty: write its items on the lines below it, each starting with '- ' (or [] "
     "for none)"),
    ("defaults not a mapping", "defaults: 15m\nfeeds:\n" + FEED, 1, 11,
     "defaults must be keys and values, not the text '15m'"),
    ("not a duration", "feeds:\n" + FEED + "    interval: 15 min\n", 4, 15,
     "feeds[rfi-afrique].interval: '15 min' is not valid (how often to poll: seconds, or a "
     "duration such as 90s, 15m, 2h, 1d (at least 60s))"),
    ("interval too short", "feeds:\n" + FEED + "    interval: 10s\n", 4, 15,
     "feeds[rfi-afrique].interval: 10s is too short: at least 60s, please"),
    ("default interval too short", "defaults:\n  interval: 30\nfeeds:\n" + FEED, 2, 13,
     "defaults.interval: 30s is too short: at least 60s, please"),
    ("not http(s)", "feeds:\n  - name: rfi\n    url: ftp://www.rfi.fr/rss\n", 3, 10,
     "feeds[rfi].url: must start with http:// or https:// (got 'ftp://www.rfi.fr/rss')"),
    ("no host", "feeds:\n  - name: rfi\n    url: https:///rss\n", 3, 10,
     "feeds[rfi].url: has no host name: 'https:///rss'"),
    ("a url Python cannot split (it crashed check)",
     "feeds:\n  - name: rfi\n    url: https://[www.rfi.fr/rss\n", 3, 10,
     "feeds[rfi].url: is not a valid URL (Invalid IPv6 URL): 'https://[www.rfi.fr/rss'"),
    ("duplicate name", "feeds:\n" + FEED + "  - name: rfi-afrique\n"
     "    url: https://www.rfi.fr/fr/moyen-orient/rss\n", 4, 11,
     "duplicate feed name 'rfi-afrique' (first used on line 2): names must be unique"),
    ("duplicate url", "feeds:\n" + FEED + "  - name: rfi\n"
     "    url: https://www.rfi.fr/fr/afrique/rss\n", 5, 10,
     "feeds[rfi].url: this url is already listed on line 2: list each feed once"),
    ("a key twice", "feeds:\n" + FEED + "    name: rfi\n", 4, 5,
     "'name' is given twice here (first on line 2): keep one of them"),
    ("empty file", "", 1, 1, "the file is empty; it needs a 'feeds:' list"),
    ("a syntax error", "feeds:\n  - name: [rfi\n", 2, 11,
     "this '[' is never closed: add the ']' that ends the list, or put the whole value in "
     "quotes if the '[' is part of the text (YAML syntax error: the rest of this file is "
     "checked once it is fixed)"),
]


@pytest.mark.parametrize(("text", "line", "column", "message"),
                         [row[1:] for row in MISTAKES], ids=[row[0] for row in MISTAKES])
def test_each_mistake_is_named_where_it_is(tmp_path: Path, text: str, line: int, column: int,
                                          message: str) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_text(text, encoding="utf-8")
    feeds, errors = check_feeds(p)
    assert feeds == []
    assert [(e.path, e.line, e.column, e.message) for e in errors] == [
        (str(p), line, column, message)]


FIVE_MISTAKES = """\
feeds:
  - name: rfi-afrique
    url: https://www.rfi.fr/fr/afrique/rss
    intervall: 15m
  - name: Le Monde
    url: https://www.lemonde.fr/afrique/rss_full.xml
  - name: libya-herald
    url: ftp://libyaherald.com/feed/
    interval: 10s
  - name: jeune-afrique
    url: https://www.jeuneafrique.com/feed/
    fetch_articles: oui
  - name: rfi-afrique
    url: https://www.rfi.fr/fr/moyen-orient/rss
"""


def test_five_mistakes_in_one_run(tmp_path: Path) -> None:
    """The issue's case: five runs were needed, and the duplicate name only showed last."""
    p = tmp_path / "feeds.yaml"
    p.write_text(FIVE_MISTAKES, encoding="utf-8")
    _, errors = check_feeds(p)
    assert [f"{e.line}:{e.column}: {e.message}" for e in errors] == [
        "4:5: unknown key 'intervall' in feeds[rfi-afrique]: did you mean 'interval'?",
        "5:11: feeds[#2].name: 'Le Monde' is not valid: try 'le-monde' (short unique name: "
        "lower-case letters, digits, '-', '_' or '.', e.g. rfi-afrique)",
        "8:10: feeds[libya-herald].url: must start with http:// or https:// "
        "(got 'ftp://libyaherald.com/feed/')",
        "9:15: feeds[libya-herald].interval: 10s is too short: at least 60s, please",
        "12:21: feeds[jeune-afrique].fetch_articles must be true or false, not the text 'oui'",
        "13:11: duplicate feed name 'rfi-afrique' (first used on line 2): names must be unique",
    ]


def test_one_feed_with_several_mistakes_gets_them_all(tmp_path: Path) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_text("feeds:\n" + FEED + "  - name: rfi-afrique\n    url: ftp://x.example/\n"
                 "    interval: 5s\n    x: 1\n", encoding="utf-8")
    _, errors = check_feeds(p)
    assert [(e.line, e.message.split(" ")[0]) for e in errors] == [
        (4, "duplicate"), (5, "feeds[rfi-afrique].url:"), (6, "feeds[rfi-afrique].interval:"),
        (7, "unknown")]


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
