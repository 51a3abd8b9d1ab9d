"""rules-2 on the command line, as real subprocesses: `check` (all mistakes, warnings),
`search` and `rules test --query` with @lists, `rules test FILE` loading like the daemon,
its line per rule, exclusions, and errors with a caret."""

from __future__ import annotations

import textwrap
from pathlib import Path

from watchdesk.config.settings import Settings

from conftest import paths, watchdesk

LISTS = """\
lists:
  lieux-libye: tripoli OR benghazi OR misrata OR syrte
  mots-russes: ~russe OR russie OR moscou
rules:
  - id: lieux
    query: '@lieux-libye AND @mots-russes'
    examples:
      match: ["Une délégation russe à Benghazi"]
      no_match: ["Une délégation française à Benghazi"]
"""


def test_check_reports_every_mistake_and_warns(settings: Settings) -> None:
    rules = Path(settings.rules)
    (rules / "z-broken.yaml").write_text(textwrap.dedent("""\
        rules:
          - id: a
            query: haftar NEAR libye
          - id: b
            query: "africa corps"
          - id: c
            query: '@inconnue'
          - id: d
            query: haftar
            examples:
              match: ["Wagner"]
        """), encoding="utf-8")
    (rules / "warn.yaml").write_text("rules:\n  - id: w\n    query: haftar or hafter\n",
                                     encoding="utf-8")
    r = watchdesk("check", *paths(settings))
    assert r.returncode == 1
    lines = [x for x in r.stdout.splitlines() if "z-broken.yaml" in x]
    assert [x.split(":")[1] for x in lines] == ["3", "5", "7", "11"], r.stdout
    assert "NEAR needs a distance" in lines[0] and "searches the 2 words anywhere" in lines[1]
    assert "unknown list '@inconnue'" in lines[2] and "example 1 under match" in lines[3]
    assert "warn.yaml:3:19: warning: lower-case 'or' between two terms" in r.stdout
    (rules / "z-broken.yaml").unlink()
    ok = watchdesk("check", *paths(settings))
    assert ok.returncode == 0 and "1 warning(s)" in ok.stdout


def test_search_and_rules_test_query_use_the_lists(polled: Settings) -> None:
    (Path(polled.rules) / "lists.yaml").write_text(LISTS, encoding="utf-8")
    r = watchdesk("search", "@lieux-libye AND ~délégation", *paths(polled))
    assert r.returncode == 0, r.stderr
    assert "Libye : une délégation militaire russe à Benghazi" in r.stdout
    assert "terms: tripoli, benghazi, ~délégation" in r.stdout
    t = watchdesk("rules", "test", "--query", "@mots-russes NOT NEAR/3 délégation",
                  *paths(polled))
    assert t.returncode == 0, t.stderr
    assert "--query: 1 match among 2 article(s)" in t.stdout


def test_query_errors_show_the_line_and_a_caret(polled: Settings) -> None:
    r = watchdesk("search", "haftar NEAR/5 (russie OR @nulle)", *paths(polled))
    assert r.returncode == 1
    assert ("Error: query:1:26: unknown list '@nulle'; define it under lists: in a rule file\n"
            "  haftar NEAR/5 (russie OR @nulle)\n"
            "                           ^") in r.stderr
    t = watchdesk("rules", "test", "--query", "wagner ONEAR opéra", *paths(polled))
    assert t.returncode == 1
    assert "Error: query:1:8: ONEAR needs a distance" in t.stderr
    assert "  wagner ONEAR opéra\n         ^" in t.stderr


def test_rules_test_prints_a_line_per_rule_and_the_exclusions(polled: Settings) -> None:
    (Path(polled.rules) / "autres.yaml").write_text(textwrap.dedent("""\
        rules:
          - id: senegal-seul
            query: sénégal OR kaolack
            exclude: ~pluie
          - id: jamais
            query: tobrouk
          - id: eteinte
            query: haftar
            enabled: false
        """), encoding="utf-8")
    r = watchdesk("rules", "test", *paths(polled))
    assert r.returncode == 0, r.stderr
    tally = r.stdout.split("rule(s) tested on", 1)[1]
    assert "  haftar: 1 match\n" in tally and "  russie-libye: 1 match\n" in tally
    assert "  jamais: 0 matches\n" in tally
    assert "  eteinte: disabled, not tested\n" in tally
    assert ("  senegal-seul: 0 matches, 1 removed by the exclusion\n"
            "    excluded by ~pluie: Sénégal : les pluies arrivent tôt\n") in tally


def test_rules_test_file_applies_the_daemon_loading_rules(polled: Settings,
                                                          tmp_path: Path) -> None:
    """A draft elsewhere whose id is already used is rejected, as the daemon would, with every
    error printed, and nothing of it is run."""
    draft = tmp_path / "draft.yaml"
    draft.write_text(textwrap.dedent("""\
        rules:
          - id: haftar
            query: kaolack
          - id: nouvelle
            query: (kaolack
        """), encoding="utf-8")
    r = watchdesk("rules", "test", str(draft), *paths(polled))
    assert r.returncode == 1
    # every error of the draft, the clash with the folder's id included
    assert f"Error: {draft}:2:9: duplicate rule id 'haftar': already defined at" in r.stderr
    assert f"Error: {draft}:5:20: expected ')' to close '(' opened at column 12" in r.stderr
    assert "      query: (kaolack\n                     ^\n" in r.stderr
    assert "rule(s) tested" in r.stdout and "[haftar]" not in r.stdout
    # only the id clash left: the draft's rule is rejected in favour of the folder's
    draft.write_text("rules:\n  - id: haftar\n    query: kaolack\n", encoding="utf-8")
    d = watchdesk("rules", "test", str(draft), *paths(polled))
    assert d.returncode == 1
    assert (f"Error: {draft}:2:9: duplicate rule id 'haftar': already defined at "
            f"{polled.rules}/libye.yaml") in d.stderr
    assert "0 rule(s) tested" in d.stdout and "changed since the daemon" not in d.stdout
