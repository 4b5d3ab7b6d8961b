"""API operations on placement history: own partner's candidates; an employer user reads its
own employer's placements without the candidate (no id, note or reasons)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from employerpool.api import api
from employerpool.api.common import NOT_CLEARABLE, invalid, page_of
from employerpool.api.errors import ApiError
from employerpool.api.schemas import (
    Page,
    PlacementIn,
    PlacementOut,
    PlacementPatch,
    PlacementQuery,
)
from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    Employer,
    Placement,
)
from employerpool.models.enums import (
    AuditAction,
    PlacementOutcome,
    PlacementType,
    Role,
)
from employerpool.services import access, audit
from employerpool.services import placements as placement_service
from employerpool.services.access import (
    CANDIDATE_READERS,
    PLACEMENT_READERS,
    can_read_candidate,
)


def placement_out(p: Placement, *, for_employer: bool = False) -> PlacementOut:
    """A placement; for an employer user without the candidate and the counsellor's notes."""
    return PlacementOut(
        id=p.id,
        candidate_id=None if for_employer else p.candidate_id,
        employer_id=p.employer_id,
        employer_name=p.employer.name if p.employer is not None else None,
        vacancy_id=p.vacancy_id,
        match_id=None if for_employer else p.match_id,
        type=p.type.name,
        title=p.title,
        occupation=p.occupation_label,
        start_date=p.start_date,
        end_date=p.end_date,
        outcome=p.outcome.name,
        contract_type=None if for_employer else p.contract_type,
        abort_reason=None if for_employer else p.abort_reason,
        note=None if for_employer else p.note,
        created_at=p.created_at,
        updated_at=p.updated_at,
    )


def _employer_user() -> bool:
    if current_user.role is not Role.employer:
        return False
    if current_user.employer_id is None:  # never match placements without an employer
        abort(403)
    return True


@api.operation(
    "GET",
    "/placements",
    summary="Praksishistorikk (veileder/koordinator: egen partners kandidater; arbeidsgiver: "
    "egne plasser uten kandidat)",
    tag="placements",
    query=PlacementQuery,
    response=Page[PlacementOut],
    description="Arbeidsgivere får tittel, type, datoer og utfall, aldri kandidaten "
    "(candidate_id, match_id, notat og grunner er null), og kan ikke filtrere på kandidat.",
    roles=PLACEMENT_READERS,
)
def list_placements(query: PlacementQuery):
    employer_view = _employer_user()
    stmt = select(Placement).options(selectinload(Placement.employer))
    if employer_view:
        if query.candidate_id is not None:
            invalid({"candidate_id": "Kan ikke brukes av arbeidsgivere."})
        stmt = stmt.where(Placement.employer_id == current_user.employer_id)
    else:
        stmt = stmt.join(Candidate, Candidate.id == Placement.candidate_id).where(
            Candidate.partner_id == current_user.partner_id, Candidate.erased_at.is_(None)
        )
    if query.candidate_id is not None:
        stmt = stmt.where(Placement.candidate_id == query.candidate_id)
    if query.employer_id is not None:
        stmt = stmt.where(Placement.employer_id == query.employer_id)
    if query.outcome:
        stmt = stmt.where(Placement.outcome == PlacementOutcome[query.outcome])
    if query.type:
        stmt = stmt.where(Placement.type == PlacementType[query.type])
    stmt = stmt.order_by(Placement.start_date.desc(), Placement.id.desc())
    shown: list[int] = []

    def convert(p: Placement) -> PlacementOut:
        shown.append(p.candidate_id)
        return placement_out(p, for_employer=employer_view)

    page = page_of(stmt, query, convert, PlacementOut)
    audit.record(
        AuditAction.list,
        "placement",
        detail={
            "page": page.page,
            "rows": len(page.items),
            "candidate_ids": sorted(set(shown)),
            "via": "api",
        },
    )
    db.session.commit()
    return page


@api.operation(
    "GET",
    "/placements/<int:placement_id>",
    summary="Én praksis",
    tag="placements",
    response=PlacementOut,
    roles=PLACEMENT_READERS,
)
def get_placement(placement_id: int):
    placement = access.get_placement_or_404(placement_id)
    audit.record(
        AuditAction.view,
        "placement",
        placement.id,
        detail={"candidate_id": placement.candidate_id, "via": "api"},
    )
    db.session.commit()
    return placement_out(placement, for_employer=current_user.role is Role.employer)


@api.operation(
    "POST",
    "/placements",
    summary="Registrer en tidligere praksis fra partnerens egne opplysninger",
    tag="placements",
    body=PlacementIn,
    response=PlacementOut,
    status=201,
    description="Kandidaten må høre til din partner. Praksiser som starter fra et behov, "
    "registreres gjennom matchen (/matches/{id}/events).",
    roles=CANDIDATE_READERS,
)
def create_placement(body: PlacementIn):
    errors: dict[str, str] = {}
    candidate = db.session.get(Candidate, body.candidate_id)
    if candidate is None or not can_read_candidate(current_user, candidate):
        errors["candidate_id"] = "Ukjent kandidat hos din partner."
    if body.employer_id is not None and db.session.get(Employer, body.employer_id) is None:
        errors["employer_id"] = "Ukjent arbeidsgiver."
    outcome = PlacementOutcome[body.outcome]
    errors.update(
        placement_service.check(
            body.start_date, body.end_date, outcome, body.abort_reason, body.contract_type
        )
    )
    invalid(errors)
    placement = placement_service.register_placement(
        candidate,
        {
            "employer_id": body.employer_id,
            "type": PlacementType[body.type],
            "title": body.title,
            "occupation_label": body.occupation or None,
            "start_date": body.start_date,
            "end_date": body.end_date,
            "outcome": outcome,
            "contract_type": body.contract_type or None,
            "abort_reason": body.abort_reason or None,
            "note": body.note or None,
        },
        current_user,
    )
    db.session.commit()
    return placement_out(placement), 201


@api.operation(
    "PATCH",
    "/placements/<int:placement_id>",
    summary="Avslutt eller rett en praksis (sluttdato, utfall, notat, grunn)",
    tag="placements",
    body=PlacementPatch,
    response=PlacementOut,
    errors=(409,),
    description="En praksis som hører til en match (match_id), endres gjennom matchen: "
    "409 med henvisning til /matches/{id}/events.",
    roles=CANDIDATE_READERS,
)
def update_placement(placement_id: int, body: PlacementPatch):
    placement = access.get_placement_or_404(placement_id)
    if placement.match_id is not None:
        raise ApiError(
            409,
            "Praksisen hører til en match og endres gjennom den: "
            f"POST /api/v1/matches/{placement.match_id}/events.",
            {"match_id": f"/api/v1/matches/{placement.match_id}/events"},
        )
    given = body.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    if "outcome" in given and given["outcome"] is None:
        errors["outcome"] = NOT_CLEARABLE
    changes = {k: (v or None) if isinstance(v, str) else v for k, v in given.items()}
    if changes.get("outcome"):
        changes["outcome"] = PlacementOutcome[changes["outcome"]]
    outcome = changes.get("outcome") or placement.outcome
    errors.update(
        placement_service.check(
            placement.start_date,
            changes.get("end_date", placement.end_date),
            outcome,
            changes.get("abort_reason"),
        )
    )
    invalid(errors)
    placement_service.update_placement(placement, changes, current_user)
    db.session.commit()
    return placement_out(placement)
