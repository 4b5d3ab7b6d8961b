"""Recording audit events. Details carry ids, filters and counts, never personal data."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import Select, select

from employerpool.extensions import db
from employerpool.models import AuditEvent
from employerpool.models.enums import AuditAction


def record(
    action: AuditAction,
    object_type: str,
    object_id: int | None = None,
    *,
    allowed: bool = True,
    detail: dict | None = None,
    user=None,
) -> AuditEvent:
    """Add an audit event for the current (or given) user to the session; the caller commits."""
    user = user if user is not None else current_user
    authenticated = bool(user) and getattr(user, "is_authenticated", False)
    event = AuditEvent(
        user_id=user.id if authenticated else None,
        role=user.role.name if authenticated else None,
        partner_id=user.partner_id if authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        allowed=allowed,
        detail=detail,
        api_token_id=_api_token_id(),
    )
    db.session.add(event)
    return event


def _api_token_id() -> int | None:
    """The id of the API token the current request authenticated with, if any."""
    if not has_request_context():
        return None
    token = g.get("api_token")
    return token.id if token is not None else None


def search_statement(
    *,
    user_id: int | None = None,
    action: AuditAction | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    allowed: bool | None = None,
) -> Select:
    """Audit events matching the given (already validated) filters, newest first.

    Dates are whole days in UTC, as the events are stored.
    """
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if user_id is not None:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if date_from is not None:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(date_from, time.min))
    if date_to is not None:
        stmt = stmt.where(AuditEvent.at < datetime.combine(date_to + timedelta(days=1), time.min))
    if allowed is not None:
        stmt = stmt.where(AuditEvent.allowed.is_(allowed))
    return stmt
