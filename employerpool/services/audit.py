"""Recording audit events. Details carry ids, filters and counts, never personal data."""

from __future__ import annotations

from flask_login import current_user

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
    )
    db.session.add(event)
    return event
