"""Chat and push alerts through Apprise: targets, routing, rate limit, retries, secrets.

The chat service is a real HTTP server on 127.0.0.1 reached through Apprise's real ``json://``
plugin (chatserver.py); the mail server is the real aiosmtpd of conftest.py."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from watchdesk.config.settings import Settings, from_env
from watchdesk.config.targets import NotifyTarget, auto_name, parse_env, parse_file
from watchdesk.errors import ConfigError, DeliveryError
from watchdesk.notify import chat
from watchdesk.notify.outbox import deliver, queue_alerts, rule_maps
from watchdesk.rules import RuleBook
from watchdesk.store import Store, iso

from .chatserver import ChatServer
from .conftest import SMTPServer, World, utc

T0 = utc(2026, 11, 26, 13, 0)
TOKEN = "s3cr3t-T0KEN-abcdef"


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer().start()
    yield server
    server.stop()


def with_targets(settings: Settings, *targets: NotifyTarget) -> Settings:
    return replace(settings, notify=targets)


# -- targets: WATCHDESK_NOTIFY and the file -----------------------------------------------------

def test_targets_file_names_defaults_and_comments() -> None:
    text = ("# the desk's chats\n\n"
            "desk-libye = tgram://123456:AAE-token/-1001234567\n"
            "chefs=matrixs://bot:pass@matrix.example.org/#chefs   # the editors\n"
            "ntfys://ntfy.example.org/veille\n")
    a, b, c = parse_file(text, "/etc/watchdesk/notify")
    assert (a.name, a.url, a.default) == ("desk-libye", "tgram://123456:AAE-token/-1001234567",
                                          False)
    assert (b.name, b.url, b.default) == ("chefs", "matrixs://bot:pass@matrix.example.org/#chefs",
                                          False)
    assert c.default and c.name == auto_name(c.url) and c.name.startswith("ntfys-")
    assert "token" not in repr(a) and "pass" not in repr(b)     # repr hides URLs


@pytest.mark.parametrize("text, line, says", [
    ("desk = tgram://a/b\ndesk = slack://c/d\n", 2, "already defined at line 1"),
    ("ok = json://h/p\nnot a url\n", 2, "expected `name = Apprise URL`"),
    ("bad name! = json://h/p\n", 1, "target name 'bad name!'"),
    ("desk = telegram token\n", 1, "not an Apprise URL"),
])
def test_targets_file_mistakes_name_the_line(text: str, line: int, says: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_file(text, "notify.txt")
    assert (e.value.path, e.value.line) == ("notify.txt", line)
    assert says in str(e.value)


def test_watchdesk_notify_holds_urls_or_names_of_the_file(tmp_path: Path) -> None:
    f = tmp_path / "notify"
    f.write_text("desk-libye = json://127.0.0.1:9/a\nchefs = json://127.0.0.1:9/b\n")
    s = from_env({"WATCHDESK_NOTIFY": "chefs, ntfys://ntfy.example.org/x?to=a,b",
                  "WATCHDESK_NOTIFY_FILE": str(f)})
    by_name = {t.name: t for t in s.notify}
    assert set(by_name) == {"desk-libye", "chefs", auto_name("ntfys://ntfy.example.org/x?to=a,b")}
    assert not by_name["desk-libye"].default and by_name["chefs"].default
    assert s.target_names == frozenset(by_name)
    with pytest.raises(ConfigError, match=r"WATCHDESK_NOTIFY.*neither an Apprise URL"):
        parse_env("desk-paris", by_name.values())


def test_targets_file_from_systemd_credentials(tmp_path: Path) -> None:
    (tmp_path / "notify").write_text("desk = json://127.0.0.1:9/t\n")
    s = from_env({"CREDENTIALS_DIRECTORY": str(tmp_path)})
    assert [t.name for t in s.notify] == ["desk"]
    with pytest.raises(ConfigError, match="cannot read the notify targets file"):
        from_env({"WATCHDESK_NOTIFY_FILE": str(tmp_path / "missing")})


def test_a_rule_naming_an_unknown_target_is_an_error_at_its_line(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "libye.yaml").write_text(
        "rules:\n  - id: haftar\n    query: haftar\n    priority: alert\n"
        "    notify: [desk-libye, desk-paris]\n", encoding="utf-8")
    book = RuleBook(rules, targets={"desk-libye", "chefs"})
    (err,) = book.errors
    assert (Path(err.path).name, err.line) == ("libye.yaml", 5)
    assert "unknown target 'desk-paris'" in str(err) and "chefs, desk-libye" in str(err)
    assert book.ruleset.rules == ()
    ok = RuleBook(rules, targets={"desk-libye", "desk-paris"})
    assert ok.errors == [] and ok.ruleset.rules[0].notify == ("desk-libye", "desk-paris")


# -- routing and delivery ----------------------------------------------------------------------

def test_default_target_gets_every_alert_and_a_named_one_its_rules(
        store: Store, settings: Settings, world: World, smtp: SMTPServer,
        chat_server: ChatServer) -> None:
    general = NotifyTarget("general", chat_server.url("/general/" + TOKEN), default=True)
    libye = NotifyTarget("desk-libye", chat_server.url("/libye/" + TOKEN))
    s = replace(with_targets(settings, general, libye), web_url="https://veille.example.org/")
    rfi, f24 = world.feed("RFI"), world.feed("France 24")
    aid = world.article(rfi, "Haftar reçu à Moscou", url="https://rfi.example/1",
                        also_feeds=(f24,))
    world.match(aid, "haftar", T0, priority="alert")
    world.story(rfi, "Séisme au Maroc", "maroc", T0, priority="alert")
    rules = [_Rule("haftar", "Haftar", notify=("desk-libye",)), _Rule("maroc", "Maroc")]
    titles, recipients = rule_maps(rules)
    ids = queue_alerts(store, s, T0, recipients, titles=titles)
    kinds = [r["kind"] for r in store.conn.execute(
        f"SELECT kind FROM outbox WHERE id IN ({','.join(map(str, ids))}) ORDER BY id")]
    # haftar goes to mail + general + desk-libye; maroc to mail + general: two recipient sets,
    # the second held by the rate limit (desk@ and general already have an alert)
    assert kinds == ["alert", "chat", "chat"]
    report = deliver(store, s, T0)
    assert len(report.sent) == 3 and len(smtp.messages) == 1
    by_path = {p.path.split("/")[1]: p.body for p in chat_server.accepted}
    assert set(by_path) == {"general", "libye"}
    body = by_path["libye"]
    assert body["title"].startswith("watchdesk ALERTE — Haftar")
    assert "• Haftar reçu à Moscou (RFI, France 24)" in body["message"]
    assert f"https://veille.example.org/events/{aid}" in body["message"]   # WATCHDESK_WEB_URL
    rows = store.outbox_rows()
    assert {tuple(json.loads(r["recipients"])) for r in rows if r["kind"] == "chat"} == {
        ("notify:general",), ("notify:desk-libye",)}
    # five minutes later the held rule goes out, to mail and the default target only
    assert len(queue_alerts(store, s, T0 + timedelta(minutes=6), recipients,
                            titles=titles)) == 2
    deliver(store, s, T0 + timedelta(minutes=6))
    assert [p.path.split("/")[1] for p in chat_server.accepted].count("libye") == 1
    assert "Séisme au Maroc" in chat_server.accepted[-1].body["message"]
    assert "https://veille.example.org/events/" in chat_server.accepted[-1].body["message"]


def test_chat_rate_limit_holds_the_next_alert(store: Store, settings: Settings, world: World,
                                              chat_server: ChatServer) -> None:
    s = replace(with_targets(settings, NotifyTarget("desk", chat_server.url(), True)),
                mail_to=())
    feed = world.feed("RFI")
    world.story(feed, "Premier", "haftar", T0, priority="alert")
    assert len(queue_alerts(store, s, T0)) == 1
    world.story(feed, "Deuxième", "haftar", T0 + timedelta(minutes=1), priority="alert")
    assert queue_alerts(store, s, T0 + timedelta(minutes=2)) == []           # held
    assert len(queue_alerts(store, s, T0 + timedelta(minutes=5, seconds=1))) == 1
    deliver(store, s, T0 + timedelta(minutes=6))
    assert [p.body["message"].split(" (")[0] for p in chat_server.accepted] == [
        "• Premier", "• Deuxième"]
    assert "\n  https://news.example/" in chat_server.accepted[0].body["message"]  # article


def test_outage_500_then_down_then_back_is_retried_and_sent_once(
        store: Store, settings: Settings, world: World, smtp: SMTPServer,
        chat_server: ChatServer) -> None:
    s = with_targets(settings, NotifyTarget("desk", chat_server.url(), True))
    world.story(world.feed("RFI"), "Haftar", "haftar", T0, priority="alert")
    queue_alerts(store, s, T0)
    chat_server.status = 500
    r1 = deliver(store, s, T0, rng=lambda: 0.0)
    assert len(r1.sent) == 1 and len(r1.failed) == 1          # the email went, the chat not
    (chat_id, error), = r1.failed
    assert "notify target desk (json) failed" in error and "500" in error
    assert deliver(store, s, T0 + timedelta(seconds=20)).failed == []   # backoff: not yet
    chat_server.stop()                                          # now down altogether
    r2 = deliver(store, s, T0 + timedelta(seconds=31), rng=lambda: 0.0)
    assert r2.failed and "connection error" in r2.failed[0][1].lower()
    chat_server.status = 200
    chat_server.start()                                         # back, on the same port
    r3 = deliver(store, s, T0 + timedelta(minutes=2))
    assert r3.sent == [chat_id]
    assert deliver(store, s, T0 + timedelta(hours=2)).sent == []        # never again
    assert len(chat_server.accepted) == 1
    row = store.outbox_row(chat_id)
    assert row is not None and row["status"] == "sent" and row["attempts"] == 3


def test_a_target_removed_from_the_config_keeps_its_message_waiting(
        store: Store, settings: Settings, world: World, chat_server: ChatServer) -> None:
    s = with_targets(replace(settings, mail_to=()), NotifyTarget("desk", chat_server.url(), True))
    world.story(world.feed("RFI"), "Haftar", "haftar", T0, priority="alert")
    queue_alerts(store, s, T0)
    report = deliver(store, with_targets(s), T0)
    assert "notify target 'desk' is no longer configured" in report.failed[0][1]
    assert deliver(store, s, T0 + timedelta(hours=1)).sent and len(chat_server.accepted) == 1


# -- secrets -----------------------------------------------------------------------------------

def test_tokens_never_reach_the_log_the_outbox_or_errors(
        store: Store, settings: Settings, world: World, chat_server: ChatServer,
        caplog: pytest.LogCaptureFixture) -> None:
    url = f"json://user:{TOKEN}-pw@{chat_server.host_port}/{TOKEN}?key={TOKEN}-q"
    s = with_targets(replace(settings, mail_to=()), NotifyTarget("desk", url, True))
    world.story(world.feed("RFI"), "Haftar", "haftar", T0, priority="alert")
    caplog.set_level(logging.DEBUG)
    queue_alerts(store, s, T0)
    chat_server.status = 500
    failed = deliver(store, s, T0, rng=lambda: 0.0).failed
    chat_server.status = 200
    sent = deliver(store, s, T0 + timedelta(hours=1)).sent
    assert failed and sent and chat_server.accepted[0].path.startswith(f"/{TOKEN}")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "outbox failed" in logged and "outbox sent" in logged
    assert TOKEN not in logged
    dump = "\n".join(store.conn.iterdump())
    assert TOKEN not in dump and "notify:desk" in dump
    assert TOKEN not in failed[0][1]
    with pytest.raises(DeliveryError) as e:
        chat.send(NotifyTarget("broken", f"nosuchscheme://{TOKEN}/x"), "t", "b")
    assert TOKEN not in str(e.value) and "does not understand this URL" in str(e.value)


def test_redact_hides_every_part_of_the_url_that_may_be_a_token() -> None:
    url = "tgram://123456789:AAE-bot-token/-1001234567/?format=text&key=k3y-v4lue"
    said = ("Telegram POST URL: https://api.telegram.org/bot123456789:AAE-bot-token/send "
            "chat -1001234567 key k3y-v4lue")
    out = chat.redact(said, url)
    for secret in ("123456789:AAE-bot-token", "-1001234567", "k3y-v4lue"):
        assert secret not in out
    assert "api.telegram.org" in out


# -- the message -------------------------------------------------------------------------------

def test_message_is_short_plain_and_bounded(store: Store, settings: Settings,
                                            world: World) -> None:
    feed = world.feed("RFI")
    world.story(feed, "عاجل: حفتر في موسكو", "haftar", T0 - timedelta(minutes=1),
                priority="alert")
    for i in range(12):
        world.story(feed, f"Titre {i}\r\nX-Injected: yes <b>gras</b>", "haftar",
                    T0 - timedelta(seconds=30 - i), priority="alert")
    s = with_targets(replace(settings, mail_to=()), NotifyTarget("desk", "json://h/p", True))
    queue_alerts(store, s, T0)
    row = store.outbox_rows()[0]
    stored = json.loads(row["payload"])
    assert stored == {"target": "desk", "title": row["subject"], "body": row["body_text"]}
    lines = stored["body"].splitlines()
    assert sum(x.startswith("• ") for x in lines) == chat.MAX_ITEMS
    assert lines[-1] == f"… +{13 - chat.MAX_ITEMS}"
    assert all("\r" not in x and len(x) <= chat.LINE_MAX + 40 for x in lines)
    assert "\u2068عاجل: حفتر في موسكو\u2069 (RFI)" in stored["body"]   # isolated RTL
    assert "عاجل: حفتر في موسكو" in stored["body"]


class _Rule:
    def __init__(self, rid: str, title: str, notify: tuple[str, ...] = ()) -> None:
        self.id, self.title, self.notify, self.recipients = rid, title, notify, ()


# -- watchdesk notify test ---------------------------------------------------------------------

def test_notify_test_command_sends_to_each_target_and_names_failures(
        tmp_path: Path, chat_server: ChatServer) -> None:
    from conftest import cli_env, watchdesk

    f = tmp_path / "notify"
    f.write_text(f"desk-libye = {chat_server.url('/ok/' + TOKEN)}\n"
                 f"dead = json://127.0.0.1:1/{TOKEN}\n", encoding="utf-8")
    env = cli_env(WATCHDESK_NOTIFY_FILE=str(f), WATCHDESK_NOTIFY="desk-libye",
                  WATCHDESK_WEB_URL="https://veille.example.org")
    r = watchdesk("notify", "test", "--db", str(tmp_path / "w.db"), env=env)
    assert r.returncode == 1
    assert "ok     desk-libye (json; every alert)" in r.stdout
    assert "FAILED dead: notify target dead (json) failed" in r.stderr
    assert "1 of 2 target(s) failed" in r.stderr
    assert TOKEN not in r.stdout + r.stderr
    (post,) = chat_server.accepted
    assert post.body["title"] == "watchdesk — test"
    assert "https://veille.example.org" in post.body["message"]
    one = watchdesk("notify", "test", "--target", "desk-libye", env=env)
    assert one.returncode == 0 and len(chat_server.accepted) == 2
    none = watchdesk("notify", "test", env=cli_env())
    assert none.returncode == 1 and "no notify target" in none.stderr


def test_check_reports_an_unknown_target_once_targets_are_configured(tmp_path: Path) -> None:
    from conftest import cli_env, watchdesk, write_feeds

    feeds = write_feeds(tmp_path / "feeds.yaml", [("rfi", "https://rfi.example/rss")])
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "libye.yaml").write_text(
        "rules:\n  - id: haftar\n    query: haftar\n    priority: alert\n"
        "    notify:\n      - desk-libye\n      - desk-paris\n", encoding="utf-8")
    targets = tmp_path / "notify"
    targets.write_text("desk-libye = json://127.0.0.1:9/x\n", encoding="utf-8")
    args = ("check", "--feeds", str(feeds), "--rules", str(rules))
    bad = watchdesk(*args, env=cli_env(WATCHDESK_NOTIFY_FILE=str(targets)))
    assert bad.returncode == 1
    assert f"{rules / 'libye.yaml'}:7:" in bad.stdout + bad.stderr
    assert "unknown target 'desk-paris'" in bad.stdout + bad.stderr
    assert watchdesk(*args, env=cli_env()).returncode == 0     # no target known: not checked
    targets.write_text("desk-libye = json://127.0.0.1:9/x\ndesk-paris = json://h/y\n")
    assert watchdesk(*args, env=cli_env(WATCHDESK_NOTIFY_FILE=str(targets))).returncode == 0


def test_a_breaking_story_reaches_the_rules_target_once(
        store: Store, settings: Settings, world: World, chat_server: ChatServer) -> None:
    from watchdesk.rules.model import AlertWhen

    t0 = utc(2026, 11, 26, 10, 0)
    story = None
    for i, feed in enumerate(["rfi", "f24", "monde"]):
        at = t0 + timedelta(minutes=20 * i)
        aid = world.article(world.feed(feed, title=f"{feed.upper()} - Afrique"),
                            f"Libye : délégation russe ({feed})",
                            url=f"https://{feed}.example/1", published_at=iso(at),
                            story_id=story)
        story = story or aid
        world.match(aid, "russie-libye", at + timedelta(minutes=1))
    s = with_targets(replace(settings, mail_to=()),
                     NotifyTarget("desk-libye", chat_server.url()))
    rules = [_Rule("russie-libye", "Russie en Libye", notify=("desk-libye",))]
    titles, recipients = rule_maps(rules)
    cond = {"russie-libye": AlertWhen(sources=3, within=3600)}
    now = t0 + timedelta(minutes=45)
    assert len(queue_alerts(store, s, now, recipients, titles=titles, conditions=cond)) == 1
    assert queue_alerts(store, s, now + timedelta(hours=1), recipients, titles=titles,
                        conditions=cond) == []                           # once per event
    deliver(store, s, now)
    (post,) = chat_server.accepted
    assert post.body["title"].startswith(
        "watchdesk ALERTE — Russie en Libye — Ça monte : 3 sources")
    assert "(RFI - Afrique, F24 - Afrique, MONDE - Afrique) — 3 sources / 40 min" in \
        post.body["message"]


def test_web_url_must_be_an_http_address() -> None:
    assert from_env({"WATCHDESK_WEB_URL": "https://veille.example.org/desk/"}).web_url == \
        "https://veille.example.org/desk"
    with pytest.raises(ConfigError, match="WATCHDESK_WEB_URL"):
        from_env({"WATCHDESK_WEB_URL": "veille.example.org"})
