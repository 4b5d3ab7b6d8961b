"""Administration: users and their one-time set-password links, and the audit trail."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.forms.admin import UserCreateForm
from employerpool.forms.audit import ACTION_LABELS, OBJECT_TYPE_LABELS, AuditSearchForm
from employerpool.forms.reports import ALL
from employerpool.labels import label
from employerpool.models import Candidate, Employer, Partner, User
from employerpool.models.enums import AuditAction, Role
from employerpool.services import audit, exports, privacy
from employerpool.services.access import ADMINS, role_required
from employerpool.services.auth import issue_set_password_token
from employerpool.services.contacts import local_today
from employerpool.views import page_number

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_form() -> UserCreateForm:
    form = UserCreateForm()
    # A deactivated partner gets no new users.
    partners = db.session.scalars(
        select(Partner).where(Partner.active.is_(True)).order_by(Partner.name)
    ).all()
    form.partner_id.choices = [("", "–")] + [(str(p.id), p.name) for p in partners]
    employers = db.session.execute(select(Employer.id, Employer.name).order_by(Employer.name)).all()
    form.employer_id.choices = [("", "–")] + [(str(i), n) for i, n in employers]
    return form


@bp.route("/users", methods=["GET", "POST"])
@role_required(*ADMINS)
def users():
    form = _user_form()
    link = None
    status = 200
    if form.validate_on_submit():
        role = Role[form.role.data]
        email = form.email.data.strip().lower()
        if db.session.scalar(select(User.id).where(User.email == email)):
            form.email.errors.append(_("Det finnes allerede en bruker med denne e-postadressen."))
        elif role.is_staff and not form.partner_id.data:
            form.partner_id.errors.append(_("Velg partneren den ansatte hører til."))
        elif role is Role.employer and not form.employer_id.data:
            form.employer_id.errors.append(_("Velg arbeidsgiveren brukeren hører til."))
        else:
            user = User(
                name=form.name.data.strip(),
                email=email,
                role=role,
                partner_id=int(form.partner_id.data) if role.is_staff else None,
                employer_id=int(form.employer_id.data) if role is Role.employer else None,
            )
            db.session.add(user)
            db.session.flush()
            token = issue_set_password_token(user)
            audit.record(AuditAction.create, "user", user.id)
            db.session.commit()
            link = url_for("auth.set_password_view", token=token, _external=True)
            form = _user_form()
            form.process(formdata=None)
    if form.errors:
        status = 400
    all_users = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    return render_template("admin/users.html", form=form, users=all_users, link=link), status


# --- the audit trail (issue 8) ------------------------------------------------------------------

AUDIT_PER_PAGE = 50
AUDIT_EXPORT_COLUMNS = (
    exports.Column(_l("Tidspunkt (UTC)"), width=20),
    exports.Column(_l("Bruker-id"), "int"),
    exports.Column(_l("Bruker")),
    exports.Column(_l("Rolle"), width=16),
    exports.Column(_l("Partner")),
    exports.Column(_l("Handling"), width=16),
    exports.Column(_l("Gjelder"), width=16),
    exports.Column(_l("Id"), "int"),
    exports.Column(_l("Tillatt"), width=8),
    exports.Column(_l("Detaljer"), width=40),
)


@bp.app_template_global("audit_action_label")
def audit_action_label(action) -> str:
    """The Norwegian label of an audit action (an AuditAction or its name)."""
    member = action if isinstance(action, AuditAction) else AuditAction.__members__.get(action)
    return str(ACTION_LABELS.get(member, action))


@bp.app_template_global("audit_object_label")
def audit_object_label(object_type: str | None) -> str:
    """The Norwegian label of what an audit event is about."""
    return str(OBJECT_TYPE_LABELS.get(object_type or "", object_type or "–"))


@bp.app_template_global("role_label")
def role_label(role_name: str | None) -> str:
    """The label of a role stored by name (audit events keep the role as text)."""
    role = Role.__members__.get(role_name or "")
    return label(role) if role is not None else "–"


def _audit_form() -> AuditSearchForm:
    form = AuditSearchForm(request.args)
    users = db.session.execute(
        select(User.id, User.name, User.email).order_by(User.name, User.id)
    ).all()
    form.user_id.choices = [("", ALL)] + [(str(i), f"{n} ({e})") for i, n, e in users]
    return form


def _names(events) -> tuple[dict[int, User], dict[int, str]]:
    user_ids = {e.user_id for e in events if e.user_id is not None}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    partners = dict(db.session.execute(select(Partner.id, Partner.name)).all())
    return users, partners


@bp.get("/audit")
@role_required(*ADMINS)
def audit_log():
    """Search the audit trail by user, action, object, period and outcome."""
    form = _audit_form()
    if not form.validate():
        return render_template("admin/audit.html", form=form, page=None), 400
    filters = {
        "user_id": int(form.user_id.data) if form.user_id.data else None,
        "action": AuditAction[form.action.data] if form.action.data else None,
        "object_type": form.object_type.data or None,
        "object_id": form.object_id_value(),
        "date_from": form.date_from.data,
        "date_to": form.date_to.data,
        "allowed": {"yes": True, "no": False}.get(form.allowed.data),
    }
    page = db.paginate(
        audit.search_statement(**filters),
        page=page_number(),
        per_page=AUDIT_PER_PAGE,
        max_per_page=AUDIT_PER_PAGE,
        error_out=False,
    )
    users, partners = _names(page.items)
    detail = {k: v.name if isinstance(v, AuditAction) else v for k, v in filters.items()}
    detail = {k: v.isoformat() if isinstance(v, date) else v for k, v in detail.items()}
    audit.record(AuditAction.list, "audit", detail={"filter": detail, "page": page.page})
    db.session.commit()
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        users=users,
        partners=partners,
        candidate_id=filters["object_id"] if filters["object_type"] == "candidate" else None,
    )


@bp.get("/audit/candidates/<int:candidate_id>.csv")
@role_required(*ADMINS)
def candidate_audit_export(candidate_id: int):
    """One candidate's audit trail as CSV (for the candidate, or a supervisory authority)."""
    if db.session.get(Candidate, candidate_id) is None:
        abort(404)
    events = privacy.candidate_audit_trail(candidate_id)
    users, partners = _names(events)
    rows = [
        (
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.user_id,
            users[e.user_id].name if e.user_id in users else None,
            role_label(e.role) if e.role else None,
            partners.get(e.partner_id),
            audit_action_label(e.action),
            audit_object_label(e.object_type),
            e.object_id,
            e.allowed,
            json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else None,
        )
        for e in events
    ]
    audit.record(
        AuditAction.export,
        "candidate",
        candidate_id,
        detail={"what": "audit_trail", "format": "csv", "rows": len(rows)},
    )
    db.session.commit()
    return exports.send(
        "csv", f"logg-kandidat-{candidate_id}", AUDIT_EXPORT_COLUMNS, rows, stamp=local_today()
    )
