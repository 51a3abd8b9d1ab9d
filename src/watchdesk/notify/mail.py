"""SMTP delivery: building the MIME message of an outbox row, and handing it to the server.

The message is rebuilt from the stored row on every attempt, so a retry carries the same
``Message-ID``, ``Date``, subject and bodies. ``smtplib`` errors are turned into
``DeliveryError`` with a sentence an operator can act on; the password never appears in one.
"""

from __future__ import annotations

import hashlib
import json
import smtplib
import socket
import ssl
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from ..errors import DeliveryError
from ..settings import Settings
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


def send_message(msg: EmailMessage, recipients: Sequence[str], settings: Settings, *,
                 timeout: float = TIMEOUT) -> dict[str, str]:
    """Hand ``msg`` to the configured SMTP server for ``recipients``.

    Returns the recipients the server refused while accepting others ({address: reply}).
    Raises DeliveryError when nothing was accepted.
    """
    host, port, security = settings.smtp_host, smtp_port(settings), settings.smtp_security
    where = f"SMTP server {host}:{port}"
    sender = parseaddr(settings.mail_from)[1] or settings.mail_from
    context = ssl.create_default_context()
    try:
        smtp: smtplib.SMTP
        if security == "tls":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if security == "starttls":
                smtp.ehlo()
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password.value)
            refused = smtp.send_message(msg, from_addr=sender, to_addrs=list(recipients))
    except ConnectionRefusedError as e:
        raise DeliveryError(f"cannot reach {where}: connection refused — check "
                            "WATCHDESK_SMTP_HOST/PORT") from e
    except socket.gaierror as e:
        raise DeliveryError(f"cannot resolve SMTP host {host!r}: {e.strerror} — check "
                            "WATCHDESK_SMTP_HOST") from e
    except TimeoutError as e:
        raise DeliveryError(f"{where} did not answer within {timeout:g} s — check "
                            "WATCHDESK_SMTP_HOST/PORT and the firewall") from e
    except ssl.SSLError as e:
        raise DeliveryError(
            f"TLS with {where} failed ({e.reason or e}) — check WATCHDESK_SMTP_SECURITY "
            "(tls for port 465, starttls for 587, none for a local relay)") from e
    except smtplib.SMTPNotSupportedError as e:
        raise DeliveryError(f"{where} does not offer STARTTLS — set WATCHDESK_SMTP_SECURITY "
                            "to tls or none") from e
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


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:300]
