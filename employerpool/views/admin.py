"""Administration: users and their one-time set-password links."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.forms.admin import UserCreateForm
from employerpool.models import Employer, Partner, User
from employerpool.models.enums import AuditAction, Role
from employerpool.services import audit
from employerpool.services.auth import issue_set_password_token, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_form() -> UserCreateForm:
    form = UserCreateForm()
    partners = db.session.scalars(select(Partner).order_by(Partner.name)).all()
    form.partner_id.choices = [("", "–")] + [(str(p.id), p.name) for p in partners]
    employers = db.session.execute(select(Employer.id, Employer.name).order_by(Employer.name)).all()
    form.employer_id.choices = [("", "–")] + [(str(i), n) for i, n in employers]
    return form


@bp.route("/users", methods=["GET", "POST"])
@role_required(Role.admin)
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
