"""Rebuild the committed subset of the extraction benchmark from full checkouts.

    python benchmarks/extraction_subset.py --wcxb WCXB_CHECKOUT --scrapinghub SH_CHECKOUT

A seeded random sample (``--seed``, default 20240101) of each data set: WCXB's dev-split
article pages (``--wcxb-pages``) and ScrapingHub's pages (``--scrapinghub-pages``). Their HTML
files are copied byte for byte (they are gzip files already); the ground truth keeps only the
fields the benchmark reads, gzipped. Each data set's LICENSE is copied beside it. Writes into
``benchmarks/data/{wcxb,scrapinghub}/`` (``--out``), replacing what was there.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from extraction_data import DATA, wcxb_record  # noqa: E402


def _fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    (path / "html").mkdir(parents=True)
    return path


def wcxb(root: Path, out: Path, n: int, seed: int) -> list[str]:
    records = [r for p in sorted((root / "dev" / "ground-truth").glob("*.json"))
               if (r := wcxb_record(json.loads(p.read_text("utf-8")), p.stem))
               and r["page_type"] == "article"]
    chosen = sorted(random.Random(seed).sample(records, min(n, len(records))),
                    key=lambda r: r["id"])
    out = _fresh(out)
    for r in chosen:
        shutil.copyfile(root / "dev" / "html" / f"{r['id']}.html.gz",
                        out / "html" / f"{r['id']}.html.gz")
    with gzip.open(out / "ground-truth.jsonl.gz", "wt", encoding="utf-8", compresslevel=9) as f:
        for r in chosen:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    shutil.copyfile(root / "LICENSE", out / "LICENSE")
    return [r["id"] for r in chosen]


def scrapinghub(root: Path, out: Path, n: int, seed: int) -> list[str]:
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    chosen = sorted(random.Random(seed).sample(sorted(truth), min(n, len(truth))))
    out = _fresh(out)
    for key in chosen:
        shutil.copyfile(root / "html" / f"{key}.html.gz", out / "html" / f"{key}.html.gz")
    subset = {k: {"articleBody": truth[k].get("articleBody", ""), "url": truth[k].get("url", "")}
              for k in chosen}
    with gzip.open(out / "ground-truth.json.gz", "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump(subset, f, ensure_ascii=False, sort_keys=True, indent=0)
    shutil.copyfile(root / "LICENSE", out / "LICENSE")
    return chosen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--wcxb", type=Path, help="checkout of the WCXB repository")
    ap.add_argument("--scrapinghub", type=Path,
                    help="checkout of the ScrapingHub article-extraction-benchmark")
    ap.add_argument("--wcxb-pages", type=int, default=200)
    ap.add_argument("--scrapinghub-pages", type=int, default=80)
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--out", type=Path, default=DATA)
    args = ap.parse_args(argv)
    if not (args.wcxb or args.scrapinghub):
        ap.error("give --wcxb and/or --scrapinghub")
    if args.wcxb:
        ids = wcxb(args.wcxb, args.out / "wcxb", args.wcxb_pages, args.seed)
        print(f"wcxb: {len(ids)} article pages of the dev split")
    if args.scrapinghub:
        ids = scrapinghub(args.scrapinghub, args.out / "scrapinghub", args.scrapinghub_pages,
                          args.seed)
        print(f"scrapinghub: {len(ids)} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
