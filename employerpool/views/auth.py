"""Login, logout, set-password links and the language switch."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user, user_logged_in

from employerpool.extensions import db
from employerpool.forms.auth import LoginForm, SetPasswordForm
from employerpool.models.enums import AuditAction
from employerpool.services import audit
from employerpool.services.auth import (
    authenticate,
    find_set_password_token,
    is_safe_next,
    login_address_retry_after,
    record_login_failure,
    set_password,
    use_set_password_token,
)
from employerpool.services.sessions import end_all_sessions
from employerpool.views import account

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if request.method == "POST":
        # Checked before the form, so that a blocked address learns nothing about accounts.
        retry_after = login_address_retry_after(request.remote_addr)
        if retry_after is not None:
            audit.record(
                AuditAction.login_failed, "user", allowed=False, detail={"reason": "address_limit"}
            )
            db.session.commit()
            error = _(
                "For mange mislykkede innlogginger fra denne adressen. Vent %(minutes)s "
                "minutter og prøv igjen, eller kontakt administrator.",
                minutes=max(1, -(-retry_after // 60)),
            )
            response = make_response(render_template("auth/login.html", form=form, error=error))
            response.status_code = 429
            response.headers["Retry-After"] = str(retry_after)
            return response
    if form.validate_on_submit():
        user, reason = authenticate(form.email.data, form.password.data)
        if user is not None and not account.password_login_allowed(user):
            # Told only after the right password: the partner signs in through single sign-on.
            error = _("Partneren din bruker innlogging med organisasjonskonto. Bruk knappen under.")
            return render_template("auth/login.html", form=form, error=error), 400
        if user is not None:
            # Logs in, or asks for the second factor first (views/account.py).
            return account.start_session(user, form.next.data)
        record_login_failure(request.remote_addr)
        if reason == "locked":
            error = _(
                "For mange mislykkede forsøk. Kontoen er midlertidig låst. Prøv igjen om "
                "%(minutes)s minutter, eller kontakt administrator.",
                minutes=current_app.config["LOGIN_LOCK_MINUTES"],
            )
        else:
            error = _("Feil e-postadresse eller passord.")
    status = 200 if error is None and not form.errors else 400
    return render_template("auth/login.html", form=form, error=error), status


@user_logged_in.connect
def _stamp_session(sender, user, **extra) -> None:
    """Every login (form or registration) starts the session's idle and absolute clocks."""
    now = int(time.time())
    session["login_at"] = now
    session["seen_at"] = now


def _return_path() -> str | None:
    """Where to go after logging in again: this page, or for a form post the page it came from."""
    if request.endpoint in ("auth.login", "auth.logout", None):
        return None
    if request.method == "GET":
        target = request.full_path.rstrip("?")
    else:
        referrer = urlsplit(request.referrer or "")
        if referrer.netloc != request.host:
            return None
        target = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return target if is_safe_next(target) else None


@bp.before_app_request
def expire_session():
    """End a browser session after SESSION_IDLE_MINUTES idle, or PERMANENT_SESSION_LIFETIME.

    The API authenticates each request with a token and has no session to expire.
    """
    if request.blueprint in ("api", "health") or request.endpoint == "static":
        return None
    if "_user_id" not in session:
        return None
    config = current_app.config
    now = int(time.time())
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    lifetime = config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    idle = config["SESSION_IDLE_MINUTES"] * 60
    if not isinstance(login_at, int) or now - login_at > lifetime:
        reason = "lifetime"
        message = _(
            "Du er logget ut fordi en innlogging varer høyst %(hours)s timer. "
            "Logg inn igjen for å fortsette.",
            hours=round(lifetime / 3600),
        )
    elif not isinstance(seen_at, int) or now - seen_at > idle:
        reason = "idle"
        message = _(
            "Du er logget ut fordi du ikke har vært aktiv på %(minutes)s minutter. "
            "Logg inn igjen for å fortsette.",
            minutes=config["SESSION_IDLE_MINUTES"],
        )
    else:
        session["seen_at"] = now
        return None
    if current_user.is_authenticated:
        audit.record(AuditAction.logout, "user", current_user.id, detail={"expired": reason})
        db.session.commit()
    target = _return_path()
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("auth.login", next=target) if target else url_for("auth.login"))


@bp.post("/logout")
@login_required
def logout():
    audit.record(AuditAction.logout, "user", current_user.id)
    # Every session of the user ends, not only this cookie: a copied or stolen cookie, or a
    # browser left signed in elsewhere, is signed out too (services/sessions.py).
    end_all_sessions(current_user)
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
    form.password_context = {"email": record.user.email, "name": record.user.name}
    if form.validate_on_submit():
        if not use_set_password_token(record):
            abort(404)  # used by another request a moment ago
        set_password(record.user, form.password.data)
        # A new password ends every session of the user (someone else may have had the old).
        end_all_sessions(record.user)
        record.user.failed_logins = 0
        record.user.locked_until = None
        audit.record(
            AuditAction.update,
            "user",
            record.user.id,
            user=record.user,
            detail={"event": "password_set", "link": record.purpose},
        )
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
