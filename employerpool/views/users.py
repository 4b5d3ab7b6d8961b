"""User administration: admins manage every user, coordinators their own partner's.

List, search and filter; change name, role and partner; deactivate and reactivate; send a new
one-time link; reset a user's second factor (admins). The rules live in services/accounts.py.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.forms.reports import ALL
from employerpool.forms.users import UserActionForm, UserEditForm, UserFilterForm
from employerpool.labels import label
from employerpool.models import Partner, User
from employerpool.models.enums import AuditAction, Role
from employerpool.services import accounts, audit, totp
from employerpool.services.access import (
    USER_MANAGERS,
    get_managed_user_or_404,
    may_manage_user,
    role_required,
)
from employerpool.services.accounts import AccountError
from employerpool.services.sessions import end_all_sessions
from employerpool.views import page_number

bp = Blueprint("users", __name__, url_prefix="/users")
PER_PAGE = 50


@bp.get("/")
@role_required(*USER_MANAGERS)
def index():
    form = UserFilterForm(request.args)
    if current_user.role is Role.admin:
        partners = db.session.execute(select(Partner.id, Partner.name).order_by(Partner.name))
        form.partner_id.choices = [("", ALL)] + [(str(i), n) for i, n in partners]
    else:
        form.partner_id.choices = [("", ALL)]
    if not form.validate():
        return render_template("users/index.html", form=form, page=None), 400
    page = db.paginate(
        accounts.users_statement(
            current_user,
            q=form.q.data or None,
            role=Role[form.role.data] if form.role.data else None,
            partner_id=int(form.partner_id.data) if form.partner_id.data else None,
            status=form.status.data or None,
        ),
        page=page_number(),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
        error_out=False,
    )
    audit.record(AuditAction.list, "user", detail={"page": page.page, "count": page.total})
    db.session.commit()
    return render_template("users/index.html", form=form, page=page)


def _edit_form(user: User, formdata=None) -> UserEditForm:
    form = UserEditForm(formdata=formdata, obj=None if formdata else user)
    if formdata is None:
        form.name.data = user.name
        form.role.data = user.role.name
        form.partner_id.data = str(user.partner_id or "")
    form.role.choices = [(r.name, label(r)) for r in accounts.assignable_roles(current_user, user)]
    partners = accounts.assignable_partners(current_user, user)
    form.partner_id.choices = [("", "–")] + [(str(p.id), p.name) for p in partners]
    return form


def _render_detail(user: User, form: UserEditForm, status: int = 200, link: str | None = None):
    return render_template(
        "users/detail.html",
        user=user,
        form=form,
        action_form=UserActionForm(),
        link=link,
        remaining_codes=totp.remaining_recovery_codes(user) if user.has_totp else 0,
        required_2fa=totp.required_for(user),
    ), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@role_required(*USER_MANAGERS)
def detail(user_id: int):
    user = get_managed_user_or_404(user_id)
    if request.method == "GET":
        audit.record(AuditAction.view, "user", user.id)
        db.session.commit()
        return _render_detail(user, _edit_form(user))
    form = _edit_form(user, request.form)
    if form.validate():
        role = Role.__members__.get(form.role.data)
        partner_id = int(form.partner_id.data) if form.partner_id.data.isdigit() else None
        try:
            if role is None:
                raise AccountError("role", _("Velg en rolle."))
            changes = accounts.update_user(
                current_user, user, name=form.name.data.strip(), role=role, partner_id=partner_id
            )
        except AccountError as error:
            db.session.rollback()
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Endringene er lagret.") if changes else _("Ingenting ble endret."), "success")
            if not may_manage_user(current_user, user):
                return redirect(url_for("users.index"))
            return redirect(url_for("users.detail", user_id=user.id))
    return _render_detail(user, form, 400)


def _action(user_id: int, do, message: str):
    user = get_managed_user_or_404(user_id)
    form = UserActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = do(user)
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_detail(user, _edit_form(user), 400)
    db.session.commit()
    if isinstance(result, str):  # a new link: shown once, also sent by e-mail
        return _render_detail(user, _edit_form(user), link=result)
    flash(message, "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.post("/<int:user_id>/deactivate")
@role_required(*USER_MANAGERS)
def deactivate(user_id: int):
    return _action(
        user_id,
        lambda u: accounts.deactivate(current_user, u),
        _("Brukeren er deaktivert og logget ut overalt."),
    )


@bp.post("/<int:user_id>/reactivate")
@role_required(*USER_MANAGERS)
def reactivate(user_id: int):
    return _action(
        user_id, lambda u: accounts.reactivate(current_user, u), _("Brukeren er aktiv igjen.")
    )


@bp.post("/<int:user_id>/send-link")
@role_required(*USER_MANAGERS)
def send_link(user_id: int):
    return _action(user_id, lambda u: accounts.send_link(current_user, u), "")


def _reset_second_factor(user: User) -> None:
    if not user.has_totp:
        raise AccountError("active", _("Brukeren har ikke satt opp innlogging i to trinn."))
    totp.disable(user)
    end_all_sessions(user)
    audit.record(AuditAction.update, "user", user.id, detail={"event": "two_factor_reset"})


@bp.post("/<int:user_id>/reset-two-factor")
@role_required(Role.admin)
def reset_two_factor(user_id: int):
    return _action(
        user_id,
        _reset_second_factor,
        _(
            "Innlogging i to trinn er nullstilt. Brukeren setter det opp på nytt ved neste "
            "innlogging."
        ),
    )
