"""Matches between candidates and placement needs, with an append-only event history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from employerpool.models.base import Base, TimestampMixin, enum_column, now_utc
from employerpool.models.enums import MatchOutcome, MatchStatus, RequestStatus


class Match(TimestampMixin, Base):
    """A candidate suggested for a placement need, and where it stands.

    Two axes, as in NAV's practice: `status` is the counsellor's, `outcome` the employer's
    and the placement's. Every change of either is a `MatchEvent`.
    """

    __tablename__ = "match"
    __table_args__ = (UniqueConstraint("vacancy_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    components: Mapped[dict | None] = mapped_column(JSON)
    reasons: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[MatchStatus] = mapped_column(
        enum_column(MatchStatus), default=MatchStatus.suggested, index=True
    )
    outcome: Mapped[MatchOutcome | None] = mapped_column(enum_column(MatchOutcome), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    vacancy = relationship("Vacancy")
    candidate = relationship("Candidate")
    created_by = relationship("User")
    events = relationship("MatchEvent", order_by="MatchEvent.id", back_populates="match")


class MatchEvent(Base):
    """One change on a match: who, when, which axis, from, to and why. Never updated."""

    __tablename__ = "match_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    axis: Mapped[str] = mapped_column(String(10))  # "status" or "outcome"
    from_value: Mapped[str | None] = mapped_column(String(20))
    to_value: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(String(1000))

    match = relationship("Match", back_populates="events")
    actor = relationship("User")


class ProposalRequest(Base):
    """A counsellor asks another partner's counsellor for leave to propose their candidate."""

    __tablename__ = "proposal_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requesting_partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    candidate_partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus), default=RequestStatus.pending, index=True
    )
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]

    match = relationship("Match")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    requesting_partner = relationship("Partner", foreign_keys=[requesting_partner_id])


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a history row."""


@event.listens_for(MatchEvent, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise AppendOnlyError("match events are append-only")


@event.listens_for(MatchEvent, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise AppendOnlyError("match events are append-only")
