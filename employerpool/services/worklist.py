"""What a counsellor has to do: follow-ups due, requests to answer, matches in progress."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from employerpool.extensions import db
from employerpool.models import Candidate, FollowUp, Match, Placement, ProposalRequest, User
from employerpool.models.enums import MatchStatus, PlacementOutcome, RequestStatus


def follow_ups_due(user: User, today: date | None = None, days: int = 7) -> list[FollowUp]:
    """Open follow-ups due within `days` (and overdue ones) for the user's partner's candidates,
    the user's own candidates first."""
    today = today or date.today()
    rows = db.session.scalars(
        select(FollowUp)
        .join(Placement, FollowUp.placement_id == Placement.id)
        .join(Candidate, Placement.candidate_id == Candidate.id)
        .options(selectinload(FollowUp.placement).selectinload(Placement.candidate))
        .where(
            Candidate.partner_id == user.partner_id,
            Candidate.erased_at.is_(None),
            FollowUp.done_at.is_(None),
            FollowUp.due_date <= today + timedelta(days=days),
            Placement.outcome == PlacementOutcome.ongoing,
        )
        .order_by(FollowUp.due_date, FollowUp.id)
    ).all()
    return sorted(rows, key=lambda f: f.placement.candidate.counsellor_id != user.id)


def pending_requests(user: User) -> list[ProposalRequest]:
    """Requests from other partners to propose this partner's candidates."""
    return list(
        db.session.scalars(
            select(ProposalRequest)
            .options(
                selectinload(ProposalRequest.requesting_partner),
                selectinload(ProposalRequest.match).selectinload(Match.vacancy),
            )
            .where(
                ProposalRequest.candidate_partner_id == user.partner_id,
                ProposalRequest.status == RequestStatus.pending,
            )
            .order_by(ProposalRequest.created_at)
        )
    )


def matches_in_progress(user: User, limit: int = 20) -> list[Match]:
    """Matches past "suggested" that the user created or whose candidate the user follows."""
    return list(
        db.session.scalars(
            select(Match)
            .join(Candidate, Match.candidate_id == Candidate.id)
            .options(selectinload(Match.vacancy), selectinload(Match.candidate))
            .where(
                Match.status.in_(
                    (MatchStatus.shortlisted, MatchStatus.contacted, MatchStatus.proposed)
                ),
                or_(Match.created_by_id == user.id, Candidate.counsellor_id == user.id),
                Candidate.erased_at.is_(None),
            )
            .order_by(Match.updated_at.desc())
            .limit(limit)
        )
    )
