"""The notifier service the daemon calls: queue digests and alerts, deliver the outbox.

Order of work, each step its own short transaction:

1. ``queue_digest``: when a digest is due, compose and render it and store it in the outbox
   (with its window) — nothing is sent yet;
2. ``queue_alerts`` (``alerts``): batch the urgent matches and breaking stories not yet
   queued into one email per recipient set (rate-limited per recipient), one short chat
   message per chat target (``chat``, rate-limited the same way) and one webhook post,
   store them and mark what they carry;
3. ``deliver``: send what the outbox holds and is due; mark each row sent only once the server
   accepted it, else record the error and retry later with exponential backoff.

A crash anywhere leaves either nothing queued (the step is redone) or a stored message that
the next ``deliver`` sends, with the same Message-ID. The only window for a duplicate is a crash
after the server (SMTP, webhook, chat service) accepted a message and before it was marked
sent: that one message may arrive twice, nothing is ever lost.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from ..config.settings import Settings
from ..config.targets import NotifyTarget
from ..errors import DeliveryError, StoreError
from ..rules.model import AlertWhen
from ..store import OutboxWrite, Store, iso, parse_iso
from ..store.lock import DbLock, Holder, holder
from ..store.outbox import recipients_of
from . import chat, mail, webhook
from .alerts import ALERT_MAX_AGE, alert_conditions, queue_alerts

__all__ = ["ALERT_MAX_AGE", "DigestNow", "RetryNow", "alert_conditions", "deliver",
           "digest_due", "notify_tick", "preview_digest", "queue_alerts", "queue_digest",
           "retry_now", "rule_maps", "send_digest_now"]
from .digest import Digest, compose
from .render import Rendered, render
from .schedule import last_digest_at

log = logging.getLogger("watchdesk.notify")

BACKOFF_BASE = 60.0      # seconds before the first retry
BACKOFF_CAP = 3600.0     # never wait more than an hour between attempts

Sender = Callable[[EmailMessage, Sequence[str], Settings], Mapping[str, str]]
Poster = Callable[[str, str], None]
Chatter = Callable[[NotifyTarget, str, str], None]


@dataclass
class TickReport:
    """What one ``notify_tick`` did."""

    digest: int | None
    alerts: list[int]
    delivery: DeliveryReport

    def __str__(self) -> str:
        return (f"digest={self.digest if self.digest is not None else '-'} "
                f"alerts={len(self.alerts)} {self.delivery}")


@dataclass
class DeliveryReport:
    """What one ``deliver`` call did."""

    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)   # (outbox id, error)
    postponed: int = 0      # due rows not tried because the mail server already failed

    def __str__(self) -> str:
        return f"sent={len(self.sent)} failed={len(self.failed)} postponed={self.postponed}"


def rule_maps(rules: Iterable[Any]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """(rule id -> title, rule id -> extra alert recipients) from ``RuleSet.rules``: its
    ``recipients`` (email addresses) and its ``notify`` targets, as ``notify:<name>``."""
    titles: dict[str, str] = {}
    recipients: dict[str, tuple[str, ...]] = {}
    for r in rules:
        titles[r.id] = getattr(r, "title", None) or r.id
        extra = (*getattr(r, "recipients", ()), *(f"notify:{n}" for n in getattr(r, "notify", ())))
        if extra:
            recipients[r.id] = tuple(extra)
    return titles, recipients


# -- digest -------------------------------------------------------------------------------------

def _compose_digest(store: Store, settings: Settings, now: datetime,
                    titles: Mapping[str, str] | None) -> tuple[Digest, str | None, str, int]:
    """The digest from the end of the last one to ``now``: (digest, window start, window end,
    match high-water mark)."""
    state = store.digest_state()
    start = state.window_end
    end = max(iso(now), start or "")         # never a window that ends before it starts
    hw = max(store.max_match_id(), state.match_hw or 0)   # read BEFORE the matches
    rows = store.digest_matches(start, end, prev_hw=state.match_hw, hw=hw)
    start_dt = parse_iso(start)
    end_dt = parse_iso(end)
    assert end_dt is not None
    d = compose(rows, kind="digest", now=now, window_start=start_dt, window_end=end_dt,
                timezone=settings.timezone, titles=titles, health=store.feed_health(now),
                recipients=settings.mail_to,
                reports=store.event_reports(int(r["story_id"]) for r in rows),
                daily=store.daily_matches(end), web_url=settings.web_url,
                lang=settings.digest_lang)
    return d, start, end, hw


def preview_digest(store: Store, settings: Settings, now: datetime, *,
                   titles: Mapping[str, str] | None = None) -> tuple[Digest, Rendered]:
    """What a digest sent now would contain, without queuing anything."""
    d, _, _, _ = _compose_digest(store, settings, now, titles)
    return d, render(d, settings.digest_lang)


def digest_due(store: Store, settings: Settings, now: datetime) -> bool:
    """Is the most recent scheduled digest time after the end of the last digest?"""
    state = store.digest_state()
    reference = state.window_end or state.baseline or store.ensure_digest_baseline(iso(now))
    return iso(last_digest_at(settings, now)) > reference


NO_RECIPIENT_KEY = "digest.warned_no_recipient"


def queue_digest(store: Store, settings: Settings, now: datetime, force: bool = False, *,
                 titles: Mapping[str, str] | None = None) -> int | None:
    """Queue the digest if one is due (or ``force``); returns its outbox id, else None.

    Due: the most recent ``digest_time`` (in ``timezone``) is after the end of the last
    digest, so one missed while the daemon was down is queued at start-up. The first call
    ever only records a baseline: the first digest comes at the next digest time and covers
    every match so far. Idempotent: a second call finds the window moved and queues nothing.
    An empty digest is queued only when ``digest_send_empty`` (otherwise the window moves on).
    """
    if not force and not digest_due(store, settings, now):
        return None
    if not settings.mail_to:
        # Once per missed digest, not every minute; the window stays open, so the first
        # digest after WATCHDESK_MAIL_TO is set covers everything matched meanwhile.
        due = iso(last_digest_at(settings, now))
        if store.get_meta(NO_RECIPIENT_KEY) != due:
            store.set_meta(NO_RECIPIENT_KEY, due)
            log.warning("digest due at %s not sent: no recipient (set WATCHDESK_MAIL_TO)", due)
        return None
    d, start, end, hw = _compose_digest(store, settings, now, titles)
    if d.empty and not settings.digest_send_empty:
        store.queue_digest_row(None, expect_end=start, window_end=end, match_hw=hw, now=iso(now))
        log.info("digest skipped: nothing matched (WATCHDESK_DIGEST_SEND_EMPTY=false)")
        return None
    r = render(d, settings.digest_lang)
    msg = OutboxWrite(
        kind="digest", message_id=mail.message_id("digest", d.window_end, settings, start, end, hw),
        recipients=tuple(settings.mail_to), subject=r.subject, body_text=r.text,
        body_html=r.html, window_start=start, window_end=end)
    outbox_id = store.queue_digest_row(msg, expect_end=start, window_end=end, match_hw=hw,
                                       now=iso(now))
    if outbox_id is not None:
        log.info("digest queued id=%d stories=%d rules=%d matches=%d window=%s..%s",
                 outbox_id, d.n_stories, d.n_rules, d.n_matches, start or "-", end)
    return outbox_id


# -- delivery -----------------------------------------------------------------------------------

def backoff(attempts: int, rng: Callable[[], float] = random.random) -> timedelta:
    """Wait before attempt ``attempts + 1``: 1, 2, 4 … minutes, capped at an hour, times a
    random factor in [0.5, 1) so that many rows do not retry in lockstep."""
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay * (0.5 + rng() / 2))


def _send_smtp(msg: EmailMessage, to: Sequence[str], settings: Settings) -> Mapping[str, str]:
    return mail.send_message(msg, to, settings)


def _post(url: str, body: str) -> None:
    webhook.post(url, body)


def _chat(target: NotifyTarget, title: str, body: str) -> None:
    chat.send(target, title, body)


def _send_chat(row: Any, settings: Settings, send: Chatter) -> str:
    """Send a ``chat`` row to its target, looked up by name now (the URL is not stored);
    returns the target's name."""
    stored = json.loads(row["payload"] or "{}")
    name = str(stored.get("target", ""))
    target = next((t for t in settings.notify if t.name == name), None)
    if target is None:
        raise DeliveryError(f"notify target {name!r} is no longer configured: define it again "
                            "in WATCHDESK_NOTIFY_FILE (the message waits)")
    send(target, str(stored.get("title", row["subject"])), str(stored.get("body", "")))
    return name


def deliver(store: Store, settings: Settings, now: datetime, *, send: Sender = _send_smtp,
            post: Poster = _post, notify: Chatter = _chat,
            rng: Callable[[], float] = random.random, limit: int = 100,
            stopping: Callable[[], bool] = lambda: False) -> DeliveryReport:
    """Send the outbox rows that are due (pending, or failed and past their retry time).

    A row is marked sent only after the server accepted it. On failure its attempts, error
    and next attempt time are recorded; nothing is ever dropped. Once the mail server has
    failed in this call, the remaining emails wait for the next call (so a dead server costs
    one timeout, not one per message); so do the remaining messages of a chat target that
    failed. Once ``stopping()`` is true, no further message is started (the daemon is
    stopping; they stay due for the next start).
    """
    report = DeliveryReport()
    mail_down = False
    chat_down: set[str] = set()
    for row in store.due_outbox(iso(now))[:limit]:
        if stopping():
            break
        outbox_id, kind = int(row["id"]), str(row["kind"])
        channel = (recipients_of(row) or [""])[0] if kind == "chat" else kind
        if (kind in ("digest", "alert") and mail_down) or channel in chat_down:
            report.postponed += 1
            continue
        note = None
        try:
            if kind == "webhook":
                post(settings.webhook_url, row["payload"] or "{}")
            elif kind == "chat":
                _send_chat(row, settings, notify)
            else:
                refused = send(mail.build_message(row, settings), recipients_of(row), settings)
                if refused:
                    note = "refused: " + "; ".join(f"{a} {m}" for a, m in refused.items())
        except Exception as e:  # any failure is recorded and retried, never lost
            error = str(e) if isinstance(e, DeliveryError) else f"unexpected {e!r}"
            if not isinstance(e, DeliveryError):
                log.exception("outbox id=%d: unexpected error while sending", outbox_id)
            retry = now + backoff(int(row["attempts"]) + 1, rng)
            attempts = store.mark_failed(outbox_id, error, iso(retry))
            report.failed.append((outbox_id, error))
            log.warning("outbox failed id=%d kind=%s attempts=%d retry_at=%s error=%s",
                        outbox_id, kind, attempts, iso(retry), error)
            mail_down = mail_down or kind in ("digest", "alert")
            if kind == "chat":
                chat_down.add(channel)
            continue
        store.mark_sent(outbox_id, iso(now), note)
        report.sent.append(outbox_id)
        log.info("outbox sent id=%d kind=%s message_id=%s%s", outbox_id, kind,
                 row["message_id"], f" {note}" if note else "")
    return report


@dataclass
class RetryNow:
    """What ``outbox --retry-now`` did: how many failed messages it made due, and either the
    daemon that will send them or what this process sent."""

    made_due: int
    daemon: Holder | None = None
    delivery: DeliveryReport | None = None


def retry_now(store: Store, settings: Settings, now: datetime, *,
              send: Sender = _send_smtp, post: Poster = _post) -> RetryNow:
    """Make every failed message due now; then, unless a daemon runs on the database (it
    sends them at its next notify tick, within a minute), send them here.

    Sending here holds the database's lock (``store.lock``) for as long, so no daemon delivers
    the same rows meanwhile (one that starts waits for it): the rules of ``deliver`` are the
    daemon's, exactly once included. A message that fails again stays due at once, for the
    daemon's first tick, rather than waiting out a backoff.
    """
    made_due = store.retry_now(iso(now))
    who = holder(store.path)
    if who is not None:
        return RetryNow(made_due, daemon=who)
    try:
        with DbLock(store.path, "outbox", wait=0):
            report = deliver(store, settings, now, send=send, post=post)
            if report.failed or report.postponed:
                store.retry_now(iso(now))
    except StoreError as e:
        if e.kind != "in_use":
            raise
        return RetryNow(made_due, daemon=holder(store.path))   # a daemon has just started
    return RetryNow(made_due, delivery=report)


@dataclass
class DigestNow:
    """What ``digest --send`` did: the digest it queued (None: nothing to queue), and either
    the daemon that will send it or what this process sent."""

    outbox_id: int | None
    daemon: Holder | None = None
    delivery: DeliveryReport | None = None


def send_digest_now(store: Store, settings: Settings, now: datetime, *,
                    titles: Mapping[str, str] | None = None, send: Sender = _send_smtp,
                    post: Poster = _post) -> DigestNow:
    """Queue a digest now (everything since the last one) and deliver it, exactly once
    whether or not a daemon runs on the database.

    The delivery holds the database's lock (``store.lock``), as ``retry_now``'s does, so no
    daemon delivers the same rows meanwhile (one that starts waits for it). When a daemon
    holds the lock, the digest is only queued, which is safe beside it (the digest window
    moves atomically: the daemon cannot queue the same digest again), and the daemon sends it
    at its next notify tick, within a minute. Sending it here too would race the daemon's
    own delivery of that row: both could send it before either marked it sent.
    """
    for _ in range(3):   # the holder may stop between the refusal and the question
        try:
            lock = DbLock(store.path, "digest", wait=0)
            lock.acquire()
        except StoreError as e:
            if e.kind != "in_use":
                raise
            who = holder(store.path)
            if who is None:
                continue
            return DigestNow(queue_digest(store, settings, now, force=True, titles=titles),
                             daemon=who)
        try:
            outbox_id = queue_digest(store, settings, now, force=True, titles=titles)
            if outbox_id is None:
                return DigestNow(None)
            return DigestNow(outbox_id, delivery=deliver(store, settings, now, send=send,
                                                         post=post))
        finally:
            lock.release()
    raise StoreError(f"{store.path} is in use and its holder could not be told: try again",
                     path=str(store.path), kind="in_use")


def notify_tick(store: Store, settings: Settings, now: datetime, *,
                titles: Mapping[str, str] | None = None,
                recipients: Mapping[str, Sequence[str]] | None = None,
                conditions: Mapping[str, AlertWhen] | None = None,
                stopping: Callable[[], bool] = lambda: False) -> TickReport:
    """The every-minute job: queue the digest if due, queue alerts (urgent matches and
    breaking stories, ``conditions`` being the rules' ``alert_when``), deliver the
    outbox. Once ``stopping()`` is true (the daemon is stopping), no further step starts."""
    digest = None if stopping() else queue_digest(store, settings, now, titles=titles)
    alerts = [] if stopping() else queue_alerts(store, settings, now, recipients,
                                                titles=titles, conditions=conditions)
    return TickReport(digest, alerts, deliver(store, settings, now, stopping=stopping))
