"""Two-step sign-in with TOTP (issue 17): required for staff when REQUIRE_2FA is on, opt-in
for others, recovery codes, admin reset, and no way round the second step."""

from __future__ import annotations

import html as html_lib
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import AuditEvent, RecoveryCode, User
from employerpool.models.enums import AuditAction, Role
from employerpool.services import totp
from tests.conftest import csrf_token, login, post_form

SECRET_RE = re.compile(r'data-testid="totp-secret">([A-Z2-7 ]+)<')
CODES_RE = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


@pytest.fixture
def require_2fa(app):
    app.config["REQUIRE_2FA"] = True
    return app


def _enrol(client) -> tuple[str, list[str], object]:
    """Scan the QR code (read the secret), confirm with a code; returns secret, codes, page."""
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1).replace(" ", "")
    done = post_form(client, "/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.get_data(as_text=True)[:500]
    codes = CODES_RE.findall(done.get_data(as_text=True))
    return secret, codes, done


def _code_for(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _signed_in(client) -> bool:
    response = client.get("/start")
    return response.status_code == 200


def test_without_require_2fa_staff_sign_in_with_a_password(client, make_user):
    user = make_user(Role.counsellor)
    assert login(client, user.email).headers["Location"] == "/start"
    assert _signed_in(client)


def test_required_staff_enrol_at_first_sign_in_then_give_a_code(require_2fa, client, make_user):
    user = make_user(Role.counsellor)
    first = login(client, user.email)
    assert first.headers["Location"] == "/account/two-factor"
    # Not signed in yet: every other page sends the browser back to the login.
    assert client.get("/start").headers["Location"].startswith("/login")
    page = client.get("/account/two-factor")
    html = page.get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html and "QR-kode" in html
    # The QR code is inline SVG: the strict CSP stays as it was.
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    secret, codes, done = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert _signed_in(client)
    # Only hashes are stored.
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    post_form(client, "/logout", {}, form_url="/start")
    # Next time: password, then a code.
    second = login(client, user.email)
    assert second.headers["Location"] == "/login/code"
    assert client.get("/start").headers["Location"].startswith("/login")
    wrong = post_form(client, "/login/code", {"code": "000000"})
    assert wrong.status_code == 400 and "Koden stemmer ikke" in wrong.get_data(as_text=True)
    assert not _signed_in(client)
    ok = post_form(client, "/login/code", {"code": _code_for(secret, 1)})
    assert ok.headers["Location"] == "/start"
    assert _signed_in(client)
    events = db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == AuditAction.login)
    ).all()
    assert {"method": "password", "second_factor": "totp"} in events


def test_a_code_works_once(require_2fa, app, client, make_user):
    user = make_user(Role.coordinator)
    login(client, user.email)
    secret, _codes, _page = _enrol(client)
    code = _code_for(secret, 1)
    other = app.test_client()
    login(other, user.email)
    assert post_form(other, "/login/code", {"code": code}).status_code == 302
    third = app.test_client()
    login(third, user.email)
    replay = post_form(third, "/login/code", {"code": code})
    assert replay.status_code == 400 and not _signed_in(third)


def test_posting_straight_to_a_later_step_is_refused(require_2fa, app, client, make_user):
    user = make_user(Role.admin)
    login(client, user.email)
    secret, _codes, _page = _enrol(client)
    attacker = app.test_client()
    # No password step in this browser: the code step sends it to the login page...
    token = csrf_token(attacker, "/login")
    response = attacker.post("/login/code", data={"code": _code_for(secret), "csrf_token": token})
    assert response.headers["Location"] == "/login"
    assert not _signed_in(attacker)
    # ...and so does the enrolment step, which could otherwise set a new factor.
    response = attacker.post(
        "/account/two-factor", data={"code": _code_for(secret), "csrf_token": token}
    )
    assert response.headers["Location"] == "/login"
    # A wrong password does not open the code step either.
    login(attacker, user.email, "feil passord her")
    response = attacker.post("/login/code", data={"code": _code_for(secret), "csrf_token": token})
    assert response.headers["Location"] == "/login" and not _signed_in(attacker)
    # An enrolled user's password step cannot be turned into a new enrolment.
    login(attacker, user.email)
    assert attacker.get("/account/two-factor").headers["Location"] == "/login/code"
    before = db.session.get(User, user.id).totp_secret
    post_form(attacker, "/account/two-factor", {"code": "123456"}, form_url="/login/code")
    assert db.session.get(User, user.id).totp_secret == before
    assert not _signed_in(attacker)


def test_a_half_finished_sign_in_expires(require_2fa, app, client, make_user):
    user = make_user(Role.counsellor)
    login(client, user.email)
    secret, _codes, _page = _enrol(client)
    post_form(client, "/logout", {}, form_url="/start")
    login(client, user.email)
    app.config["TWO_FACTOR_PENDING_SECONDS"] = 0
    time.sleep(1.1)
    response = post_form(client, "/login/code", {"code": _code_for(secret, 1)}, form_url="/login")
    assert response.headers["Location"] == "/login" and not _signed_in(client)


def test_wrong_codes_lock_the_account(require_2fa, app, client, make_user):
    app.config["LOGIN_MAX_FAILURES"] = 3
    user = make_user(Role.counsellor)
    login(client, user.email)
    secret, _codes, _page = _enrol(client)
    post_form(client, "/logout", {}, form_url="/start")
    login(client, user.email)
    for _ in range(2):
        assert post_form(client, "/login/code", {"code": "111111"}).status_code == 400
    locked = post_form(client, "/login/code", {"code": "111111"})
    assert locked.headers["Location"] == "/login"
    assert db.session.get(User, user.id).locked_until is not None
    assert login(client, user.email).status_code == 400  # locked, even with the password


def test_a_recovery_code_works_once(require_2fa, app, client, make_user):
    user = make_user(Role.counsellor)
    login(client, user.email)
    _secret, codes, _page = _enrol(client)
    post_form(client, "/logout", {}, form_url="/start")
    login(client, user.email)
    used = post_form(client, "/login/code", {"code": codes[0].upper()})
    assert used.headers["Location"] == "/start" and _signed_in(client)
    again = app.test_client()
    login(again, user.email)
    assert post_form(again, "/login/code", {"code": codes[0]}).status_code == 400
    assert totp.remaining_recovery_codes(db.session.get(User, user.id)) == 9


def test_an_employer_may_opt_in(app, client, make_user):
    user = make_user(Role.employer)
    login(client, user.email)
    assert "Ikke slått på" in client.get("/account").get_data(as_text=True)
    secret, codes, _page = _enrol(client)
    assert len(codes) == 10
    post_form(client, "/logout", {}, form_url="/start")
    assert login(client, user.email).headers["Location"] == "/login/code"
    assert post_form(client, "/login/code", {"code": _code_for(secret, 1)}).status_code == 302
    # Opted in, the employer may opt out again with a current code. (Each code counts once,
    # and the sign-in above used the newest one: step the clock back instead of waiting 30 s.)
    fresh = db.session.get(User, user.id)
    fresh.totp_last_step -= 1
    db.session.commit()
    off = post_form(
        client, "/account/two-factor/disable", {"code": _code_for(secret, 1)}, "/account"
    )
    assert off.headers["Location"] == "/account"
    assert not db.session.get(User, user.id).has_totp


def test_required_staff_cannot_turn_it_off(require_2fa, client, make_user):
    user = make_user(Role.counsellor)
    login(client, user.email)
    secret, _codes, _page = _enrol(client)
    refused = post_form(
        client, "/account/two-factor/disable", {"code": _code_for(secret, 1)}, "/account"
    )
    assert refused.status_code == 403
    assert db.session.get(User, user.id).has_totp


def test_a_session_whose_role_now_requires_it_is_held_at_enrolment(app, client, make_user):
    user = make_user(Role.counsellor)
    login(client, user.email)
    assert _signed_in(client)
    app.config["REQUIRE_2FA"] = True
    held = client.get("/candidates/")
    assert held.headers["Location"] == "/account/two-factor"
    _enrol(client)
    assert _signed_in(client)


def test_an_admin_resets_a_users_second_factor(require_2fa, app, client, make_user):
    admin = make_user(Role.admin)
    user = make_user(Role.counsellor)
    theirs = app.test_client()
    login(theirs, user.email)
    _enrol(theirs)
    assert _signed_in(theirs)
    login(client, admin.email)
    _enrol(client)
    token = csrf_token(client, f"/users/{user.id}")
    reset = client.post(f"/users/{user.id}/reset-two-factor", data={"csrf_token": token})
    assert reset.status_code == 302
    fresh = db.session.get(User, user.id)
    assert not fresh.has_totp
    assert (
        db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    )
    assert not _signed_in(theirs)  # the sessions ended with it
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "user",
            AuditEvent.object_id == user.id,
            AuditEvent.user_id == admin.id,
            AuditEvent.action == AuditAction.update,
        )
    )
    assert event.detail == {"event": "two_factor_reset"}
    # The user enrols again at the next sign-in.
    assert login(theirs, user.email).headers["Location"] == "/account/two-factor"


def test_only_admins_reset_a_second_factor(require_2fa, app, client, make_user):
    coordinator = make_user(Role.coordinator)
    user = make_user(Role.counsellor, partner=coordinator.partner)
    login(client, coordinator.email)
    _enrol(client)
    token = csrf_token(client, f"/users/{user.id}")
    assert (
        client.post(f"/users/{user.id}/reset-two-factor", data={"csrf_token": token}).status_code
        == 403
    )


def test_production_requires_it_and_development_does_not(app):
    from employerpool.config import DevelopmentConfig, ProductionConfig, TestConfig

    assert ProductionConfig.REQUIRE_2FA is True
    assert DevelopmentConfig.REQUIRE_2FA is False and TestConfig.REQUIRE_2FA is False
    assert set(app.config["TWO_FACTOR_ROLES"]) == {"admin", "coordinator", "counsellor"}


def test_the_qr_code_carries_the_otpauth_uri(app, make_user):
    user = make_user(Role.counsellor, email="kari@test.no")
    with app.test_request_context():
        uri = totp.provisioning_uri(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        svg = totp.qr_svg(uri, "QR")
    assert uri.startswith("otpauth://totp/Arbeidsgiverpool%20Groruddalen:kari%40test.no?")
    assert "secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in uri
    assert svg.startswith('<svg role="img" aria-label="QR"') and html_lib.escape("<") not in svg
