"""The match pipeline: two axes, explicit transitions, an event for every change.

The counsellor's axis (`status`): suggested → shortlisted → contacted → proposed, or withdrawn
from any of them. The employer's and the placement's axis (`outcome`), once proposed:
interested / interview / declined, then started, then hired / completed / aborted.
Withdrawal, decline and abort need a reason.
"""

from __future__ import annotations

import enum

from employerpool.extensions import db
from employerpool.models import Match, MatchEvent, User
from employerpool.models.enums import MatchOutcome, MatchStatus

MS, MO = MatchStatus, MatchOutcome

STATUS_TRANSITIONS: dict[MatchStatus, set[MatchStatus]] = {
    MS.suggested: {MS.shortlisted, MS.contacted, MS.proposed, MS.withdrawn},
    MS.shortlisted: {MS.contacted, MS.proposed, MS.withdrawn},
    MS.contacted: {MS.proposed, MS.withdrawn},
    MS.proposed: {MS.withdrawn},
    MS.withdrawn: {MS.shortlisted},
}
OUTCOME_TRANSITIONS: dict[MatchOutcome | None, set[MatchOutcome]] = {
    None: {MO.interested, MO.interview, MO.declined},
    MO.interested: {MO.interview, MO.declined, MO.started},
    MO.interview: {MO.interested, MO.declined, MO.started},
    MO.declined: set(),
    MO.started: {MO.hired, MO.completed, MO.aborted},
    MO.hired: set(),
    MO.completed: set(),
    MO.aborted: set(),
}
NEEDS_REASON = {MS.withdrawn, MO.declined, MO.aborted}
# Answers an employer user may give; the rest are the counsellor's.
EMPLOYER_OUTCOMES = {MO.interested, MO.interview, MO.declined, MO.started}

DECLINE_REASONS = ("language", "skills", "experience", "timing", "filled", "other")
ABORT_REASONS = ("health", "language", "tasks", "moved", "other_job", "no_show", "other")


class TransitionError(ValueError):
    """A pipeline change that is not allowed; the message is for the user (Norwegian)."""


def allowed_status(match: Match) -> set[MatchStatus]:
    """Counsellor statuses reachable from here."""
    if match.outcome is not None and match.status is MS.proposed:
        return set()
    return STATUS_TRANSITIONS[match.status]


def allowed_outcomes(match: Match) -> set[MatchOutcome]:
    """Outcomes reachable from here; none before the candidate is proposed."""
    if match.status is not MS.proposed:
        return set()
    return OUTCOME_TRANSITIONS[match.outcome]


def _value(v: enum.Enum | None) -> str | None:
    return v.name if v is not None else None


def change(
    match: Match,
    to: MatchStatus | MatchOutcome,
    actor: User | None,
    *,
    reason: str | None = None,
    note: str | None = None,
) -> MatchEvent:
    """Move `match` to `to` on its axis and record the event; the caller commits.

    Raises TransitionError when the move is not allowed or a required reason is missing.
    """
    reason = (reason or "").strip() or None
    if to in NEEDS_REASON and not reason:
        raise TransitionError("Oppgi en grunn.")
    if isinstance(to, MatchStatus):
        if to not in allowed_status(match):
            raise TransitionError("Denne endringen er ikke mulig fra nåværende status.")
        axis, before = "status", match.status
        match.status = to
    else:
        if to not in allowed_outcomes(match):
            raise TransitionError("Dette svaret er ikke mulig nå.")
        axis, before = "outcome", match.outcome
        match.outcome = to
    event = MatchEvent(
        match=match,
        actor_id=actor.id if actor is not None else None,
        axis=axis,
        from_value=_value(before),
        to_value=to.name,
        reason=reason,
        note=note,
    )
    db.session.add(event)
    return event


def create(
    vacancy_id: int,
    candidate_id: int,
    actor: User | None,
    *,
    score: float | None = None,
    components: dict | None = None,
    reasons: list | None = None,
    status: MatchStatus = MS.suggested,
) -> Match:
    """Create a match with its first event; the caller commits."""
    match = Match(
        vacancy_id=vacancy_id,
        candidate_id=candidate_id,
        score=score,
        components=components,
        reasons=reasons,
        status=MS.suggested,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(match)
    db.session.add(
        MatchEvent(
            match=match,
            actor_id=actor.id if actor is not None else None,
            axis="status",
            from_value=None,
            to_value=MS.suggested.name,
        )
    )
    if status is not MS.suggested:
        change(match, status, actor)
    return match
