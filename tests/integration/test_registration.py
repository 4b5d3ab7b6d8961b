"""Employer self-registration, approval, and staff registration with a one-time invitation."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from stdnum.no import orgnr as orgnr_mod

from employerpool.extensions import db
from employerpool.models import ContactPerson, Employer, SetPasswordToken, User, Vacancy
from employerpool.models.enums import Agreement, ApprovalStatus, District, Role
from tests.conftest import PASSWORD, csrf_token, login, post_form


def valid_orgnr(seed: int) -> str:
    """A valid organisasjonsnummer (mod-11 check digit) derived from `seed`."""
    for m in range(seed * 10, seed * 10 + 100):
        for d in range(10):
            number = f"8{m:07d}{d}"
            if orgnr_mod.is_valid(number):
                return number
    raise AssertionError("no valid number")


def registration_data(**overrides) -> dict:
    data = {
        "orgnr": valid_orgnr(4242),
        "name": "Grorud Bakeri AS",
        "nace_section": "C",
        "size_band": "small",
        "district": "Grorud",
        "address": "Grorudveien 1",
        "postcode": "0950",
        "city": "Oslo",
        "contact_name": "Berit Baker",
        "contact_title": "daglig leder",
        "contact_email": "berit@bakeri.no",
        "contact_phone": "22 33 44 55",
        "password": "et langt passord",
        "confirm": "et langt passord",
        "accept": "y",
    }
    data.update(overrides)
    return data


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Employer, User, ContactPerson)
    )


def field_error(html: str, field_id: str) -> str:
    """The text of the error element tied to `field_id` (render_field's `<id>-error`)."""
    match = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', html, re.S)
    assert match, f"no error beside {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_register_creates_a_pending_employer_and_logs_the_user_in(client):
    response = post_form(client, "/register", registration_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/start")
    employer = db.session.scalars(select(Employer)).one()
    assert employer.approval is ApprovalStatus.pending
    assert employer.nace_section == "C" and employer.district is District.Grorud
    assert [p.name for p in employer.contact_persons] == ["Berit Baker"]
    user = db.session.scalars(select(User)).one()
    assert user.role is Role.employer and user.employer_id == employer.id
    assert user.password_hash and "et langt passord" not in user.password_hash
    assert user.check_password("et langt passord")
    start = client.get("/start").get_data(as_text=True)
    assert "Registreringen venter på godkjenning" in start
    # Pending employers cannot post placement needs or competence needs.
    assert client.get("/vacancies/new").status_code == 403
    assert client.get("/competence-needs/new").status_code == 403


def test_the_login_page_links_to_registration(client):
    assert 'href="/register"' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("123456789", "Kontrollsifferet stemmer ikke"),
        ("12345", "må ha 9 siffer"),
        ("12345678901", "må ha 9 siffer"),
        ("12345678A", "bare inneholde siffer"),
    ],
)
def test_wrong_orgnr_gives_a_clear_message_beside_the_field(client, value, message):
    before = counts()
    response = post_form(client, "/register", registration_data(orgnr=value))
    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), "orgnr")
    assert counts() == before


def test_duplicate_organisation_is_not_created_twice_and_names_whom_to_ask(
    client, make_employer, make_partner
):
    partner = make_partner(name="NAV Grorud")
    existing = make_employer(orgnr=valid_orgnr(7), responsible_partner=partner)
    before = counts()
    response = post_form(client, "/register", registration_data(orgnr=existing.orgnr))
    assert response.status_code == 400
    error = field_error(response.get_data(as_text=True), "orgnr")
    assert "allerede registrert" in error and "NAV Grorud" in error
    assert counts() == before


def test_existing_email_address_is_refused_beside_the_field(client, make_user):
    make_user(Role.counsellor, email="berit@bakeri.no")
    before = counts()
    response = post_form(client, "/register", registration_data())
    assert response.status_code == 400
    assert "finnes allerede en bruker" in field_error(
        response.get_data(as_text=True), "contact_email"
    )
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 10_000),
        ("contact_name", "x" * 10_000),
        ("address", "x" * 10_000),
        ("contact_email", "ikke-en-adresse"),
        ("postcode", "12"),
        ("password", "kort"),
        ("nace_section", "Z"),
        ("accept", ""),
    ],
)
def test_bad_fields_are_refused_beside_the_field(client, field, value):
    before = counts()
    response = post_form(client, "/register", registration_data(**{field: value}))
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), field)
    assert counts() == before


def test_registration_without_csrf_token_is_refused(client):
    response = client.post("/register", data=registration_data())
    assert response.status_code == 400
    assert counts() == (0, 0, 0)


def test_honeypot_stores_nothing(client):
    response = post_form(client, "/register", registration_data(website="http://spam"))
    assert response.status_code == 302
    assert counts() == (0, 0, 0)


def test_registrations_from_one_client_are_rate_limited(app, client):
    app.config["REGISTRATION_PER_CLIENT_PER_HOUR"] = 1
    assert post_form(client, "/register", registration_data()).status_code == 302
    other = app.test_client()
    data = registration_data(orgnr=valid_orgnr(99), contact_email="ny@bakeri.no")
    response = post_form(other, "/register", data)
    assert response.status_code == 429
    assert "Prøv igjen senere" in response.get_data(as_text=True)
    assert counts() == (1, 1, 1)


def test_a_logged_in_user_is_sent_home_from_the_registration_page(client, make_user):
    login(client, make_user(Role.counsellor).email)
    response = client.get("/register")
    assert response.status_code == 302 and response.headers["Location"].endswith("/start")


@pytest.mark.parametrize("role", [Role.coordinator, Role.employer_contact])
def test_coordinators_and_employer_contacts_approve_a_pending_employer(client, make_user, role):
    post_form(client, "/register", registration_data())
    client.post("/logout", data={"csrf_token": csrf_token(client, "/start")})
    employer = db.session.scalars(select(Employer)).one()
    staff = make_user(role)
    login(client, staff.email)
    html = client.get("/employers/?approval=pending").get_data(as_text=True)
    assert f"/employers/{employer.id}" in html
    response = post_form(
        client,
        f"/employers/{employer.id}/approval",
        {"decision": "approve"},
        form_url=f"/employers/{employer.id}",
    )
    assert response.status_code == 302
    db.session.refresh(employer)
    assert employer.approval is ApprovalStatus.approved
    assert employer.responsible_partner_id == staff.partner_id
    client.post("/logout", data={"csrf_token": csrf_token(client, "/start")})
    login(client, "berit@bakeri.no", "et langt passord")
    assert client.get("/vacancies/new").status_code == 200


def test_a_rejected_employer_cannot_post_and_sees_whom_to_contact(client, make_user):
    post_form(client, "/register", registration_data())
    client.post("/logout", data={"csrf_token": csrf_token(client, "/start")})
    employer = db.session.scalars(select(Employer)).one()
    coordinator = make_user(Role.coordinator)
    login(client, coordinator.email)
    post_form(
        client,
        f"/employers/{employer.id}/approval",
        {"decision": "reject"},
        form_url=f"/employers/{employer.id}",
    )
    db.session.refresh(employer)
    assert employer.approval is ApprovalStatus.rejected
    client.post("/logout", data={"csrf_token": csrf_token(client, "/start")})
    login(client, "berit@bakeri.no", "et langt passord")
    start = client.get("/start").get_data(as_text=True)
    assert "ikke godkjent" in start and coordinator.partner.name in start
    assert client.get("/vacancies/new").status_code == 403


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 302),
        (Role.admin, 403),
        (Role.counsellor, 403),
        (Role.employer, 403),
        (Role.coordinator, 302),
        (Role.employer_contact, 302),
    ],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_approval_access(client, make_user, make_employer, role, expected):
    employer = make_employer(approval=ApprovalStatus.pending)
    if role is not None:
        user = make_user(role)
        login(client, user.email)
        token = csrf_token(client, "/start")
    else:
        token = csrf_token(client, "/login")
    response = client.post(
        f"/employers/{employer.id}/approval", data={"decision": "approve", "csrf_token": token}
    )
    assert response.status_code == expected
    db.session.refresh(employer)
    if role is None:
        assert "/login" in response.headers["Location"]
    approved = role in (Role.coordinator, Role.employer_contact)
    assert (employer.approval is ApprovalStatus.approved) is approved


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), *((r, 200) for r in Role if r.is_staff), (Role.employer, 403)],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_staff_registration_page_access(client, make_user, role, expected):
    if role is not None:
        login(client, make_user(role).email)
    response = client.get("/employers/new")
    assert response.status_code == expected
    if role is None:
        assert "/login" in response.headers["Location"]


def staff_data(partner_id: int, **overrides) -> dict:
    data = registration_data(
        responsible_partner_id=str(partner_id), agreement="samarbeidsavtale", invite="y"
    )
    for key in ("password", "confirm", "accept"):
        data.pop(key)
    data.update(overrides)
    return data


def _outbox(app, tmp_path):
    """Mail written synchronously to a folder; returns a reader of the messages."""
    folder = tmp_path / "outbox"
    app.config.update(MAIL_SERVER=None, MAIL_OUTBOX=str(folder), MAIL_ASYNC=False)
    return lambda: [p.read_text() for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def test_staff_register_an_approved_employer_and_invite_its_contact(
    app, client, make_user, tmp_path
):
    outbox = _outbox(app, tmp_path)
    staff = make_user(Role.employer_contact)
    login(client, staff.email)
    response = post_form(client, "/employers/new", staff_data(staff.partner_id))
    # The link goes to the contact by mail, never into the staff member's page (issue 15).
    assert response.status_code in (302, 303)
    assert "/set-password/" not in client.get(response.headers["Location"]).get_data(as_text=True)
    (mail,) = outbox()
    link = re.search(r"http://localhost/set-password/[\w-]+", mail).group(0)
    employer = db.session.scalars(select(Employer)).one()
    assert employer.approval is ApprovalStatus.approved
    assert employer.agreement is Agreement.samarbeidsavtale
    assert employer.responsible_partner_id == staff.partner_id
    invited = db.session.scalars(select(User).where(User.role == Role.employer)).one()
    assert invited.password_hash is None and invited.employer_id == employer.id
    assert db.session.scalar(select(func.count()).select_from(SetPasswordToken)) == 1
    # The link sets a password once.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/start")})
    path = link.removeprefix("http://localhost")
    response = post_form(client, path, {"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert client.get(path).status_code == 404
    login(client, invited.email)
    assert client.get("/vacancies/new").status_code == 200


def test_staff_registration_of_a_duplicate_links_to_the_existing_employer(
    client, make_user, make_employer
):
    staff = make_user(Role.coordinator)
    existing = make_employer(orgnr=valid_orgnr(11))
    login(client, staff.email)
    before = counts()
    response = post_form(
        client, "/employers/new", staff_data(staff.partner_id, orgnr=existing.orgnr)
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "finnes allerede" in field_error(html, "orgnr")
    assert f'href="/employers/{existing.id}"' in html
    assert counts() == before


# The employer's own users and the staff who manage employers invite (issue 15); the link goes
# to the contact person by mail.
@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), (Role.employer, 303), (Role.counsellor, 403), (Role.coordinator, 303)],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_inviting_an_existing_contact_person(
    app, client, make_user, make_employer, tmp_path, role, expected
):
    outbox = _outbox(app, tmp_path)
    employer = make_employer()
    person = ContactPerson(name="Per Person", email="per@firma.no")
    employer.contact_persons.append(person)
    db.session.commit()
    if role is not None:
        user = make_user(role, employer=employer) if role is Role.employer else make_user(role)
        login(client, user.email)
        token = csrf_token(client, "/start")
    else:
        token = csrf_token(client, "/login")
    response = client.post(
        f"/employers/{employer.id}/contact-persons/{person.id}/invite", data={"csrf_token": token}
    )
    assert response.status_code == expected
    created = db.session.scalar(select(User).where(User.email == "per@firma.no"))
    assert (created is not None) is (expected == 303)
    assert "/set-password/" not in response.get_data(as_text=True)
    if expected == 303:
        (mail,) = outbox()
        assert "To: per@firma.no" in mail and "/set-password/" in mail


def test_a_need_cannot_be_posted_for_a_pending_employer_even_by_staff(
    client, make_user, make_employer
):
    pending = make_employer(approval=ApprovalStatus.pending)
    staff = make_user(Role.employer_contact)
    login(client, staff.email)
    response = post_form(
        client,
        "/vacancies/new",
        {
            "employer_id": str(pending.id),
            "type": "arbeidspraksis",
            "title": "Lager",
            "places": "1",
            "district": "Grorud",
        },
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Vacancy)) == 0
