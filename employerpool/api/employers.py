"""API operations on employers: the shared register, and an employer's own record."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import or_, select

from employerpool.api import api
from employerpool.api.common import name_of, page_of
from employerpool.api.errors import ApiError
from employerpool.api.schemas import (
    EmployerIn,
    EmployerOut,
    EmployerPatch,
    EmployerQuery,
    Page,
)
from employerpool.extensions import db
from employerpool.models import (
    Employer,
    Partner,
)
from employerpool.models.enums import (
    Agreement,
    ApprovalStatus,
    District,
    Role,
    SizeBand,
)
from employerpool.services import access
from employerpool.services import employers as employer_service
from employerpool.services.access import (
    STAFF_ROLES,
    get_employer_or_404,
)
from employerpool.services.employers import ContactData, DuplicateOrganisation, OrganisationData


def employer_out(e: Employer) -> EmployerOut:
    return EmployerOut(
        id=e.id,
        orgnr=e.orgnr,
        name=e.name,
        nace_section=e.nace_section,
        district=name_of(e.district),
        address=e.address,
        postcode=e.postcode,
        city=e.city,
        size_band=name_of(e.size_band),
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
    return page_of(stmt, query, employer_out, EmployerOut)


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
    if not access.may_edit_employer(current_user, employer):
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
