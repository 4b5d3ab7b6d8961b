"""Employer contacts logged by partner staff."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from employerpool.models.base import Base, TimestampMixin, enum_column
from employerpool.models.enums import ContactChannel, ContactResult


class EmployerContact(TimestampMixin, Base):
    __tablename__ = "employer_contact"
    __table_args__ = (
        # One employer's log and the 30-day double-contact warning, newest first.
        Index("ix_employer_contact_employer_date", "employer_id", "contact_date"),
        # The contact report: a period's totals per partner and month, and its double contacts,
        # read from the index alone (no visit to the rows).
        Index(
            "ix_employer_contact_date_partner_employer",
            "contact_date",
            "partner_id",
            "employer_id",
            "id",
        ),
        # The report's data version: the newest change is an index lookup.
        Index("ix_employer_contact_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    contact_date: Mapped[date]
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel))
    purpose: Mapped[str | None] = mapped_column(String(200))
    result: Mapped[ContactResult] = mapped_column(enum_column(ContactResult))
    follow_up_date: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)

    employer = relationship("Employer")
    partner = relationship("Partner")
    user = relationship("User")
