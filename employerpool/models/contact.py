"""Employer contacts logged by partner staff."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from employerpool.models.base import Base, TimestampMixin, enum_column
from employerpool.models.enums import ContactChannel, ContactResult


class EmployerContact(TimestampMixin, Base):
    __tablename__ = "employer_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    contact_date: Mapped[date] = mapped_column(index=True)
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel))
    purpose: Mapped[str | None] = mapped_column(String(200))
    result: Mapped[ContactResult] = mapped_column(enum_column(ContactResult))
    follow_up_date: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)

    employer = relationship("Employer")
    partner = relationship("Partner")
    user = relationship("User")
