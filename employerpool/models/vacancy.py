"""Placement needs (vacancies), their skills and history, and standing competence needs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from employerpool.models.base import Base, TimestampMixin, enum_column, now_utc
from employerpool.models.enums import Cefr, District, PlacementType, VacancyStatus


class VacancySkill(Base):
    """A skill a placement need asks for; `required` tells required from preferred."""

    __tablename__ = "vacancy_skill"

    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id"), primary_key=True, index=True)
    required: Mapped[bool] = mapped_column(default=True)

    skill = relationship("Skill", lazy="joined")


class Vacancy(TimestampMixin, Base):
    """A placement need posted by (or for) an employer."""

    __tablename__ = "vacancy"
    # The needs list: open needs, newest first.
    __table_args__ = (Index("ix_vacancy_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    type: Mapped[PlacementType] = mapped_column(enum_column(PlacementType))
    title: Mapped[str] = mapped_column(String(200))
    occupation_label: Mapped[str | None] = mapped_column(String(200))
    styrk08: Mapped[str | None] = mapped_column(String(4))
    description: Mapped[str | None] = mapped_column(Text)
    norwegian_oral_min: Mapped[Cefr | None] = mapped_column(enum_column(Cefr))
    norwegian_written_min: Mapped[Cefr | None] = mapped_column(enum_column(Cefr))
    places: Mapped[int] = mapped_column(default=1)
    district: Mapped[District | None] = mapped_column(enum_column(District), index=True)
    hours_per_week: Mapped[float | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    duration_weeks: Mapped[int | None]
    driving_licence: Mapped[str | None] = mapped_column(String(4))
    police_certificate: Mapped[bool] = mapped_column(default=False)
    physical_demands: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[VacancyStatus] = mapped_column(
        enum_column(VacancyStatus), default=VacancyStatus.draft
    )
    deadline: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    employer = relationship("Employer", back_populates="vacancies")
    skill_links = relationship(
        "VacancySkill", cascade="all, delete-orphan", order_by="VacancySkill.skill_id"
    )
    events = relationship("VacancyEvent", order_by="VacancyEvent.id", cascade="all, delete-orphan")

    @property
    def required_skills(self) -> list:
        return [link.skill for link in self.skill_links if link.required]

    @property
    def preferred_skills(self) -> list:
        return [link.skill for link in self.skill_links if not link.required]

    def __repr__(self) -> str:
        return f"<Vacancy {self.id} {self.status.name}>"


class VacancyEvent(Base):
    """Append-only history of a placement need: status changes and edits."""

    __tablename__ = "vacancy_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=now_utc)
    from_status: Mapped[VacancyStatus | None] = mapped_column(enum_column(VacancyStatus))
    to_status: Mapped[VacancyStatus | None] = mapped_column(enum_column(VacancyStatus))
    note: Mapped[str | None] = mapped_column(String(500))

    actor = relationship("User")


competence_need_skill = Table(
    "competence_need_skill",
    Base.metadata,
    Column("competence_need_id", ForeignKey("competence_need.id"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id"), primary_key=True, index=True),
)


class CompetenceNeed(TimestampMixin, Base):
    """An employer's standing need not tied to one vacancy."""

    __tablename__ = "competence_need"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    occupation_label: Mapped[str] = mapped_column(String(200))
    styrk08: Mapped[str | None] = mapped_column(String(4))
    season: Mapped[str | None] = mapped_column(String(80))
    volume: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)

    employer = relationship("Employer")
    skills = relationship("Skill", secondary=competence_need_skill)
