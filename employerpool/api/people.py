"""API operations on people and their work: candidates, placement history, employer contacts
and the employer-contact report (issue 7). Same guards, services and audit as the web pages.

Who may do what:
- candidates: counsellors and coordinators, own partner only (others get 404, audited);
- placements: counsellors and coordinators for their own partner's candidates; an employer
  user reads its own employer's placements without the candidate (no id, note or reasons);
- contacts: all staff read, LOGGERS log, the logger or a coordinator of the partner corrects;
- the employer-contact report: coordinators, admins and employer contacts.
"""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from employerpool.api import api
from employerpool.api.errors import ApiError
from employerpool.api.schemas import (
    CandidateIn,
    CandidateOut,
    CandidatePatch,
    CandidateQuery,
    ConsentsOut,
    ContactCreated,
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactQuery,
    ContactReportOut,
    ContactReportQuery,
    ContactReportRow,
    ContactTotalsOut,
    ExperienceItem,
    MonthTotalOut,
    NorwegianLevels,
    Page,
    PartnerTotalOut,
    PlacementIn,
    PlacementOut,
    PlacementPatch,
    PlacementQuery,
    RecentContact,
    ReportPeriod,
)
from employerpool.api.views import _name, _page
from employerpool.extensions import db
from employerpool.forms.contacts import FOLLOW_UP_MAX_DAYS
from employerpool.forms.reports import MAX_PERIOD_DAYS
from employerpool.models import (
    Candidate,
    Employer,
    EmployerContact,
    Partner,
    Placement,
    User,
)
from employerpool.models.enums import (
    STAFF_ROLES,
    AuditAction,
    CandidateStatus,
    Cefr,
    ConsentScope,
    ContactChannel,
    ContactResult,
    District,
    EducationLevel,
    Gender,
    Innsatsgruppe,
    PlacementOutcome,
    PlacementType,
    Programme,
    Role,
)
from employerpool.services import audit, exports, reports
from employerpool.services import contacts as contact_service
from employerpool.services import placements as placement_service
from employerpool.services.auth import (
    CANDIDATE_READERS,
    can_read_candidate,
    get_candidate_or_404,
)
from employerpool.services.candidates import apply_profile, set_consent
from employerpool.services.exports import XLSX_MIME
from employerpool.views.reports import CONTACT_REPORT_ROLES

INVALID = "Ugyldige felt"
NOT_CLEARABLE = "Feltet kan ikke tømmes."


def _invalid(errors: dict[str, str]) -> None:
    if errors:
        raise ApiError(422, INVALID, errors)


def _like(q: str) -> str:
    """A LIKE pattern that matches `q` literally (% and _ are not wildcards)."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# --- candidates ----------------------------------------------------------------------------

# Everything a profile shows, loaded for a whole page at once (no query per candidate).
CANDIDATE_LOAD = (
    selectinload(Candidate.skills),
    selectinload(Candidate.experiences),
    selectinload(Candidate.desired_occupations),
    selectinload(Candidate.consents),
    selectinload(Candidate.placements).selectinload(Placement.employer),
)
ENUMS = {
    "gender": Gender,
    "district": District,
    "programme": Programme,
    "innsatsgruppe": Innsatsgruppe,
    "status": CandidateStatus,
    "education_level": EducationLevel,
}
# Required columns; gender and education level fall back to "unknown" instead.
REQUIRED_PROFILE = ("first_name", "last_name", "programme", "innsatsgruppe", "status")
# API field -> profile key of services.candidates.apply_profile, where they differ.
PROFILE_KEY = {"driving_licence": "driving_licences"}


def _require_reader(candidate_id: int | None = None) -> None:
    """403 unless the user reads candidates; a refused read of one is audited, as on the web."""
    if current_user.role in CANDIDATE_READERS:
        return
    if candidate_id is not None:
        audit.record(
            AuditAction.view,
            "candidate",
            candidate_id,
            allowed=False,
            detail={"endpoint": request.endpoint},
        )
        db.session.commit()
    abort(403)


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


def candidate_out(c: Candidate) -> CandidateOut:
    return CandidateOut(
        id=c.id,
        partner_id=c.partner_id,
        counsellor_id=c.counsellor_id,
        first_name=c.first_name,
        last_name=c.last_name,
        birth_year=c.birth_year,
        gender=c.gender.name,
        phone=c.phone,
        email=c.email,
        district=_name(c.district),
        programme=c.programme.name,
        innsatsgruppe=c.innsatsgruppe.name,
        status=c.status.name,
        education_level=c.education_level.name,
        norwegian=NorwegianLevels(oral=_name(c.norwegian_oral), written=_name(c.norwegian_written)),
        # Sorted as the profile form shows them, the same on SQLite and PostgreSQL.
        skills=sorted((s.label for s in c.skills), key=str.casefold),
        summary=c.summary,
        experience=[
            ExperienceItem(title=e.title, years=e.years, abroad=e.abroad) for e in c.experiences
        ],
        desired_occupations=[d.label for d in c.desired_occupations],
        driving_licence=list(c.driving_licences or []),
        max_hours_per_week=c.max_hours_per_week,
        available_from=c.available_from,
        placements=[placement_out(p) for p in c.placements],
        consents=ConsentsOut(**{s.name: c.has_consent(s) for s in ConsentScope}),
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


def _profile_values(given: dict, errors: dict[str, str]) -> dict:
    """apply_profile's values from the API fields that were sent (checked, not yet applied)."""
    values: dict = {}
    for key, value in given.items():
        if key in REQUIRED_PROFILE and value is None:
            errors[key] = NOT_CLEARABLE
        elif key in ENUMS:
            values[key] = ENUMS[key][value] if value is not None else None
        elif key == "norwegian":
            # Only the levels sent change: {"oral": "B1"} leaves the written level alone.
            levels = value if value is not None else {"oral": None, "written": None}
            for part, level in levels.items():
                values[f"norwegian_{part}"] = Cefr[level] if level else None
        elif key == "counsellor_id":
            values[key] = _counsellor_id(value, errors)
        else:
            values[PROFILE_KEY.get(key, key)] = value
    return values


def _counsellor_id(user_id: int | None, errors: dict[str, str]) -> int | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if (
        user is None
        or not user.active
        or user.role not in CANDIDATE_READERS
        or user.partner_id != current_user.partner_id
    ):
        errors["counsellor_id"] = "Må være en veileder eller koordinator hos din partner."
    return user_id


def _consent_plan(
    given: dict | None, candidate: Candidate | None, errors: dict[str, str]
) -> list[tuple[ConsentScope, bool]]:
    """The consent changes asked for, in an order that works (profile before identity)."""
    wanted = {ConsentScope[k]: v for k, v in (given or {}).items() if v is not None}

    def has(scope: ConsentScope) -> bool:
        return candidate is not None and candidate.has_consent(scope)

    sharing = wanted.get(ConsentScope.employers, has(ConsentScope.employers))
    if wanted.get(ConsentScope.employers_identity) and not sharing:
        errors["consents.employers_identity"] = (
            "Registrer først samtykke til å dele profilen med arbeidsgivere."
        )
    return [(scope, wanted[scope]) for scope in ConsentScope if scope in wanted]


def _apply_consents(candidate: Candidate, plan: list[tuple[ConsentScope, bool]]) -> None:
    for scope, give in plan:
        set_consent(candidate, scope, give, current_user)


@api.operation(
    "GET",
    "/candidates",
    summary="Egen partners kandidater (veileder, koordinator)",
    tag="candidates",
    query=CandidateQuery,
    response=Page[CandidateOut],
    description="Slettede kandidater er utelatt. Hver liste logges med kandidatenes id.",
    roles=CANDIDATE_READERS,
)
def list_candidates(query: CandidateQuery):
    stmt = (
        select(Candidate)
        .options(*CANDIDATE_LOAD)
        .where(Candidate.partner_id == current_user.partner_id, Candidate.erased_at.is_(None))
        .order_by(Candidate.last_name, Candidate.first_name, Candidate.id)
    )
    if query.status:
        stmt = stmt.where(Candidate.status == CandidateStatus[query.status])
    if query.programme:
        stmt = stmt.where(Candidate.programme == Programme[query.programme])
    if query.district:
        stmt = stmt.where(Candidate.district == District[query.district])
    if query.q:
        like = _like(" ".join(query.q.split()))
        stmt = stmt.where(
            or_(
                Candidate.first_name.ilike(like, escape="\\"),
                Candidate.last_name.ilike(like, escape="\\"),
                (Candidate.first_name + " " + Candidate.last_name).ilike(like, escape="\\"),
            )
        )
    page = _page(stmt, query, candidate_out, CandidateOut)
    audit.record(
        AuditAction.list,
        "candidate",
        detail={
            "page": page.page,
            "rows": len(page.items),
            "candidate_ids": [c.id for c in page.items],
            "via": "api",
        },
    )
    db.session.commit()
    return page


@api.operation(
    "GET",
    "/candidates/<int:candidate_id>",
    summary="Én kandidatprofil (egen partner)",
    tag="candidates",
    response=CandidateOut,
    description="Andre partneres kandidater svarer 404; både lesingen og avslaget logges.",
)
def get_candidate(candidate_id: int):
    _require_reader(candidate_id)
    return candidate_out(get_candidate_or_404(candidate_id, detail={"via": "api"}))


@api.operation(
    "POST",
    "/candidates",
    summary="Registrer en kandidat hos egen partner",
    tag="candidates",
    body=CandidateIn,
    response=CandidateOut,
    status=201,
    description="counsellor_id er deg hvis feltet mangler. consents gir samtykker med en gang.",
    roles=CANDIDATE_READERS,
)
def create_candidate(body: CandidateIn):
    given = body.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    plan = _consent_plan(given.pop("consents", None), None, errors)
    values = _profile_values(given, errors)
    _invalid(errors)
    values.setdefault("counsellor_id", current_user.id)
    candidate = Candidate(partner_id=current_user.partner_id)
    apply_profile(candidate, values, current_user)
    _apply_consents(candidate, plan)
    db.session.commit()
    return candidate_out(candidate), 201


@api.operation(
    "PATCH",
    "/candidates/<int:candidate_id>",
    summary="Endre en kandidatprofil, eller gi og trekk samtykker",
    tag="candidates",
    body=CandidatePatch,
    response=CandidateOut,
    description="Felt som ikke sendes, står. Et trukket samtykke gjelder fra neste forespørsel "
    "overalt (forslag, forslag til arbeidsgivere).",
)
def update_candidate(candidate_id: int, body: CandidatePatch):
    _require_reader(candidate_id)
    candidate = get_candidate_or_404(candidate_id, detail={"via": "api"})
    given = body.model_dump(exclude_unset=True)
    errors: dict[str, str] = {}
    plan = _consent_plan(given.pop("consents", None), candidate, errors)
    values = _profile_values(given, errors)
    _invalid(errors)
    if values:
        apply_profile(candidate, values, current_user)
    _apply_consents(candidate, plan)
    db.session.commit()
    return candidate_out(candidate)


# --- placements ----------------------------------------------------------------------------

PLACEMENT_READERS = (*CANDIDATE_READERS, Role.employer)


def _employer_user() -> bool:
    if current_user.role is not Role.employer:
        return False
    if current_user.employer_id is None:  # never match placements without an employer
        abort(403)
    return True


def _placement_or_404(placement_id: int) -> Placement:
    """A placement the user may see: an own-partner candidate's, or (employer) its own."""
    placement = db.session.get(Placement, placement_id)
    if placement is None:
        abort(404)
    if _employer_user():
        if placement.employer_id != current_user.employer_id:
            abort(404)
        return placement
    if not can_read_candidate(current_user, placement.candidate):
        audit.record(
            AuditAction.view,
            "placement",
            placement.id,
            allowed=False,
            detail={"candidate_id": placement.candidate_id, "via": "api"},
        )
        db.session.commit()
        abort(404)
    return placement


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
            _invalid({"candidate_id": "Kan ikke brukes av arbeidsgivere."})
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

    page = _page(stmt, query, convert, PlacementOut)
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
    placement = _placement_or_404(placement_id)
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
    _invalid(errors)
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
    placement = _placement_or_404(placement_id)
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
    _invalid(errors)
    placement_service.update_placement(placement, changes, current_user)
    db.session.commit()
    return placement_out(placement)


# --- employer contacts ---------------------------------------------------------------------


def contact_out(c: EmployerContact) -> ContactOut:
    return ContactOut(**_contact_fields(c))


def _contact_fields(c: EmployerContact) -> dict:
    return {
        "id": c.id,
        "employer_id": c.employer_id,
        "employer_name": c.employer.name,
        "partner_id": c.partner_id,
        "partner": c.partner.name,
        "user_id": c.user_id,
        "user_name": c.user.name if c.user is not None else None,
        "contact_date": c.contact_date,
        "channel": c.channel.name,
        "purpose": c.purpose,
        "result": c.result.name,
        "follow_up_date": c.follow_up_date,
        "notes": c.notes,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def _contact_input(values: dict, errors: dict[str, str]) -> contact_service.ContactInput:
    """The service's input, checked by the contact form's rules."""
    day, follow_up = values.get("contact_date"), values.get("follow_up_date")
    for key in ("contact_date", "channel", "result"):
        if values.get(key) is None:
            errors[key] = NOT_CLEARABLE
    if day is not None and day > contact_service.local_today():
        errors["contact_date"] = (
            "Datoen kan ikke være i fremtiden. Logg kontakten når den har skjedd."
        )
    if follow_up is None:
        if values.get("result") == ContactResult.follow_up_later.name:
            errors["follow_up_date"] = "Velg når dere skal følge opp."
    elif day is not None and follow_up < day:
        errors["follow_up_date"] = "Oppfølgingsdatoen kan ikke være før datoen for kontakten."
    elif day is not None and (follow_up - day).days > FOLLOW_UP_MAX_DAYS:
        errors["follow_up_date"] = "Oppfølgingsdatoen kan være høyst ett år etter kontakten."
    _invalid(errors)
    return contact_service.ContactInput(
        contact_date=day,
        channel=ContactChannel[values["channel"]],
        result=ContactResult[values["result"]],
        purpose=values.get("purpose"),
        follow_up_date=follow_up,
        notes=values.get("notes"),
    )


def _contact_or_404(contact_id: int) -> EmployerContact:
    contact = db.session.get(EmployerContact, contact_id)
    if contact is None:
        abort(404)
    return contact


@api.operation(
    "GET",
    "/contacts",
    summary="Kontaktloggen med arbeidsgivere (alle ansatte)",
    tag="contacts",
    query=ContactQuery,
    response=Page[ContactOut],
    roles=STAFF_ROLES,
)
def list_contacts(query: ContactQuery):
    if query.date_from and query.to and query.date_from > query.to:
        _invalid({"to": "Sluttdatoen kan ikke være før startdatoen."})
    stmt = contact_service.log_query(employer_id=query.employer_id, partner_id=query.partner_id)
    if query.date_from:
        stmt = stmt.where(EmployerContact.contact_date >= query.date_from)
    if query.to:
        stmt = stmt.where(EmployerContact.contact_date <= query.to)
    if query.channel:
        stmt = stmt.where(EmployerContact.channel == ContactChannel[query.channel])
    if query.result:
        stmt = stmt.where(EmployerContact.result == ContactResult[query.result])
    return _page(stmt, query, contact_out, ContactOut)


@api.operation(
    "GET",
    "/contacts/<int:contact_id>",
    summary="Én kontakt",
    tag="contacts",
    response=ContactOut,
    roles=STAFF_ROLES,
)
def get_contact(contact_id: int):
    return contact_out(_contact_or_404(contact_id))


@api.operation(
    "POST",
    "/contacts",
    summary="Logg en kontakt med en arbeidsgiver (for egen partner)",
    tag="contacts",
    body=ContactIn,
    response=ContactCreated,
    status=201,
    description="Markedskontakter, veiledere og koordinatorer. Svaret tar med andre partneres "
    "kontakter med samme arbeidsgiver de siste 30 dagene (varsel om dobbeltarbeid).",
    roles=contact_service.LOGGERS,
)
def create_contact(body: ContactIn):
    if not contact_service.can_log(current_user):
        abort(403)
    errors: dict[str, str] = {}
    if db.session.get(Employer, body.employer_id) is None:
        errors["employer_id"] = "Ukjent arbeidsgiver."
    values = _contact_input(body.model_dump(exclude={"employer_id"}), errors)
    contact = contact_service.log_contact(body.employer_id, current_user, values)
    db.session.commit()
    recent = contact_service.recent_contacts_by_other_partners(
        contact.employer_id, current_user.partner_id, contact_service.local_today()
    )
    return ContactCreated(
        **_contact_fields(contact),
        recent_contacts_by_other_partners=[
            RecentContact(
                contact_date=r.contact_date, partner=r.partner.name, channel=r.channel.name
            )
            for r in recent
        ],
    ), 201


@api.operation(
    "PATCH",
    "/contacts/<int:contact_id>",
    summary="Rett en logget kontakt (den som logget den, eller partnerens koordinator)",
    tag="contacts",
    body=ContactPatch,
    response=ContactOut,
    roles=contact_service.LOGGERS,
)
def update_contact(contact_id: int, body: ContactPatch):
    contact = _contact_or_404(contact_id)
    if not contact_service.can_edit(current_user, contact):
        abort(403)
    values = {
        "contact_date": contact.contact_date,
        "channel": contact.channel.name,
        "result": contact.result.name,
        "purpose": contact.purpose,
        "follow_up_date": contact.follow_up_date,
        "notes": contact.notes,
    }
    values.update(body.model_dump(exclude_unset=True))
    contact_service.update_contact(contact, current_user, _contact_input(values, {}))
    db.session.commit()
    return contact_out(contact)


# --- the employer-contact report -----------------------------------------------------------


def _report_filter(query: ContactReportQuery) -> reports.ContactFilter:
    """The report's filter, checked as the web report form checks it."""
    errors: dict[str, str] = {}
    start, end = query.date_from, query.to
    if (start is None) != (end is None):
        errors["from" if start is None else "to"] = "Oppgi både from og to, eller ingen av dem."
    elif start and end and start > end:
        errors["to"] = "Sluttdatoen kan ikke være før startdatoen."
    elif start and end and (end - start).days > MAX_PERIOD_DAYS:
        errors["to"] = "Perioden kan være høyst ti år."
    if query.partner is not None and db.session.get(Partner, query.partner) is None:
        errors["partner"] = "Ukjent partner."
    _invalid(errors)
    today = contact_service.local_today()
    # Without dates: this month, the web report's default.
    period = (
        reports.period_for("custom", today, start, end)
        if start and end
        else reports.period_for("this_month", today)
    )
    return reports.ContactFilter(period=period, partner_id=query.partner)


def _record_export(fmt: str, f: reports.ContactFilter, rows: int) -> None:
    audit.record(
        AuditAction.export,
        "employer_contact_report",
        detail={
            "format": fmt,
            "table": "rows",
            "filter": f.as_detail(),
            "rows": rows,
            "via": "api",
        },
    )
    db.session.commit()


@api.operation(
    "GET",
    "/reports/employer-contacts",
    summary="Rapport over arbeidsgiverkontakter (JSON, CSV eller Excel)",
    tag="reports",
    query=ContactReportQuery,
    response=ContactReportOut,
    files={"text/csv": "binary", XLSX_MIME: "binary"},
    description="Koordinatorer, administratorer og markedskontakter. format=csv eller xlsx gir "
    "samme fil som eksporten på nettsiden; json gir perioden, summer (totalt, per partner, per "
    "måned) og én side med rader. Hver henting logges som eksport.",
    roles=CONTACT_REPORT_ROLES,
)
def employer_contact_report(query: ContactReportQuery):
    f = _report_filter(query)
    if query.format != "json":
        # Exactly the web export (views.reports.contacts_export with the default sort).
        rows = reports.contact_export_rows(f, "date_desc")
        _record_export(query.format, f, len(rows))
        return exports.send(
            query.format,
            "arbeidsgiverkontakter",
            reports.CONTACT_COLUMNS,
            rows,
            title=_("Arbeidsgiverkontakter"),
            stamp=contact_service.local_today(),
        )
    totals = reports.contact_totals(f)
    rows = reports.contact_rows(
        f, "date_desc", limit=query.per_page, offset=(query.page - 1) * query.per_page
    )
    _record_export("json", f, len(rows))
    return ContactReportOut(
        period=ReportPeriod(start=f.period.start, end=f.period.end, preset=f.period.preset),
        partner_id=f.partner_id,
        totals=ContactTotalsOut(
            contacts=totals.total,
            employers=totals.employers,
            per_partner=[
                PartnerTotalOut(
                    partner_id=p.partner_id,
                    partner=p.name,
                    contacts=p.contacts,
                    employers=p.employers,
                )
                for p in totals.per_partner
            ],
            per_month=[
                MonthTotalOut(month=m.label, contacts=m.contacts, employers=m.employers)
                for m in totals.per_month
            ],
        ),
        rows=Page[ContactReportRow](
            items=[
                ContactReportRow(
                    id=r.id,
                    contact_date=r.contact_date,
                    employer_id=r.employer_id,
                    employer_name=r.employer_name,
                    orgnr=r.orgnr,
                    district=_name(r.district),
                    sector=r.sector,
                    partner=r.partner_name,
                    user_name=r.user_name,
                    channel=r.channel.name,
                    result=r.result.name,
                    purpose=r.purpose,
                    follow_up_date=r.follow_up_date,
                )
                for r in rows
            ],
            page=query.page,
            per_page=query.per_page,
            total=totals.total,
        ),
    )
