"""Login, logout, set-password links and the language switch."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from employerpool.extensions import db
from employerpool.forms.auth import LoginForm, SetPasswordForm
from employerpool.models import now_utc
from employerpool.models.enums import AuditAction
from employerpool.services import audit
from employerpool.services.auth import (
    authenticate,
    find_set_password_token,
    is_safe_next,
    set_password,
)

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        user, reason = authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            session.permanent = True
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("main.home"))
        if reason == "locked":
            error = _(
                "For mange mislykkede forsøk. Kontoen er midlertidig låst. Prøv igjen om "
                "et kvarter, eller kontakt administrator."
            )
        else:
            error = _("Feil e-postadresse eller passord.")
    status = 200 if error is None and not form.errors else 400
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    audit.record(AuditAction.logout, "user", current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Du er logget ut."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password_view(token: str):
    record = find_set_password_token(token)
    if record is None:
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        set_password(record.user, form.password.data)
        record.used_at = now_utc()
        db.session.commit()
        flash(_("Passordet er lagret. Du kan nå logge inn."), "success")
        return redirect(url_for("auth.login"))
    status = 400 if form.errors else 200
    return render_template("auth/set_password.html", form=form, user=record.user), status


@bp.post("/language")
def set_language():
    lang = request.form.get("lang")
    if lang not in ("nb", "en"):
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.home"))
