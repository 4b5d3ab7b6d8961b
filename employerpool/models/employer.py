"""Employers in the shared pool and their contact persons."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from employerpool.models.base import Base, TimestampMixin, enum_column
from employerpool.models.enums import Agreement, ApprovalStatus, District, SizeBand


class Employer(TimestampMixin, Base):
    __tablename__ = "employer"
    # The contact report's data version: the newest change is an index lookup.
    __table_args__ = (Index("ix_employer_updated_at", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    orgnr: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    nace_section: Mapped[str | None] = mapped_column(String(1))
    district: Mapped[District | None] = mapped_column(enum_column(District), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(4))
    city: Mapped[str | None] = mapped_column(String(80))
    size_band: Mapped[SizeBand | None] = mapped_column(enum_column(SizeBand))
    agreement: Mapped[Agreement] = mapped_column(enum_column(Agreement), default=Agreement.none)
    responsible_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    approval: Mapped[ApprovalStatus] = mapped_column(
        enum_column(ApprovalStatus), default=ApprovalStatus.approved, index=True
    )

    responsible_partner = relationship("Partner")
    contact_persons = relationship(
        "ContactPerson", back_populates="employer", cascade="all, delete-orphan"
    )
    vacancies = relationship("Vacancy", back_populates="employer")

    def __repr__(self) -> str:
        return f"<Employer {self.id} {self.orgnr}>"


class ContactPerson(Base):
    __tablename__ = "contact_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))

    employer = relationship("Employer", back_populates="contact_persons")
