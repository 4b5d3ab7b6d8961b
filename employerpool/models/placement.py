"""Placement history: practice placements and jobs with their outcomes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from employerpool.models.base import Base, TimestampMixin, enum_column
from employerpool.models.enums import PlacementOutcome, PlacementType


class Placement(TimestampMixin, Base):
    """A candidate's placement at an employer; hired or completed ones are strong evidence."""

    __tablename__ = "placement"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancy.id"))
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"))
    type: Mapped[PlacementType] = mapped_column(enum_column(PlacementType))
    title: Mapped[str] = mapped_column(String(200))
    occupation_label: Mapped[str | None] = mapped_column(String(200))
    styrk08: Mapped[str | None] = mapped_column(String(4))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    outcome: Mapped[PlacementOutcome] = mapped_column(
        enum_column(PlacementOutcome), default=PlacementOutcome.ongoing, index=True
    )
    contract_type: Mapped[str | None] = mapped_column(String(40))
    abort_reason: Mapped[str | None] = mapped_column(String(300))
    supervisor: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(1000))

    candidate = relationship("Candidate", back_populates="placements")
    employer = relationship("Employer")
