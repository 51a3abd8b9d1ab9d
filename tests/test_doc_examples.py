"""Every example command of README.md, deploy/README.md and docs/*.md that reads the database
finds something on the demo database, as a new user runs them after
`watchdesk demo --db demo.db`.

The commands are read from the documents themselves (inline code and command lines of code
blocks), so an example added, edited or removed there is tested as it is written. Synopses
with placeholders (`[--since 24h]`, `QUERY`, `FILE`) are not examples and are left out, as
are commands that write, poll or need the network.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import cli_env

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", REPO / "deploy" / "README.md", *sorted((REPO / "docs").glob("*.md"))]

# what "finds something" means for each reading command
READERS = ("search", "alerts", "rules test", "feeds", "digest --preview", "digest")
_PLACEHOLDER = re.compile(r"[\[\]|<>…]|\.\.\.|\b(QUERY|FILE|DIR|PATH|ID|URL|NAME|Q|N|S)\b")
_WRITES = ("--send", "--retry-now", "--file", "--url", "--db")


def _candidates(text: str) -> Iterator[str]:
    for m in re.finditer(r"`([^`\n]+)`", text):               # inline code
        yield m[1]
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):  # command lines of blocks
        for line in block.splitlines():
            yield line.split("  #", 1)[0]


def documented_examples() -> list[tuple[str, str]]:
    """(where, command line) of each runnable reading example."""
    out: dict[str, str] = {}
    for doc in DOCS:
        for raw in _candidates(doc.read_text(encoding="utf-8")):
            cmd = raw.strip()
            cmd = re.sub(r"^(sudo |\.venv/bin/)", "", cmd)
            if not cmd.startswith("watchdesk ") or _PLACEHOLDER.search(cmd):
                continue
            try:
                words = shlex.split(cmd)[1:]
            except ValueError:
                continue
            sub = " ".join(words[:2]) if words[:2] == ["rules", "test"] else words[0]
            if sub not in READERS or any(w in _WRITES for w in words):
                continue
            if words == ["search"]:  # the command's name in a sentence, not an example
                continue
            out.setdefault(cmd, doc.relative_to(REPO).as_posix())
    return [(where, cmd) for cmd, where in out.items()]


EXAMPLES = documented_examples()


def test_the_examples_are_found() -> None:
    """The extraction itself: the examples a new user tries first are among them."""
    commands = {cmd for _, cmd in EXAMPLES}
    assert any(c.startswith("watchdesk search ") for c in commands), commands
    assert "watchdesk alerts --matched-since 24h" in commands
    assert any(c.startswith("watchdesk rules test ") for c in commands), commands


def _count(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    return int(m[1]) if m else 0


@pytest.mark.parametrize(("where", "command"), EXAMPLES, ids=[c for _, c in EXAMPLES])
def test_documented_example_finds_something_on_the_demo(where: str, command: str,
                                                        demo_db: Path) -> None:
    words = shlex.split(command)[1:]
    # As a reader of the docs runs it, from the checkout (rules/ and feeds.yaml there), on the
    # kept demo database. Reading commands write nothing there.
    r = subprocess.run([sys.executable, "-m", "watchdesk", *words], cwd=REPO,
                       capture_output=True, text=True, timeout=120, check=False,
                       env=cli_env(WATCHDESK_DB=str(demo_db)))
    assert r.returncode == 0, f"{where}: `{command}` failed:\n{r.stderr}"
    out = r.stdout
    if words[0] in ("search", "rules"):
        # a hit shows its article's URL, on the demo's loopback server
        assert "http://127.0.0.1:" in out, f"{where}: `{command}` finds nothing on the demo:\n{out}"
    elif words[0] == "alerts":
        assert _count(r"(\d+) article\(s\), \d+ match", out) > 0, f"{where}: `{command}`"
    elif words[:2] == ["feeds", "export"]:  # OPML of the checkout's feeds.yaml
        assert "<opml" in out and 'xmlUrl="https://www.rfi.fr/' in out, f"{where}: `{command}`"
    elif words[0] == "feeds":
        assert len(out.splitlines()) > 1 and "rfi-afrique" in out, f"{where}: `{command}`"
    elif words[0] == "digest":
        assert "== " in out and "Subject: " in out, f"{where}: `{command}`: empty digest"


def _readme_rule_files() -> list[str]:
    """The YAML blocks of README.md that are rule files (they start with `rules:` or
    `lists:`)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S)
            if b.startswith(("rules:", "lists:"))]


def test_the_readme_rule_example_is_a_valid_rule_file(tmp_path: Path) -> None:
    """The README's rule example loads without an error, and its examples hold."""
    from watchdesk.rules import parse_rule_file

    blocks = _readme_rule_files()
    assert blocks, "README.md has no rule-file example"
    for i, block in enumerate(blocks):
        f = tmp_path / f"example{i}.yaml"
        f.write_text(block, encoding="utf-8")
        rules, errors = parse_rule_file(f)
        assert errors == [] and rules, [str(e) for e in errors]
