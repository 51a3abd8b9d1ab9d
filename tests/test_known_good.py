"""`status` and `feeds` skip the configuration check for a configuration already found good
(config.known_good): never a stale "good" for a file changed since, broken in it or through
another file, and the same messages as a full check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from watchdesk.config.known_good import cache_dir, config_digest, config_errors
from watchdesk.config.settings import Settings

from conftest import cli_env, paths, watchdesk

LISTS = "rules: []\nlists:\n  places: benghazi OR tripoli\n"
USER = ("rules:\n  - id: places-watch\n    title: Places\n    query: '@places'\n")


def status(s: Settings, env: dict[str, str]) -> tuple[int, list[str]]:
    r = watchdesk("status", "--json", *paths(s), env=env)
    data = json.loads(r.stdout)
    return r.returncode, [f["message"] for f in data["findings"] if f["check"] == "config"]


def feeds_errors(s: Settings, env: dict[str, str]) -> list[str]:
    r = watchdesk("feeds", *paths(s), env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    at = next((i for i, line in enumerate(lines) if "configuration error(s)" in line), None)
    return [] if at is None else lines[at:]


def test_a_file_broken_after_a_good_check_is_reported(polled: Settings, tmp_path: Path) -> None:
    env = cli_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    fresh = cli_env(XDG_CACHE_HOME=str(tmp_path / "empty"))  # no marker: always a full check
    assert status(polled, env) == (0, [])
    markers = list((tmp_path / "cache" / "watchdesk" / "known-good").iterdir())
    assert len(markers) == 1                      # the good configuration is recorded
    assert status(polled, env) == (0, []) and feeds_errors(polled, env) == []

    rule = next(Path(polled.rules).glob("*.yaml"))
    good = rule.read_text(encoding="utf-8")
    rule.write_text(good.replace("rules:", "rules: [", 1), encoding="utf-8")
    code, found = status(polled, env)
    assert code == 1 and found and rule.name in found[0]
    assert (code, found) == status(polled, fresh)  # word for word what a full check says
    assert feeds_errors(polled, env) == feeds_errors(polled, fresh) != []
    assert len(list(markers[0].parent.iterdir())) == 1  # nothing recorded for a broken one

    rule.write_text(good, encoding="utf-8")       # put back: known good again
    assert status(polled, env) == (0, []) and feeds_errors(polled, env) == []


def test_a_list_removed_from_another_file_breaks_an_unchanged_one(polled: Settings,
                                                                   tmp_path: Path) -> None:
    """Each file equal to a version that was good is not enough: the folder counts."""
    env = cli_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    folder = Path(polled.rules)
    (folder / "zz-lists.yaml").write_text(LISTS, encoding="utf-8")
    (folder / "zz-user.yaml").write_text(USER, encoding="utf-8")
    assert status(polled, env) == (0, [])
    (folder / "zz-lists.yaml").write_text("rules: []\nlists:\n  other: misrata\n", encoding="utf-8")
    code, found = status(polled, env)
    assert code == 1 and "zz-user.yaml" in found[0] and "places" in found[0]
    assert "zz-user.yaml" in "\n".join(feeds_errors(polled, env))


def test_the_digest_covers_what_the_check_reads(settings: Settings, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = config_digest(settings.feeds, settings.rules, None)
    assert first is not None and config_errors(settings.feeds, settings.rules) == []
    assert (cache_dir() / first).is_file()
    assert config_digest(settings.feeds, settings.rules, ["desk"]) != first  # the targets
    assert config_digest(settings.feeds, settings.rules, []) not in (first, None)
    (Path(settings.rules) / "new.yaml").write_text("rules: []\n", encoding="utf-8")
    assert config_digest(settings.feeds, settings.rules, None) != first     # a new file
    (Path(settings.rules) / "new.yaml").unlink()
    (Path(settings.rules) / ".hidden.yaml").write_text("{", encoding="utf-8")
    assert config_digest(settings.feeds, settings.rules, None) == first     # not a rule file
    Path(settings.feeds).write_text(Path(settings.feeds).read_text() + "# note\n")
    assert config_digest(settings.feeds, settings.rules, None) != first     # feeds.yaml
    assert config_digest(tmp_path / "missing.yaml", settings.rules, None) is None


def test_the_digest_reads_the_files_the_loader_reads() -> None:
    from watchdesk.config import known_good
    from watchdesk.rules.loader import SUFFIXES

    assert known_good._RULE_SUFFIXES == SUFFIXES
