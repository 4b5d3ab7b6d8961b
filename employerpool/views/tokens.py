"""Administration of API tokens: list, create (secret shown once) and revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from employerpool.extensions import db
from employerpool.forms.admin import TokenCreateForm, TokenRevokeForm
from employerpool.models import ApiToken, User, now_utc
from employerpool.models.enums import AuditAction
from employerpool.services import audit
from employerpool.services.access import ADMINS, role_required
from employerpool.services.tokens import create_token, revoke

bp = Blueprint("tokens", __name__, url_prefix="/admin/tokens")


def _form() -> TokenCreateForm:
    form = TokenCreateForm()
    users = db.session.execute(
        select(User.id, User.name, User.role).where(User.active.is_(True)).order_by(User.name)
    ).all()
    form.user_id.choices = [("", _("Velg bruker"))] + [
        (str(uid), f"{name} ({role.name})") for uid, name, role in users
    ]
    return form


@bp.route("/", methods=["GET", "POST"])
@role_required(*ADMINS)
def index():
    form = _form()
    secret = None
    if form.validate_on_submit():
        user = db.session.get(User, int(form.user_id.data))
        if user is None or not user.active:
            form.user_id.errors.append(_("Velg en aktiv bruker."))
        else:
            token, secret = create_token(
                user,
                form.name.data.strip(),
                expires_days=form.expires_days.data,
                created_by=current_user,
            )
            db.session.flush()
            audit.record(AuditAction.create, "api_token", token.id, detail={"for_user": user.id})
            db.session.commit()
            form = _form()
            form.process(formdata=None)
    tokens = db.session.scalars(
        select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())
    ).all()
    return render_template(
        "admin/tokens.html",
        form=form,
        revoke_form=TokenRevokeForm(),
        tokens=tokens,
        secret=secret,
        now=now_utc(),
    ), (400 if form.errors else 200)


@bp.post("/<int:token_id>/revoke")
@role_required(*ADMINS)
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if TokenRevokeForm().validate_on_submit():
        revoke(token)
        audit.record(AuditAction.update, "api_token", token.id, detail={"revoked": True})
        db.session.commit()
        flash(_("Tokenet er trukket tilbake."), "success")
    return redirect(url_for("tokens.index"), 303)
