"""Login, logout, lockout, CSRF, safe redirects and set-password links through real HTTP."""

from __future__ import annotations

import pytest

from employerpool.extensions import db
from employerpool.models import AuditEvent, User
from employerpool.models.enums import AuditAction, Role
from tests.conftest import PASSWORD, csrf_token, login, post_form


def test_root_sends_anonymous_users_to_the_norwegian_login_page(client):
    response = client.get("/", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Logg inn" in html
    assert '<html lang="nb">' in html


def test_login_with_right_password_reaches_the_start_page(client, make_user):
    user = make_user(Role.counsellor)
    response = login(client, user.email)
    assert response.headers["Location"].endswith("/start")
    page = client.get("/start").get_data(as_text=True)
    assert user.name in page
    assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_gives_a_norwegian_message_and_no_session(client, make_user):
    user = make_user()
    response = login(client, user.email, "wrong password")
    assert response.status_code == 400
    assert "Feil e-postadresse eller passord." in response.get_data(as_text=True)
    assert client.get("/start").status_code == 302


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    response = login(client, "nobody@test.no", "whatever")
    assert "Feil e-postadresse eller passord." in response.get_data(as_text=True)


def test_account_locks_after_repeated_failures_even_for_the_right_password(app, client, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, user.email, "wrong")
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 400
    assert "midlertidig låst" in response.get_data(as_text=True)
    failures = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == AuditAction.login_failed)
    ).all()
    assert len(failures) == app.config["LOGIN_MAX_FAILURES"]


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Skjemaet er utløpt" in response.get_data(as_text=True)
    assert client.get("/start").status_code == 302


def test_logout_is_a_post_with_csrf(client, make_user):
    user = make_user()
    login(client, user.email)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    response = post_form(client, "/logout", {}, form_url="/start")
    assert response.headers["Location"].endswith("/login")
    assert client.get("/start").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/vacancies/", "/vacancies/"),
        ("https://evil.example/", "/start"),
        ("//evil.example/", "/start"),
        ("/\\evil.example", "/start"),
        ("javascript:alert(1)", "/start"),
    ],
)
def test_login_redirects_only_to_local_paths(client, make_user, next_url, expected):
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "next": next_url, "csrf_token": token},
    )
    assert response.headers["Location"] == expected


def test_passwords_are_stored_hashed(make_user):
    user = make_user()
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_admin_creates_user_and_the_one_time_link_sets_a_password(client, make_user):
    admin = make_user(Role.admin)
    login(client, admin.email)
    response = post_form(
        client,
        "/admin/users",
        {
            "name": "Nora Ny",
            "email": "Nora.Ny@test.no",
            "role": "counsellor",
            "partner_id": str(admin.partner_id),
            "employer_id": "",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    link = html.split('class="link-to-copy">')[1].split("<")[0]
    path = link.split("localhost", 1)[1]
    post_form(client, "/logout", {}, form_url="/start")

    new_password = "a long new password"
    response = post_form(client, path, {"password": new_password, "confirm": new_password})
    assert response.headers["Location"].endswith("/login")
    assert client.get(path).status_code == 404  # used once, gone
    response = login(client, "nora.ny@test.no", new_password)
    assert response.headers["Location"].endswith("/start")


def test_admin_user_form_reports_duplicate_email_beside_the_field(client, make_user):
    admin = make_user(Role.admin)
    login(client, admin.email)
    response = post_form(
        client,
        "/admin/users",
        {
            "name": "X",
            "email": admin.email,
            "role": "counsellor",
            "partner_id": str(admin.partner_id),
            "employer_id": "",
        },
    )
    assert response.status_code == 400
    assert "finnes allerede en bruker" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_set_password_rejects_short_passwords_beside_the_field(client, app, make_user):
    from employerpool.services.auth import issue_set_password_token

    user = make_user()
    token = issue_set_password_token(user)
    db.session.commit()
    response = post_form(
        client, f"/set-password/{token}", {"password": "short", "confirm": "short"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="password-error"' in html
    assert "minst 10 tegn" in html
