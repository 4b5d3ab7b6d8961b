"""Retention (`flask retention run`): erase personal data kept longer than it is needed.

Two rules, with periods from the configuration:

- A candidate is *inactive* when nothing has happened for RETENTION_INACTIVE_DAYS (default
  three years), whatever the status: no change to the profile or its consents, no history
  event, no match created, changed or moved in the pipeline, no placement change and no
  follow-up planned or done. Reading a profile is not activity. A candidate in an ongoing
  placement is kept. Inactive candidates are erased as `services.privacy.erase_candidate` does
  at a coordinator's request (statistics kept, the person gone).
- A proposal to an employer *expires* PROPOSAL_RETENTION_DAYS (183, six months) after the
  candidate was (last) proposed, unless it led to a placement (outcome started, hired,
  completed or aborted: then the employer holds the person's data as an employer anyway).
  From that day the employer no longer sees the proposal or the candidate's profile
  (`proposal_visible_condition`, applied on every request, so nothing waits for the run). The
  run erases what the employer saw or wrote on it (the note sent with the proposal, the
  employer's answers' notes) and records it; the anonymous pipeline stays for the statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, or_, select, union_all

from employerpool.extensions import db
from employerpool.models import (
    AuditEvent,
    Candidate,
    CandidateEvent,
    FollowUp,
    Match,
    MatchEvent,
    Placement,
    now_utc,
)
from employerpool.models.enums import AuditAction, MatchOutcome, PlacementOutcome
from employerpool.services import privacy

# Outcomes after which the employer has had the candidate in a placement.
PLACEMENT_OUTCOMES = (
    MatchOutcome.started,
    MatchOutcome.hired,
    MatchOutcome.completed,
    MatchOutcome.aborted,
)


@dataclass(frozen=True)
class InactiveCandidate:
    candidate_id: int
    last_activity: datetime


@dataclass(frozen=True)
class ExpiredProposal:
    match_id: int
    proposed_at: datetime


@dataclass
class RetentionPlan:
    """What a run erases: ids and dates only, never names."""

    inactive_before: datetime
    proposed_before: datetime
    candidates: list[InactiveCandidate]
    proposals: list[ExpiredProposal]


def proposal_cutoff(now: datetime | None = None) -> datetime:
    """Proposals made before this moment have expired for the employer."""
    days = current_app.config["PROPOSAL_RETENTION_DAYS"]
    return (now or now_utc()) - timedelta(days=days)


def _last_proposed():
    """(match id, when the candidate was last proposed) per match ever proposed."""
    return (
        select(MatchEvent.match_id, func.max(MatchEvent.at).label("proposed_at"))
        .where(MatchEvent.axis == "status", MatchEvent.to_value == "proposed")
        .group_by(MatchEvent.match_id)
        .subquery()
    )


def proposal_visible_condition(now: datetime | None = None):
    """SQL condition on Match: not expired for the employer (see the module docstring)."""
    return or_(
        Match.outcome.in_(PLACEMENT_OUTCOMES),
        exists().where(
            MatchEvent.match_id == Match.id,
            MatchEvent.axis == "status",
            MatchEvent.to_value == "proposed",
            MatchEvent.at >= proposal_cutoff(now),
        ),
    )


def _last_activity():
    """(candidate id, latest activity) for every candidate."""
    activity = union_all(
        select(Candidate.id.label("cid"), Candidate.updated_at.label("at")),
        select(CandidateEvent.candidate_id, CandidateEvent.at),
        select(Match.candidate_id, Match.updated_at),
        select(Match.candidate_id, MatchEvent.at).join(Match, Match.id == MatchEvent.match_id),
        select(Placement.candidate_id, Placement.updated_at),
        select(Placement.candidate_id, FollowUp.created_at).join(
            Placement, Placement.id == FollowUp.placement_id
        ),
        select(Placement.candidate_id, FollowUp.done_at).join(
            Placement, Placement.id == FollowUp.placement_id
        ),
    ).subquery()
    return (
        select(activity.c.cid, func.max(activity.c.at).label("last"))
        .group_by(activity.c.cid)
        .subquery()
    )


def plan(now: datetime | None = None) -> RetentionPlan:
    """What a run would erase now; changes nothing."""
    now = now or now_utc()
    inactive_before = now - timedelta(days=current_app.config["RETENTION_INACTIVE_DAYS"])
    last = _last_activity()
    ongoing = exists().where(
        Placement.candidate_id == Candidate.id, Placement.outcome == PlacementOutcome.ongoing
    )
    candidates = [
        InactiveCandidate(cid, at)
        for cid, at in db.session.execute(
            select(Candidate.id, last.c.last)
            .join(last, last.c.cid == Candidate.id)
            .where(Candidate.erased_at.is_(None), last.c.last < inactive_before, ~ongoing)
            .order_by(Candidate.id)
        )
    ]
    proposed_before = proposal_cutoff(now)
    proposed = _last_proposed()
    handled = exists().where(
        AuditEvent.action == AuditAction.erase,
        AuditEvent.object_type == "match",
        AuditEvent.object_id == Match.id,
    )
    erased_candidates = {c.candidate_id for c in candidates}
    proposals = [
        ExpiredProposal(match_id, at)
        for match_id, at, candidate_id in db.session.execute(
            select(Match.id, proposed.c.proposed_at, Match.candidate_id)
            .join(proposed, proposed.c.match_id == Match.id)
            .where(
                proposed.c.proposed_at < proposed_before,
                or_(Match.outcome.is_(None), Match.outcome.not_in(PLACEMENT_OUTCOMES)),
                ~handled,
            )
            .order_by(Match.id)
        )
        # Erasing the candidate erases these notes too.
        if candidate_id not in erased_candidates
    ]
    return RetentionPlan(inactive_before, proposed_before, candidates, proposals)


def run(retention_plan: RetentionPlan) -> dict[str, int]:
    """Carry out `retention_plan` and commit; returns what was done, counted."""
    erased = 0
    for item in retention_plan.candidates:
        candidate = db.session.get(Candidate, item.candidate_id)
        if candidate is not None and privacy.erase_candidate(candidate, None, "retention"):
            erased += 1
    notes = privacy.erase_employer_side([p.match_id for p in retention_plan.proposals])
    db.session.commit()
    return {
        "candidates": erased,
        "proposals": len(retention_plan.proposals),
        "notes": notes,
    }
