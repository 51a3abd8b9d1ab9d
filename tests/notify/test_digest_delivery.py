"""Digest: queued, then delivered to a real SMTP server on 127.0.0.1; windows; failures."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from watchdesk.config.settings import Settings
from watchdesk.notify.outbox import deliver, queue_digest
from watchdesk.store import Store, iso, parse_iso

from .conftest import SMTPServer, World, parts, utc

DAY1 = utc(2026, 11, 25, 6, 0)    # 07:00 Paris: a digest time
DAY2 = utc(2026, 11, 26, 6, 0)


def first_digest(store: Store, settings: Settings) -> int:
    """Start the notifier on day 0 and send the day-1 digest; returns its outbox id."""
    assert queue_digest(store, settings, DAY1 - timedelta(days=1)) is None  # baseline only
    outbox_id = queue_digest(store, settings, DAY1)
    assert outbox_id is not None
    return outbox_id


def test_digest_email_structure_headers_and_order(store: Store, settings: Settings,
                                                  world: World, smtp: SMTPServer) -> None:
    first_digest(store, settings)
    deliver(store, settings, DAY1)
    smtp.messages.clear()
    rfi, monde = world.feed("RFI"), world.feed("Le Monde")
    t = DAY1 + timedelta(hours=3)
    a = world.article(rfi, "Wagner en Libye : le retour", url="https://rfi.example/w",
                      story_id=None)
    b = world.article(monde, "Wagner revient en Libye", url="https://lemonde.example/w",
                      story_id=a)
    world.match(a, "wagner", t, snippet_text="Les hommes de Wagner en Libye", spans=[[14, 20]])
    world.match(b, "wagner", t)
    for i in range(3):
        world.story(monde, f"Pétrole {i}", "petrole", t)
    world.story(rfi, "Haftar reçu à Moscou", "haftar", t, priority="alert")

    outbox_id = queue_digest(store, settings, DAY2, titles={"haftar": "Haftar et la Russie"})
    assert outbox_id is not None
    report = deliver(store, settings, DAY2)
    assert report.sent == [outbox_id] and not report.failed

    assert len(smtp.messages) == 1
    got = smtp.messages[0]
    msg = got.message
    assert got.rcpt_tos == ["desk@example.org"] and got.mail_from == "watchdesk@example.org"
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"] == "watchdesk — 5 sujets pour 3 règles — jeu. 26 nov."
    assert msg["From"] == "Veille <watchdesk@example.org>"
    assert msg["To"] == "desk@example.org"
    assert msg["Message-ID"].startswith("<digest-2026-11-26-")
    assert msg["Message-ID"].endswith("@watchdesk.example.org>")
    assert msg["List-ID"] == "watchdesk digest <digest.watchdesk.example.org>"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert parsedate_to_datetime(msg["Date"]) == DAY2
    text, html = parts(msg)
    # alert rule first, then by number of stories
    assert text.index("Haftar et la Russie") < text.index("petrole") < text.index("wagner")
    # one headline (+ its snippet), the other report listed under it: one event, not two
    assert text.count("Wagner") == 1 + 1 + 1
    assert text.count("Wagner revient en Libye") == 1
    assert 'href="https://lemonde.example/w"' in html
    assert "2 sources : RFI, Le Monde" in text   # one event, both outlets named
    assert "*Wagner*" in text                      # highlighted span, text part
    assert ">Wagner</span>" in html                # highlighted span, HTML part
    assert 'href="https://rfi.example/w"' in html
    assert store.outbox_row(outbox_id)["status"] == "sent"  # type: ignore[index]


def test_window_no_repeat_no_gap_across_downtime(store: Store, settings: Settings,
                                                 world: World, smtp: SMTPServer) -> None:
    feed = world.feed("RFI")
    world.story(feed, "Avant le premier", "r", DAY1 - timedelta(hours=2))
    first_digest(store, settings)
    deliver(store, settings, DAY1)
    assert "Avant le premier" in parts(smtp.messages[0].message)[0]

    world.story(feed, "Jour deux", "r", DAY1 + timedelta(hours=1))
    # the daemon is down from DAY1 + 2 h for three days, then starts at 09:12 on day 4
    world.story(feed, "Pendant la panne", "r", DAY1 + timedelta(hours=2))
    restart = DAY2 + timedelta(days=2, hours=2, minutes=12)
    outbox_id = queue_digest(store, settings, restart)
    assert outbox_id is not None
    assert queue_digest(store, settings, restart + timedelta(minutes=1)) is None  # once
    deliver(store, settings, restart)
    assert len(smtp.messages) == 2
    text = parts(smtp.messages[1].message)[0]
    assert "Jour deux" in text and "Pendant la panne" in text
    assert "Avant le premier" not in text            # not repeated
    row = store.outbox_row(outbox_id)
    assert row is not None and row["window_start"] == "2026-11-25T06:00:00Z"
    assert row["window_end"] == "2026-11-28T08:12:00Z"


def test_late_committed_match_is_not_lost(store: Store, settings: Settings, world: World,
                                          smtp: SMTPServer) -> None:
    """The pipeline stamps created_at before its transaction: a match may be committed
    after the digest was composed, with a time inside the closed window."""
    feed = world.feed("RFI")
    first_digest(store, settings)
    world.story(feed, "En retard", "r", DAY1 - timedelta(seconds=30))
    queue_digest(store, settings, DAY2)
    queue_digest(store, settings, DAY2 + timedelta(days=1))
    deliver(store, settings, DAY2 + timedelta(days=1))
    texts = [parts(m.message)[0] for m in smtp.messages]
    assert [("En retard" in t) for t in texts] == [False, True, False]


def test_backfill_matches_are_in_the_digest(store: Store, settings: Settings, world: World,
                                            smtp: SMTPServer) -> None:
    feed = world.feed("RFI")
    first_digest(store, settings)
    world.story(feed, "Article ancien", "nouvelle", DAY1 + timedelta(hours=1), backfill=True,
                priority="alert")
    queue_digest(store, settings, DAY2)
    deliver(store, settings, DAY2)
    text = parts(smtp.messages[-1].message)[0]
    assert "Article ancien" in text and "règle nouvelle ou modifiée" in text


def test_empty_digest_sent_or_skipped(store: Store, settings: Settings, smtp: SMTPServer,
                                      world: World) -> None:
    first_digest(store, settings)
    deliver(store, settings, DAY1)
    assert smtp.messages[0].message["Subject"] == "watchdesk — rien de nouveau — mer. 25 nov."
    quiet = replace(settings, digest_send_empty=False)
    assert queue_digest(store, quiet, DAY2) is None
    assert store.digest_state().window_end == "2026-11-26T06:00:00Z"   # window moved on
    world.story(world.feed("RFI"), "Enfin", "r", DAY2 + timedelta(hours=1))
    assert queue_digest(store, quiet, DAY2 + timedelta(days=1)) is not None


def test_smtp_down_then_up_arrives_exactly_once(store: Store, settings: Settings,
                                                world: World, smtp: SMTPServer) -> None:
    first_digest(store, settings)
    smtp.stop()
    report = deliver(store, settings, DAY1, rng=lambda: 0.0)
    assert len(report.failed) == 1
    error = report.failed[0][1]
    assert error == (f"cannot reach SMTP server 127.0.0.1:{smtp.port}: connection refused — "
                     "check WATCHDESK_SMTP_HOST/PORT")
    row = store.outbox_rows()[0]
    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 1, error)
    assert row["next_attempt_at"] == "2026-11-25T06:00:30Z"   # 60 s × jitter 0.5
    # not retried before its time, even if the server is back
    smtp.start()
    assert deliver(store, settings, DAY1 + timedelta(seconds=10)).sent == []
    assert smtp.messages == []
    report = deliver(store, settings, DAY1 + timedelta(minutes=1))
    assert len(report.sent) == 1
    assert deliver(store, settings, DAY1 + timedelta(hours=2)).sent == []
    assert len(smtp.messages) == 1
    assert smtp.messages[0].message["Message-ID"] == row["message_id"]
    assert store.outbox_rows()[0]["attempts"] == 2


def test_unused_port_backoff_grows_and_is_capped(store: Store, settings: Settings,
                                                 refused_port: int) -> None:
    dead = replace(settings, smtp_port=refused_port)
    first_digest(store, dead)
    now = DAY1
    waits = []
    for _ in range(9):
        deliver(store, dead, now, rng=lambda: 1.0)
        row = store.outbox_rows()[0]
        retry = parse_iso(row["next_attempt_at"])
        assert retry is not None
        waits.append(int((retry - now).total_seconds()))
        now = retry
    assert waits[:6] == [60, 120, 240, 480, 960, 1920]
    assert waits[6:] == [3600, 3600, 3600]
    assert (row["attempts"], row["status"]) == (9, "failed")


def test_crash_between_queue_and_send_resends_the_same_message(
        tmp_path: object, store: Store, settings: Settings, world: World,
        smtp: SMTPServer) -> None:
    world.story(world.feed("RFI"), "Haftar", "r", DAY1 - timedelta(hours=1))
    outbox_id = first_digest(store, settings)
    stored = store.outbox_row(outbox_id)
    assert stored is not None

    class Killed(BaseException):
        """Stands for SIGKILL during the SMTP conversation."""

    def crash(*_: object) -> dict[str, str]:
        raise Killed

    with pytest.raises(Killed):
        deliver(store, settings, DAY1, send=crash)
    store.close()

    restarted = Store(settings.db)                   # a new process opens the same file
    try:
        assert queue_digest(restarted, settings, DAY1 + timedelta(minutes=1)) is None
        report = deliver(restarted, settings, DAY1 + timedelta(minutes=1))
        assert report.sent == [outbox_id]
        assert deliver(restarted, settings, DAY1 + timedelta(minutes=2)).sent == []
    finally:
        restarted.close()
    assert len(smtp.messages) == 1
    msg = smtp.messages[0].message
    assert msg["Message-ID"] == stored["message_id"]
    assert msg["Subject"] == stored["subject"]
    assert "Haftar" in parts(msg)[0]


def test_partially_refused_recipients_are_noted(store: Store, settings: Settings,
                                                smtp: SMTPServer) -> None:
    two = replace(settings, mail_to=("desk@example.org", "gone@example.org"))
    smtp.handler.refuse.add("gone@example.org")
    first_digest(store, two)
    assert len(deliver(store, two, DAY1).sent) == 1
    row = store.outbox_rows()[0]
    assert row["status"] == "sent"
    assert row["last_error"].startswith("refused: gone@example.org 550")
    assert smtp.messages[0].rcpt_tos == ["desk@example.org"]


def test_all_recipients_refused_is_a_failure(store: Store, settings: Settings,
                                             smtp: SMTPServer) -> None:
    smtp.handler.refuse.add("desk@example.org")
    first_digest(store, settings)
    report = deliver(store, settings, DAY1)
    assert "refused every recipient" in report.failed[0][1]
    assert "WATCHDESK_MAIL_TO" in report.failed[0][1]


def test_tls_against_a_plain_server_says_what_to_check(store: Store, settings: Settings,
                                                       smtp: SMTPServer) -> None:
    first_digest(store, settings)
    report = deliver(store, replace(settings, smtp_security="tls"), DAY1)
    assert "WATCHDESK_SMTP_SECURITY" in report.failed[0][1]


def test_no_recipient_no_digest(store: Store, settings: Settings) -> None:
    assert queue_digest(store, replace(settings, mail_to=()), DAY1, force=True) is None
    assert store.outbox_rows() == []


class _Auth:
    """aiosmtpd authenticator accepting one user/password."""

    def __call__(self, server: object, session: object, envelope: object, mechanism: str,
                 auth_data: object) -> object:
        from aiosmtpd.smtp import AuthResult, LoginPassword
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"veille"
              and auth_data.password == b"s3cret-pw")
        return AuthResult(success=ok, handled=False)  # let aiosmtpd answer 535


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_login_and_a_refused_login_never_shows_the_password(
        store: Store, settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    from watchdesk.config.settings import Secret
    server = SMTPServer()
    server.start(authenticator=_Auth(), auth_required=True, auth_require_tls=False)
    try:
        good = replace(settings, smtp_port=server.port, smtp_user="veille",
                       smtp_password=Secret("s3cret-pw"))
        bad = replace(good, smtp_password=Secret("wrong-pw"))
        first_digest(store, good)
        report = deliver(store, bad, DAY1)
        error = report.failed[0][1]
        assert error.startswith(f"SMTP server 127.0.0.1:{server.port} refused the login of "
                                "'veille' (535)")
        assert "WATCHDESK_SMTP_USER" in error
        assert deliver(store, good, DAY1 + timedelta(hours=1)).sent
        assert len(server.messages) == 1
    finally:
        server.stop()
    logged = caplog.text + repr(store.outbox_rows()[0]["last_error"])
    assert "wrong-pw" not in logged and "s3cret-pw" not in logged


def test_each_match_lands_in_one_digest_even_stamped_before_the_last(
        store: Store, settings: Settings, world: World) -> None:
    """A match committed after a digest but stamped before its end (the pipeline takes its
    clock before its transaction) is in the next digest; one the last digest saw is not."""
    feed = world.feed("RFI")
    seen = world.story(feed, "Vu", "libye", DAY1 - timedelta(hours=2))
    first_digest(store, settings)
    late = world.story(feed, "En retard", "libye", DAY1 - timedelta(hours=1))
    new = world.story(feed, "Nouveau", "libye", DAY1 + timedelta(hours=2))
    after = world.story(feed, "Demain", "libye", DAY2 + timedelta(hours=1))
    state = store.digest_state()
    assert state.window_end is not None and state.match_hw == seen

    def taken(end: datetime, hw: int) -> list[int]:
        return [r["id"] for r in store.digest_matches(state.window_end, iso(end),
                                                      prev_hw=state.match_hw, hw=hw)]

    assert taken(DAY2, store.max_match_id()) == [late, new]
    assert taken(DAY2, late) == [late]                   # not beyond the high-water mark
    assert taken(DAY2 + timedelta(days=1), after) == [late, new, after]
