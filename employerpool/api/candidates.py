"""API operations on candidates: own partner only (others get 404, audited)."""

from __future__ import annotations

from datetime import date

from flask import abort, request
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from employerpool.api import api
from employerpool.api.common import (
    NOT_CLEARABLE,
    invalid,
    like,
    name_of,
    page_of,
    render_errors,
)
from employerpool.api.placements import placement_out
from employerpool.api.schemas import (
    CandidateIn,
    CandidateOut,
    CandidatePatch,
    CandidateQuery,
    ConsentsOut,
    ExperienceItem,
    NorwegianLevels,
    Page,
)
from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    Placement,
    User,
)
from employerpool.models.enums import (
    AuditAction,
    CandidateStatus,
    Cefr,
    ConsentScope,
    District,
    EducationLevel,
    Gender,
    Innsatsgruppe,
    Programme,
)
from employerpool.services import audit
from employerpool.services.access import (
    CANDIDATE_READERS,
    get_candidate_or_404,
)
from employerpool.services.candidates import apply_profile, set_consent
from employerpool.services.validation import check_candidate

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
        district=name_of(c.district),
        programme=c.programme.name,
        innsatsgruppe=c.innsatsgruppe.name,
        status=c.status.name,
        education_level=c.education_level.name,
        norwegian=NorwegianLevels(
            oral=name_of(c.norwegian_oral), written=name_of(c.norwegian_written)
        ),
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
        pattern = like(" ".join(query.q.split()))
        stmt = stmt.where(
            or_(
                Candidate.first_name.ilike(pattern, escape="\\"),
                Candidate.last_name.ilike(pattern, escape="\\"),
                (Candidate.first_name + " " + Candidate.last_name).ilike(pattern, escape="\\"),
            )
        )
    page = page_of(stmt, query, candidate_out, CandidateOut)
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
    # The service's profile rules, as the web form applies them.
    rules = check_candidate(values, date.today())
    invalid({**render_errors(rules, {"driving_licences": "driving_licence"}), **errors})
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
    # The service's profile rules, as the web form applies them.
    rules = check_candidate(values, date.today())
    invalid({**render_errors(rules, {"driving_licences": "driving_licence"}), **errors})
    if values:
        apply_profile(candidate, values, current_user)
    _apply_consents(candidate, plan)
    db.session.commit()
    return candidate_out(candidate)
