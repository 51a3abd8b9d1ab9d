"""``RuleBook(stored=...)``: a file broken at the first load runs its stored last good text
(the daemon keeps it in the database, issue 21), with its lists, and only then."""

from __future__ import annotations

from pathlib import Path

from watchdesk.rules import Document, RuleBook

LISTS = "lists:\n  petrole: pétrole OR brut OR raffinerie\n"
GOOD = ("rules:\n  - id: petrole\n    title: Pétrole\n    query: libye AND @petrole\n"
        "    recipients: [energie@example.org]\n" + LISTS)
OTHER = "rules:\n  - id: autre\n    query: tripoli AND @petrole\n"


def stored_of(path: Path, text: str) -> dict[str, str]:
    return {str(path.resolve()): text}


def test_a_broken_file_runs_its_stored_text_with_its_lists(tmp_path: Path) -> None:
    f = tmp_path / "petrole.yaml"
    f.write_text(GOOD.replace("libye AND", "(libye AND"), encoding="utf-8")  # broken
    (tmp_path / "autre.yaml").write_text(OTHER, encoding="utf-8")  # uses its list
    book = RuleBook(tmp_path, stored=stored_of(f, GOOD))
    assert [e.path for e in book.errors] == [str(f)]
    assert sorted(r.id for r in book.ruleset.rules) == ["autre", "petrole"]
    assert book.ruleset.get("petrole").recipients == ("energie@example.org",)
    assert book.from_stored == {str(f): 1}
    doc = Document(title="Libye : la raffinerie de Zawiya à l'arrêt", summary="", body="")
    assert [m.rule_id for m in book.ruleset.match(doc)] == ["petrole"]
    assert str(f.resolve()) not in book.good_texts()      # broken: nothing to store
    # fixed: the file's own text runs, and is the one to store from now on
    f.write_text(GOOD.replace("Pétrole", "Pétrole libyen"), encoding="utf-8")
    book.reload()
    assert book.errors == [] and book.from_stored == {}
    assert book.ruleset.get("petrole").title == "Pétrole libyen"
    assert book.good_texts()[str(f.resolve())].startswith("rules:\n  - id: petrole\n    title: "
                                                          "Pétrole libyen")


def test_without_a_stored_text_a_broken_file_runs_nothing(tmp_path: Path) -> None:
    f = tmp_path / "petrole.yaml"
    f.write_text("rules: [\n", encoding="utf-8")
    book = RuleBook(tmp_path, stored={})
    assert book.ruleset.rules == () and book.from_stored == {}
    assert [e.path for e in book.errors] == [str(f)]


def test_a_stored_text_of_a_good_file_is_ignored(tmp_path: Path) -> None:
    f = tmp_path / "petrole.yaml"
    f.write_text(GOOD.replace("id: petrole", "id: petrole-v2"), encoding="utf-8")
    book = RuleBook(tmp_path, stored=stored_of(f, GOOD))
    assert [r.id for r in book.ruleset.rules] == ["petrole-v2"] and book.from_stored == {}
