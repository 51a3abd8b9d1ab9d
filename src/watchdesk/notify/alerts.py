"""Urgent alerts: what to send at once, batched, and stored so that it is sent once.

Two things alert:

- a match of a rule with ``priority: alert``, not found by backfill, less than
  ``ALERT_MAX_AGE`` old;
- a **breaking story**: an event under a rule with ``alert_when: {sources: N, within: D}``
  reported by N distinct feeds within D (``events.breaking``), the N-th report less than
  ``ALERT_MAX_AGE`` old. Once per rule and event: the ``event_alerts`` row is written in the
  transaction that queues the message.

Everything due in one call goes out together: one email per set of recipients (``mail_to``
plus the rules' own ``recipients``), at most one per recipient every ``alert_every``
minutes (what is held waits for a later call, still pending), and one webhook post.

Chat and push targets (``WATCHDESK_NOTIFY``, a rule's ``notify:``) are recipients like
email addresses, called ``notify:<name>``: they are in the recipient set that groups the
batch and under the same rate limit, and each gets its own short message (``chat``), one
outbox row per target, so that a target that is down delays nobody else.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..config.settings import Settings
from ..events import Broke, breaking, event_time
from ..rules.model import AlertWhen
from ..store import AlertBatch, OutboxWrite, Store, iso, parse_iso
from . import chat, mail, webhook
from .digest import Breaking, Digest, compose
from .render import render

log = logging.getLogger("watchdesk.notify")

ALERT_MAX_AGE = timedelta(days=1)   # older urgent matches are left to the digest


def alert_conditions(rules: Iterable[Any]) -> dict[str, AlertWhen]:
    """rule id -> its ``alert_when``, for the enabled rules that have one."""
    return {r.id: r.alert_when for r in rules
            if getattr(r, "alert_when", None) is not None and getattr(r, "enabled", True)}


@dataclass
class _Event:
    """A breaking event: its rule, story, why, and the rows that show it."""

    rule: str
    story: int
    broke: Broke
    rows: list[Any]


@dataclass
class _Batch:
    rows: list[Any] = field(default_factory=list)
    events: list[_Event] = field(default_factory=list)

    def add(self, other: _Batch) -> None:
        self.rows += other.rows
        self.events += other.events


def breaking_events(store: Store, conditions: Mapping[str, AlertWhen], now: datetime,
                    max_age: timedelta = ALERT_MAX_AGE) -> list[_Event]:
    """The events of ``conditions``' rules that broke recently and have not alerted."""
    candidates = store.breaking_candidates(sorted(conditions), iso(now - max_age))
    if not candidates:
        return []
    stories = {story for _, story in candidates}
    reports: dict[int, list[tuple[str, float]]] = {}
    for r in store.event_reports(stories):
        reports.setdefault(int(r["story_id"]), []).append(
            (str(r["feed_name"]), event_time(r["published_at"], r["fetched_at"])))
    rows: dict[int, list[Any]] = {}
    for r in store.event_matches(stories):
        rows.setdefault(int(r["story_id"]), []).append(r)
    recent = (now - max_age).timestamp()
    out = []
    for rule, story in candidates:
        cond = conditions[rule]
        broke = breaking(reports.get(story, ()), cond.sources, cond.within)
        if broke is not None and broke.end >= recent:
            out.append(_Event(rule, story, broke, rows.get(story, [])))
    return out


def queue_alerts(store: Store, settings: Settings, now: datetime,
                 recipients: Mapping[str, Sequence[str]] | None = None, *,
                 titles: Mapping[str, str] | None = None,
                 max_age: timedelta = ALERT_MAX_AGE,
                 conditions: Mapping[str, AlertWhen] | None = None) -> list[int]:
    """Queue the urgent alerts due now (pending urgent matches, breaking stories of the
    rules in ``conditions``); returns their outbox ids.

    Each match or breaking event goes to ``mail_to`` plus its rule's ``recipients``; those
    with the same recipient set make ONE email. A set with a recipient who got an alert in
    the last ``alert_every`` minutes waits (what it holds stays pending for a later call).
    With ``webhook_url`` set, what this call queues also makes one webhook post (and, where
    there is no email recipient at all, the webhook is the recipient, rate-limited the same
    way). Chat targets are recipients too: the default ones (``settings.notify``) for every
    rule, and a rule's own as ``notify:<name>`` in ``recipients``; each gets one ``chat``
    row per batch. Backfill matches and matches older than ``max_age`` never alert.
    """
    recipients = recipients or {}
    rows = store.pending_alert_matches(iso(now - max_age))
    events = breaking_events(store, conditions or {}, now, max_age) if conditions else []
    if not rows and not events:
        return []

    targets = {t.address for t in settings.notify}
    defaults = tuple(t.address for t in settings.notify if t.default)

    def key_of(rule: str) -> tuple[str, ...]:
        to = {a.strip() for a in (*settings.mail_to, *defaults, *recipients.get(rule, ()))
              if a.strip()}
        to = {a for a in to if not a.startswith("notify:") or a in targets}
        return tuple(sorted(to)) or (("webhook",) if settings.webhook_url else ())

    groups: dict[tuple[str, ...], _Batch] = {}
    for r in rows:
        if key := key_of(r["rule_id"]):
            groups.setdefault(key, _Batch()).rows.append(r)
    for e in events:
        if key := key_of(e.rule):
            groups.setdefault(key, _Batch()).events.append(e)
    reports = store.event_reports([int(r["story_id"]) for r in rows]
                                  + [e.story for e in events])   # their languages, links
    busy = store.recent_alert_recipients(iso(now - timedelta(minutes=settings.alert_every)))
    batches: list[AlertBatch] = []
    carried = _Batch()
    for key, group in groups.items():
        if busy.intersection(key):
            log.info("alert held (rate limit %d min) matches=%d breaking=%d",
                     settings.alert_every, len(group.rows), len(group.events))
            continue
        busy.update(key)
        carried.add(group)
        emails = tuple(a for a in key if not a.startswith("notify:") and a != "webhook")
        if emails:
            batches.append(_message("alert", group, settings, now, titles, emails, reports))
        batches += _chat_messages(group, settings, now, titles,
                                  [a for a in key if a.startswith("notify:")], reports)
    if settings.webhook_url and (carried.rows or carried.events):
        batches.append(_message("webhook", carried, settings, now, titles, ("webhook",),
                                reports))
    if not batches:
        return []
    out = store.queue_alert_rows(batches, iso(now))
    if out:
        log.info("alerts queued ids=%s matches=%d breaking=%s", out,
                 len({m for b in batches for m in b.matches}),
                 ",".join(sorted({f"{r}/{s}" for b in batches for r, s, _ in b.events})) or "-")
    return out


def _message(kind: str, batch: _Batch, settings: Settings, now: datetime,
             titles: Mapping[str, str] | None, to: tuple[str, ...],
             reports: Sequence[Any] = ()) -> AlertBatch:
    d = _compose(batch, settings, now, titles, () if kind == "webhook" else to, reports)
    rendered = render(d, settings.digest_lang)
    ids = sorted(int(x["id"]) for x in batch.rows)
    events = sorted((e.rule, e.story, len(e.broke.feeds)) for e in batch.events)
    parts: tuple[object, ...] = (to, ids, events) if kind == "alert" else (ids, events)
    if not events:   # as 0.1 made them: a message queued before an upgrade keeps its id
        parts = parts[:-1]
    msg = OutboxWrite(kind=kind, message_id=mail.message_id(kind, d.now, settings, *parts),
                      recipients=to, subject=rendered.subject, body_text=rendered.text,
                      body_html=rendered.html if kind == "alert" else None,
                      payload=(webhook.dumps(webhook.payload(d, rendered.subject))
                               if kind == "webhook" else None))
    return AlertBatch(msg, ids, events)


def _chat_messages(batch: _Batch, settings: Settings, now: datetime,
                   titles: Mapping[str, str] | None, to: Sequence[str],
                   reports: Sequence[Any] = ()) -> list[AlertBatch]:
    """One short message per chat target (``notify:<name>``): an outbox row each."""
    if not to:
        return []
    d = _compose(batch, settings, now, titles, (), reports)
    title, body = chat.message(d, render(d, settings.digest_lang).subject, settings.web_url)
    ids = sorted(int(x["id"]) for x in batch.rows)
    events = sorted((e.rule, e.story, len(e.broke.feeds)) for e in batch.events)
    out = []
    for address in to:
        name = address.removeprefix("notify:")
        msg = OutboxWrite(kind="chat",
                          message_id=mail.message_id("chat", d.now, settings, name, ids, events),
                          recipients=(address,), subject=title, body_text=body,
                          payload=chat.payload(name, title, body))
        out.append(AlertBatch(msg, ids, events))
    return out


def _compose(batch: _Batch, settings: Settings, now: datetime,
             titles: Mapping[str, str] | None, to: Sequence[str],
             reports: Sequence[Any] = ()) -> Digest:
    rows = {int(r["id"]): r for r in batch.rows}
    for e in batch.events:
        for r in e.rows:
            rows.setdefault(int(r["id"]), r)
    ordered = [rows[k] for k in sorted(rows)]
    first = parse_iso(min(str(r["created_at"]) for r in ordered)) if ordered else now
    why = {(e.rule, e.story): Breaking(len(e.broke.feeds), e.broke.minutes)
           for e in batch.events}
    return compose(ordered, kind="alert", now=now, window_start=first or now, window_end=now,
                   timezone=settings.timezone, titles=titles, recipients=to, breaking=why,
                   reports=reports, lang=settings.digest_lang, web_url=settings.web_url)
