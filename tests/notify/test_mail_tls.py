"""SMTP over TLS, end to end: STARTTLS and implicit TLS against a real aiosmtpd server on
127.0.0.1 whose certificate comes from a throwaway CA (trustme), certificate verification
failures and what they tell the operator, and the login (AUTH) over TLS."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme

from watchdesk.config.settings import Secret, Settings, from_env
from watchdesk.errors import DeliveryError
from watchdesk.notify.mail import may_send_password, send_message
from watchdesk.notify.outbox import deliver, queue_digest
from watchdesk.store import Store

from .conftest import LOOPBACK, Recorder, SMTPServer, utc

DAY1 = utc(2026, 11, 25, 6, 0)  # 07:00 Paris: a digest time


@dataclass
class PKI:
    """A CA the tests trust, a certificate it issued for 127.0.0.1 (and localhost), one it
    issued for another host name, one from a second CA nobody told the client about, and one
    that expired a month ago."""

    ca: trustme.CA
    ca_file: Path
    good: trustme.LeafCert
    wrong_name: trustme.LeafCert
    stranger: trustme.LeafCert
    expired: trustme.LeafCert


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    ca = trustme.CA(organization_name="Rédaction test CA")
    ca_file = tmp_path_factory.mktemp("pki") / "desk-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    now = datetime.now(UTC)
    return PKI(ca, ca_file, ca.issue_cert(LOOPBACK, "localhost"),
               ca.issue_cert("mail.example.org"),
               trustme.CA().issue_cert(LOOPBACK, "localhost"),
               ca.issue_cert(LOOPBACK, not_before=now - timedelta(days=400),
                             not_after=now - timedelta(days=35)))


def server_context(cert: trustme.LeafCert) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    return ctx


class TLSRecorder(Recorder):
    """Also notes, for each message, whether it arrived over TLS."""

    def __init__(self) -> None:
        super().__init__()
        self.over_tls: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.over_tls.append(server.transport.get_extra_info("ssl_object") is not None)
        return await super().handle_DATA(server, session, envelope)


@dataclass
class Logins:
    """aiosmtpd authenticator for veille / s3cret-pw; records each attempt and its channel."""

    attempts: list[tuple[str, bool, bool]]

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"veille"
              and auth_data.password == b"s3cret-pw")
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.attempts.append((mechanism, tls, ok))
        return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 on failure


class TLSServer(SMTPServer):
    def __init__(self) -> None:
        super().__init__()
        self.handler = TLSRecorder()
        self.logins = Logins([])

    def start_mode(self, mode: str, cert: trustme.LeafCert, *, auth: bool = False,
                   **kw: Any) -> None:
        """``starttls``: plain greeting, STARTTLS required before MAIL; ``tls``: TLS from the
        first byte (the port-465 way)."""
        if auth:
            kw.update(authenticator=self.logins, auth_required=True)
        if mode == "starttls":
            self.start(tls_context=server_context(cert), require_starttls=True, **kw)
        else:
            # aiosmtpd only counts STARTTLS as TLS for AUTH; here the socket is TLS from the
            # first byte, so AUTH is allowed on it explicitly.
            self.start(ssl_context=server_context(cert),
                       **({"auth_require_tls": False} if auth else {}), **kw)


@pytest.fixture
def tls_server() -> Iterator[TLSServer]:
    server = TLSServer()
    yield server
    server.stop()


def mail_settings(server: SMTPServer, security: str, ca_file: Path | str = "",
                  **kw: Any) -> Settings:
    return Settings(smtp_host=LOOPBACK, smtp_port=server.port, smtp_security=security,
                    smtp_ca_file=str(ca_file), mail_from="Veille <watchdesk@example.org>",
                    mail_to=("desk@example.org",), **kw)


def message() -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = "Libye : une délégation russe à Benghazi"
    msg["From"] = "Veille <watchdesk@example.org>"
    msg["To"] = "desk@example.org"
    msg.set_content("Une délégation militaire russe est arrivée à Benghazi.")
    return msg


MODES = ["starttls", "tls"]
# the server's certificate -> the sentence the operator gets, and what it tells them to check
FAILURES = [
    ("wrong_name", "is not valid for '127.0.0.1'", "WATCHDESK_SMTP_HOST"),
    ("stranger", "is not signed by a CA of WATCHDESK_SMTP_CA_FILE", "WATCHDESK_SMTP_CA_FILE"),
    ("expired", "has expired or is not valid yet", "renew the server's certificate"),
]


@pytest.mark.parametrize("mode", MODES)
def test_delivery_over_tls_with_the_desk_ca(mode: str, pki: PKI,
                                            tls_server: TLSServer) -> None:
    tls_server.start_mode(mode, pki.good)
    refused = send_message(message(), ["desk@example.org"],
                           mail_settings(tls_server, mode, pki.ca_file))
    assert refused == {}
    assert [m.message["Subject"] for m in tls_server.messages] == [
        "Libye : une délégation russe à Benghazi"]
    assert tls_server.handler.over_tls == [True]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("cert", "says", "check"), FAILURES)
def test_certificate_refused_says_what_to_check(mode: str, cert: str, says: str, check: str,
                                                pki: PKI, tls_server: TLSServer) -> None:
    tls_server.start_mode(mode, getattr(pki, cert))
    with pytest.raises(DeliveryError) as e:
        send_message(message(), ["desk@example.org"],
                     mail_settings(tls_server, mode, pki.ca_file))
    text = str(e.value)
    assert text.startswith(f"the TLS certificate of SMTP server 127.0.0.1:{tls_server.port} ")
    assert says in text and check in text
    assert tls_server.messages == []


@pytest.mark.parametrize("mode", MODES)
def test_the_system_store_is_the_default_and_does_not_know_the_desk_ca(
        mode: str, pki: PKI, tls_server: TLSServer) -> None:
    tls_server.start_mode(mode, pki.good)
    with pytest.raises(DeliveryError) as e:
        send_message(message(), ["desk@example.org"], mail_settings(tls_server, mode))
    assert "is not signed by a CA this machine trusts" in str(e.value)
    assert "set WATCHDESK_SMTP_CA_FILE to that CA's certificate" in str(e.value)
    assert tls_server.messages == []


def test_the_ca_file_setting_comes_from_the_environment(pki: PKI) -> None:
    assert from_env({"WATCHDESK_SMTP_CA_FILE": str(pki.ca_file)}).smtp_ca_file == str(
        pki.ca_file)
    assert from_env({}).smtp_ca_file == ""


@pytest.mark.parametrize(("content", "says"), [
    (None, "cannot read WATCHDESK_SMTP_CA_FILE"),
    ("pas un certificat\n", "holds no PEM certificate"),
])
def test_an_unusable_ca_file_is_named(content: str | None, says: str, tmp_path: Path,
                                      tls_server: TLSServer, pki: PKI) -> None:
    tls_server.start_mode("tls", pki.good)
    ca_file = tmp_path / "ca.pem"
    if content is not None:
        ca_file.write_text(content)
    with pytest.raises(DeliveryError) as e:
        send_message(message(), ["desk@example.org"], mail_settings(tls_server, "tls", ca_file))
    assert says in str(e.value) and str(ca_file) in str(e.value)


# aiosmtpd warns for AUTH allowed outside STARTTLS: here that is implicit TLS (see TLSServer)
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
@pytest.mark.parametrize("mode", MODES)
def test_login_over_tls(mode: str, pki: PKI, tls_server: TLSServer) -> None:
    tls_server.start_mode(mode, pki.good, auth=True)
    good = mail_settings(tls_server, mode, pki.ca_file, smtp_user="veille",
                         smtp_password=Secret("s3cret-pw"))
    send_message(message(), ["desk@example.org"], good)
    with pytest.raises(DeliveryError) as e:
        send_message(message(), ["desk@example.org"],
                     replace(good, smtp_password=Secret("wrong-pw")))
    assert f"127.0.0.1:{tls_server.port} refused the login of 'veille' (535)" in str(e.value)
    assert "wrong-pw" not in str(e.value)
    # every attempt went over TLS (smtplib tries each mechanism the server offers before it
    # gives up); only the good password was let in, and only it sent mail
    attempts = tls_server.logins.attempts
    assert attempts[0][1:] == (True, True)
    assert len(attempts) > 1 and all(tls and not ok for _, tls, ok in attempts[1:])
    assert len(tls_server.messages) == 1 and tls_server.handler.over_tls == [True]


def test_digest_through_the_outbox_with_login_over_starttls_never_shows_the_password(
        store: Store, pki: PKI, tls_server: TLSServer, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    tls_server.start_mode("starttls", pki.good, auth=True)
    good = replace(mail_settings(tls_server, "starttls", pki.ca_file, smtp_user="veille",
                                 smtp_password=Secret("s3cret-pw")),
                   db=tmp_path / "watchdesk.db", timezone="Europe/Paris", digest_time="07:00")
    bad = replace(good, smtp_password=Secret("wrong-pw"))
    assert queue_digest(store, good, DAY1 - timedelta(days=1)) is None  # baseline only
    outbox_id = queue_digest(store, good, DAY1)
    failed = deliver(store, bad, DAY1).failed
    assert [i for i, _ in failed] == [outbox_id] and "refused the login" in failed[0][1]
    assert deliver(store, good, DAY1 + timedelta(hours=1)).sent == [outbox_id]
    assert len(tls_server.messages) == 1 and tls_server.handler.over_tls == [True]
    seen = caplog.text + repr([dict(r) for r in store.outbox_rows()])
    assert "s3cret-pw" not in seen and "wrong-pw" not in seen


def test_login_refused_by_a_server_that_wants_tls_first(pki: PKI,
                                                        tls_server: TLSServer) -> None:
    """aiosmtpd's default, like most submission servers: AUTH only after STARTTLS. A client
    left on ``none`` is told to turn TLS on (not that STARTTLS is missing)."""
    tls_server.start(tls_context=server_context(pki.good), authenticator=tls_server.logins,
                     auth_required=True)
    plain = mail_settings(tls_server, "none", smtp_user="veille",
                          smtp_password=Secret("s3cret-pw"))
    with pytest.raises(DeliveryError) as e:
        send_message(message(), ["desk@example.org"], plain)
    assert str(e.value) == (
        f"SMTP server 127.0.0.1:{tls_server.port} offers no login (AUTH) on an unencrypted "
        "connection — set WATCHDESK_SMTP_SECURITY to starttls (port 587) or tls (465)")
    assert tls_server.logins.attempts == [] and tls_server.messages == []
    send_message(message(), ["desk@example.org"],
                 replace(plain, smtp_security="starttls", smtp_ca_file=str(pki.ca_file)))
    assert [tls for _, tls, _ in tls_server.logins.attempts] == [True]


@pytest.mark.parametrize(("encrypted", "peer", "allowed"), [
    (True, "203.0.113.7", True),      # over TLS, anywhere
    (False, "127.0.0.1", True),       # a relay on this machine
    (False, "127.0.0.53", True),
    (False, "::1", True),
    (False, "::ffff:127.0.0.1", True),
    (False, "203.0.113.7", False),    # in clear across a network: never
    (False, "10.1.2.3", False),
    (False, "fe80::1%eth0", False),
    (False, "", False),
])
def test_a_password_goes_in_clear_only_to_this_machine(encrypted: bool, peer: str,
                                                       allowed: bool) -> None:
    assert may_send_password(encrypted, peer) is allowed


def test_starttls_asked_of_a_server_without_it(smtp: SMTPServer, pki: PKI) -> None:
    with pytest.raises(DeliveryError) as e:
        send_message(message(), ["desk@example.org"],
                     mail_settings(smtp, "starttls", pki.ca_file))
    assert str(e.value) == (f"SMTP server 127.0.0.1:{smtp.port} does not offer STARTTLS — set "
                            "WATCHDESK_SMTP_SECURITY to tls (port 465) or none")
    assert smtp.messages == []


def test_starttls_asked_of_an_implicit_tls_server_times_out_and_says_so(
        pki: PKI, tls_server: TLSServer) -> None:
    """The client waits for a greeting that a port-465 server never sends in clear."""
    tls_server.start_mode("tls", pki.good)
    with pytest.raises(DeliveryError) as e:
        send_message(message(), ["desk@example.org"],
                     mail_settings(tls_server, "starttls", pki.ca_file), timeout=1)
    assert "did not answer within 1 s" in str(e.value)
    assert "WATCHDESK_SMTP_SECURITY (tls for port 465)" in str(e.value)
