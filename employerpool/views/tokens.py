"""API tokens: every user creates and revokes their own (the secret is shown once); admins see
all tokens and may revoke any, but mint none for anyone else (a token would let them read what
its user reads, candidate data included)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from employerpool.extensions import db
from employerpool.forms.admin import TokenCreateForm, TokenRevokeForm
from employerpool.models import ApiToken, now_utc
from employerpool.models.enums import AuditAction
from employerpool.services import audit
from employerpool.services.access import ADMINS, role_required
from employerpool.services.tokens import create_token, revoke

bp = Blueprint("tokens", __name__)


@bp.get("/admin/tokens/")
@role_required(*ADMINS)
def index():
    tokens = db.session.scalars(
        select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())
    ).all()
    return render_template(
        "admin/tokens.html", revoke_form=TokenRevokeForm(), tokens=tokens, now=now_utc()
    )


@bp.post("/admin/tokens/<int:token_id>/revoke")
@role_required(*ADMINS)
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    _revoke(token)
    return redirect(url_for("tokens.index"), 303)


@bp.route("/account/api-tokens", methods=["GET", "POST"])
@login_required
def mine():
    """The current user's own tokens; a new one acts as the current user only."""
    form = TokenCreateForm()
    secret = None
    if form.validate_on_submit():
        token, secret = create_token(
            current_user,
            form.name.data.strip(),
            expires_days=form.expires_days.data,
            created_by=current_user,
        )
        db.session.flush()
        audit.record(AuditAction.create, "api_token", token.id)
        db.session.commit()
        form = TokenCreateForm(formdata=None)
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template(
        "account/api_tokens.html",
        form=form,
        revoke_form=TokenRevokeForm(),
        tokens=tokens,
        secret=secret,
        now=now_utc(),
    ), (400 if form.errors else 200)


@bp.post("/account/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_mine(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    _revoke(token)
    return redirect(url_for("tokens.mine"), 303)


def _revoke(token: ApiToken) -> None:
    if TokenRevokeForm().validate_on_submit():
        revoke(token)
        audit.record(AuditAction.update, "api_token", token.id, detail={"revoked": True})
        db.session.commit()
        flash(_("Tokenet er trukket tilbake."), "success")
