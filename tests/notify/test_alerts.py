"""Urgent alerts: batching, rate limit, per-rule recipients, webhook; real servers on
127.0.0.1."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from watchdesk.config.settings import Settings
from watchdesk.notify.outbox import deliver, queue_alerts
from watchdesk.store import Store

from .conftest import Hooked, SMTPServer, World, parts, utc

T0 = utc(2026, 11, 26, 13, 0)


def pending(store: Store) -> int:
    return int(store.conn.execute(
        "SELECT count(*) FROM matches WHERE alert_outbox_id IS NULL AND priority='alert'"
        " AND backfill=0").fetchone()[0])


def test_burst_of_50_urgent_matches_is_one_email(store: Store, settings: Settings,
                                                 world: World, smtp: SMTPServer) -> None:
    feed = world.feed("RFI")
    for i in range(50):
        world.story(feed, f"Haftar {i}", "haftar", T0 - timedelta(seconds=50 - i),
                    priority="alert")
    world.story(feed, "Pas urgent", "wagner", T0)                  # digest priority
    ids = queue_alerts(store, settings, T0, titles={"haftar": "Haftar"})
    assert len(ids) == 1 and pending(store) == 0
    assert queue_alerts(store, settings, T0 + timedelta(minutes=10)) == []   # never twice
    deliver(store, settings, T0)
    assert len(smtp.messages) == 1
    msg = smtp.messages[0].message
    assert msg["Subject"] == "watchdesk ALERTE — Haftar — Haftar 0 (+49)"
    assert msg["List-ID"] == "watchdesk alerts <alerts.watchdesk.example.org>"
    assert msg["Message-ID"].startswith("<alert-2026-11-26-")
    text, html = parts(msg)
    assert "50 sujets pour 1 règle" in text
    assert sum(f"• Haftar {i}\r\n" in text for i in range(50)) == 25
    assert "… et 25 autres, non affichés." in text
    assert "Pas urgent" not in text
    assert "URGENT" in html


def test_rate_limit_one_alert_per_recipient_per_period(store: Store, settings: Settings,
                                                       world: World, smtp: SMTPServer) -> None:
    feed = world.feed("RFI")
    world.story(feed, "Premier", "haftar", T0, priority="alert")
    assert len(queue_alerts(store, settings, T0)) == 1
    world.story(feed, "Deuxième", "haftar", T0 + timedelta(minutes=1), priority="alert")
    world.story(feed, "Troisième", "haftar", T0 + timedelta(minutes=2), priority="alert")
    assert queue_alerts(store, settings, T0 + timedelta(minutes=2)) == []    # waits
    assert queue_alerts(store, settings, T0 + timedelta(minutes=4, seconds=59)) == []
    assert pending(store) == 2
    assert len(queue_alerts(store, settings, T0 + timedelta(minutes=5, seconds=1))) == 1
    deliver(store, settings, T0 + timedelta(minutes=6))
    subjects = [m.message["Subject"] for m in smtp.messages]
    assert len(subjects) == 2
    second = parts(smtp.messages[1].message)[0]
    assert "Deuxième" in second and "Troisième" in second and "Premier" not in second


def test_rule_recipients_get_their_own_email(store: Store, settings: Settings, world: World,
                                             smtp: SMTPServer) -> None:
    feed = world.feed("RFI")
    world.story(feed, "Haftar à Moscou", "haftar", T0, priority="alert")
    world.story(feed, "Navire russe à Tobrouk", "marine", T0, priority="alert")
    ids = queue_alerts(store, settings, T0, {"marine": ["naval@example.org"]})
    # desk is in both recipient sets: one email now, the other after alert_every
    assert len(ids) == 1
    assert len(queue_alerts(store, settings, T0 + timedelta(minutes=6),
                            {"marine": ["naval@example.org"]})) == 1
    deliver(store, settings, T0 + timedelta(minutes=6))
    got = {tuple(sorted(m.rcpt_tos)): parts(m.message)[0] for m in smtp.messages}
    assert set(got) == {("desk@example.org",), ("desk@example.org", "naval@example.org")}
    assert "Navire russe" in got[("desk@example.org", "naval@example.org")]
    assert "Navire russe" not in got[("desk@example.org",)]


def test_disjoint_recipient_sets_are_not_held(store: Store, settings: Settings, world: World,
                                              smtp: SMTPServer) -> None:
    only_rules = replace(settings, mail_to=())
    feed = world.feed("RFI")
    world.story(feed, "A", "a", T0, priority="alert")
    world.story(feed, "B", "b", T0, priority="alert")
    ids = queue_alerts(store, only_rules, T0, {"a": ["a@example.org"], "b": ["b@example.org"]})
    assert len(ids) == 2
    deliver(store, only_rules, T0)
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == ["a@example.org", "b@example.org"]


def test_backfill_never_alerts(store: Store, settings: Settings, world: World) -> None:
    feed = world.feed("RFI")
    world.story(feed, "Ancien", "haftar", T0, priority="alert", backfill=True)
    assert queue_alerts(store, settings, T0) == []


def test_stale_urgent_matches_are_left_to_the_digest(store: Store, settings: Settings,
                                                     world: World) -> None:
    world.story(world.feed("RFI"), "Hier", "haftar", T0 - timedelta(days=2), priority="alert")
    assert queue_alerts(store, settings, T0) == []


def test_webhook_gets_one_post_with_text_and_items(store: Store, settings: Settings,
                                                   world: World, smtp: SMTPServer,
                                                   hook: Hooked) -> None:
    s = replace(settings, webhook_url=hook.url)
    feed = world.feed("RFI")
    for i in range(3):
        world.story(feed, f"Haftar <{i}>", "haftar", T0, priority="alert")
    ids = queue_alerts(store, s, T0)
    assert len(ids) == 2                                  # one email, one webhook post
    kinds = {r["kind"]: r for r in store.outbox_rows()}
    assert set(kinds) == {"alert", "webhook"}
    assert hook.url not in json.dumps([dict(r) for r in store.outbox_rows()])  # token not stored
    report = deliver(store, s, T0)
    assert len(report.sent) == 2 and len(smtp.messages) == 1
    assert len(hook.bodies) == 1
    body = hook.bodies[0]
    assert body["text"].startswith("*watchdesk ALERTE — haftar")
    assert "Haftar &lt;0&gt;" in body["text"]            # chat markup escaped
    items = body["watchdesk"]["items"]
    assert [i["title"] for i in items] == ["Haftar <0>", "Haftar <1>", "Haftar <2>"]
    assert items[0]["url"].startswith("https://news.example/")


def test_webhook_only_install_and_failure_retried(store: Store, settings: Settings,
                                                  world: World, hook: Hooked) -> None:
    s = replace(settings, mail_to=(), webhook_url=hook.url)
    world.story(world.feed("RFI"), "Haftar", "haftar", T0, priority="alert")
    assert len(queue_alerts(store, s, T0)) == 1
    hook.status = 500
    report = deliver(store, s, T0)
    error = report.failed[0][1]
    assert error.startswith(f"webhook http://127.0.0.1:{hook.url.split(':')[2].split('/')[0]}")
    assert "500" in error and "secret-token" not in error
    hook.status = 200
    assert len(deliver(store, s, T0 + timedelta(hours=1)).sent) == 1
    assert len(hook.bodies) == 2
    # the webhook is rate-limited like an address
    world.story(world.feed("AFP"), "Encore", "haftar", T0 + timedelta(minutes=1),
                priority="alert")
    assert queue_alerts(store, s, T0 + timedelta(minutes=2)) == []
