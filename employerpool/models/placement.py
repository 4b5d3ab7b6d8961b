"""Placement history: practice placements and jobs with their outcomes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from employerpool.models.base import Base, TimestampMixin, enum_column, now_utc
from employerpool.models.enums import PlacementOutcome, PlacementType


class Placement(TimestampMixin, Base):
    """A candidate's placement at an employer; hired or completed ones are strong evidence."""

    __tablename__ = "placement"
    # pool_version(): the newest stamp is an index lookup, not a scan of the history.
    __table_args__ = (Index("ix_placement_updated_at", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancy.id"))
    # One placement per match: the database refuses a second "started" (services.matches).
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"), unique=True, index=True)
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
    follow_ups = relationship(
        "FollowUp",
        back_populates="placement",
        order_by="FollowUp.due_date",
        cascade="all, delete-orphan",
    )


class FollowUp(Base):
    """A planned check-in on a started placement."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    due_date: Mapped[date] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(1000))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    placement = relationship("Placement", back_populates="follow_ups")
