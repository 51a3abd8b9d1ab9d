"""Chat and push delivery through Apprise (Telegram, Signal, Matrix, Slack, Teams, ntfy, …).

Two halves:

- ``message`` (pure): an alert ``Digest`` -> a short title and plain-text body, one line per
  event (headline, its sources, a link: the event's page on ``WATCHDESK_WEB_URL`` when set,
  else the article), at most ``MAX_ITEMS`` of them; what a phone notification can show.
  Right-to-left headlines and feed names are wrapped in Unicode isolates, as in the digest's
  plain text, so an Arabic title does not reorder the line around it;
- ``send``: hand a stored message to Apprise for ONE target. Apprise URLs hold tokens, so
  they never leave this module: errors name the target (``desk-libye``, ``tgram-3fa2c1``)
  and the service's scheme, and Apprise's own log lines, which may print URLs, are kept
  from the log: caught, stripped of every part of the URL that could be secret, and only
  then put in the error.

The outbox stores one row per (alert, target) with kind ``chat``: the payload is
``{"target": name, "title": …, "body": …}``, never the URL (see ``notify.outbox``).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, unquote, urlsplit

from ..config.targets import NotifyTarget
from ..errors import DeliveryError
from .clean import clean_text, isolate
from .digest import Digest

MAX_ITEMS = 8          # events listed in one message; the rest is counted
TITLE_MAX = 250
LINE_MAX = 200
APPRISE_LOGGERS = ("apprise", "urllib3", "requests", "requests_oauthlib", "oauthlib")

_lock = threading.Lock()   # the capture handler is process-wide: one send at a time


def quiet_loggers() -> None:
    """Keep Apprise and the HTTP libraries under it out of the log: their DEBUG lines print
    request URLs, tokens included. ``send`` reads Apprise's messages itself."""
    for name in APPRISE_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        logger.propagate = False
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())


# -- composing (pure) ---------------------------------------------------------------------------

def link(story_id: int, article_url: str | None, web_url: str) -> str | None:
    """The event's page on the web interface when its address is known, else the article."""
    if web_url:
        return f"{web_url.rstrip('/')}/events/{story_id}"
    return article_url


def message(d: Digest, subject: str, web_url: str = "") -> tuple[str, str]:
    """(title, body) for an alert: short, plain text (Apprise converts it for services that
    want Markdown or HTML, escaping it)."""
    lines: list[str] = []
    items = [(g, it) for g in d.groups for it in g.items]
    for g, it in items[:MAX_ITEMS]:
        where = ", ".join(map(isolate, it.sources[:3])) + (
            f" +{it.n_sources - 3}" if it.n_sources > 3 else "")
        why = (f" — {it.breaking.sources} sources / {it.breaking.minutes} min"
               if it.breaking else "")
        title = isolate(clean_text(it.title or "(sans titre)", LINE_MAX))
        lines.append(clean_text(f"• {title} ({where}){why}", LINE_MAX + 40))
        lines.append(f"  [{g.title}]" if len(d.groups) > 1 else "")
        url = link(it.story_id, it.url, web_url)
        if url:
            lines.append(f"  {clean_text(url, 500)}")
    if len(items) > MAX_ITEMS:
        lines.append(f"… +{len(items) - MAX_ITEMS}")
    return clean_text(subject, TITLE_MAX), "\n".join(x for x in lines if x)


def payload(target: str, title: str, body: str) -> str:
    """What the outbox row stores: the target's NAME, never its URL."""
    return json.dumps({"target": target, "title": title, "body": body}, ensure_ascii=False)


# -- sending ------------------------------------------------------------------------------------

def secrets_of(url: str) -> list[str]:
    """The parts of an Apprise URL that may be secret: user, password, path segments and
    query values (a token can hide in any of them), longest first."""
    parts = urlsplit(url)
    pieces = [parts.username or "", parts.password or ""]
    pieces += re.split(r"[/,]", unquote(parts.path))
    pieces += [v for _, v in parse_qsl(parts.query)]
    host = parts.netloc.rpartition("@")[2]
    if "." not in host:   # not a domain nor an IPv4 address: tgram://BOT:TOKEN/… hides one
        pieces += [host, *host.split(":")]
    found = {p for p in pieces if len(p) >= 4}
    found |= {unquote(p) for p in found} | {p.replace(":", "%3A") for p in found}
    return sorted(found, key=len, reverse=True)


def redact(text: str, url: str) -> str:
    for secret in secrets_of(url):
        text = text.replace(secret, "***")
    return text


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(record.getMessage())
        except Exception:   # a badly formatted third-party record must not stop a delivery
            self.lines.append(record.msg if isinstance(record.msg, str) else "?")


@contextmanager
def _captured() -> Iterator[_Capture]:
    quiet_loggers()
    capture = _Capture()
    logger = logging.getLogger("apprise")
    with _lock:
        logger.addHandler(capture)
        try:
            yield capture
        finally:
            logger.removeHandler(capture)


def send(target: NotifyTarget, title: str, body: str) -> None:
    """Deliver to one target; raises DeliveryError (naming the target, never its URL)."""
    import apprise  # here: only the notifier needs it (~0.2 s to import)

    what = f"notify target {target.name} ({target.scheme})"
    with _captured() as capture:
        client = apprise.Apprise()
        if not client.add(target.url):
            raise DeliveryError(f"{what}: Apprise does not understand this URL — check its "
                                "syntax in WATCHDESK_NOTIFY / WATCHDESK_NOTIFY_FILE")
        try:
            ok = client.notify(body=body, title=title,
                               body_format=apprise.NotifyFormat.TEXT)
        except Exception as e:   # a plugin bug: still a failed delivery, retried
            raise DeliveryError(f"{what}: {redact(type(e).__name__ + ': ' + str(e), target.url)}"
                                ) from None
    if not ok:
        said = "; ".join(redact(x, target.url) for x in capture.lines[-3:])
        raise DeliveryError(f"{what} failed" + (f": {clean_text(said, 300)}" if said else ""))
