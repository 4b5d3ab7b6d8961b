""" "Glemt passord?": a one-time, short-lived link by e-mail.

The answer is the same whether the address has an account or not, and so is the work done
(the same rate-limit counters; the mail goes out after the commit on another thread) and the
time taken (the view waits until PASSWORD_RESET_MIN_SECONDS have passed). Requests are counted
per e-mail address (known or not: counting only known ones would itself tell which exist), per
account, and per client address. Using the link ends every other session of the user.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import User
from employerpool.models.enums import AuditAction
from employerpool.services import audit, mail, ratelimit
from employerpool.services.accounts import issue_link


@dataclass(frozen=True)
class ResetOutcome:
    """What happened; the page shows the same to everyone unless `client_limited`."""

    client_limited: bool = False
    retry_after: int = 0
    sent: bool = False  # for tests and the audit trail, never shown


def _key(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()
    return f"reset-{kind}:{digest[:40]}"


def may_reset(user: User | None) -> bool:
    """Only active users allowed to sign in with a password get a link."""
    if user is None or not user.active:
        return False
    return user.partner is None or user.partner.password_login


def request_reset(email: str, client_address: str | None) -> ResetOutcome:
    """Send a reset link to `email` if it belongs to a user who may have one. Commits."""
    config = current_app.config
    window = config["PASSWORD_RESET_WINDOW_SECONDS"]
    client = ratelimit.hit(
        _key("client", client_address or "unknown"), config["PASSWORD_RESET_PER_CLIENT"], window
    )
    if not client.allowed:
        return ResetOutcome(client_limited=True, retry_after=client.retry_after)
    address = email.strip().lower()
    per_email = ratelimit.hit(_key("email", address), config["PASSWORD_RESET_PER_EMAIL"], window)
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None:
        return ResetOutcome()
    per_account = ratelimit.hit(
        _key("account", str(user.id)), config["PASSWORD_RESET_PER_EMAIL"], window
    )
    if not (per_email.allowed and per_account.allowed) or not may_reset(user):
        audit.record(
            AuditAction.update,
            "user",
            user.id,
            allowed=False,
            detail={"event": "password_reset_refused"},
        )
        db.session.commit()
        return ResetOutcome()
    minutes = config["PASSWORD_RESET_MINUTES"]
    token = issue_link(user, purpose="reset", lifetime=timedelta(minutes=minutes))
    link = url_for("auth.set_password_view", token=token, _external=True)
    mail.send_after_commit(
        mail.message(
            user.email,
            _("Nytt passord i Arbeidsgiverpool Groruddalen"),
            _(
                "Hei %(name)s,\n\nNoen (forhåpentligvis du) ba om å få velge nytt passord. "
                "Bruk denne lenken innen %(minutes)s minutter. Den kan brukes én gang, og når "
                "du har valgt nytt passord, blir du logget ut overalt ellers:\n\n%(link)s\n\n"
                "Ba du ikke om dette, kan du se bort fra e-posten. Passordet ditt er ikke "
                "endret.\n\nHilsen Arbeidsgiverpool Groruddalen",
                name=user.name,
                minutes=minutes,
                link=link,
            ),
        )
    )
    audit.record(AuditAction.update, "user", user.id, detail={"event": "password_reset_sent"})
    db.session.commit()
    return ResetOutcome(sent=True)
