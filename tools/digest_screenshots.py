"""Look at the digest as a reader would: render the sample day (tests/notify/sample.py: French,
English and Arabic titles, events with several sources, the week at a glance) and take
headless Chromium screenshots at a desktop and a phone width.

    python tools/digest_screenshots.py [OUT_DIR] [--lang fr|en] [--widths 1200,390]

Needs Debian's chromium (``apt-get install -y chromium``); not used by the tests. Writes
``digest.html``, ``digest.txt`` and ``digest-<width>.png`` to OUT_DIR (default: a new
temporary directory, printed). Chromium gets no network: every resource of the email is
inline, and ``--disable-background-networking`` keeps it from calling home.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def render(out: Path, lang: str) -> Path:
    from tests.notify.sample import NOW, TITLES, populate

    from watchdesk.config.settings import Settings
    from watchdesk.notify.outbox import preview_digest
    from watchdesk.store import Store

    db = out / "sample.db"
    db.unlink(missing_ok=True)
    store = Store(db)
    populate(store)
    _, r = preview_digest(store, Settings(db=db, mail_to=("desk@example.org",),
                                          digest_lang=lang), NOW, titles=TITLES)
    store.close()
    html = out / "digest.html"
    html.write_text(r.html, encoding="utf-8")
    (out / "digest.txt").write_text(f"Subject: {r.subject}\n\n{r.text}", encoding="utf-8")
    return html


def shoot(html: Path, width: int, out: Path, height: int = 4200) -> Path:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium not found: apt-get install -y chromium")
    png = out / f"digest-{width}.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}",
                        f"--screenshot={png}", f"--window-size={width},{height}",
                        html.as_uri()], check=True, capture_output=True, timeout=120)
    return png


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", type=Path)
    ap.add_argument("--lang", default="fr", choices=("fr", "en"))
    ap.add_argument("--widths", default="1200,390")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="watchdesk-digest-"))
    out.mkdir(parents=True, exist_ok=True)
    html = render(out, args.lang)
    for w in (int(x) for x in args.widths.split(",")):
        print(shoot(html, w, out))
    print(html)


if __name__ == "__main__":
    main()
