"""Who may do what to which record: every role set, every predicate, every owner-checked loader.

This is the one home of access rules. Web views (`views/`), API operations (`api/`) and the
navigation (`labels.nav_items`) all read it; nothing else defines a role set or decides
whether a user may touch a record.

Visibility (DESIGN §2, §6):
- employers, placement needs and the contact log are shared by all staff;
- a candidate's full profile is visible to counsellors and coordinators of the candidate's
  own partner only (least privilege: admins and employer contacts do not read profiles);
- another partner's counsellor sees a pool-shared candidate's match pseudonymised, and
  manages it only after the candidate's partner accepted a request;
- an employer user sees only its own employer's data, and proposals made to it.

The table, by action (roles first, then the record-level predicate that refines it):

    action                      roles (PERMISSIONS key)          record check
    read employers              STAFF_ROLES (+ own employer)     get_employer_or_404
    read needs                  signed in (employer: own)        get_vacancy_or_404
    edit employer               EMPLOYER_EDITORS                 may_edit_employer
    approve, set responsible    EMPLOYER_MANAGERS                get_employer_or_404
    add / invite contact person EMPLOYER_EDITORS                 may_manage_contact_persons
    post / edit needs           signed in                        require_may_post_needs
    read / edit candidates      CANDIDATE_READERS                get_candidate_or_404 (own partner)
    erase a candidate           ERASERS                          get_candidate_or_404
    read / change a match       CANDIDATE_READERS                get_match_or_404 (match_access)
    shortlist / allocate        CANDIDATE_READERS / ALLOCATORS   may_shortlist
    answer a proposal           Role.employer                    get_visible_proposal_or_404
    read placements             PLACEMENT_READERS                get_placement_or_404
    read / log / edit contacts  STAFF_ROLES / CONTACT_LOGGERS    can_log_contacts / can_edit_contact
    contact report              CONTACT_REPORT_ROLES
    management reports          MANAGEMENT_ROLES
    administration, tokens      ADMINS
"""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    CompetenceNeed,
    ContactPerson,
    Employer,
    EmployerContact,
    Match,
    Placement,
    ProposalRequest,
    User,
    Vacancy,
)
from employerpool.models.enums import (
    ApprovalStatus,
    AuditAction,
    ConsentScope,
    MatchStatus,
    RequestStatus,
    Role,
)
from employerpool.services import audit

# --- role sets: the only place roles are grouped --------------------------------------------

ALL_ROLES = tuple(Role)
MAX_ID = 2**31 - 1  # ids are 32-bit in the database
STAFF_ROLES = (Role.admin, Role.coordinator, Role.counsellor, Role.employer_contact)
# Counsellors and coordinators work with their own partner's candidates.
CANDIDATE_READERS = (Role.counsellor, Role.coordinator)
# Coordinators and markedskontakter approve employers and set the responsible partner.
EMPLOYER_MANAGERS = (Role.coordinator, Role.employer_contact)
# Who may edit an employer's details: its managers, and the employer's own users.
EMPLOYER_EDITORS = (*EMPLOYER_MANAGERS, Role.employer)
# Everyone who calls employers logs the contact (admins read the log only).
CONTACT_LOGGERS = (Role.employer_contact, Role.counsellor, Role.coordinator)
CONTACT_REPORT_ROLES = (Role.admin, Role.coordinator, Role.employer_contact)
MANAGEMENT_ROLES = (Role.admin, Role.coordinator)
ALLOCATORS = (Role.coordinator,)
ERASERS = (Role.coordinator,)
ADMINS = (Role.admin,)
# Admins manage every user; coordinators their own partner's (services.accounts).
USER_MANAGERS = (Role.admin, Role.coordinator)
PLACEMENT_READERS = (*CANDIDATE_READERS, Role.employer)

# Action -> roles that may attempt it (record checks below refine it). The navigation, the
# web decorators and the API operations all look up this table.
PERMISSIONS: dict[str, tuple[Role, ...]] = {
    "employers.list": STAFF_ROLES,
    "employers.edit": EMPLOYER_EDITORS,
    "employers.manage": EMPLOYER_MANAGERS,
    "needs.list": ALL_ROLES,
    "competence.list": STAFF_ROLES,
    "candidates.read": CANDIDATE_READERS,
    "candidates.erase": ERASERS,
    "matches.work": CANDIDATE_READERS,
    "allocation": ALLOCATORS,
    "placements.read": PLACEMENT_READERS,
    "contacts.read": STAFF_ROLES,
    "contacts.log": CONTACT_LOGGERS,
    "reports.contacts": CONTACT_REPORT_ROLES,
    "reports.management": MANAGEMENT_ROLES,
    "proposals.answer": (Role.employer,),
    # User administration: coordinators manage their own partner's users (services/accounts.py).
    "users.manage": USER_MANAGERS,
    "admin": ADMINS,
}


def allows(role: Role, action: str) -> bool:
    """True when `role` may attempt `action` (a PERMISSIONS key)."""
    return role in PERMISSIONS[action]


# --- decorators -----------------------------------------------------------------------------


def role_required(*roles: Role):
    """Let only logged-in users with one of `roles` through; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                if "candidate_id" in kwargs:
                    # A refused read of a candidate is audited whatever refused it.
                    audit.record(
                        AuditAction.view,
                        "candidate",
                        kwargs["candidate_id"],
                        allowed=False,
                        detail={"endpoint": request.endpoint},
                    )
                    db.session.commit()
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def permission_required(action: str):
    """`role_required` for the roles of one PERMISSIONS action."""
    return role_required(*PERMISSIONS[action])


staff_required = role_required(*STAFF_ROLES)


# --- users --------------------------------------------------------------------------------


def may_manage_user(manager: User, user: User) -> bool:
    """True when `manager` may see and change `user`: admins anyone, a coordinator the
    non-admin users of its own partner."""
    if manager.role is Role.admin:
        return True
    return (
        manager.role is Role.coordinator
        and user.partner_id == manager.partner_id
        and user.role is not Role.admin
    )


def get_managed_user_or_404(user_id: int) -> User:
    """A user the current user may manage; others do not exist for them."""
    user = db.session.get(User, user_id)
    if user is None or not may_manage_user(current_user, user):
        abort(404)
    return user


# --- employers, contact persons, needs ------------------------------------------------------


def get_employer_or_404(employer_id: int) -> Employer:
    """Staff see every employer; an employer user only its own."""
    employer = db.session.get(Employer, employer_id)
    if employer is None:
        abort(404)
    if current_user.role is Role.employer and current_user.employer_id != employer.id:
        abort(404)
    return employer


def may_edit_employer(user: User, employer: Employer) -> bool:
    """Employer managers edit any employer's details; an employer user its own."""
    if user.role is Role.employer:
        return user.employer_id == employer.id
    return user.role in EMPLOYER_MANAGERS


def may_manage_contact_persons(user: User, employer: Employer) -> bool:
    """Add, remove or invite an employer's contact persons.

    The employer's own users, and the staff responsible for the employer: employer managers of
    the responsible partner (of any partner while none is responsible yet).
    """
    if user.role is Role.employer:
        return user.employer_id == employer.id
    if user.role not in EMPLOYER_MANAGERS:
        return False
    return employer.responsible_partner_id in (None, user.partner_id)


def get_contact_person_or_404(employer: Employer, person_id: int) -> ContactPerson:
    """One of `employer`'s contact persons."""
    person = db.session.get(ContactPerson, person_id)
    if person is None or person.employer_id != employer.id:
        abort(404)
    return person


def get_vacancy_or_404(vacancy_id: int) -> Vacancy:
    """Staff see every placement need; an employer user only its own employer's."""
    vacancy = db.session.get(Vacancy, vacancy_id)
    if vacancy is None:
        abort(404)
    if current_user.role is Role.employer and current_user.employer_id != vacancy.employer_id:
        abort(404)
    return vacancy


def get_competence_need_or_404(need_id: int) -> CompetenceNeed:
    """Staff see every competence need; an employer user only its own employer's."""
    need = db.session.get(CompetenceNeed, need_id)
    if need is None:
        abort(404)
    if current_user.role is Role.employer and current_user.employer_id != need.employer_id:
        abort(404)
    return need


def may_post_needs(user: User) -> bool:
    """Staff post needs for any employer; an employer user for its own, once approved."""
    if user.is_staff:
        return True
    employer = user.employer
    return employer is not None and employer.approval is ApprovalStatus.approved


def require_may_post_needs(employer_id: int | None = None) -> None:
    """Abort unless the current user may post or edit needs (for `employer_id`, if given)."""
    if current_user.is_staff:
        return
    if current_user.role is not Role.employer:
        abort(403)
    if employer_id is not None and employer_id != current_user.employer_id:
        abort(404)
    if not may_post_needs(current_user):
        abort(403)


# --- candidates -----------------------------------------------------------------------------


def can_read_candidate(user: User, candidate: Candidate) -> bool:
    """True when `user` may read `candidate`'s full profile (an erased one has none)."""
    return (
        user.role in CANDIDATE_READERS
        and user.partner_id == candidate.partner_id
        and candidate.erased_at is None
    )


def audit_refused_candidate(candidate_id: int) -> None:
    """A refused read of a candidate by a role that reads none, audited as on the web."""
    audit.record(
        AuditAction.view,
        "candidate",
        candidate_id,
        allowed=False,
        detail={"endpoint": request.endpoint},
    )
    db.session.commit()


def get_candidate_or_404(
    candidate_id: int, *, action: AuditAction = AuditAction.view, detail: dict | None = None
) -> Candidate:
    """Load a candidate the current user may read in full, auditing the read or the refusal.

    `action` names the read in the audit trail (a view, or an export such as innsyn).
    """
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        abort(404)
    if not can_read_candidate(current_user, candidate):
        refused = dict(detail or {})
        if candidate.erased_at is not None:
            refused["erased"] = True
        audit.record(action, "candidate", candidate.id, allowed=False, detail=refused or None)
        db.session.commit()
        # Another partner's (or an erased) candidate: do not reveal that it exists.
        abort(404)
    audit.record(action, "candidate", candidate.id, detail=detail)
    db.session.commit()
    return candidate


def may_propose_candidate(user: User, candidate: Candidate) -> bool:
    """A candidate may be put in a need's pipeline by its own partner, or (pseudonymised) by
    another partner's counsellor while the candidate shares with the pool."""
    if user.role not in CANDIDATE_READERS or candidate.erased_at is not None:
        return False
    return candidate.partner_id == user.partner_id or candidate.has_consent(
        ConsentScope.pool_partners
    )


def candidate_from_reference(reference: str | None, user: User) -> Candidate | None:
    """The candidate a suggestion form names: an own candidate by id, another partner's by
    its pseudonym only (pages never carry another partner's real candidate ids)."""
    from employerpool.services.suggestions import pseudonym

    reference = (reference or "").strip()
    if reference.isascii() and reference.isdigit() and len(reference) <= 10:
        if int(reference) > MAX_ID:
            return None
        candidate = db.session.get(Candidate, int(reference))
        if candidate is None or candidate.partner_id != user.partner_id:
            return None
        return candidate if may_propose_candidate(user, candidate) else None
    if not reference.startswith("K-") or len(reference) > 12:
        return None
    shared = db.session.scalars(
        db.select(Candidate).where(
            Candidate.partner_id != user.partner_id, Candidate.erased_at.is_(None)
        )
    )
    for candidate in shared:
        if pseudonym(candidate.id) == reference and may_propose_candidate(user, candidate):
            return candidate
    return None


# --- matches --------------------------------------------------------------------------------


def _partner_has_accepted_request(match_id: int, partner_id: int | None) -> bool:
    return bool(
        db.session.scalar(
            db.select(ProposalRequest.id).where(
                ProposalRequest.match_id == match_id,
                ProposalRequest.requesting_partner_id == partner_id,
                ProposalRequest.status == RequestStatus.accepted,
            )
        )
    )


def match_access(user: User, match: Match) -> str | None:
    """How `user` may work with `match`: "manage", "view" or None.

    The candidate's own partner manages the match. A counsellor of another partner who found
    the candidate through pool sharing sees the match (pseudonymised) while the candidate still
    consents to pool sharing, and manages it once the candidate's partner accepted a request.
    """
    if user.role not in CANDIDATE_READERS:
        return None
    candidate = match.candidate
    if user.partner_id == candidate.partner_id:
        # An erased candidate's pipeline stays readable for the statistics, but is closed.
        return "view" if candidate.erased_at is not None else "manage"
    creator_partner = match.created_by.partner_id if match.created_by_id else None
    if creator_partner != user.partner_id or not candidate.has_consent(ConsentScope.pool_partners):
        return None
    return "manage" if _partner_has_accepted_request(match.id, user.partner_id) else "view"


def may_shortlist(user: User, match: Match) -> bool:
    """Shortlisting (from the suggestions or the pool allocation) an existing match.

    The user must see the match; a match past "suggested" (withdrawn above all) moves only in
    the hands of someone who manages it, so nobody else revives what a partner withdrew.
    """
    access = match_access(user, match)
    if access is None:
        return False
    return access == "manage" or match.status is MatchStatus.suggested


def get_match_or_404(match_id: int, manage: bool = False) -> Match:
    """Load a match the current user may see (or manage); others get a 404."""
    match = db.session.get(Match, match_id)
    if match is None:
        abort(404)
    access = match_access(current_user, match)
    if access is None or (manage and access != "manage"):
        abort(404 if access is None else 403)
    return match


def get_visible_proposal_or_404(match_id: int, vacancy_id: int | None = None) -> Match:
    """A match proposed to the current employer user (within consent and retention)."""
    from employerpool.services import proposals

    stmt = (
        db.select(Match)
        .join(Vacancy, Vacancy.id == Match.vacancy_id)
        .where(Match.id == match_id, proposals.visible_condition(current_user.employer_id))
    )
    if vacancy_id is not None:
        stmt = stmt.where(Match.vacancy_id == vacancy_id)
    match = db.session.scalar(stmt)
    if match is None:
        abort(404)
    return match


# --- placements -----------------------------------------------------------------------------


def get_placement_or_404(placement_id: int) -> Placement:
    """A placement the user may see: an own-partner candidate's, or (employer) its own."""
    placement = db.session.get(Placement, placement_id)
    if placement is None:
        abort(404)
    if current_user.role is Role.employer:
        if current_user.employer_id is None or placement.employer_id != current_user.employer_id:
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


# --- the employer-contact log ---------------------------------------------------------------


def can_log_contacts(user) -> bool:
    """True when `user` may log employer contacts (for its own partner)."""
    return user.is_authenticated and user.role in CONTACT_LOGGERS and user.partner_id is not None


def can_edit_contact(user, contact: EmployerContact) -> bool:
    """The user who logged a contact may correct it; so may a coordinator of the same partner."""
    if not can_log_contacts(user) or user.partner_id != contact.partner_id:
        return False
    return contact.user_id == user.id or user.role is Role.coordinator


def get_contact_or_404(contact_id: int) -> EmployerContact:
    """A logged contact (the log is shared by all staff)."""
    contact = db.session.get(EmployerContact, contact_id)
    if contact is None:
        abort(404)
    return contact
