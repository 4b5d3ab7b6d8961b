"""The shared employer-contact log: logging, recent contacts by other partners, follow-ups.

Who may log: employer contacts (markedskontakter), counsellors and coordinators. All three
call employers in their daily work (counsellors to follow up placements, coordinators for
agreements), and the log only ends double work if everyone who calls writes it down. Admins
run the system and do not work with employers, so they read the log but do not write to it.
A contact always belongs to the logging user's own partner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased, selectinload

from employerpool.extensions import db
from employerpool.models import Employer, EmployerContact, User
from employerpool.models.enums import AuditAction, ContactChannel, ContactResult
from employerpool.services import audit

# The window in which a contact by another partner counts as recent (the study's "dobbeltarbeid").
DOUBLE_CONTACT_DAYS = 30
# Follow-ups due within this many days are listed as upcoming.
FOLLOW_UP_HORIZON_DAYS = 14
OSLO = ZoneInfo("Europe/Oslo")


def local_today() -> date:
    """Today's date in Oslo (the date a user means by "today")."""
    return datetime.now(OSLO).date()


@dataclass
class ContactInput:
    """Validated values from the contact form."""

    contact_date: date
    channel: ContactChannel
    result: ContactResult
    purpose: str | None = None
    follow_up_date: date | None = None
    notes: str | None = None


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def log_contact(employer_id: int, user: User, values: ContactInput) -> EmployerContact:
    """Record a contact for `user`'s own partner and audit it; the caller commits."""
    contact = EmployerContact(employer_id=employer_id, partner_id=user.partner_id, user_id=user.id)
    _apply(contact, values)
    db.session.add(contact)
    db.session.flush()
    audit.record(AuditAction.create, "employer_contact", contact.id, user=user)
    return contact


def update_contact(contact: EmployerContact, user: User, values: ContactInput) -> None:
    """Correct a logged contact and audit the change; the caller commits."""
    _apply(contact, values)
    audit.record(AuditAction.update, "employer_contact", contact.id, user=user)


def _apply(contact: EmployerContact, values: ContactInput) -> None:
    contact.contact_date = values.contact_date
    contact.channel = values.channel
    contact.result = values.result
    contact.purpose = _clean(values.purpose)
    contact.follow_up_date = values.follow_up_date
    contact.notes = _clean(values.notes)


def recent_contacts_by_other_partners(
    employer_id: int, partner_id: int | None, today: date, days: int = DOUBLE_CONTACT_DAYS
) -> list[EmployerContact]:
    """Contacts with `employer_id` by partners other than `partner_id` in the last `days` days.

    "The last 30 days" is today and the 30 days before it: a contact on `today - 30` counts,
    one on `today - 31` does not. Newest first, with partner and user loaded, so that a page
    can show who, when and the result. `partner_id` None (a user without a partner) sees all.
    """
    stmt = (
        select(EmployerContact)
        .options(selectinload(EmployerContact.partner), selectinload(EmployerContact.user))
        .where(
            EmployerContact.employer_id == employer_id,
            EmployerContact.contact_date >= today - timedelta(days=days),
            EmployerContact.contact_date <= today,
        )
        .order_by(EmployerContact.contact_date.desc(), EmployerContact.id.desc())
    )
    if partner_id is not None:
        stmt = stmt.where(EmployerContact.partner_id != partner_id)
    return list(db.session.scalars(stmt))


def contacts_for_employer(employer_id: int, limit: int = 50) -> list[EmployerContact]:
    """The latest contacts with an employer, by all partners (the log is shared by all staff)."""
    return list(
        db.session.scalars(
            select(EmployerContact)
            .options(selectinload(EmployerContact.partner), selectinload(EmployerContact.user))
            .where(EmployerContact.employer_id == employer_id)
            .order_by(EmployerContact.contact_date.desc(), EmployerContact.id.desc())
            .limit(limit)
        )
    )


def search_employers(q: str, limit: int = 25) -> list[Employer]:
    """Employers whose name contains `q`, or whose organisasjonsnummer is `q`."""
    q = q.strip()[:100]
    if not q:
        return []
    digits = "".join(q.split())
    # The search text is literal: % and _ are not wildcards.
    literal = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(
        db.session.scalars(
            select(Employer)
            .where(or_(Employer.name.ilike(f"%{literal}%", escape="\\"), Employer.orgnr == digits))
            .order_by(Employer.name, Employer.id)
            .limit(limit)
        )
    )


def log_query(*, employer_id: int | None = None, partner_id: int | None = None, user_id=None):
    """A select of contacts for the log list, newest first."""
    stmt = (
        select(EmployerContact)
        .options(
            selectinload(EmployerContact.partner),
            selectinload(EmployerContact.user),
            selectinload(EmployerContact.employer),
        )
        .order_by(EmployerContact.contact_date.desc(), EmployerContact.id.desc())
    )
    if employer_id is not None:
        stmt = stmt.where(EmployerContact.employer_id == employer_id)
    if partner_id is not None:
        stmt = stmt.where(EmployerContact.partner_id == partner_id)
    if user_id is not None:
        stmt = stmt.where(EmployerContact.user_id == user_id)
    return stmt


def follow_ups_due(
    user: User, today: date, horizon: int = FOLLOW_UP_HORIZON_DAYS
) -> list[EmployerContact]:
    """The user's open follow-ups, due on or before `today + horizon`, earliest first.

    A follow-up is open until someone at the same partner logs a later contact with the same
    employer (a colleague's call counts as the follow-up too).
    """
    later = aliased(EmployerContact)
    followed_up = exists().where(
        and_(
            later.employer_id == EmployerContact.employer_id,
            later.partner_id == EmployerContact.partner_id,
            later.contact_date > EmployerContact.contact_date,
        )
    )
    stmt = (
        select(EmployerContact)
        .options(selectinload(EmployerContact.employer))
        .where(
            EmployerContact.user_id == user.id,
            EmployerContact.follow_up_date.is_not(None),
            EmployerContact.follow_up_date <= today + timedelta(days=horizon),
            ~followed_up,
        )
        .order_by(EmployerContact.follow_up_date, EmployerContact.id)
    )
    return list(db.session.scalars(stmt))
