"""``watchdesk export``: matched articles as CSV for spreadsheets, or JSON Lines.

One record per article: its event (story id) and the event's sources, the rules it matched,
their terms and the first snippet, its publication and fetch times (UTC, ISO 8601).

- **CSV** is what Excel, LibreOffice and Google Sheets open by double-click: UTF-8 with a
  byte-order mark (without it Excel reads UTF-8 as Windows-1252 and Arabic becomes noise),
  CRLF rows, every field quoted when needed (the ``csv`` module), lists joined by ``"; "``.
  Feed text is hostile: a title such as ``=HYPERLINK("http://evil", "clic")`` would be a live
  formula. As OWASP advises (CSV injection), a cell that starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return gets a leading ``'``, which spreadsheets show as text.
- **JSON Lines**: one JSON object a line, lists as arrays, text as it is (no ``'``: it is not
  for spreadsheets), non-ASCII unescaped.

Everything here but ``export`` is pure: rows in, text out, written to a stream the caller
opens; ``export`` reads the store in batches of 500 articles, so a year exports in bounded
memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ..store import Store

FORMATS = ("csv", "jsonl")
COLUMNS = ("article_id", "event_id", "title", "url", "feed", "sources", "rules", "urgent",
           "terms", "snippet", "published_at", "fetched_at", "matched_at", "lang")
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """OWASP's defence against CSV (formula) injection: a cell whose first character could
    start a formula gets a leading ``'``."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def records(articles: Iterable[Any], matches_of: Mapping[int, Sequence[Any]],
            ) -> Iterator[dict[str, Any]]:
    """Article rows (``store.export_articles``: sqlite3.Row or mappings) and their matches
    by article id -> export records."""
    for a in articles:
        ms = matches_of.get(int(a["article_id"]), ())
        terms: list[str] = []
        for m in ms:
            terms += [t for t in json.loads(m["terms"] or "[]") if t not in terms]
        yield {
            "article_id": int(a["article_id"]),
            "event_id": int(a["story_id"]),
            "title": a["title"] or "",
            "url": a["url"] or a["canonical_url"] or "",
            "feed": a["feed_title"],
            "sources": [str(x) for x in json.loads(a["sources"] or "[]") if x],
            "rules": list(dict.fromkeys(str(m["rule_id"]) for m in ms)),
            "urgent": any(m["priority"] == "alert" for m in ms),
            "terms": terms,
            "snippet": next((str(m["snippet"]) for m in ms if m["snippet"]), ""),
            "published_at": a["published_at"],
            "fetched_at": a["fetched_at"],
            "matched_at": min((str(m["created_at"]) for m in ms), default=None),
            "lang": a["lang"],
        }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    return neutralise(str(value)) if isinstance(value, str) else str(value)


def write_csv(recs: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """CSV with a BOM and a header row; returns the number of records."""
    out.write(BOM)
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    n = 0
    for r in recs:
        w.writerow([_cell(r[c]) for c in COLUMNS])
        n += 1
    return n


def write_jsonl(recs: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    n = 0
    for r in recs:
        out.write(json.dumps({c: r[c] for c in COLUMNS}, ensure_ascii=False) + "\n")
        n += 1
    return n


def write(fmt: str, recs: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return write_csv(recs, out) if fmt == "csv" else write_jsonl(recs, out)


def export(store: Store, fmt: str, out: TextIO, *, since: str, rule_id: str | None = None,
           everything: bool = False) -> int:
    """Write the articles fetched since ``since`` (matched ones, of ``rule_id`` if given; all
    with ``everything``) to ``out``; returns how many."""
    def batches() -> Iterator[dict[str, Any]]:
        rows = store.export_articles(since, rule_id=rule_id, everything=everything)
        while batch := list(islice(rows, 500)):
            by_article: dict[int, list[Any]] = {}
            for m in store.matches_of([int(a["article_id"]) for a in batch]):
                by_article.setdefault(int(m["article_id"]), []).append(m)
            yield from records(batch, by_article)

    return write(fmt, batches(), out)
