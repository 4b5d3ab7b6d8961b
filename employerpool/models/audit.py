"""Audit events: who read or changed which record, or exported what, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from employerpool.models.base import Base, enum_column, now_utc
from employerpool.models.enums import AuditAction


class AuditEvent(Base):
    """One audited action. `detail` holds filters and counts, never personal data."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(20))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(index=True)
    allowed: Mapped[bool] = mapped_column(default=True)
    detail: Mapped[dict | None] = mapped_column(JSON)
    # The API token the action came through (None for the web pages and the CLI). No foreign
    # key: the trail outlives the tokens.
    api_token_id: Mapped[int | None] = mapped_column(index=True)
