"""API operations. Each loads objects through the same guards as the web pages
(`services.auth`), calls the same services, and audits as the pages do."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from employerpool.api import api
from employerpool.api.errors import ApiError
from employerpool.api.schemas import (
    EmployerIn,
    EmployerOut,
    EmployerPatch,
    EmployerQuery,
    MatchEventIn,
    MatchEventOut,
    MatchIn,
    MatchOut,
    NorwegianLevels,
    Page,
    PageQuery,
    ProposalOut,
    ProposalQuery,
    RankedCandidate,
    Ranking,
    SuggestionsQuery,
    VacancyIn,
    VacancyOut,
    VacancyPatch,
    VacancyQuery,
)
from employerpool.extensions import db
from employerpool.models import Candidate, Employer, Match, Vacancy, VacancySkill
from employerpool.models.enums import (
    STAFF_ROLES,
    Agreement,
    ApprovalStatus,
    AuditAction,
    Cefr,
    District,
    MatchOutcome,
    MatchStatus,
    PlacementType,
    Role,
    SizeBand,
    VacancyStatus,
)
from employerpool.services import audit, matches, proposals
from employerpool.services import employers as employer_service
from employerpool.services import vacancies as vacancy_service
from employerpool.services.auth import (
    CANDIDATE_READERS,
    can_read_candidate,
    get_employer_or_404,
    get_match_or_404,
    get_vacancy_or_404,
)
from employerpool.services.employers import (
    EMPLOYER_MANAGERS,
    ContactData,
    DuplicateOrganisation,
    OrganisationData,
)
from employerpool.services.suggestions import record_suggestions, suggestions_for

ALL_ROLES = tuple(Role)


def require_role(*roles: Role) -> None:
    """403 unless the token's user has one of `roles`."""
    if current_user.role not in roles:
        abort(403)


def _page(stmt, query: PageQuery, convert, out_model) -> Page:
    """Run `stmt` for one page (converted with `convert`), counting all matching rows."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(
        stmt.limit(query.per_page).offset((query.page - 1) * query.per_page)
    ).all()
    return Page[out_model](
        items=[convert(row) for row in rows], page=query.page, per_page=query.per_page, total=total
    )


def _name(value) -> str | None:
    return value.name if value is not None else None


# --- employers ---------------------------------------------------------------------------


def employer_out(e: Employer) -> EmployerOut:
    return EmployerOut(
        id=e.id,
        orgnr=e.orgnr,
        name=e.name,
        nace_section=e.nace_section,
        district=_name(e.district),
        address=e.address,
        postcode=e.postcode,
        city=e.city,
        size_band=_name(e.size_band),
        agreement=e.agreement.name,
        approval=e.approval.name,
        responsible_partner_id=e.responsible_partner_id,
        created_at=e.created_at,
    )


@api.operation(
    "GET",
    "/employers",
    summary="Arbeidsgivere (staff: alle; arbeidsgiver: egen)",
    tag="employers",
    query=EmployerQuery,
    response=Page[EmployerOut],
)
def list_employers(query: EmployerQuery):
    stmt = select(Employer).order_by(Employer.name, Employer.id)
    if current_user.role is Role.employer:
        stmt = stmt.where(Employer.id == current_user.employer_id)
    if query.q:
        like = "%" + query.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(Employer.name.ilike(like, escape="\\"), Employer.orgnr.like(like, escape="\\"))
        )
    if query.district:
        stmt = stmt.where(Employer.district == District[query.district])
    if query.approval:
        stmt = stmt.where(Employer.approval == ApprovalStatus[query.approval])
    return _page(stmt, query, employer_out, EmployerOut)


@api.operation(
    "GET",
    "/employers/<int:employer_id>",
    summary="Én arbeidsgiver",
    tag="employers",
    response=EmployerOut,
)
def get_employer(employer_id: int):
    return employer_out(get_employer_or_404(employer_id))


@api.operation(
    "POST",
    "/employers",
    summary="Registrer en arbeidsgiver (staff; godkjent med en gang)",
    tag="employers",
    body=EmployerIn,
    response=EmployerOut,
    status=201,
    errors=(409,),
    roles=STAFF_ROLES,
)
def create_employer(body: EmployerIn):
    try:
        employer, _, _ = employer_service.register_employer(
            body.orgnr,
            OrganisationData(
                name=body.name,
                nace_section=body.nace_section,
                district=District[body.district],
                address=body.address or None,
                postcode=body.postcode or None,
                city=body.city or None,
                size_band=SizeBand[body.size_band],
            ),
            ContactData(
                name=body.contact.name,
                title=body.contact.title or None,
                email=body.contact.email.lower(),
                phone=body.contact.phone or None,
            ),
            actor=current_user,
            responsible_partner_id=_partner_id(body.responsible_partner_id),
            agreement=Agreement[body.agreement],
        )
    except DuplicateOrganisation as exc:
        raise ApiError(
            409,
            "Virksomheten finnes allerede i poolen.",
            {"orgnr": f"Registrert som arbeidsgiver {exc.employer.id}."},
        ) from None
    db.session.commit()
    return employer_out(employer), 201


def _partner_id(partner_id: int | None) -> int | None:
    from employerpool.models import Partner

    if partner_id is not None and db.session.get(Partner, partner_id) is None:
        raise ApiError(422, "Ugyldige felt", {"responsible_partner_id": "Ukjent partner."})
    return partner_id


@api.operation(
    "PATCH",
    "/employers/<int:employer_id>",
    summary="Endre en arbeidsgivers opplysninger",
    tag="employers",
    body=EmployerPatch,
    response=EmployerOut,
)
def update_employer(employer_id: int, body: EmployerPatch):
    employer = get_employer_or_404(employer_id)
    # As on the web: staff who manage employers, and the employer's own users.
    if current_user.role not in (*EMPLOYER_MANAGERS, Role.employer):
        abort(403)
    given = body.model_dump(exclude_unset=True)
    for key in ("name", "district", "size_band"):
        if key in given and given[key] is None:
            raise ApiError(422, "Ugyldige felt", {key: "Feltet kan ikke tømmes."})

    def pick(key, current):
        return given.get(key, current)

    org = OrganisationData(
        name=pick("name", employer.name),
        nace_section=pick("nace_section", employer.nace_section),
        district=District[given["district"]] if "district" in given else employer.district,
        address=pick("address", employer.address) or None,
        postcode=pick("postcode", employer.postcode) or None,
        city=pick("city", employer.city) or None,
        size_band=SizeBand[given["size_band"]] if "size_band" in given else employer.size_band,
    )
    employer_service.update_employer(employer, org, current_user)
    db.session.commit()
    return employer_out(employer)


# --- placement needs ---------------------------------------------------------------------


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
            oral=_name(v.norwegian_oral_min), written=_name(v.norwegian_written_min)
        ),
        district=_name(v.district),
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
    return _page(stmt, query, vacancy_out, VacancyOut)


@api.operation(
    "GET",
    "/vacancies/<int:vacancy_id>",
    summary="Ett behov",
    tag="vacancies",
    response=VacancyOut,
)
def get_vacancy(vacancy_id: int):
    return vacancy_out(get_vacancy_or_404(vacancy_id))


def _values(fields: dict, vtype: PlacementType) -> dict:
    """Model values for the vacancy services, checked by the web form's rules."""
    from employerpool.forms.vacancies import REQUIRED_BY_TYPE, conditional_fields, fields_for

    api_to_model = {
        "occupation": "occupation_label",
        "skills_required": "required_skills",
        "skills_preferred": "preferred_skills",
    }
    errors: dict[str, str] = {}
    applies = fields_for(vtype)
    model = {api_to_model.get(k, k): v for k, v in fields.items()}
    for name in conditional_fields() - applies:
        if model.get(name) not in (None, False, ""):
            api_name = next((a for a, m in api_to_model.items() if m == name), name)
            errors[api_name] = "Gjelder ikke for denne typen plass."
    for name in REQUIRED_BY_TYPE.get(vtype, ()):
        if model.get(name) in (None, ""):
            api_name = next((a for a, m in api_to_model.items() if m == name), name)
            errors[api_name] = "Må fylles ut for denne typen plass."
    start, end, deadline = model.get("start_date"), model.get("end_date"), model.get("deadline")
    if end and not start:
        errors["start_date"] = "Fyll ut oppstart når du oppgir sluttdato."
    if start and end and end <= start:
        errors["end_date"] = "Sluttdatoen må være etter oppstart."
    elif start and end and (end - start).days > 260 * 7:
        errors["end_date"] = "Varigheten kan være høyst 5 år."
    if start and deadline and deadline > start:
        errors["deadline"] = "Søknadsfristen må være før eller samme dag som oppstart."
    required = {t.casefold() for t in model.get("required_skills") or []}
    both = [t for t in model.get("preferred_skills") or [] if t.casefold() in required]
    if both:
        errors["skills_preferred"] = f"«{both[0]}» står også som påkrevd."
    if errors:
        raise ApiError(422, "Ugyldige felt", errors)
    levels = model.get("norwegian_min") or {}
    weeks = None
    if start and end:
        weeks = max(1, -(-(end - start).days // 7))
    return {
        "type": vtype,
        "title": model["title"],
        "occupation_label": model.get("occupation") or None,
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
        "deadline": deadline,
        "driving_licence": model.get("driving_licence") or None,
        "physical_demands": model.get("physical_demands") or None,
        "required_skills": _dedupe(model.get("required_skills") or []),
        "preferred_skills": _dedupe(model.get("preferred_skills") or []),
    }


def _dedupe(terms: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for term in terms:
        term = " ".join(term.split())
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            out.append(term)
    return out


def _may_post_needs(employer: Employer | None = None) -> None:
    """Staff post for any approved employer; an employer user for its own, once approved."""
    if current_user.is_staff:
        return
    if current_user.role is not Role.employer:
        abort(403)
    if employer is not None and employer.id != current_user.employer_id:
        abort(404)


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
    _may_post_needs()
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
    _may_post_needs(vacancy.employer)
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


# --- matches and proposals ---------------------------------------------------------------


def match_out(m: Match) -> MatchOut:
    return MatchOut(
        id=m.id,
        vacancy_id=m.vacancy_id,
        candidate_id=m.candidate_id,
        status=m.status.name,
        outcome=_name(m.outcome),
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
        match = _visible_proposal_or_404(match_id)
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
        require_role(*CANDIDATE_READERS)
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
        return _proposal_out(match), 201
    return match_out(match), 201


def _visible_proposal_or_404(match_id: int) -> Match:
    match = db.session.scalar(
        select(Match)
        .join(Vacancy, Vacancy.id == Match.vacancy_id)
        .where(Match.id == match_id, proposals.visible_condition(current_user.employer_id))
    )
    if match is None:
        abort(404)
    return match


def _proposal_out(match: Match) -> ProposalOut:
    view = proposals.build_view(match)
    return ProposalOut(
        match_id=view.match_id,
        vacancy_id=view.vacancy_id,
        vacancy_title=view.vacancy_title,
        display_name=view.display_name,
        identified=view.identified,
        email=view.email,
        phone=view.phone,
        norwegian=NorwegianLevels(
            oral=_name(view.norwegian_oral), written=_name(view.norwegian_written)
        ),
        norwegian_tested=view.norwegian_tested,
        skills=view.skills,
        experience=view.experience,
        available_from=view.available_from,
        max_hours_per_week=view.max_hours_per_week,
        driving_licences=view.driving_licences,
        reasons=view.reasons,
        outcome=_name(view.outcome),
    )


@api.operation(
    "GET",
    "/proposals",
    summary="Kandidater foreslått for egne behov (arbeidsgiver)",
    tag="matches",
    query=ProposalQuery,
    response=Page[ProposalOut],
    description="Bare det kandidaten har samtykket til å dele; navn og kontaktinfo bare med "
    "samtykke til identitet. Hver lesing logges.",
    roles=(Role.employer,),
)
def list_proposals(query: ProposalQuery):
    stmt = (
        select(Match)
        .join(Vacancy, Vacancy.id == Match.vacancy_id)
        .where(proposals.visible_condition(current_user.employer_id))
        .order_by(Match.updated_at.desc(), Match.id.desc())
    )
    if query.vacancy_id is not None:
        stmt = stmt.where(Match.vacancy_id == query.vacancy_id)

    def seen(match: Match) -> ProposalOut:
        proposals.record_view(match)  # an employer's read of a candidate is audited
        return _proposal_out(match)

    page = _page(stmt, query, seen, ProposalOut)
    db.session.commit()
    return page
