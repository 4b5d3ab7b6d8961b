"""E-mail: plain-text messages sent through SMTP after the database commit.

Settings: MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL (implicit TLS),
MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER. Without MAIL_SERVER, messages are written as
.eml files to MAIL_OUTBOX (development: instance/outbox/), or dropped with a warning when that
is unset too. A message queued with `send_after_commit` goes out only once the transaction that
queued it commits (nothing is sent for work that was rolled back), and by default on a
background thread, so that a slow mail server neither slows the page nor shows in its timing.
Logs name neither recipients nor contents.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from employerpool.extensions import db

log = logging.getLogger(__name__)
_OUTBOX_KEY = "mail_outbox"


@dataclass(frozen=True)
class MailSettings:
    """What delivery needs, copied from the app's config (threads have no app context)."""

    server: str | None
    port: int
    use_tls: bool
    use_ssl: bool
    username: str | None
    password: str | None
    outbox: str | None
    timeout: float

    @classmethod
    def from_config(cls, config) -> MailSettings:
        return cls(
            server=config.get("MAIL_SERVER") or None,
            port=int(config.get("MAIL_PORT") or 587),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            outbox=config.get("MAIL_OUTBOX") or None,
            timeout=float(config.get("MAIL_TIMEOUT") or 10),
        )


def message(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message from MAIL_DEFAULT_SENDER to `to`."""
    msg = EmailMessage()
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "ikke-svar@localhost"
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or "localhost")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    return msg


def send_after_commit(msg: EmailMessage) -> None:
    """Queue `msg` to go out when the current database transaction commits."""
    # Make sure a transaction is open, so that a rollback (which SQLAlchemy only reports for
    # an open transaction) drops the queue too.
    db.session.connection()
    db.session.info.setdefault(_OUTBOX_KEY, []).append(msg)


def send_now(messages: list[EmailMessage]) -> None:
    """Deliver `messages` in this thread (SMTP, the outbox folder, or nowhere)."""
    _deliver(MailSettings.from_config(current_app.config), messages)


def _deliver(settings: MailSettings, messages: list[EmailMessage]) -> None:
    if settings.server:
        try:
            _send_smtp(settings, messages)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("mail not sent: %s (%d message(s))", type(exc).__name__, len(messages))
        return
    if settings.outbox:
        os.makedirs(settings.outbox, exist_ok=True)
        for msg in messages:
            path = os.path.join(settings.outbox, f"{uuid.uuid4().hex}.eml")
            with open(path, "wb") as fh:
                fh.write(bytes(msg))
            log.info("mail written to the outbox %s", settings.outbox)
        return
    log.warning("mail not sent: neither MAIL_SERVER nor MAIL_OUTBOX is set")


def _send_smtp(settings: MailSettings, messages: list[EmailMessage]) -> None:
    context = ssl.create_default_context()
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(
            settings.server, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        for msg in messages:
            smtp.send_message(msg)


@event.listens_for(Session, "after_commit")
def _send_queued(session) -> None:
    pending = session.info.pop(_OUTBOX_KEY, None)
    if not pending:
        return
    settings = MailSettings.from_config(current_app.config)
    if current_app.config.get("MAIL_ASYNC", True):
        threading.Thread(
            target=_deliver, args=(settings, pending), name="mail", daemon=True
        ).start()
    else:
        _deliver(settings, pending)


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session, previous_transaction) -> None:
    session.info.pop(_OUTBOX_KEY, None)
