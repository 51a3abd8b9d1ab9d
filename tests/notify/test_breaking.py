"""Breaking-story alerts (``alert_when: {sources: N, within: D}``): when, once, batched."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from watchdesk.config.settings import Settings
from watchdesk.events import breaking
from watchdesk.notify.outbox import deliver, queue_alerts
from watchdesk.rules.model import AlertWhen
from watchdesk.store import Store, iso

from .conftest import Hooked, SMTPServer, World, parts, utc

T0 = utc(2026, 11, 26, 10, 0)
MIN = 60.0
RULE = {"russie-libye": AlertWhen(sources=3, within=3600)}
TITLES = {"russie-libye": "Russie en Libye"}


@pytest.mark.parametrize(("reports", "expected"), [
    # three feeds within the hour: breaking, when the third came
    ([("rfi", 0), ("f24", 20 * MIN), ("monde", 40 * MIN)], ("rfi", "f24", "monde"), ),
    # one feed three times is one source
    ([("rfi", 0), ("rfi", 10 * MIN), ("rfi", 20 * MIN)], None),
    # three feeds, but over three hours
    ([("rfi", 0), ("f24", 90 * MIN), ("monde", 180 * MIN)], None),
    # the first two hours apart: the window slides to the last three
    ([("rfi", 0), ("f24", 120 * MIN), ("monde", 150 * MIN), ("jazeera", 170 * MIN)],
     ("f24", "monde", "jazeera")),
    # order of arrival does not matter
    ([("monde", 40 * MIN), ("rfi", 0), ("f24", 20 * MIN)], ("rfi", "f24", "monde")),
])
def test_when_a_story_is_breaking(reports: list[tuple[str, float]],
                                  expected: tuple[str, ...] | None) -> None:
    broke = breaking(reports, 3, 3600)
    assert (broke.feeds if broke else None) == expected


def test_breaking_minutes() -> None:
    broke = breaking([("a", 0), ("b", 61), ("c", 38 * MIN + 5)], 3, 3600)
    assert broke is not None and broke.minutes == 39


def event(world: World, feeds: list[str], minutes: list[int], *, rule: str = "russie-libye",
          title: str = "Libye : une délégation militaire russe à Benghazi",
          start: int = 0, langs: list[str | None] | None = None) -> int:
    """One event reported by these feeds at these minutes after T0; returns its story id."""
    story = None
    for i, (feed, m) in enumerate(zip(feeds, minutes, strict=True)):
        at = T0 + timedelta(minutes=m)
        aid = world.article(world.feed_id(feed), f"{title} ({feed})",
                            url=f"https://{feed}.example/{start + i}", published_at=iso(at),
                            story_id=story, lang=(langs or [None] * len(feeds))[i])
        story = story or aid
        world.match(aid, rule, at + timedelta(minutes=1))
    assert story is not None
    return story


@pytest.fixture
def w(world: World) -> World:
    ids: dict[str, int] = {}

    def feed_id(name: str) -> int:
        if name not in ids:
            ids[name] = world.feed(name, title=f"{name.upper()} - Afrique")
        return ids[name]
    world.feed_id = feed_id  # type: ignore[attr-defined]
    return world


def test_an_event_picked_up_by_three_outlets_within_the_hour_alerts_once(
        store: Store, settings: Settings, w: World, smtp: SMTPServer) -> None:
    story = event(w, ["rfi", "f24", "monde"], [0, 20, 40])
    now = T0 + timedelta(minutes=45)
    assert len(queue_alerts(store, settings, now, titles=TITLES, conditions=RULE)) == 1
    assert queue_alerts(store, settings, now + timedelta(hours=1), titles=TITLES,
                        conditions=RULE) == []                          # once per event
    # a fourth outlet later does not make it alert again
    event(w, ["jazeera"], [50], start=10)
    assert queue_alerts(store, settings, now + timedelta(hours=2), conditions=RULE) == []
    rows = store.query("SELECT rule_id, story_id, sources FROM event_alerts")
    assert [tuple(r) for r in rows] == [("russie-libye", story, 3)]
    deliver(store, settings, now)
    (got,) = smtp.messages
    msg = got.message
    # the subject says the story is breaking (issue 21), as the body does
    assert msg["Subject"] == ("watchdesk ALERTE — Russie en Libye — Ça monte : 3 sources en "
                              "40 min — Libye : une délégation militaire russe à Benghazi "
                              "(rfi)")
    text, html = parts(msg)
    assert "Ça monte : 3 sources en 40 min" in text and "Ça monte" in html
    assert "3 sources : RFI - Afrique, F24 - Afrique, MONDE - Afrique" in text


def test_too_few_or_too_slow_never_alerts(store: Store, settings: Settings, w: World) -> None:
    event(w, ["rfi", "f24"], [0, 10])
    event(w, ["rfi", "f24", "monde"], [0, 70, 140], title="Tripoli", start=10)
    assert queue_alerts(store, settings, T0 + timedelta(hours=3), conditions=RULE) == []
    assert queue_alerts(store, settings, T0 + timedelta(hours=3)) == []   # no alert_when


def test_an_old_burst_is_left_to_the_digest(store: Store, settings: Settings,
                                            w: World) -> None:
    event(w, ["rfi", "f24", "monde"], [0, 10, 20])
    assert queue_alerts(store, settings, T0 + timedelta(days=2), conditions=RULE) == []


def test_breaking_and_urgent_go_out_in_one_email(store: Store, settings: Settings, w: World,
                                                 smtp: SMTPServer) -> None:
    event(w, ["rfi", "f24", "monde"], [0, 20, 40])
    w.story(w.feed_id("rfi"), "Haftar à Moscou", "haftar", T0 + timedelta(minutes=30),  # type: ignore[attr-defined]
            priority="alert")
    ids = queue_alerts(store, settings, T0 + timedelta(hours=1), titles=TITLES,
                       conditions=RULE)
    assert len(ids) == 1
    deliver(store, settings, T0 + timedelta(hours=1))
    text, _ = parts(smtp.messages[0].message)
    assert "Haftar à Moscou" in text and "Ça monte : 3 sources" in text
    assert store.query("SELECT count(*) FROM matches WHERE alert_outbox_id IS NULL"
                       " AND priority = 'alert'")[0][0] == 0


def test_a_held_breaking_alert_waits_for_the_rate_limit(store: Store, settings: Settings,
                                                        w: World) -> None:
    w.story(w.feed_id("rfi"), "Haftar à Moscou", "haftar", T0, priority="alert")  # type: ignore[attr-defined]
    assert len(queue_alerts(store, settings, T0)) == 1
    event(w, ["rfi", "f24", "monde"], [0, 1, 2], start=20)
    soon = T0 + timedelta(minutes=settings.alert_every - 1)
    assert queue_alerts(store, settings, soon, conditions=RULE) == []          # held
    later = T0 + timedelta(minutes=settings.alert_every + 1)
    assert len(queue_alerts(store, settings, later, conditions=RULE)) == 1     # then sent


def test_a_rules_recipients_get_its_breaking_alert(store: Store, settings: Settings,
                                                   w: World) -> None:
    event(w, ["rfi", "f24", "monde"], [0, 20, 40])
    queue_alerts(store, settings, T0 + timedelta(hours=1),
                 {"russie-libye": ("libye@example.org",)}, conditions=RULE)
    (row,) = store.outbox_rows()
    assert json.loads(row["recipients"]) == ["desk@example.org", "libye@example.org"]


def test_the_webhook_says_it_is_breaking(store: Store, settings: Settings, w: World,
                                         hook: Hooked) -> None:
    s = replace(settings, webhook_url=hook.url)
    story = event(w, ["rfi", "f24", "monde"], [0, 20, 40])
    assert len(queue_alerts(store, s, T0 + timedelta(hours=1), conditions=RULE)) == 2
    deliver(store, s, T0 + timedelta(hours=1))
    (item,) = hook.bodies[0]["watchdesk"]["items"]
    assert item["story_id"] == story and item["breaking"] == {"sources": 3, "minutes": 40}
    assert item["sources"] == ["RFI - Afrique", "F24 - Afrique", "MONDE - Afrique"]


def test_breaking_subject_says_so_in_english_and_the_footer_shows_no_server_path(
        store: Store, settings: Settings, w: World, smtp: SMTPServer) -> None:
    en = replace(settings, digest_lang="en", rules=settings.rules.resolve())
    event(w, ["rfi", "f24", "monde"], [0, 20, 40])
    now = T0 + timedelta(minutes=45)
    assert len(queue_alerts(store, en, now, titles=TITLES, conditions=RULE)) == 1
    deliver(store, en, now)
    (got,) = smtp.messages
    assert got.message["Subject"].startswith(
        "watchdesk ALERT — Russie en Libye — Breaking: 3 sources in 40 min — Libye : ")
    text, html = parts(got.message)
    # the footer names no folder of the server (issue 21): who to ask, and the rule ids
    for body in (text, html):
        assert str(en.rules) not in body and en.rules.name + "”" not in body
    assert "The watch rules are kept on the watchdesk server" in text

def test_a_breaking_alert_and_its_webhook_carry_the_languages(
        store: Store, settings: Settings, w: World, hook: Hooked, smtp: SMTPServer) -> None:
    s = replace(settings, webhook_url=hook.url)
    event(w, ["rfi", "f24", "monde"], [0, 20, 40], langs=["fr", "ar", "ru"])
    assert len(queue_alerts(store, s, T0 + timedelta(hours=1), conditions=RULE)) == 2
    deliver(store, s, T0 + timedelta(hours=1))
    (item,) = hook.bodies[0]["watchdesk"]["items"]
    assert item["languages"] == ["fr", "ar", "ru"]
    assert [(r["feed"], r["lang"], r["url"]) for r in item["reports"]] == [
        ("F24 - Afrique", "ar", "https://f24.example/1"),
        ("MONDE - Afrique", "ru", "https://monde.example/2")]
    assert "3 sources" in hook.bodies[0]["text"] and "fr ar ru" in hook.bodies[0]["text"]
    text, html = parts(smtp.messages[0].message)
    assert "3 sources · fr ar ru" in text
    assert 'href="https://monde.example/2"' in html
