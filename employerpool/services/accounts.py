"""User lifecycle: find, change, deactivate and reactivate users, and send them a new link.

Admins manage every user; a coordinator manages the users of its own partner (never an
admin). Every change is audited with the values before and after. Two rules hold for everyone:
the last active admin cannot be deactivated or given another role, and nobody raises their
own role.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select, update

from employerpool.extensions import db
from employerpool.models import ApiToken, Partner, SetPasswordToken, User, now_utc
from employerpool.models.enums import AuditAction, Role
from employerpool.services import audit, mail
from employerpool.services.access import may_manage_user
from employerpool.services.sessions import end_all_sessions

# Who may manage users at all (coordinators only their own partner's).
# Higher ranks may do more; nobody moves their own rank up.
ROLE_RANK = {
    Role.employer: 0,
    Role.employer_contact: 1,
    Role.counsellor: 1,
    Role.coordinator: 2,
    Role.admin: 3,
}
STATUSES = ("active", "inactive")


class AccountError(ValueError):
    """A change that the rules refuse; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def users_statement(
    manager: User,
    *,
    q: str | None = None,
    role: Role | None = None,
    partner_id: int | None = None,
    status: str | None = None,
) -> Select:
    """The users `manager` may manage, filtered; by name."""
    stmt = select(User).order_by(func.lower(User.name), User.id)
    if manager.role is Role.coordinator:
        stmt = stmt.where(User.partner_id == manager.partner_id, User.role != Role.admin)
    if q:
        pattern = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if role is not None:
        stmt = stmt.where(User.role == role)
    if partner_id is not None:
        stmt = stmt.where(User.partner_id == partner_id)
    if status == "active":
        stmt = stmt.where(User.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(User.active.is_(False))
    return stmt


def assignable_roles(manager: User, user: User) -> list[Role]:
    """The roles `manager` may give `user` (staff roles for staff; an employer stays one)."""
    if user.role is Role.employer:
        return [Role.employer]
    roles = [r for r in Role if r.is_staff]
    if manager.role is not Role.admin:
        roles = [r for r in roles if ROLE_RANK[r] <= ROLE_RANK[manager.role]]
    if manager.id == user.id:
        roles = [r for r in roles if ROLE_RANK[r] <= ROLE_RANK[user.role]]
    return roles


def assignable_partners(manager: User, user: User) -> list[Partner]:
    """The partners `manager` may move `user` to: active ones (and the current one)."""
    if manager.role is not Role.admin:
        return [p for p in [user.partner] if p is not None]
    partners = db.session.scalars(select(Partner).order_by(Partner.name)).all()
    return [p for p in partners if p.active or p.id == user.partner_id]


def _other_active_admins(user: User) -> int:
    """Active admins besides `user`, with their rows locked (PostgreSQL) against a race."""
    ids = db.session.scalars(
        select(User.id)
        .where(User.role == Role.admin, User.active.is_(True), User.id != user.id)
        .with_for_update()
    ).all()
    return len(ids)


def _check_last_admin(user: User, field: str) -> None:
    if user.role is Role.admin and user.active and _other_active_admins(user) == 0:
        raise AccountError(
            field, _("Dette er den siste aktive administratoren. Gi en annen rollen først.")
        )


def update_user(
    manager: User, user: User, *, name: str, role: Role, partner_id: int | None
) -> dict[str, list]:
    """Change name, role and partner; returns the changes as {field: [before, after]}.

    Raises AccountError for a change the rules refuse. The caller commits.
    """
    if not may_manage_user(manager, user):
        raise AccountError("role", _("Du kan ikke endre denne brukeren."))
    if role not in assignable_roles(manager, user):
        if manager.id == user.id and ROLE_RANK.get(role, 99) > ROLE_RANK[user.role]:
            raise AccountError("role", _("Du kan ikke gi deg selv en høyere rolle."))
        raise AccountError("role", _("Du kan ikke gi denne rollen."))
    if user.role is Role.employer:
        partner_id = None
    elif partner_id not in {p.id for p in assignable_partners(manager, user)}:
        raise AccountError("partner_id", _("Velg en aktiv partner."))
    if role is not Role.admin and user.role is Role.admin:
        _check_last_admin(user, "role")
    changes: dict[str, list] = {}
    if name != user.name:
        changes["name"] = [user.name, name]
        user.name = name
    if role is not user.role:
        changes["role"] = [user.role.name, role.name]
        user.role = role
    if partner_id != user.partner_id:
        changes["partner_id"] = [user.partner_id, partner_id]
        user.partner_id = partner_id
    if changes:
        audit.record(AuditAction.update, "user", user.id, detail={"changes": changes})
    return changes


def deactivate(manager: User, user: User) -> None:
    """Deactivate `user`: every session ends and every API token is revoked at once.

    The user row stays (the history keeps the name). The caller commits.
    """
    if not may_manage_user(manager, user):
        raise AccountError("active", _("Du kan ikke endre denne brukeren."))
    if manager.id == user.id:
        raise AccountError("active", _("Du kan ikke deaktivere deg selv."))
    if not user.active:
        return
    _check_last_admin(user, "active")
    now = now_utc()
    user.active = False
    user.deactivated_at = now
    end_all_sessions(user)
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount
    _expire_links(user)
    audit.record(
        AuditAction.update,
        "user",
        user.id,
        detail={"changes": {"active": [True, False]}, "tokens_revoked": revoked},
    )


def reactivate(manager: User, user: User) -> None:
    """Let a deactivated user sign in again (with a new link if they have no password)."""
    if not may_manage_user(manager, user):
        raise AccountError("active", _("Du kan ikke endre denne brukeren."))
    if user.active:
        return
    if user.partner is not None and not user.partner.active:
        raise AccountError("active", _("Partneren er deaktivert. Aktiver partneren først."))
    user.active = True
    user.deactivated_at = None
    user.failed_logins = 0
    user.locked_until = None
    audit.record(AuditAction.update, "user", user.id, detail={"changes": {"active": [False, True]}})


def _expire_links(user: User) -> None:
    """Make every unused set-password link of `user` unusable."""
    db.session.execute(
        update(SetPasswordToken)
        .where(SetPasswordToken.user_id == user.id, SetPasswordToken.used_at.is_(None))
        .values(used_at=now_utc())
    )


def issue_link(user: User, *, purpose: str, lifetime: timedelta) -> str:
    """A new one-time set-password link token for `user`; earlier unused links stop working."""
    _expire_links(user)
    token = secrets.token_urlsafe(32)
    now = now_utc()
    db.session.add(
        SetPasswordToken(
            user=user,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            purpose=purpose,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def send_link(manager: User, user: User) -> str:
    """E-mail `user` a new one-time set-password link and return it (shown to the manager once).

    The caller commits; the mail goes out after the commit.
    """
    if not may_manage_user(manager, user):
        raise AccountError("active", _("Du kan ikke endre denne brukeren."))
    if not user.active:
        raise AccountError("active", _("Brukeren er deaktivert. Aktiver brukeren først."))
    hours = current_app.config["SET_PASSWORD_LINK_HOURS"]
    token = issue_link(user, purpose="invite", lifetime=timedelta(hours=hours))
    link = url_for("auth.set_password_view", token=token, _external=True)
    mail.send_after_commit(
        mail.message(
            user.email,
            _("Lenke for å velge passord i Arbeidsgiverpool Groruddalen"),
            _(
                "Hei %(name)s,\n\nVelg passordet ditt med denne lenken. Den kan brukes én gang "
                "og gjelder i %(hours)s timer:\n\n%(link)s\n\nHilsen Arbeidsgiverpool "
                "Groruddalen",
                name=user.name,
                hours=hours,
                link=link,
            ),
        )
    )
    audit.record(AuditAction.update, "user", user.id, detail={"event": "link_sent"})
    return link
