""" "Glemt passord?" (issue 17): same answer for every address, one-time short-lived links
that end other sessions, rate limits, and NSM's password rules."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import SetPasswordToken, User, now_utc
from employerpool.models.enums import Role
from employerpool.services.passwords import common_passwords, problem
from tests.conftest import CSRF_RE, login, post_form
from tests.smtp import body, smtp_server  # noqa: F401 (fixture)

LINK = re.compile(r"http://localhost(/set-password/[\w-]+)")
NEW = "en lang og god setning"


def _ask(client, email: str):
    started = time.monotonic()
    response = post_form(client, "/forgot-password", {"email": email})
    return response, time.monotonic() - started


def _without_csrf(html: str) -> str:
    return CSRF_RE.sub("", html)


def test_the_login_page_offers_glemt_passord(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/forgot-password"' in html and "Glemt passord?" in html


def test_same_answer_and_timing_whether_the_address_exists_or_not(
    app,
    client,
    make_user,
    smtp_server,  # noqa: F811
):
    app.config["PASSWORD_RESET_MIN_SECONDS"] = 0.3
    make_user(Role.counsellor, email="kari@test.no")
    known, known_time = _ask(client, "kari@test.no")
    unknown, unknown_time = _ask(client, "finnes.ikke@test.no")
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.get_data(as_text=True)) == _without_csrf(
        unknown.get_data(as_text=True)
    )
    # Both wait for the same floor, so the work done for a real account does not show.
    assert known_time >= 0.3 and unknown_time >= 0.3
    assert abs(known_time - unknown_time) < 0.25
    mails = smtp_server.settle(0.5)
    assert [m["To"] for m in mails] == ["kari@test.no"]


def test_a_reset_link_works_once_and_ends_every_other_session(
    app,
    client,
    make_user,
    smtp_server,  # noqa: F811
):
    app.config["PASSWORD_RESET_MIN_SECONDS"] = 0
    user = make_user(Role.counsellor, email="kari@test.no", name="Kari Nordmann")
    elsewhere = app.test_client()
    login(elsewhere, "kari@test.no")
    assert elsewhere.get("/start").status_code == 200
    _ask(client, "KARI@test.no ")
    (mail,) = smtp_server.wait_for(1)
    assert "30 minutter" in body(mail)
    path = LINK.search(body(mail)).group(1)
    done = post_form(client, path, {"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    # Once only; the other browser's session ended; the new password works.
    assert client.get(path).status_code == 404
    assert elsewhere.get("/start").headers["Location"].startswith("/login")
    assert login(client, "kari@test.no", NEW).status_code == 302
    assert db.session.get(User, user.id).session_version == 1


def test_a_reset_link_expires(app, client, make_user, smtp_server):  # noqa: F811
    app.config["PASSWORD_RESET_MIN_SECONDS"] = 0
    make_user(Role.counsellor, email="kari@test.no")
    _ask(client, "kari@test.no")
    path = LINK.search(body(smtp_server.wait_for(1)[0])).group(1)
    record = db.session.scalar(select(SetPasswordToken).where(SetPasswordToken.purpose == "reset"))
    assert timedelta(minutes=29) < record.expires_at - record.created_at <= timedelta(minutes=30)
    record.expires_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_requests_are_limited_per_address_and_per_client(
    app,
    client,
    make_user,
    smtp_server,  # noqa: F811
):
    app.config.update(PASSWORD_RESET_MIN_SECONDS=0, PASSWORD_RESET_PER_CLIENT=6)
    make_user(Role.counsellor, email="kari@test.no")
    for _ in range(5):
        response, _elapsed = _ask(client, "kari@test.no")
        assert response.status_code == 200
    # Three mails per address and hour; the answer stays the same after that.
    assert len(smtp_server.settle(0.5)) == 3
    _ask(client, "someone@test.no")
    limited, _elapsed = _ask(client, "kari@test.no")
    assert limited.status_code == 429 and "For mange forespørsler" in limited.get_data(as_text=True)
    assert int(limited.headers["Retry-After"]) > 0
    assert len(smtp_server.settle(0.3)) == 3


def test_no_link_for_inactive_users_or_partners_that_use_single_sign_on(
    app,
    client,
    make_user,
    make_partner,
    smtp_server,  # noqa: F811
):
    app.config["PASSWORD_RESET_MIN_SECONDS"] = 0
    make_user(Role.counsellor, email="borte@test.no", active=False)
    sso = make_partner(name="Bydel Alna", password_login=False)
    make_user(Role.counsellor, email="sso@test.no", partner=sso)
    for email in ("borte@test.no", "sso@test.no"):
        assert _ask(client, email)[0].status_code == 200
    assert smtp_server.settle(0.5) == []


def test_a_bad_address_gets_a_message_beside_the_field(client):
    response = post_form(client, "/forgot-password", {"email": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and "Skriv inn e-postadressen din." in html


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort", "minst 10 tegn"),
        ("password123", "mest brukte passordene"),
        ("Sommer2024!", "mest brukte passordene"),
        ("passord1234567", "mest brukte passordene"),
        ("aaaaaaaaaaaa", "for lett å gjette"),
        ("kari.nordmann", "navnet ditt"),
        ("Employerpool 2026!", "tjenestens navn"),
    ],
)
def test_weak_passwords_are_refused_beside_the_field(app, client, make_user, password, message):
    from employerpool.services.accounts import issue_link

    user = make_user(Role.counsellor, email="kari.nordmann@test.no", name="Kari Nordmann")
    with app.test_request_context():
        token = issue_link(user, purpose="invite", lifetime=timedelta(hours=1))
    db.session.commit()
    response = post_form(
        client, f"/set-password/{token}", {"password": password, "confirm": password}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="password-error"' in html and message in html
    assert db.session.get(User, user.id).check_password("correct horse battery")


def test_length_beats_complexity():
    """A long sentence of plain words passes; the shipped list is there and large."""
    assert problem("en katt som sover i sola") is None
    assert problem("korrekt hest batteri stift") is None
    assert len(common_passwords()) > 25_000 and "passord123" in common_passwords()
