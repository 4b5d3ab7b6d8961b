"""Hostile or unlucky input that must get a message, never a 500 (on SQLite and PostgreSQL,
where column lengths are enforced)."""

from __future__ import annotations

from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import ContactPerson, Employer
from employerpool.models.enums import Role
from tests.conftest import login, post_form
from tests.integration.test_registration import field_error, registration_data, valid_orgnr

# 21 characters: one more than the contact person's phone column holds.
LONG_PHONE = "+47 22 33 44 55 66 77"


def test_a_21_character_phone_number_is_refused_beside_the_field(client):
    assert len(LONG_PHONE) == 21
    response = post_form(client, "/register", registration_data(contact_phone=LONG_PHONE))
    assert response.status_code == 400
    assert "telefonnummeret" in field_error(response.get_data(as_text=True), "contact_phone")
    assert db.session.scalar(select(func.count(Employer.id))) == 0


def test_a_21_character_phone_number_is_refused_by_the_api(client, make_user, bearer):
    headers = bearer(make_user(Role.employer_contact))
    body = {
        "orgnr": valid_orgnr(77),
        "name": "Lang Telefon AS",
        "nace_section": "C",
        "district": "Grorud",
        "size_band": "small",
        "contact": {"name": "Per", "email": "per@telefon.no", "phone": LONG_PHONE},
    }
    response = client.post("/api/v1/employers", json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert "contact.phone" in response.get_json()["fields"]
    assert db.session.scalar(select(func.count(Employer.id))) == 0


def test_a_20_character_phone_number_is_kept(client):
    phone = LONG_PHONE[1:]
    response = post_form(client, "/register", registration_data(contact_phone=phone))
    assert response.status_code == 302
    assert db.session.scalar(select(ContactPerson.phone)) == phone


# --- logout ends every session of the user --------------------------------------------------


def test_a_session_cookie_replayed_after_logout_gets_the_login_page(app, make_user):
    user = make_user(Role.counsellor)
    browser = app.test_client()
    login(browser, user.email)
    stolen = browser.get_cookie("session").value
    other_device = app.test_client()
    login(other_device, user.email)
    post_form(browser, "/logout", {}, form_url="/start")

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/start")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # Logging out ends the user's other sessions too.
    response = other_device.get("/start")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # A new login works as before.
    assert login(app.test_client(), user.email).status_code == 302
