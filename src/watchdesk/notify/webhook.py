"""Webhook delivery: a JSON POST that Slack and Mattermost incoming webhooks accept.

The body is ``{"text": "<markdown summary>", "watchdesk": {...structured...}}``: chat tools
show ``text`` and ignore the rest; other consumers read ``watchdesk``. The URL usually holds a
secret token, so it is never stored in the outbox nor written in an error message (only its
scheme and host are).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..errors import DeliveryError
from .digest import Digest

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def payload(d: Digest, subject: str) -> dict[str, Any]:
    """The JSON body for an alert: a short markdown ``text`` and the items, one per event
    (its story id, its sources and their languages, its other reports, every rule it
    matched, and why it is breaking if it is)."""
    lines = [f"*{_md(subject)}*"]
    items = []
    for g in d.groups:
        for it in g.items:
            title = _md(it.title or "(sans titre)")
            where = _md(", ".join(it.sources[:4]) + (f" +{it.n_sources - 4}"
                                                      if it.n_sources > 4 else "")
                        + (f" · {' '.join(it.langs)}" if len(it.langs) > 1 else ""))
            lines.append(f"• <{it.url}|{title}> — {where}" if it.url else f"• {title} — {where}")
            items.append({
                "rule_id": g.rule_id, "rule": g.title, "priority": g.priority,
                "title": it.title, "url": it.url, "feed": it.feed,
                "story_id": it.story_id, "sources": list(it.sources),
                "languages": list(it.langs),
                "reports": [{"title": r.title, "url": r.url, "feed": r.feed, "lang": r.lang}
                            for r in it.reports],
                "also_in": list(it.sources[1:]),   # (0.1's name for the other sources)
                "rules": [label.rule_id for label in it.labels],
                "breaking": ({"sources": it.breaking.sources, "minutes": it.breaking.minutes}
                             if it.breaking else None),
                "terms": list(it.terms),
                "published_at": it.when.isoformat() if it.when else None,
                "snippet": "".join(s.text for s in it.snippet),
            })
    return {"text": "\n".join(lines), "username": "watchdesk",
            "watchdesk": {"kind": d.kind, "subject": subject, "items": items}}


def _md(text: str) -> str:
    """Keep chat markup from breaking: Slack's link syntax uses < > |."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "¦")


def where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def post(url: str, body: str, *, timeout: httpx.Timeout = TIMEOUT,
         transport: httpx.BaseTransport | None = None) -> None:
    """POST the stored JSON ``body``; any 2xx is success. Raises DeliveryError."""
    if not url:
        raise DeliveryError("a webhook message is queued but WATCHDESK_WEBHOOK_URL is not set")
    try:
        with httpx.Client(timeout=timeout, transport=transport, follow_redirects=False) as c:
            r = c.post(url, content=body.encode(),
                       headers={"Content-Type": "application/json",
                                "User-Agent": "watchdesk"})
    except httpx.TimeoutException as e:
        raise DeliveryError(f"webhook {where(url)} did not answer in time") from e
    except httpx.HTTPError as e:
        raise DeliveryError(f"cannot reach webhook {where(url)}: {e} — check "
                            "WATCHDESK_WEBHOOK_URL") from e
    if not 200 <= r.status_code < 300:
        raise DeliveryError(f"webhook {where(url)} answered {r.status_code} "
                            f"{r.text[:200]!r} — check WATCHDESK_WEBHOOK_URL")


def dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)
