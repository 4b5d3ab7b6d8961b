"""API operations on the match pipeline: create, read and move a match."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from employerpool.api import api
from employerpool.api.common import name_of
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
    MatchOutcome,
    MatchStatus,
    Role,
)
from employerpool.services import access, matches, proposals
from employerpool.services.access import (
    CANDIDATE_READERS,
    can_read_candidate,
    get_match_or_404,
)


def match_out(m: Match) -> MatchOut:
    return MatchOut(
        id=m.id,
        vacancy_id=m.vacancy_id,
        candidate_id=m.candidate_id,
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
                note=e.note,
            )
            for e in m.events
        ],
    )


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
    return match_out(get_match_or_404(match_id))


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
        return proposal_out(match), 201
    return match_out(match), 201
