"""API operations on placement needs (vacancies) and their ranked suggestions."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from employerpool.api import api
from employerpool.api.common import check, name_of, page_of
from employerpool.api.errors import ApiError
from employerpool.api.schemas import (
    NorwegianLevels,
    Page,
    RankedCandidate,
    Ranking,
    SuggestionsQuery,
    VacancyIn,
    VacancyOut,
    VacancyPatch,
    VacancyQuery,
)
from employerpool.extensions import db
from employerpool.models import (
    Employer,
    Vacancy,
    VacancySkill,
)
from employerpool.models.enums import (
    AuditAction,
    Cefr,
    District,
    PlacementType,
    Role,
    VacancyStatus,
)
from employerpool.services import access, audit
from employerpool.services import vacancies as vacancy_service
from employerpool.services.access import (
    CANDIDATE_READERS,
    get_vacancy_or_404,
)
from employerpool.services.suggestions import record_suggestions, suggestions_for
from employerpool.services.validation import (
    check_need,
    duration_weeks,
    normalise_tags,
    not_applicable,
)

NOT_FOR_TYPE = "Gjelder ikke for denne typen plass."


def vacancy_out(v: Vacancy) -> VacancyOut:
    return VacancyOut(
        id=v.id,
        employer_id=v.employer_id,
        status=v.status.name,
        places=v.places,
        title=v.title,
        type=v.type.name,
        occupation=v.occupation_label,
        styrk08=v.styrk08,
        description=v.description,
        skills_required=[s.label for s in v.required_skills],
        skills_preferred=[s.label for s in v.preferred_skills],
        norwegian_min=NorwegianLevels(
            oral=name_of(v.norwegian_oral_min), written=name_of(v.norwegian_written_min)
        ),
        district=name_of(v.district),
        driving_licence=v.driving_licence,
        hours_per_week=v.hours_per_week,
        start_date=v.start_date,
        end_date=v.end_date,
        deadline=v.deadline,
        police_certificate=v.police_certificate,
        physical_demands=v.physical_demands,
        created_at=v.created_at,
        updated_at=v.updated_at,
    )


@api.operation(
    "GET",
    "/vacancies",
    summary="Praksis- og jobbehov (staff: alle; arbeidsgiver: egne)",
    tag="vacancies",
    query=VacancyQuery,
    response=Page[VacancyOut],
)
def list_vacancies(query: VacancyQuery):
    stmt = (
        select(Vacancy)
        .options(selectinload(Vacancy.skill_links).joinedload(VacancySkill.skill))
        .order_by(Vacancy.id.desc())
    )
    if current_user.role is Role.employer:
        stmt = stmt.where(Vacancy.employer_id == current_user.employer_id)
    if query.status:
        stmt = stmt.where(Vacancy.status == VacancyStatus[query.status])
    if query.type:
        stmt = stmt.where(Vacancy.type == PlacementType[query.type])
    if query.district:
        stmt = stmt.where(Vacancy.district == District[query.district])
    if query.employer_id:
        stmt = stmt.where(Vacancy.employer_id == query.employer_id)
    return page_of(stmt, query, vacancy_out, VacancyOut)


@api.operation(
    "GET",
    "/vacancies/<int:vacancy_id>",
    summary="Ett behov",
    tag="vacancies",
    response=VacancyOut,
)
def get_vacancy(vacancy_id: int):
    return vacancy_out(get_vacancy_or_404(vacancy_id))


# API field -> model field, where they differ.
API_TO_MODEL = {
    "occupation": "occupation_label",
    "skills_required": "required_skills",
    "skills_preferred": "preferred_skills",
}
MODEL_TO_API = {m: a for a, m in API_TO_MODEL.items()}


def _values(fields: dict, vtype: PlacementType) -> dict:
    """Model values for the vacancy services, checked by the service's need rules (as the web
    form is); a field that does not apply to the type is an error here, not silently dropped."""
    model = {API_TO_MODEL.get(k, k): v for k, v in fields.items()}
    for name in ("required_skills", "preferred_skills"):
        model[name] = normalise_tags(model.get(name))
    errors = {name: NOT_FOR_TYPE for name in not_applicable(model, vtype)}
    errors.update(check_need(model, vtype))
    check(errors, MODEL_TO_API)
    levels = model.get("norwegian_min") or {}
    start, end = model.get("start_date"), model.get("end_date")
    weeks = duration_weeks(start, end)
    return {
        "type": vtype,
        "title": model["title"],
        "occupation_label": model.get("occupation_label") or None,
        "description": model.get("description") or None,
        "places": model.get("places") or 1,
        "district": District[model["district"]] if model.get("district") else None,
        "norwegian_oral_min": Cefr[levels["oral"]] if levels.get("oral") else None,
        "norwegian_written_min": Cefr[levels["written"]] if levels.get("written") else None,
        "police_certificate": bool(model.get("police_certificate")),
        "start_date": start,
        "hours_per_week": model.get("hours_per_week"),
        "end_date": end,
        "duration_weeks": weeks if weeks is not None else model.get("duration_weeks"),
        "deadline": model.get("deadline"),
        "driving_licence": model.get("driving_licence") or None,
        "physical_demands": model.get("physical_demands") or None,
        "required_skills": model["required_skills"],
        "preferred_skills": model["preferred_skills"],
    }


@api.operation(
    "POST",
    "/vacancies",
    summary="Meld et nytt behov (utkast, eller publisert med status=open)",
    tag="vacancies",
    body=VacancyIn,
    response=VacancyOut,
    status=201,
)
def create_vacancy(body: VacancyIn):
    access.require_may_post_needs()
    if current_user.role is Role.employer:
        if body.employer_id not in (None, current_user.employer_id):
            raise ApiError(
                422,
                "Ugyldige felt",
                {"employer_id": "Du kan bare melde behov for egen virksomhet."},
            )
        employer = current_user.employer
    else:
        if body.employer_id is None:
            raise ApiError(422, "Ugyldige felt", {"employer_id": "Feltet må fylles ut."})
        employer = db.session.get(Employer, body.employer_id)
        if employer is None:
            raise ApiError(422, "Ugyldige felt", {"employer_id": "Ukjent arbeidsgiver."})
    fields = body.model_dump(exclude={"employer_id", "status"})
    values = _values(fields, PlacementType[body.type])
    try:
        vacancy = vacancy_service.create_vacancy(
            employer, values, current_user, publish=body.status == "open"
        )
    except vacancy_service.VacancyError as exc:
        raise ApiError(422, "Ugyldige felt", {"employer_id": str(exc)}) from None
    db.session.commit()  # the service audits the new need, as for the web form
    return vacancy_out(vacancy), 201


# status wanted -> the service's action, by current status
STATUS_ACTION = {
    VacancyStatus.open: {
        VacancyStatus.draft: "publish",
        VacancyStatus.closed: "reopen",
        VacancyStatus.filled: "reopen",
    },
    VacancyStatus.filled: {VacancyStatus.open: "fill"},
    VacancyStatus.closed: {
        s: "close" for s in (VacancyStatus.draft, VacancyStatus.open, VacancyStatus.filled)
    },
}


@api.operation(
    "PATCH",
    "/vacancies/<int:vacancy_id>",
    summary="Endre et behov, eller flytt status (open, filled, closed)",
    tag="vacancies",
    body=VacancyPatch,
    response=VacancyOut,
    errors=(409,),
)
def update_vacancy(vacancy_id: int, body: VacancyPatch):
    vacancy = get_vacancy_or_404(vacancy_id)
    access.require_may_post_needs(vacancy.employer_id)
    given = body.model_dump(exclude_unset=True, exclude={"status", "status_note"})
    for key in ("title", "type", "district"):
        if key in given and given[key] is None:
            raise ApiError(422, "Ugyldige felt", {key: "Feltet kan ikke tømmes."})
    if given:
        current = vacancy_out(vacancy).model_dump()
        current["norwegian_min"] = {k: v for k, v in current["norwegian_min"].items()}
        merged = {k: current.get(k) for k in VacancyPatch.model_fields if k in current}
        merged.update(given)
        values = _values(merged, PlacementType[merged["type"]])
        vacancy_service.update_vacancy(vacancy, values, current_user, publish=False)
    if body.status is not None and VacancyStatus[body.status] is not vacancy.status:
        action = STATUS_ACTION.get(VacancyStatus[body.status], {}).get(vacancy.status)
        if action is None:
            raise ApiError(
                409,
                "Det er ikke mulig fra nåværende status.",
                {"status": f"Behovet har status {vacancy.status.name}."},
            )
        try:
            vacancy_service.change_status(vacancy, action, current_user, body.status_note)
        except vacancy_service.VacancyError as exc:
            raise ApiError(409, str(exc), {"status": str(exc)}) from None
    db.session.commit()  # the services audit edits and status changes
    return vacancy_out(vacancy)


@api.operation(
    "GET",
    "/vacancies/<int:vacancy_id>/suggestions",
    summary="Rangerte kandidatforslag for et behov (matcherens resultatformat)",
    tag="vacancies",
    query=SuggestionsQuery,
    response=Ranking,
    description="Samme rekkefølge og synlighet som forslagssiden: egne kandidater med id, "
    "andre partneres kandidater med samtykke til deling som pseudonym.",
    roles=CANDIDATE_READERS,
)
def vacancy_suggestions(vacancy_id: int, query: SuggestionsQuery):
    vacancy = get_vacancy_or_404(vacancy_id)
    rows = suggestions_for(vacancy, current_user, top=query.top)
    record_suggestions(vacancy, rows, current_user)
    audit.record(
        AuditAction.list,
        "suggestions",
        vacancy.id,
        detail={"rows": len(rows), "candidate_ids": [r.candidate_id for r in rows], "via": "api"},
    )
    db.session.commit()
    return Ranking(
        vacancy_id=str(vacancy.id),
        ranking=[
            RankedCandidate(
                candidate_id=str(r.candidate_id) if r.own_partner else r.pseudonym,
                score=r.score,
                eligible=r.eligible,
                components=r.components,
                reasons=r.reasons,
                own_partner=r.own_partner,
                partner=r.partner_name,
                match_id=r.match.id if r.match is not None and r.own_partner else None,
            )
            for r in rows
        ],
    )
