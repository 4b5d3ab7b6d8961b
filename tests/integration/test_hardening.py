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


# --- erasure removes every free text that may name the candidate -------------------------

NAME = "Zuleikha Quennerstedt"


def test_erasure_removes_free_text_reasons_contract_notes_and_request_messages(
    make_vacancy, make_candidate, make_user
):
    from employerpool.models import MatchEvent, Placement, ProposalRequest
    from employerpool.models.enums import ConsentScope, MatchOutcome, MatchStatus
    from employerpool.services import matches, privacy

    counsellor = make_user(Role.counsellor)
    other = make_user(Role.counsellor)
    candidate = make_candidate(
        consents=(ConsentScope.employers, ConsentScope.pool_partners), partner=counsellor.partner
    )
    # Free text where codes belong, as older API clients could write it.
    aborted = matches.create(make_vacancy().id, candidate.id, counsellor)
    for to in (MatchStatus.proposed, MatchOutcome.interested, MatchOutcome.started):
        matches.change(aborted, to, counsellor)
    matches.change(aborted, MatchOutcome.aborted, counsellor, reason=f"{NAME} ble syk")
    hired = matches.create(make_vacancy().id, candidate.id, counsellor)
    for to in (MatchStatus.proposed, MatchOutcome.interested, MatchOutcome.started):
        matches.change(hired, to, counsellor)
    matches.change(hired, MatchOutcome.hired, counsellor, contract_type=f"fast, {NAME[:20]}")
    asked = matches.create(make_vacancy().id, candidate.id, other)
    db.session.add(
        ProposalRequest(
            match_id=asked.id,
            requested_by_id=other.id,
            requesting_partner_id=other.partner_id,
            candidate_partner_id=counsellor.partner_id,
            note=f"Kan vi foreslå {NAME}?",
        )
    )
    declined = matches.create(make_vacancy().id, candidate.id, counsellor)
    matches.change(declined, MatchStatus.proposed, counsellor)
    matches.change(declined, MatchOutcome.declined, counsellor, reason="other")
    db.session.commit()

    def texts() -> list[str]:
        values = [
            *db.session.scalars(select(MatchEvent.reason)),
            *db.session.scalars(select(MatchEvent.note)),
            *db.session.scalars(select(Placement.abort_reason)),
            *db.session.scalars(select(Placement.contract_type)),
            *db.session.scalars(select(Placement.note)),
            *db.session.scalars(select(ProposalRequest.note)),
        ]
        return [v for v in values if v]

    assert sum("Zuleikha" in t for t in texts()) == 4
    assert privacy.erase_candidate(candidate, counsellor, "request")
    db.session.commit()
    db.session.expire_all()
    assert not [t for t in texts() if "Zuleikha" in t]
    # Reason codes stay for the statistics.
    assert db.session.scalar(select(MatchEvent.reason).where(MatchEvent.to_value == "declined"))


# --- no account enumeration ------------------------------------------------------------------


def _login_error(client, email: str, password: str) -> str:
    import re

    html = login(client, email, password).get_data(as_text=True)
    found = re.search(r'<div class="error-summary" role="alert"><p>([^<]+)</p>', html)
    return found.group(1).strip() if found else html


def test_an_unknown_address_gets_the_same_answers_as_a_known_one_including_the_lock(app, make_user):
    known = make_user(Role.counsellor).email
    answers = {}
    for email in (known, "ingen@finnes.no"):
        client = app.test_client()
        answers[email] = [
            _login_error(client, email, "feil passord")
            for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1)
        ]
    assert answers[known] == answers["ingen@finnes.no"]
    assert "midlertidig låst" in answers[known][-1]


def test_an_unknown_address_takes_about_as_long_as_a_wrong_password(app, make_user):
    import statistics
    import time

    method = "pbkdf2:sha256:200000"  # a hash that takes measurable time
    app.config["PASSWORD_HASH_METHOD"] = method
    app.config["LOGIN_MAX_FAILURES"] = 1000
    user = make_user(Role.counsellor)
    user.set_password("det riktige passordet", method)
    db.session.commit()
    client = app.test_client()

    def timed(email: str) -> float:
        started = time.perf_counter()
        login(client, email, "feil passord")
        return time.perf_counter() - started

    known = statistics.median(timed(user.email) for _ in range(5))
    unknown = statistics.median(timed("ingen@finnes.no") for _ in range(5))
    assert unknown > 0.6 * known, (unknown, known)
