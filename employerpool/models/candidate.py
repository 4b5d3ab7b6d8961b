"""Candidates (jobbkandidater): the kartlegging, languages, experience and consent."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from employerpool.models.base import Base, TimestampMixin, enum_column, now_utc
from employerpool.models.enums import (
    CandidateStatus,
    Cefr,
    ConsentScope,
    District,
    EducationLevel,
    Gender,
    Innsatsgruppe,
    NorwegianSource,
    Programme,
)

candidate_skill = Table(
    "candidate_skill",
    Base.metadata,
    Column("candidate_id", ForeignKey("candidate.id"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id"), primary_key=True, index=True),
)


class Candidate(TimestampMixin, Base):
    """A job candidate followed by one partner's counsellor.

    Gender and birth year exist for the fairness report and innsyn only: the matcher
    never receives them. Country of origin is deliberately not stored (data minimisation).
    """

    __tablename__ = "candidate"
    __table_args__ = (
        # The candidate list: one partner's candidates in name order, and their number
        # (erased ones left out) counted from the index alone.
        Index("ix_candidate_partner_name", "partner_id", "last_name", "first_name", "erased_at"),
        # pool_version(): the newest stamp is an index lookup, not a scan of the pool.
        Index("ix_candidate_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    birth_year: Mapped[int | None]
    gender: Mapped[Gender] = mapped_column(enum_column(Gender), default=Gender.unknown)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    district: Mapped[District | None] = mapped_column(enum_column(District), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    programme: Mapped[Programme] = mapped_column(enum_column(Programme))
    innsatsgruppe: Mapped[Innsatsgruppe] = mapped_column(enum_column(Innsatsgruppe))
    norwegian_oral: Mapped[Cefr | None] = mapped_column(enum_column(Cefr))
    norwegian_written: Mapped[Cefr | None] = mapped_column(enum_column(Cefr))
    norwegian_source: Mapped[NorwegianSource | None] = mapped_column(enum_column(NorwegianSource))
    norwegian_test_name: Mapped[str | None] = mapped_column(String(80))
    norwegian_test_date: Mapped[date | None]
    education_level: Mapped[EducationLevel] = mapped_column(
        enum_column(EducationLevel), default=EducationLevel.unknown
    )
    foreign_education: Mapped[str | None] = mapped_column(String(500))
    foreign_education_recognised: Mapped[bool | None]
    summary: Mapped[str | None] = mapped_column(Text)
    life_situation_note: Mapped[str | None] = mapped_column(String(500))
    desired_districts: Mapped[list] = mapped_column(JSON, default=list)
    driving_licences: Mapped[list] = mapped_column(JSON, default=list)
    max_hours_per_week: Mapped[float | None]
    available_from: Mapped[date | None]
    status: Mapped[CandidateStatus] = mapped_column(
        enum_column(CandidateStatus), default=CandidateStatus.active, index=True
    )
    # Set when the candidate is erased (GDPR art. 17 / retention): personal fields are blanked,
    # statistics and the anonymous history are kept.
    erased_at: Mapped[datetime | None] = mapped_column(index=True)

    partner = relationship("Partner")
    counsellor = relationship("User")
    skills = relationship("Skill", secondary=candidate_skill, order_by="Skill.label")
    languages = relationship("CandidateLanguage", cascade="all, delete-orphan")
    experiences = relationship("Experience", cascade="all, delete-orphan")
    desired_occupations = relationship("DesiredOccupation", cascade="all, delete-orphan")
    consents = relationship(
        "ConsentRecord", cascade="all, delete-orphan", order_by="ConsentRecord.id"
    )
    placements = relationship(
        "Placement", back_populates="candidate", order_by="Placement.start_date"
    )
    events = relationship(
        "CandidateEvent", order_by="CandidateEvent.id", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        if self.erased_at is not None:  # pages showing an erased candidate's matches
            return str(_l("Slettet kandidat"))
        return f"{self.first_name} {self.last_name}"

    def has_consent(self, scope: ConsentScope) -> bool:
        """True when a consent for `scope` is given and not withdrawn."""
        return any(c.scope is scope and c.withdrawn_at is None for c in self.consents)

    def __repr__(self) -> str:  # never a name in logs
        return f"<Candidate {self.id}>"


class CandidateLanguage(Base):
    """Another language the candidate speaks (not Norwegian)."""

    __tablename__ = "candidate_language"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    language: Mapped[str] = mapped_column(String(60))
    level: Mapped[Cefr | None] = mapped_column(enum_column(Cefr))


class Experience(Base):
    """Work experience, in Norway or abroad (medbrakt kompetanse)."""

    __tablename__ = "experience"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    styrk08: Mapped[str | None] = mapped_column(String(4))
    years: Mapped[float | None]
    abroad: Mapped[bool] = mapped_column(default=False)


class DesiredOccupation(Base):
    __tablename__ = "desired_occupation"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    styrk08: Mapped[str | None] = mapped_column(String(4))


class ConsentRecord(Base):
    """A consent given (and maybe withdrawn) by the candidate, with who recorded it."""

    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    scope: Mapped[ConsentScope] = mapped_column(enum_column(ConsentScope))
    given_at: Mapped[datetime] = mapped_column(default=now_utc)
    withdrawn_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(String(300))


class CandidateEvent(Base):
    """Change history of a profile: who changed which fields when (names of fields, no values)."""

    __tablename__ = "candidate_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=now_utc)
    fields: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(String(200))
