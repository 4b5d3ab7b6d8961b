"""Employers in the pool: registration, approval, details, contact persons and the register."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError

from employerpool.extensions import db
from employerpool.models import (
    ContactPerson,
    Employer,
    Partner,
    Placement,
    User,
    now_utc,
)
from employerpool.models.enums import (
    Agreement,
    ApprovalStatus,
    AuditAction,
    District,
    Role,
    SizeBand,
)
from employerpool.services import audit, mail, ratelimit
from employerpool.services.access import can_read_candidate
from employerpool.services.auth import issue_set_password_token, set_password

SORTS = {
    "name": (Employer.name, Employer.id),
    "newest": (Employer.created_at.desc(), Employer.id.desc()),
}


class DuplicateOrganisation(Exception):
    """The organisasjonsnummer is in the pool already."""

    def __init__(self, employer: Employer):
        super().__init__("organisation already registered")
        self.employer = employer


class EmailTaken(Exception):
    """A user with this e-mail address exists."""


class RegistrationBusy(Exception):
    """Too many registrations just now (abuse protection)."""


@dataclass
class OrganisationData:
    """The organisation's own fields, as parsed by a form."""

    name: str
    nace_section: str | None
    district: District | None
    address: str | None
    postcode: str | None
    city: str | None
    size_band: SizeBand | None

    @classmethod
    def from_form(cls, form) -> OrganisationData:
        return cls(
            name=form.name.data,
            nace_section=form.nace_section.data or None,
            district=District[form.district.data] if form.district.data else None,
            address=form.address.data or None,
            postcode=form.postcode.data or None,
            city=form.city.data or None,
            size_band=SizeBand[form.size_band.data] if form.size_band.data else None,
        )


@dataclass
class ContactData:
    name: str
    title: str | None
    email: str
    phone: str | None

    @classmethod
    def from_form(cls, form) -> ContactData:
        return cls(
            name=form.contact_name.data,
            title=form.contact_title.data or None,
            email=form.contact_email.data,
            phone=form.contact_phone.data or None,
        )


# --- abuse protection for the public form -------------------------------------------------


def check_registration_allowed(client_address: str | None) -> None:
    """Raise RegistrationBusy when this client or the service as a whole registers too often."""
    config = current_app.config
    # Counted in the database, so that every worker and machine agrees (a keyed hash of the
    # address is the key; the address itself is never stored).
    key = hashlib.sha256(f"{config['SECRET_KEY']}:{client_address}".encode()).hexdigest()
    limit = config.get("REGISTRATION_PER_CLIENT_PER_HOUR", 5)
    if not ratelimit.hit(f"register:{key}", limit, 3600).allowed:
        raise RegistrationBusy
    since = now_utc() - timedelta(hours=1)
    recent = db.session.scalar(
        select(func.count())
        .select_from(Employer)
        .where(Employer.approval == ApprovalStatus.pending, Employer.created_at >= since)
    )
    if recent >= config.get("REGISTRATION_MAX_PENDING_PER_HOUR", 30):
        raise RegistrationBusy


# --- registration ---------------------------------------------------------------------------


def find_by_orgnr(orgnr: str) -> Employer | None:
    return db.session.scalar(select(Employer).where(Employer.orgnr == orgnr))


def email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email.strip().lower())) is not None


def register_employer(
    orgnr: str,
    org: OrganisationData,
    contact: ContactData,
    *,
    actor: User | None,
    password: str | None = None,
    invite: bool = False,
    responsible_partner_id: int | None = None,
    agreement: Agreement = Agreement.none,
) -> tuple[Employer, User | None, str | None]:
    """Register an employer with its first contact person; the caller commits.

    Self-registration (no actor) creates a pending employer and a user with `password`. Staff
    registration creates an approved employer and, with `invite`, a user without a password and
    a one-time set-password token, which is returned (shown once).
    Raises DuplicateOrganisation or EmailTaken; nothing is added then.
    """
    existing = find_by_orgnr(orgnr)
    if existing is not None:
        raise DuplicateOrganisation(existing)
    wants_user = password is not None or invite
    if wants_user and email_taken(contact.email):
        raise EmailTaken
    self_registered = actor is None
    employer = Employer(
        orgnr=orgnr,
        name=org.name,
        nace_section=org.nace_section,
        district=org.district,
        address=org.address,
        postcode=org.postcode,
        city=org.city,
        size_band=org.size_band,
        agreement=agreement,
        responsible_partner_id=responsible_partner_id,
        approval=ApprovalStatus.pending if self_registered else ApprovalStatus.approved,
    )
    employer.contact_persons.append(
        ContactPerson(
            name=contact.name, title=contact.title, email=contact.email, phone=contact.phone
        )
    )
    user = token = None
    try:
        # A savepoint: when another request registers the same organisation (or address) at
        # the same moment, the unique keys refuse the second, and it reads what won.
        with db.session.begin_nested():
            db.session.add(employer)
            if wants_user:
                user = User(
                    email=contact.email, name=contact.name, role=Role.employer, employer=employer
                )
                if password is not None:
                    set_password(user, password)
                db.session.add(user)
    except IntegrityError:
        existing = find_by_orgnr(orgnr)
        if existing is not None:
            raise DuplicateOrganisation(existing) from None
        raise EmailTaken from None
    if invite and user is not None:
        token = issue_set_password_token(user)
        mail_invitation(user, token)
    audit.record(
        AuditAction.create,
        "employer",
        employer.id,
        detail={"self_registered": self_registered, "user_created": user is not None},
        user=actor if actor is not None else user,
    )
    return employer, user, token


def invite_contact_person(person: ContactPerson, actor: User) -> tuple[User, str]:
    """Create a user for an existing contact person and return (user, one-time token)."""
    if not person.email:
        raise ValueError("no e-mail")
    if email_taken(person.email):
        raise EmailTaken
    user = User(
        email=person.email.lower(), name=person.name, role=Role.employer, employer=person.employer
    )
    db.session.add(user)
    db.session.flush()
    token = issue_set_password_token(user)
    mail_invitation(user, token)
    audit.record(AuditAction.create, "user", user.id, detail={"invited_for": person.employer_id})
    return user, token


def mail_invitation(user: User, token: str) -> None:
    """E-mail an invited contact person its one-time set-password link (after the commit).

    The link goes to the contact's own address only; the inviter never sees it, so nobody but
    the contact can take over the new account.
    """
    hours = current_app.config["SET_PASSWORD_LINK_HOURS"]
    link = url_for("auth.set_password_view", token=token, _external=True)
    mail.send_after_commit(
        mail.message(
            user.email,
            _("Invitasjon til Arbeidsgiverpool Groruddalen"),
            _(
                "Hei %(name)s,\n\nDu er invitert som kontaktperson for %(employer)s i "
                "Arbeidsgiverpool Groruddalen. Velg passordet ditt med denne lenken. Den kan "
                "brukes én gang og gjelder i %(hours)s timer:\n\n%(link)s\n\nHilsen "
                "Arbeidsgiverpool Groruddalen",
                name=user.name,
                employer=user.employer.name if user.employer else "",
                hours=hours,
                link=link,
            ),
        )
    )


def decide_approval(employer: Employer, approve: bool, actor: User) -> None:
    """Approve or reject a pending employer; the approver's partner becomes responsible if none."""
    employer.approval = ApprovalStatus.approved if approve else ApprovalStatus.rejected
    if employer.responsible_partner_id is None:
        employer.responsible_partner_id = actor.partner_id
    audit.record(
        AuditAction.update, "employer", employer.id, detail={"approval": employer.approval.name}
    )


def update_employer(employer: Employer, org: OrganisationData, actor: User) -> list[str]:
    """Apply edited details; return the names of the fields that changed."""
    changed = []
    for name, value in vars(org).items():
        if getattr(employer, name) != value:
            setattr(employer, name, value)
            changed.append(name)
    if changed:
        audit.record(AuditAction.update, "employer", employer.id, detail={"fields": changed})
    return changed


def set_responsible_partner(
    employer: Employer, partner_id: int, agreement: Agreement, actor: User
) -> None:
    employer.responsible_partner_id = partner_id
    employer.agreement = agreement
    audit.record(
        AuditAction.update,
        "employer",
        employer.id,
        detail={"responsible_partner_id": partner_id, "agreement": agreement.name},
    )


def add_contact_person(employer: Employer, contact: ContactData) -> ContactPerson:
    person = ContactPerson(
        name=contact.name, title=contact.title, email=contact.email, phone=contact.phone
    )
    employer.contact_persons.append(person)
    audit.record(AuditAction.update, "employer", employer.id, detail={"contact_person": "added"})
    return person


def partner_choices() -> list[tuple[str, str]]:
    partners = db.session.scalars(select(Partner).order_by(Partner.name)).all()
    return [(str(p.id), p.name) for p in partners]


def approved_employer_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Employer.id, Employer.name, Employer.orgnr)
        .where(Employer.approval == ApprovalStatus.approved)
        .order_by(Employer.name, Employer.id)
    ).all()
    return [(str(i), f"{n} ({o})") for i, n, o in rows]


# --- the register ----------------------------------------------------------------------------


def search_statement(
    q: str = "", district: str = "", sector: str = "", approval: str = "", sort: str = "name"
) -> Select:
    """The register's query from allowlisted filters (unknown values are ignored)."""
    stmt = select(Employer).order_by(*SORTS.get(sort, SORTS["name"]))
    if q:
        digits = "".join(q.split())
        stmt = stmt.where(
            or_(Employer.name.ilike(f"%{_escape_like(q)}%", escape="\\"), Employer.orgnr == digits)
        )
    if district in District.__members__:
        stmt = stmt.where(Employer.district == District[district])
    if len(sector) == 1 and sector.isalpha() and sector.isupper():
        stmt = stmt.where(Employer.nace_section == sector)
    if approval in ApprovalStatus.__members__:
        stmt = stmt.where(Employer.approval == ApprovalStatus[approval])
    return stmt


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def pending_count() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Employer)
        .where(Employer.approval == ApprovalStatus.pending)
    )


@dataclass
class PlacementHistory:
    """Placements at one employer, as a viewer may see them."""

    by_outcome: Counter = field(default_factory=Counter)
    rows: list[dict] = field(default_factory=list)
    named: int = 0


def placement_history(employer: Employer, viewer: User, limit: int = 50) -> PlacementHistory:
    """Counts by outcome and recent rows; a candidate's name only if the viewer may read it."""
    history = PlacementHistory()
    counts = db.session.execute(
        select(Placement.outcome, func.count())
        .where(Placement.employer_id == employer.id)
        .group_by(Placement.outcome)
    ).all()
    for outcome, n in counts:
        history.by_outcome[outcome] = n
    placements = db.session.scalars(
        select(Placement)
        .where(Placement.employer_id == employer.id)
        .order_by(Placement.start_date.desc(), Placement.id.desc())
        .limit(limit)
    ).all()
    for p in placements:
        name = None
        if viewer.is_staff and can_read_candidate(viewer, p.candidate):
            name = p.candidate.full_name
            history.named += 1
        history.rows.append(
            {
                "title": p.title,
                "type": p.type,
                "start": p.start_date,
                "end": p.end_date,
                "outcome": p.outcome,
                "candidate_id": p.candidate_id if name else None,
                "candidate_name": name,
            }
        )
    if history.named:
        audit.record(
            AuditAction.list,
            "candidate",
            detail={
                "via": "employer_placements",
                "employer_id": employer.id,
                "rows": history.named,
            },
        )
    return history
