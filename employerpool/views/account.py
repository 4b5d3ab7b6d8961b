"""The account: forgotten password, two-factor sign-in and enrolment, single sign-on, and the
checks every request passes (the session still current, the second factor given).

Sign-in with a second factor is two steps. The password step (views/auth.py) does not log the
user in when a second factor is needed: it leaves a short-lived "pending" mark in the session,
and only the code step (or, for a required factor not yet set up, the enrolment step) logs in.
Posting straight to a later step without the earlier one finds no pending mark and is refused.
"""

from __future__ import annotations

import time
from datetime import timedelta

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
from flask_login import current_user, login_user, logout_user
from sqlalchemy import update

from employerpool.extensions import db
from employerpool.forms.account import DisableForm, EnrolForm, ForgotPasswordForm, SecondFactorForm
from employerpool.models import User, now_utc
from employerpool.models.enums import AuditAction
from employerpool.services import audit, mail, oidc, sessions, totp  # noqa: F401 (mail: listeners)
from employerpool.services.auth import is_safe_next
from employerpool.services.password_reset import request_reset

bp = Blueprint("account", __name__)

PENDING_KEY = "pending_login"
SETUP_KEY = "totp_setup"
MFA_KEY = "mfa"
# Pages a signed-in user who still owes a second factor may open.
OPEN_WITHOUT_SECOND_FACTOR = {
    "account.two_factor",
    "auth.logout",
    "auth.set_language",
    "static",
}


# --- every request ------------------------------------------------------------------------


@bp.before_app_request
def enforce_session():
    """End a session whose user was deactivated or whose sessions were all ended, and hold a
    signed-in user who owes a second factor on the enrolment page."""
    # The API has no session; health probes must answer without the database (outage).
    if request.blueprint in ("api", "health") or request.endpoint == "static":
        return None
    if not current_user.is_authenticated:
        if "_user_id" in session:
            # The session's user was deactivated (Flask-Login counts an inactive user as not
            # signed in): end the session with a word rather than a bare login page.
            logout_user()
            session.clear()
            flash(_("Du er logget ut. Logg inn igjen for å fortsette."), "info")
            return redirect(url_for("auth.login"))
        return None
    if not sessions.is_current(current_user):
        audit.record(
            AuditAction.logout,
            "user",
            current_user.id,
            detail={"ended": "deactivated" if not current_user.active else "all_sessions"},
        )
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Du er logget ut. Logg inn igjen for å fortsette."), "info")
        return redirect(url_for("auth.login"))
    if session.get(MFA_KEY) or not totp.needs_second_factor(current_user):
        return None
    if current_user.has_totp:
        # Signed in without the code it now needs (enrolled elsewhere): sign in again.
        logout_user()
        session.clear()
        flash(_("Logg inn igjen med engangskoden din."), "info")
        return redirect(url_for("auth.login"))
    if request.endpoint in OPEN_WITHOUT_SECOND_FACTOR:
        return None
    flash(_("Rollen din krever innlogging i to trinn. Sett det opp for å fortsette."), "info")
    return redirect(url_for("account.two_factor"))


# --- signing in ---------------------------------------------------------------------------


def password_login_allowed(user: User) -> bool:
    """False when the user's partner signs in through single sign-on only."""
    return user.partner is None or bool(user.partner.password_login)


def start_session(user: User, target: str | None, *, method: str = "password"):
    """After the first factor: log in, or ask for the second factor. Returns a redirect."""
    target = target if is_safe_next(target) else None
    counts_as_two = method == "oidc" and current_app.config.get("OIDC_COUNTS_AS_2FA")
    session.clear()
    if totp.needs_second_factor(user) and not counts_as_two:
        session[PENDING_KEY] = {
            "uid": user.id,
            "sv": user.session_version or 0,
            "at": int(time.time()),
            "next": target,
            "method": method,
        }
        if user.has_totp:
            return redirect(url_for("account.second_factor"))
        return redirect(url_for("account.two_factor"))
    _log_in(user, second_factor=bool(counts_as_two))
    return redirect(target or url_for("main.home"))


def _log_in(user: User, *, second_factor: bool) -> None:
    session.pop(PENDING_KEY, None)
    login_user(user)  # stamps the session's clocks and version (user_logged_in receivers)
    session.permanent = True
    if second_factor:
        session[MFA_KEY] = True


def _pending_user() -> User | None:
    """The user whose password step passed moments ago in this browser, or None."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("uid"), int):
        return None
    if time.time() - pending.get("at", 0) > current_app.config["TWO_FACTOR_PENDING_SECONDS"]:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, pending["uid"])
    if user is None or not user.active or (user.session_version or 0) != pending.get("sv"):
        session.pop(PENDING_KEY, None)
        return None
    return user


def _count_failure(user: User) -> bool:
    """Count a wrong code against the account's lock; True when the account is now locked."""
    config = current_app.config
    db.session.execute(
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
    )
    db.session.refresh(user)
    locked = user.failed_logins >= config["LOGIN_MAX_FAILURES"]
    if locked:
        user.locked_until = now_utc() + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
        user.failed_logins = 0
    audit.record(
        AuditAction.login_failed,
        "user",
        user.id,
        allowed=False,
        user=user,
        detail={"second_factor": "wrong_code"},
    )
    db.session.commit()
    return locked


@bp.route("/login/code", methods=["GET", "POST"])
def second_factor():
    """The second step: a code from the app, or a recovery code."""
    user = _pending_user()
    if user is None or not user.has_totp:
        flash(_("Logg inn med e-post og passord først."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        used_recovery = False
        ok = totp.verify(user, code)
        if not ok:
            ok = used_recovery = totp.use_recovery_code(user, code)
        if ok:
            target = session[PENDING_KEY].get("next")
            method = session[PENDING_KEY].get("method", "password")
            user.failed_logins = 0
            audit.record(
                AuditAction.login,
                "user",
                user.id,
                user=user,
                detail={"method": method, "second_factor": "recovery" if used_recovery else "totp"},
            )
            db.session.commit()
            session.clear()
            _log_in(user, second_factor=True)
            if used_recovery:
                left = totp.remaining_recovery_codes(user)
                flash(
                    _(
                        "Du brukte en gjenopprettingskode. Du har %(n)s igjen.",
                        n=left,
                    ),
                    "info",
                )
            return redirect(target if is_safe_next(target) else url_for("main.home"))
        if _count_failure(user):
            session.clear()
            flash(
                _(
                    "For mange mislykkede forsøk. Kontoen er midlertidig låst. Prøv igjen om "
                    "%(minutes)s minutter, eller kontakt administrator.",
                    minutes=current_app.config["LOGIN_LOCK_MINUTES"],
                ),
                "error",
            )
            return redirect(url_for("auth.login"))
        form.code.errors.append(_("Koden stemmer ikke. Prøv igjen med en ny kode."))
    status = 400 if form.errors else 200
    return render_template("account/second_factor.html", form=form), status


# --- two-factor enrolment and the account page ------------------------------------------


def _enrolling_user() -> User | None:
    if current_user.is_authenticated:
        return current_user
    return _pending_user()


@bp.route("/account/two-factor", methods=["GET", "POST"])
def two_factor():
    """Set up the authenticator app: scan the QR code, confirm with a code."""
    user = _enrolling_user()
    if user is None:
        return redirect(url_for("auth.login"))
    if user.has_totp:
        if not current_user.is_authenticated:
            return redirect(url_for("account.second_factor"))
        return redirect(url_for("account.index"))
    secret = session.get(SETUP_KEY)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[SETUP_KEY] = totp.new_secret()
    form = EnrolForm()
    if form.validate_on_submit():
        codes = totp.enable(user, secret, form.code.data)
        if codes is not None:
            audit.record(
                AuditAction.update,
                "user",
                user.id,
                user=user,
                detail={"event": "two_factor_enabled"},
            )
            target = None
            if not current_user.is_authenticated:
                target = session[PENDING_KEY].get("next")
                method = session[PENDING_KEY].get("method", "password")
                audit.record(
                    AuditAction.login,
                    "user",
                    user.id,
                    user=user,
                    detail={"method": method, "second_factor": "enrolled"},
                )
            db.session.commit()
            session.pop(SETUP_KEY, None)
            if current_user.is_authenticated:
                session[MFA_KEY] = True
            else:
                session.clear()
                _log_in(user, second_factor=True)
            return render_template(
                "account/recovery_codes.html",
                codes=codes,
                next_url=target if is_safe_next(target) else url_for("main.home"),
            )
        form.code.errors.append(
            _("Koden stemmer ikke. Sjekk at klokken på telefonen er riktig, og prøv igjen.")
        )
    uri = totp.provisioning_uri(user, secret)
    status = 400 if form.errors else 200
    return render_template(
        "account/two_factor.html",
        form=form,
        qr=totp.qr_svg(uri, _("QR-kode for autentiseringsappen")),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        required=totp.required_for(user),
    ), status


@bp.get("/account")
def index():
    """The signed-in user's own account: second factor and recovery codes."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return render_template(
        "account/index.html",
        required=totp.required_for(current_user),
        remaining=totp.remaining_recovery_codes(current_user) if current_user.has_totp else 0,
        disable_form=DisableForm(),
    )


@bp.post("/account/two-factor/disable")
def disable_two_factor():
    """Turn off an opted-in second factor (not when the role requires one)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if totp.required_for(current_user) or not current_user.has_totp:
        abort(403)
    form = DisableForm()
    if form.validate_on_submit() and totp.verify(current_user, form.code.data):
        totp.disable(current_user)
        audit.record(
            AuditAction.update, "user", current_user.id, detail={"event": "two_factor_disabled"}
        )
        db.session.commit()
        session.pop(MFA_KEY, None)
        flash(_("Innlogging i to trinn er slått av."), "success")
        return redirect(url_for("account.index"))
    if not form.errors:
        form.code.errors.append(_("Koden stemmer ikke. Prøv igjen med en ny kode."))
    db.session.commit()
    return render_template(
        "account/index.html",
        required=False,
        remaining=totp.remaining_recovery_codes(current_user),
        disable_form=form,
    ), 400


# --- forgotten password -------------------------------------------------------------------


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link: the same answer, in the same time, for every address."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        started = time.monotonic()
        outcome = request_reset(form.email.data, request.remote_addr)
        if outcome.client_limited:
            response = make_response(
                render_template(
                    "account/forgot_password.html",
                    form=form,
                    error=_(
                        "For mange forespørsler fra denne adressen. Vent %(minutes)s minutter "
                        "og prøv igjen.",
                        minutes=max(1, -(-outcome.retry_after // 60)),
                    ),
                ),
                429,
            )
            response.headers["Retry-After"] = str(outcome.retry_after)
            return response
        floor = current_app.config["PASSWORD_RESET_MIN_SECONDS"]
        remaining = floor - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
        return render_template(
            "account/forgot_password.html",
            form=None,
            minutes=current_app.config["PASSWORD_RESET_MINUTES"],
        )
    status = 400 if form.errors else 200
    return render_template("account/forgot_password.html", form=form), status


# --- single sign-on -----------------------------------------------------------------------


@bp.get("/login/sso")
def oidc_login():
    """Send the browser to the identity provider (state, nonce and PKCE kept in the session)."""
    if not oidc.enabled():
        abort(404)
    target = request.args.get("next")
    session["sso_next"] = target if is_safe_next(target) else None
    try:
        return oidc.client().authorize_redirect(url_for("account.oidc_callback", _external=True))
    except oidc.FLOW_ERRORS as exc:
        return _sso_failed(type(exc).__name__)


def _sso_failed(reason: str, message: str | None = None):
    audit.record(
        AuditAction.login_failed,
        "user",
        allowed=False,
        detail={"method": "oidc", "reason": reason[:60]},
    )
    db.session.commit()
    flash(
        message or _("Innloggingen med organisasjonskonto mislyktes. Prøv igjen."),
        "error",
    )
    return redirect(url_for("auth.login"))


@bp.get("/login/sso/callback")
def oidc_callback():
    """The provider's answer: check it, map it to an existing user, and sign in."""
    if not oidc.enabled():
        abort(404)
    target = session.pop("sso_next", None)
    try:
        token = oidc.client().authorize_access_token()
    except oidc.FLOW_ERRORS as exc:
        return _sso_failed(type(exc).__name__)
    claims = token.get("userinfo") if isinstance(token, dict) else None
    if not claims:
        return _sso_failed("no_id_token")
    try:
        user = oidc.user_for_claims(dict(claims))
    except oidc.SignInRefused as refused:
        db.session.rollback()
        return _sso_failed(
            refused.reason,
            _(
                "Du er logget inn hos organisasjonen din, men har ingen aktiv bruker her. "
                "Kontakt koordinatoren hos partneren din."
            ),
        )
    user.failed_logins = 0
    user.last_login_at = now_utc()
    audit.record(AuditAction.login, "user", user.id, user=user, detail={"method": "oidc"})
    db.session.commit()
    return start_session(user, target, method="oidc")
