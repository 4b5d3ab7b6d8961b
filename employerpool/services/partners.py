"""Partner organisations (NAV offices, districts, IMDi, Oslo VO): add, rename, deactivate.

A deactivated partner keeps its users, candidates and history; its users cannot sign in
(they are deactivated with it), and it is offered for no new user.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import Partner, User, now_utc
from employerpool.models.enums import AuditAction, District, PartnerKind, Programme, Role
from employerpool.services import audit
from employerpool.services.accounts import AccountError
from employerpool.services.sessions import end_all_sessions


def all_partners() -> list[Partner]:
    """Every partner, active ones first, by name."""
    return list(
        db.session.scalars(select(Partner).order_by(Partner.active.desc(), Partner.name)).all()
    )


def _name_taken(name: str, exclude_id: int | None = None) -> bool:
    stmt = select(Partner.id).where(func.lower(Partner.name) == name.lower())
    if exclude_id is not None:
        stmt = stmt.where(Partner.id != exclude_id)
    return db.session.scalar(stmt) is not None


def create_partner(
    name: str,
    kind: PartnerKind,
    district: District | None = None,
    programmes: list[Programme] | tuple[Programme, ...] = (),
    *,
    password_login: bool = True,
) -> Partner:
    """Add a partner; raises AccountError("name") for a name in use. The caller commits."""
    name = " ".join(name.split())
    if not name:
        raise AccountError("name", _("Skriv inn navnet på partneren."))
    if _name_taken(name):
        raise AccountError("name", _("Det finnes allerede en partner med dette navnet."))
    partner = Partner(name=name, kind=kind, district=district, password_login=password_login)
    partner.programmes = list(programmes)
    db.session.add(partner)
    db.session.flush()
    audit.record(
        AuditAction.create,
        "partner",
        partner.id,
        detail={"name": name, "kind": kind.name, "programmes": [p.name for p in programmes]},
    )
    return partner


def _snapshot(partner: Partner) -> dict:
    return {
        "name": partner.name,
        "kind": partner.kind.name,
        "district": partner.district.name if partner.district else None,
        "programmes": [p.name for p in partner.programmes],
        "active": partner.active,
        "password_login": partner.password_login,
    }


def update_partner(partner: Partner, **values) -> dict[str, list]:
    """Change a partner (name, kind, district, programmes, active, password_login); returns
    {field: [before, after]} and audits it. Deactivating ends its users' sessions and
    deactivates them. The caller commits."""
    if "name" in values:
        values["name"] = " ".join(values["name"].split())
        if not values["name"]:
            raise AccountError("name", _("Skriv inn navnet på partneren."))
        if _name_taken(values["name"], partner.id):
            raise AccountError("name", _("Det finnes allerede en partner med dette navnet."))
    if values.get("active") is False and partner.active:
        admins_elsewhere = db.session.scalar(
            select(func.count(User.id)).where(
                User.role == Role.admin, User.active.is_(True), User.partner_id != partner.id
            )
        )
        if not admins_elsewhere:
            raise AccountError(
                "active",
                _("Partneren har de siste aktive administratorene og kan ikke deaktiveres."),
            )
    before = _snapshot(partner)
    for key, value in values.items():
        setattr(partner, key, value)
    after = _snapshot(partner)
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes.get("active") == [True, False]:
        users = db.session.scalars(
            select(User).where(User.partner_id == partner.id, User.active.is_(True))
        ).all()
        for user in users:
            user.active = False
            user.deactivated_at = now_utc()
            end_all_sessions(user)
        if users:
            changes["users_deactivated"] = [None, len(users)]
    if changes:
        audit.record(AuditAction.update, "partner", partner.id, detail={"changes": changes})
    return changes
