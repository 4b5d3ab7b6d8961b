"""API operations on the match pipeline: create, read and move a match."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from employerpool.api import api
from employerpool.api.common import check, name_of
from employerpool.api.errors import ApiError
from employerpool.api.proposals import proposal_out
from employerpool.api.schemas import (
    MatchEventIn,
    MatchEventOut,
    MatchIn,
    MatchOut,
)
from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    Match,
    Vacancy,
)
from employerpool.models.enums import (
    AuditAction,
    MatchOutcome,
    MatchStatus,
    Role,
)
from employerpool.services import access, audit, matches, proposals
from employerpool.services.access import (
    CANDIDATE_READERS,
    can_read_candidate,
    get_match_or_404,
)
from employerpool.services.contacts import local_today
from employerpool.services.suggestions import pseudonym
from employerpool.services.validation import check_match_event, check_vacancy_takes_candidates


def match_out(m: Match) -> MatchOut:
    """A match as the current user may see it: another partner's staff get the pseudonym, not
    the candidate's id, and none of the notes the candidate's own partner wrote."""
    readable = can_read_candidate(current_user, m.candidate)
    return MatchOut(
        id=m.id,
        vacancy_id=m.vacancy_id,
        candidate_id=m.candidate_id if readable else None,
        pseudonym=None if readable else pseudonym(m.candidate_id),
        status=m.status.name,
        outcome=name_of(m.outcome),
        score=m.score,
        events=[
            MatchEventOut(
                id=e.id,
                at=e.at,
                axis=e.axis,
                from_value=e.from_value,
                to_value=e.to_value,
                reason=e.reason,
                note=e.note if readable or _own_partners(e) else None,
            )
            for e in m.events
        ],
    )


def _own_partners(event) -> bool:
    """An event written by the current user's own partner (its notes are theirs to read)."""
    actor = event.actor
    return actor is not None and actor.partner_id == current_user.partner_id


def _event_errors(match: Match, target, body: MatchEventIn, by_employer: bool = False) -> None:
    """The service's rules for a pipeline step (as on the web): reason codes only, a date near
    today, a known contract type; proposing only to an open need."""
    errors = check_match_event(
        target,
        local_today(),
        reason=body.reason,
        on=body.on,
        contract_type=body.contract_type,
        by_employer=by_employer,
    )
    if target is MatchStatus.proposed:
        errors.update(check_vacancy_takes_candidates(match.vacancy.status))
    check(errors, {"vacancy_id": "to"})


@api.operation(
    "POST",
    "/matches",
    summary="Foreslå (eller sett på kortliste) en egen kandidat for et behov",
    tag="matches",
    body=MatchIn,
    response=MatchOut,
    status=201,
    also=(200,),
    errors=(409,),
    description="201 for en ny match, 200 når kandidaten alt var i løpet for behovet. "
    "Kandidaten må høre til din partner. Å foreslå krever kandidatens samtykke "
    "til deling med arbeidsgivere.",
    roles=CANDIDATE_READERS,
)
def create_match(body: MatchIn):
    vacancy = db.session.get(Vacancy, body.vacancy_id)
    if vacancy is None:
        raise ApiError(422, "Ugyldige felt", {"vacancy_id": "Ukjent behov."})
    candidate = db.session.get(Candidate, body.candidate_id)
    if candidate is None or not can_read_candidate(current_user, candidate):
        # Another partner's candidate is proposed by that partner (a request on the web).
        raise ApiError(422, "Ugyldige felt", {"candidate_id": "Ukjent kandidat hos din partner."})
    check(check_vacancy_takes_candidates(vacancy.status))
    match = db.session.scalar(
        select(Match).where(Match.vacancy_id == vacancy.id, Match.candidate_id == candidate.id)
    )
    created = match is None
    if created:
        match = matches.create(vacancy.id, candidate.id, current_user)
    target = MatchStatus[body.status]
    try:
        if match.status is not target:
            matches.change(match, target, current_user, note=body.note)
    except matches.TransitionError as exc:
        raise ApiError(409, str(exc), {"status": str(exc)}) from None
    db.session.commit()  # matches.create and matches.change audit themselves
    return match_out(match), 201 if created else 200


@api.operation(
    "GET",
    "/matches/<int:match_id>",
    summary="Én match med historikk",
    tag="matches",
    response=MatchOut,
    roles=CANDIDATE_READERS,
)
def get_match(match_id: int):
    match = get_match_or_404(match_id)
    # As on the match page: a read of the candidate, pseudonymised or not, is audited.
    audit.record(
        AuditAction.view,
        "candidate",
        match.candidate_id,
        detail={
            "via": "api",
            "match_id": match.id,
            "pseudonymised": not can_read_candidate(current_user, match.candidate),
        },
    )
    db.session.commit()
    return match_out(match)


@api.operation(
    "POST",
    "/matches/<int:match_id>/events",
    summary="Flytt en match i løpet (veileder: status og utfall; arbeidsgiver: svar)",
    tag="matches",
    body=MatchEventIn,
    response=MatchOut,
    status=201,
    errors=(409,),
    description="Veiledere: to er en status (shortlisted, contacted, proposed, withdrawn) "
    "eller et utfall. Arbeidsgivere svarer på egne forslag: interested, interview, declined "
    "(med reason) eller started.",
)
def add_match_event(match_id: int, body: MatchEventIn):
    if current_user.role is Role.employer:
        match = access.get_visible_proposal_or_404(match_id)
        target = MatchOutcome[body.to] if body.to in MatchOutcome.__members__ else None
        _event_errors(match, target, body, by_employer=True)
        try:
            proposals.answer(
                match,
                body.to,
                current_user,
                reason=body.reason,
                note=body.note,
                start_date=body.on,
            )
        except matches.TransitionError as exc:
            raise ApiError(409, str(exc), {"to": str(exc)}) from None
    else:
        if current_user.role not in CANDIDATE_READERS:
            abort(403)
        match = get_match_or_404(match_id, manage=True)
        target = (
            MatchStatus[body.to] if body.to in MatchStatus.__members__ else MatchOutcome[body.to]
        )
        _event_errors(match, target, body)
        try:
            matches.change(
                match,
                target,
                current_user,
                reason=body.reason,
                note=body.note,
                on=body.on,
                contract_type=body.contract_type,
            )
        except matches.TransitionError as exc:
            raise ApiError(409, str(exc), {"to": str(exc)}) from None
    db.session.commit()  # matches.change audits the change
    if current_user.role is Role.employer:
        # The answer shows the candidate as the proposal page does: a read, audited.
        proposals.record_view(match)
        db.session.commit()
        return proposal_out(match), 201
    return match_out(match), 201
