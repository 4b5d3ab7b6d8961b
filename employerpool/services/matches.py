"""The match pipeline: two axes, explicit transitions, an event for every change.

The counsellor's axis (`status`): suggested → shortlisted → contacted → proposed, or withdrawn
from any of them. The employer's and the placement's axis (`outcome`), once proposed:
interested / interview / declined, then started, then hired / completed / aborted.
Withdrawal, decline and abort need a reason.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from employerpool.extensions import db
from employerpool.labels import ABORT_REASON_LABELS, DECLINE_REASON_LABELS, WITHDRAW_REASON_LABELS
from employerpool.models import Match, MatchEvent, Placement, User, Vacancy, now_utc
from employerpool.models.enums import (
    AuditAction,
    CandidateStatus,
    ConsentScope,
    MatchOutcome,
    MatchStatus,
    PlacementOutcome,
)
from employerpool.services import audit

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

WITHDRAW_REASONS = tuple(WITHDRAW_REASON_LABELS)
DECLINE_REASONS = tuple(DECLINE_REASON_LABELS)
ABORT_REASONS = tuple(ABORT_REASON_LABELS)


class TransitionError(ValueError):
    """A pipeline change that is not allowed; the message is for the user (Norwegian)."""


class ConflictError(TransitionError):
    """The match changed after it was read: someone else moved it first."""

    def __init__(self) -> None:
        super().__init__(
            "Matchen ble endret av noen andre samtidig. Last inn siden på nytt og se hva som "
            "gjelder nå."
        )


def _move(match: Match, axis: str, to: MatchStatus | MatchOutcome) -> None:
    """Write `to` on `axis` only if the match is still where it was read (both axes).

    The database referees simultaneous changes: a conditional UPDATE matches no row once
    another transaction moved the match, and that change is refused (ConflictError).
    """
    seen_outcome = (
        Match.outcome.is_(None) if match.outcome is None else Match.outcome == match.outcome
    )
    now = now_utc()
    result = db.session.execute(
        update(Match)
        .where(Match.id == match.id, Match.status == match.status, seen_outcome)
        .values({axis: to, "updated_at": now})
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConflictError
    set_committed_value(match, axis, to)
    set_committed_value(match, "updated_at", now)


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


def placement_for(match: Match) -> Placement | None:
    """The placement a match started, if any."""
    return db.session.scalar(select(Placement).where(Placement.match_id == match.id))


def _start_placement(match: Match, start: date | None) -> Placement:
    vacancy: Vacancy = match.vacancy
    placement = Placement(
        candidate_id=match.candidate_id,
        employer_id=vacancy.employer_id,
        vacancy_id=vacancy.id,
        match_id=match.id,
        type=vacancy.type,
        title=vacancy.title,
        occupation_label=vacancy.occupation_label or vacancy.title,
        styrk08=vacancy.styrk08,
        start_date=start or now_utc().date(),
        outcome=PlacementOutcome.ongoing,
    )
    db.session.add(placement)
    match.candidate.status = CandidateStatus.in_placement
    return placement


CLOSING = {
    MatchOutcome.hired: PlacementOutcome.hired,
    MatchOutcome.completed: PlacementOutcome.completed,
    MatchOutcome.aborted: PlacementOutcome.aborted,
}


def _close_placement(
    match: Match, to: MatchOutcome, reason: str | None, contract_type: str | None, end: date | None
) -> None:
    placement = placement_for(match) or _start_placement(match, end)
    placement.outcome = CLOSING[to]
    if to is MatchOutcome.aborted and reason == "no_show":
        placement.outcome = PlacementOutcome.no_show
    placement.end_date = end or now_utc().date()
    placement.contract_type = contract_type if to is MatchOutcome.hired else None
    placement.abort_reason = reason if to is MatchOutcome.aborted else None
    match.candidate.status = (
        CandidateStatus.employed if to is MatchOutcome.hired else CandidateStatus.active
    )


def change(
    match: Match,
    to: MatchStatus | MatchOutcome,
    actor: User | None,
    *,
    reason: str | None = None,
    note: str | None = None,
    on: date | None = None,
    contract_type: str | None = None,
) -> MatchEvent:
    """Move `match` to `to` on its axis and record the event; the caller commits.

    Starting a placement creates its placement-history row; hired, completed and aborted
    close it (the matcher reads that history). Proposing needs the candidate's consent to
    share with employers. Raises TransitionError when the move is not allowed or a required
    reason is missing.
    """
    reason = (reason or "").strip() or None
    if to in NEEDS_REASON and not reason:
        raise TransitionError("Oppgi en grunn.")
    if isinstance(to, MatchStatus):
        if to not in allowed_status(match):
            raise TransitionError("Denne endringen er ikke mulig fra nåværende status.")
        if to is MS.proposed and not match.candidate.has_consent(ConsentScope.employers):
            raise TransitionError(
                "Kandidaten har ikke samtykket til at profilen deles med arbeidsgivere."
            )
        axis, before = "status", match.status
        _move(match, axis, to)
    else:
        if to not in allowed_outcomes(match):
            raise TransitionError("Dette svaret er ikke mulig nå.")
        axis, before = "outcome", match.outcome
        _move(match, axis, to)
        if to is MO.started:
            _start_placement(match, on)
            try:
                with db.session.begin_nested():
                    db.session.flush()
            except IntegrityError:  # placement.match_id is unique: one placement per match
                raise ConflictError from None
        elif to in CLOSING:
            _close_placement(match, to, reason, contract_type, on)
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
    # Every change of a match is audited here, whoever makes it (page, API or employer).
    audit.record(
        AuditAction.update, "match", match.id, detail={"axis": axis, "to": to.name}, user=actor
    )
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
    """Create a match with its first event (and audit event); the caller commits.

    When someone else created it a moment ago, returns theirs (see `get_or_create`).
    """
    (match,) = create_suggested(vacancy_id, [(candidate_id, score, components, reasons)], actor)
    if status is not MS.suggested and match.status is not status:
        change(match, status, actor)
    return match


def create_suggested(
    vacancy_id: int,
    picks: list[tuple[int, float | None, dict | None, list | None]],
    actor: User | None,
) -> list[Match]:
    """Create suggested matches, (candidate id, score, components, reasons) each, with their
    first events and audit events as `create` does, in one flush; the caller commits.

    A candidate already in the pipeline for the need (created a moment ago by someone else:
    the database's unique key says so) is not created twice; its existing match is returned.
    """
    try:
        with db.session.begin_nested():
            created = [_new_match(vacancy_id, pick, actor) for pick in picks]
            db.session.flush()  # one multi-row INSERT per table instead of a flush per match
    except IntegrityError:
        # Someone else created one of them since we looked: one at a time, keeping theirs.
        return [get_or_create(vacancy_id, pick[0], actor, *pick[1:])[0] for pick in picks]
    for match in created:
        _audit_created(match, actor)
    return created


def get_or_create(
    vacancy_id: int,
    candidate_id: int,
    actor: User | None,
    score: float | None = None,
    components: dict | None = None,
    reasons: list | None = None,
) -> tuple[Match, bool]:
    """The match of `candidate_id` for `vacancy_id`, created (suggested) if there is none;
    returns (match, created). Safe when several requests create it at once: the unique key
    on (vacancy, candidate) lets one win, and the others read the winner's row. The caller
    commits."""
    match = _existing(vacancy_id, candidate_id)
    if match is not None:
        return match, False
    try:
        with db.session.begin_nested():
            match = _new_match(vacancy_id, (candidate_id, score, components, reasons), actor)
            db.session.flush()
    except IntegrityError:
        return _existing(vacancy_id, candidate_id), False
    _audit_created(match, actor)
    return match, True


def _existing(vacancy_id: int, candidate_id: int) -> Match | None:
    return db.session.scalar(
        select(Match).where(Match.vacancy_id == vacancy_id, Match.candidate_id == candidate_id)
    )


def _new_match(
    vacancy_id: int, pick: tuple[int, float | None, dict | None, list | None], actor: User | None
) -> Match:
    candidate_id, score, components, reasons = pick
    match = Match(
        vacancy_id=vacancy_id,
        candidate_id=candidate_id,
        score=score,
        components=components,
        reasons=reasons,
        status=MS.suggested,
        created_by_id=actor.id if actor is not None else None,
    )
    match.events.append(
        MatchEvent(
            actor_id=actor.id if actor is not None else None,
            axis="status",
            from_value=None,
            to_value=MS.suggested.name,
        )
    )
    db.session.add(match)
    return match


def _audit_created(match: Match, actor: User | None) -> None:
    audit.record(
        AuditAction.create,
        "match",
        match.id,
        detail={"vacancy_id": match.vacancy_id, "candidate_id": match.candidate_id},
        user=actor,
    )
