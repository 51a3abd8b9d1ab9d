"""Rendering a ``Digest`` into an email's subject, plain-text part and HTML part.

Jinja2 templates live in ``watchdesk/templates/`` (``mail.html``, ``mail.txt``). The HTML
environment autoescapes everything; links are only ever the ``http(s)`` URLs that
``digest.safe_url`` kept. The HTML is written with a ``<style>`` block for readability and
inlined into ``style=""`` attributes (css-inline) because many mail clients drop ``<style>``;
the class attributes are then removed.
The layout is one fluid table, at most 640 px wide, so it reads on a phone without media
queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import css_inline
import jinja2

from .clean import clean_text, isolate
from .digest import Digest
from .glance import sparkline
from .i18n import Lang

SUBJECT_MAX = 160
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Once the styles are inlined, class attributes only weigh: a big digest is 10% smaller
# without them. Only our own markup has attributes (feed text is escaped: no bare quotes).
_CLASS = re.compile(r' class="[^"<>]*"')


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def sanitize_subject(subject: str, limit: int = SUBJECT_MAX) -> str:
    """One line (no CR/LF or other control characters), at most ``limit`` characters."""
    return clean_text(_CONTROL.sub(" ", subject), limit) or "watchdesk"


@cache
def _env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("watchdesk", "templates"),
        autoescape=autoescape, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["isolate"] = isolate
    env.filters["sparkline"] = sparkline
    return env


@cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def _counts(d: Digest, t: Lang) -> str:
    return (f"{t.count(d.n_stories, 'event', 'events')} {t('for')} "
            f"{t.count(d.n_rules, 'rule', 'rules')}")


def subject_for(d: Digest, t: Lang) -> str:
    """« watchdesk — 12 sujets pour 3 règles — jeu. 26 nov. », or for an alert
    « watchdesk ALERTE — Haftar — <first title> (+2) » (« … — Ça monte : 4 sources en 40 min
    — <title> » when the story is breaking: the subject says so, as the body does)."""
    if d.kind == "alert":
        rules = ", ".join(g.title for g in d.groups)
        item = next((i for g in d.groups for i in g.items), None)
        first = clean_text(item.title, 90) if item else ""
        if item is not None and item.breaking is not None:
            b = item.breaking   # « Ça monte : 4 sources en 40 min — <title> »
            first = f"{t('breaking', n=b.sources, minutes=b.minutes)} — {first}"
        extra = f" (+{d.n_stories - 1})" if d.n_stories > 1 else ""
        return sanitize_subject(f"watchdesk {t('alert_subject')} — {rules} — "
                                f"{first or t('untitled')}{extra}")
    day = t.day(d.window_end)
    if d.empty:
        return sanitize_subject(f"watchdesk — {t('nothing_subject')} — {day}")
    return sanitize_subject(f"watchdesk — {_counts(d, t)} — {day}")


def _preheader(d: Digest, t: Lang) -> str:
    """The line mail clients show after the subject in the inbox list."""
    if d.empty:
        return t("nothing_subject")
    parts = [f"{g.title} ({g.count})" for g in d.groups[:6]]
    return clean_text(" · ".join(parts), 200)


def render(d: Digest, lang: str = "fr") -> Rendered:
    """Subject, text and HTML for a digest or an alert, in ``lang`` (fr | en)."""
    t = Lang(lang)
    subject = subject_for(d, t)
    ctx = {"d": d, "t": t, "subject": subject, "counts": _counts(d, t),
           "preheader": _preheader(d, t)}
    text = _env(False).get_template("mail.txt").render(ctx)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    html = _env(True).get_template("mail.html").render(ctx)
    html = _CLASS.sub("", _inliner().inline(html))
    return Rendered(subject=subject, text=text, html=html)
