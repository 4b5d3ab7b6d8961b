"""API operations on the shared employer-contact log: all staff read, CONTACT_LOGGERS log,
the logger or a coordinator of the partner corrects."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from employerpool.api import api
from employerpool.api.common import NOT_CLEARABLE, invalid, page_of, render_errors
from employerpool.api.schemas import (
    ContactCreated,
    ContactIn,
    ContactOut,
    ContactPatch,
    ContactQuery,
    Page,
    RecentContact,
)
from employerpool.extensions import db
from employerpool.models import (
    Employer,
    EmployerContact,
)
from employerpool.models.enums import (
    ContactChannel,
    ContactResult,
)
from employerpool.services import access
from employerpool.services import contacts as contact_service
from employerpool.services.access import (
    CONTACT_LOGGERS,
    STAFF_ROLES,
)
from employerpool.services.validation import check_contact


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
    """The service's input, checked by the service's contact rules (as the web form is)."""
    day, follow_up = values.get("contact_date"), values.get("follow_up_date")
    for key in ("contact_date", "channel", "result"):
        if values.get(key) is None:
            errors[key] = NOT_CLEARABLE
    rules = check_contact(values, contact_service.local_today())
    invalid({**render_errors(rules), **errors})
    return contact_service.ContactInput(
        contact_date=day,
        channel=ContactChannel[values["channel"]],
        result=ContactResult[values["result"]],
        purpose=values.get("purpose"),
        follow_up_date=follow_up,
        notes=values.get("notes"),
    )


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
        invalid({"to": "Sluttdatoen kan ikke være før startdatoen."})
    stmt = contact_service.log_query(employer_id=query.employer_id, partner_id=query.partner_id)
    if query.date_from:
        stmt = stmt.where(EmployerContact.contact_date >= query.date_from)
    if query.to:
        stmt = stmt.where(EmployerContact.contact_date <= query.to)
    if query.channel:
        stmt = stmt.where(EmployerContact.channel == ContactChannel[query.channel])
    if query.result:
        stmt = stmt.where(EmployerContact.result == ContactResult[query.result])
    return page_of(stmt, query, contact_out, ContactOut)


@api.operation(
    "GET",
    "/contacts/<int:contact_id>",
    summary="Én kontakt",
    tag="contacts",
    response=ContactOut,
    roles=STAFF_ROLES,
)
def get_contact(contact_id: int):
    return contact_out(access.get_contact_or_404(contact_id))


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
    roles=CONTACT_LOGGERS,
)
def create_contact(body: ContactIn):
    if not access.can_log_contacts(current_user):
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
    roles=CONTACT_LOGGERS,
)
def update_contact(contact_id: int, body: ContactPatch):
    contact = access.get_contact_or_404(contact_id)
    if not access.can_edit_contact(current_user, contact):
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
