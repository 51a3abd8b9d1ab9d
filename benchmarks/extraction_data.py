"""The annotated pages of the extraction benchmark, and their scoring.

Two public data sets, each scored the way its own evaluation script scores it:

- **WCXB** (Web Content eXtraction Benchmark, CC-BY-4.0): the article pages of its dev split.
  Its ``evaluate.py`` scores bag-of-words overlap of ``\\w+`` tokens, lower-cased, per page
  (precision, recall, F1), averaged over pages; and the share of its ``with`` snippets found
  (completeness) and of its ``without`` snippets found (boilerplate kept, lower is better),
  case-insensitive substring tests.
- **ScrapingHub** article-extraction-benchmark (MIT): its ``evaluate.py`` counts 4-token
  shingles (``\\w+``, case kept) of the expected and the predicted body, normalises each page's
  true/false positives and false negatives to sum 1, averages precision and recall over pages
  (pages with nothing predicted count for recall only) and takes F1 of the two averages;
  *accuracy* is the share of pages whose token sequence is exactly the expected one.

Pages come either from the compact subset committed under ``benchmarks/data/`` or from a full
checkout of either repository (``load_wcxb``/``load_scrapinghub`` accept both layouts).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Page:
    dataset: str
    id: str
    url: str
    lang: str
    html: bytes
    expected: str
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)


_HTML_LANG = re.compile(rb"<html\b[^>]*?\s(?:xml:)?lang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.I)
_META_LANG = re.compile(rb"<meta\b[^>]*?(?:content-language|og:locale)[^>]*?content\s*=\s*"
                        rb"[\"']?([A-Za-z]{2,3})\b", re.I)


def page_lang(html: bytes) -> str:
    """The language the page declares (``<html lang>``, else content-language or og:locale),
    two letters, or ``?``."""
    head = html[:30_000]
    m = _HTML_LANG.search(head) or _META_LANG.search(head)
    return m.group(1).decode("ascii").lower()[:2] if m else "?"


def half(page_id: str) -> str:
    """The fixed half of its data set a page belongs to: ``tune`` (the first byte of the
    SHA-256 of its id is even) or ``held-out``. Extraction settings are chosen on the tune
    half; the held-out half checks that they carry over."""
    return "tune" if hashlib.sha256(page_id.encode()).digest()[0] % 2 == 0 else "held-out"


# loading ----------------------------------------------------------------------------------

def _gz(path: Path) -> bytes:
    with gzip.open(path, "rb") as f:
        return f.read()


def load_wcxb(root: Path | None = None, page_type: str = "article") -> list[Page]:
    """WCXB dev pages of ``page_type``: from the committed subset (``ground-truth.jsonl.gz``
    beside ``html/``) or from a checkout (``dev/ground-truth/*.json``, ``dev/html/``)."""
    root = root or DATA / "wcxb"
    if (root / "ground-truth.jsonl.gz").exists():
        html_dir = root / "html"
        records = [json.loads(line) for line in
                   _gz(root / "ground-truth.jsonl.gz").decode("utf-8").splitlines() if line]
    else:
        html_dir = root / "dev" / "html"
        records = [wcxb_record(json.loads(p.read_text("utf-8")), p.stem)
                   for p in sorted((root / "dev" / "ground-truth").glob("*.json"))]
    pages = []
    for r in records:
        if r is None or r["page_type"] != page_type:
            continue
        html = _gz(html_dir / f"{r['id']}.html.gz")
        pages.append(Page("wcxb", r["id"], r["url"], page_lang(html), html,
                          r["main_content"], r["with"], r["without"]))
    return pages


def wcxb_record(data: dict[str, Any], stem: str) -> dict[str, Any] | None:
    """The fields of a WCXB ground-truth file that the benchmark uses (None when the file
    has no ground truth: WCXB's own ``evaluate.py`` skips it too)."""
    gt = data.get("ground_truth")
    if not isinstance(gt, dict):
        return None
    internal = data.get("_internal") or {}
    kind = internal.get("page_type", "article") if isinstance(internal, dict) else "article"
    kind = kind.get("primary", "article") if isinstance(kind, dict) else kind
    return {"id": data.get("file_id") or stem, "url": data.get("url") or "",
            "page_type": "collection" if kind == "category" else kind,
            "main_content": gt.get("main_content") or "", "with": gt.get("with") or [],
            "without": gt.get("without") or []}


def load_scrapinghub(root: Path | None = None) -> list[Page]:
    """ScrapingHub pages: committed subset (``ground-truth.json.gz``) or a checkout
    (``ground-truth.json``), with ``html/<id>.html.gz`` beside it."""
    root = root or DATA / "scrapinghub"
    gt_path = root / "ground-truth.json.gz"
    truth = json.loads(_gz(gt_path) if gt_path.exists()
                       else (root / "ground-truth.json").read_bytes())
    pages = []
    for key in sorted(truth):
        html = _gz(root / "html" / f"{key}.html.gz")
        pages.append(Page("scrapinghub", key, truth[key].get("url") or "", page_lang(html),
                          html, truth[key].get("articleBody") or ""))
    return pages


# scoring ----------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def wcxb_page(predicted: str, page: Page) -> dict[str, float]:
    """WCXB's per-page scores: word P/R/F1, share of ``with`` and ``without`` snippets found,
    and the snippet counts trafilatura's own evaluation adds up (tp, fn, fp, tn)."""
    pred = Counter(_WORD.findall(predicted.lower()))
    ref = Counter(_WORD.findall(page.expected.lower()))
    if not ref:
        p = r = f1 = 1.0 if not pred else 0.0
    elif not pred:
        p = r = f1 = 0.0
    else:
        overlap = sum((pred & ref).values())
        p, r = overlap / sum(pred.values()), overlap / sum(ref.values())
        f1 = 2 * p * r / (p + r) if p + r else 0.0
    low = predicted.lower()
    found = sum(1 for s in page.with_ if s.lower() in low)
    leaked = sum(1 for s in page.without if s.lower() in low)
    return {"p": p, "r": r, "f1": f1,
            "with": found / len(page.with_) if page.with_ else 1.0,
            "without": leaked / len(page.without) if page.without else 0.0,
            "tp": found, "fn": len(page.with_) - found, "fp": leaked,
            "tn": len(page.without) - leaked}


def wcxb_summary(scores: list[dict[str, float]]) -> dict[str, float]:
    tp, fn, fp = (sum(s[k] for s in scores) for k in ("tp", "fn", "fp"))
    return {"p": statistics.fmean(s["p"] for s in scores),
            "r": statistics.fmean(s["r"] for s in scores),
            "f1": statistics.fmean(s["f1"] for s in scores),
            "with": statistics.fmean(s["with"] for s in scores),
            "without": statistics.fmean(s["without"] for s in scores),
            "snippet_p": tp / (tp + fp) if tp + fp else 0.0,
            "snippet_r": tp / (tp + fn) if tp + fn else 0.0,
            "snippet_f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0}


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))
                   if tokens[i:i + n])


def scrapinghub_page(predicted: str, page: Page) -> dict[str, float]:
    """ScrapingHub's per-page tp/fp/fn over 4-token shingles, normalised to sum 1, and
    whether the token sequences are equal."""
    true, pred = _shingles(page.expected), _shingles(predicted)
    tp = float(sum((true & pred).values()))
    fp = float(sum((pred - true).values()))
    fn = float(sum((true - pred).values()))
    s = tp + fp + fn
    if s:
        tp, fp, fn = tp / s, fp / s, fn / s
    return {"tp": tp, "fp": fp, "fn": fn,
            "exact": float(_WORD.findall(page.expected) == _WORD.findall(predicted))}


def _precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)


def scrapinghub_summary(scores: list[dict[str, float]]) -> dict[str, float]:
    ps = [_precision(s["tp"], s["fp"], s["fn"]) for s in scores if s["tp"] + s["fp"] > 0]
    rs = [_recall(s["tp"], s["fp"], s["fn"]) for s in scores if s["tp"] + s["fn"] > 0]
    p = statistics.fmean(ps) if ps else 0.0
    r = statistics.fmean(rs) if rs else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "accuracy": statistics.fmean(s["exact"] for s in scores)}


SCORERS = {"wcxb": (wcxb_page, wcxb_summary),
           "scrapinghub": (scrapinghub_page, scrapinghub_summary)}
