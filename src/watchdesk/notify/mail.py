"""SMTP delivery: building the MIME message of an outbox row, and handing it to the server.

The message is rebuilt from the stored row on every attempt, so a retry carries the same
``Message-ID``, ``Date``, subject and bodies. ``smtplib`` errors are turned into
``DeliveryError`` with a sentence an operator can act on; the password never appears in one.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import smtplib
import socket
import ssl
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from ..config.settings import Settings
from ..errors import DeliveryError
from ..store.base import parse_iso
from .render import sanitize_subject

DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}
TIMEOUT = 30.0


def smtp_port(settings: Settings) -> int:
    """The configured port, or the usual one for the security mode."""
    return settings.smtp_port or DEFAULT_PORTS.get(settings.smtp_security, 25)


def _domain(address: str) -> str:
    addr = parseaddr(address)[1]
    return addr.rpartition("@")[2] or "localhost"


def message_id(kind: str, day: datetime, settings: Settings, *parts: object) -> str:
    """``<digest-2026-11-26-<hash of what it carries>@watchdesk.example.org>``, fixed when
    the message is queued (a retry sends the same one)."""
    digest = hashlib.sha256("|".join(map(str, (kind, settings.db, *parts))).encode())
    domain = _domain(settings.mail_from)
    return f"<{kind}-{day:%Y-%m-%d}-{digest.hexdigest()[:16]}@watchdesk.{domain}>"


def list_id(kind: str, settings: Settings) -> str:
    """``watchdesk digest <digest.watchdesk.example.org>``: lets mail rules file them."""
    what = "alerts" if kind == "alert" else "digest"
    return f"watchdesk {what} <{what}.watchdesk.{_domain(settings.mail_from)}>"


def build_message(row: Any, settings: Settings) -> EmailMessage:
    """The email for an outbox row (``kind`` digest or alert): multipart/alternative with
    a text part and, when stored, an HTML part."""
    recipients = [str(r) for r in json.loads(row["recipients"])]
    msg = EmailMessage()
    msg["Subject"] = sanitize_subject(row["subject"])
    msg["From"] = settings.mail_from
    msg["To"] = ", ".join(sanitize_subject(r, 320) for r in recipients)
    msg["Message-ID"] = row["message_id"]
    created = parse_iso(row["created_at"])
    if created is not None:
        msg["Date"] = format_datetime(created)
    msg["List-ID"] = list_id(row["kind"], settings)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"   # no out-of-office replies from Exchange
    msg["Content-Language"] = settings.digest_lang if settings.digest_lang in ("fr", "en") \
        else "fr"
    msg.set_content(row["body_text"])
    if row["body_html"]:
        msg.add_alternative(row["body_html"], subtype="html")
    return msg


def tls_context(settings: Settings) -> ssl.SSLContext:
    """A client context that verifies the server's certificate and host name against the
    system's CAs or, when ``WATCHDESK_SMTP_CA_FILE`` is set, against the CAs of that file only
    (a desk whose mail server has a certificate from an internal CA)."""
    ca_file = settings.smtp_ca_file or None
    try:
        return ssl.create_default_context(cafile=ca_file)
    except ssl.SSLError as e:
        raise DeliveryError(f"WATCHDESK_SMTP_CA_FILE {ca_file} holds no PEM certificate "
                            f"({e.reason or e}) — point it at the CA's certificate in PEM "
                            "(-----BEGIN CERTIFICATE-----)") from e
    except OSError as e:
        raise DeliveryError(f"cannot read WATCHDESK_SMTP_CA_FILE {ca_file}: "
                            f"{e.strerror or e}") from e


def may_send_password(encrypted: bool, peer: str) -> bool:
    """The password goes over TLS, or in clear only to this machine (a local relay, with
    ``WATCHDESK_SMTP_SECURITY=none``): never in clear across a network."""
    if encrypted:
        return True
    try:
        ip = ipaddress.ip_address(peer.partition("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


# OpenSSL's X509_V_ERR_* codes (ssl.SSLCertVerificationError.verify_code), by what to check
_WRONG_NAME = {62, 64}           # HOSTNAME_MISMATCH, IP_ADDRESS_MISMATCH
_UNTRUSTED = {2, 18, 19, 20, 21}  # issuer unknown, self-signed leaf or chain, cannot verify
_DATES = {9, 10}                 # not yet valid, expired


def _certificate_error(e: ssl.SSLCertVerificationError, where: str, host: str,
                       ca_file: str) -> str:
    why = e.verify_message or e.reason or str(e)
    if e.verify_code in _WRONG_NAME:
        return (f"the TLS certificate of {where} is not valid for {host!r} ({why}) — set "
                "WATCHDESK_SMTP_HOST to a name the certificate lists (the server's own name, "
                "not an alias or an IP address)")
    if e.verify_code in _UNTRUSTED:
        if ca_file:
            return (f"the TLS certificate of {where} is not signed by a CA of "
                    f"WATCHDESK_SMTP_CA_FILE {ca_file} ({why}) — check that this file holds "
                    "the CA that issued the server's certificate")
        return (f"the TLS certificate of {where} is not signed by a CA this machine trusts "
                f"({why}) — if the server uses an internal CA, set WATCHDESK_SMTP_CA_FILE to "
                "that CA's certificate (PEM)")
    if e.verify_code in _DATES:
        return (f"the TLS certificate of {where} has expired or is not valid yet ({why}) — "
                "renew the server's certificate, or check this machine's clock")
    return f"the TLS certificate of {where} was refused ({why})"


def _login(smtp: smtplib.SMTP, settings: Settings, where: str, *, encrypted: bool) -> None:
    user = settings.smtp_user
    peer = str(smtp.sock.getpeername()[0]) if smtp.sock is not None else ""
    if not may_send_password(encrypted, peer):
        raise DeliveryError(
            f"not sending the password of {user!r} unencrypted to {where} — set "
            "WATCHDESK_SMTP_SECURITY to starttls (port 587) or tls (465); without TLS a "
            "password goes only to a relay on this machine")
    if not smtp.has_extn("auth"):
        if encrypted:
            raise DeliveryError(
                f"{where} offers no login (AUTH) — leave WATCHDESK_SMTP_USER empty if it "
                "relays without one, or check WATCHDESK_SMTP_PORT (submission is 587 or 465)")
        raise DeliveryError(
            f"{where} offers no login (AUTH) on an unencrypted connection — set "
            "WATCHDESK_SMTP_SECURITY to starttls (port 587) or tls (465)")
    smtp.login(user, settings.smtp_password.value)


def send_message(msg: EmailMessage, recipients: Sequence[str], settings: Settings, *,
                 timeout: float = TIMEOUT) -> dict[str, str]:
    """Hand ``msg`` to the configured SMTP server for ``recipients``.

    ``WATCHDESK_SMTP_SECURITY``: ``tls`` speaks TLS from the first byte, ``starttls`` upgrades
    the connection before anything else is sent (and fails if the server does not offer it),
    ``none`` stays in clear. The certificate and host name are always verified (``tls_context``).
    A login (``WATCHDESK_SMTP_USER``) is only attempted over TLS or to this machine.

    Returns the recipients the server refused while accepting others ({address: reply}).
    Raises DeliveryError when nothing was accepted.
    """
    host, port, security = settings.smtp_host, smtp_port(settings), settings.smtp_security
    where = f"SMTP server {host}:{port}"
    sender = parseaddr(settings.mail_from)[1] or settings.mail_from
    context = tls_context(settings)
    try:
        smtp: smtplib.SMTP
        if security == "tls":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            smtp.ehlo_or_helo_if_needed()
            if security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(f"{where} does not offer STARTTLS — set "
                                        "WATCHDESK_SMTP_SECURITY to tls (port 465) or none")
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.smtp_user:
                _login(smtp, settings, where, encrypted=security != "none")
            refused = smtp.send_message(msg, from_addr=sender, to_addrs=list(recipients))
    except ConnectionRefusedError as e:
        raise DeliveryError(f"cannot reach {where}: connection refused — check "
                            "WATCHDESK_SMTP_HOST/PORT") from e
    except socket.gaierror as e:
        raise DeliveryError(f"cannot resolve SMTP host {host!r}: {e.strerror} — check "
                            "WATCHDESK_SMTP_HOST") from e
    except TimeoutError as e:
        raise DeliveryError(_no_answer(where, timeout)) from e
    except smtplib.SMTPServerDisconnected as e:
        if isinstance(e.__context__, TimeoutError):  # smtplib's word for a read that timed out
            raise DeliveryError(_no_answer(where, timeout)) from e
        raise DeliveryError(f"{where}: {e} — the message will be retried") from e
    except ssl.SSLCertVerificationError as e:
        raise DeliveryError(_certificate_error(e, where, host, settings.smtp_ca_file)) from e
    except ssl.SSLError as e:
        raise DeliveryError(
            f"TLS with {where} failed ({e.reason or e}) — check WATCHDESK_SMTP_SECURITY "
            "(tls for port 465, starttls for 587, none for a local relay)") from e
    except smtplib.SMTPNotSupportedError as e:
        raise DeliveryError(f"{where} does not support what was asked: {e}") from e
    except smtplib.SMTPAuthenticationError as e:
        raise DeliveryError(
            f"{where} refused the login of {settings.smtp_user!r} ({e.smtp_code}) — check "
            "WATCHDESK_SMTP_USER and the password (WATCHDESK_SMTP_PASSWORD_FILE)") from e
    except smtplib.SMTPSenderRefused as e:
        raise DeliveryError(f"{where} refused the sender {sender!r} ({e.smtp_code} "
                            f"{_text(e.smtp_error)}) — check WATCHDESK_MAIL_FROM") from e
    except smtplib.SMTPRecipientsRefused as e:
        detail = "; ".join(f"{a}: {c} {_text(m)}" for a, (c, m) in e.recipients.items())
        raise DeliveryError(f"{where} refused every recipient ({detail}) — check "
                            "WATCHDESK_MAIL_TO or the rule's recipients") from e
    except smtplib.SMTPResponseException as e:
        raise DeliveryError(f"{where} answered {e.smtp_code} {_text(e.smtp_error)}") from e
    except smtplib.SMTPException as e:
        raise DeliveryError(f"{where}: {e} — the message will be retried") from e
    except OSError as e:
        raise DeliveryError(f"cannot reach {where}: {e.strerror or e} — check "
                            "WATCHDESK_SMTP_HOST/PORT") from e
    return {a: f"{c} {_text(m)}" for a, (c, m) in refused.items()}


def _no_answer(where: str, timeout: float) -> str:
    # A port-465 server waits in silence for a TLS handshake that a plain client never starts
    return (f"{where} did not answer within {timeout:g} s — check WATCHDESK_SMTP_HOST/PORT, "
            "the firewall, and WATCHDESK_SMTP_SECURITY (tls for port 465)")


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:300]
