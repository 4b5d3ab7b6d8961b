"""Rule defects found in an outside attack (issue 15, Build 4): each test failed before its fix.

Contact-person invitations, admins and candidate data, matches another partner cannot see,
audit gaps in the API, real pseudonyms, the API refusing what the web refuses, the employers'
skill look-up and deeply nested JSON.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import (
    ApiToken,
    AuditEvent,
    ContactPerson,
    Match,
    MatchEvent,
    Skill,
    User,
)
from employerpool.models.enums import (
    AuditAction,
    ConsentScope,
    MatchStatus,
    Role,
    VacancyStatus,
)
from employerpool.services import matches
from employerpool.services.suggestions import pseudonym
from employerpool.services.tokens import create_token
from tests.conftest import login, post_form

POOL = (ConsentScope.pool_partners,)
SHARED = (ConsentScope.pool_partners, ConsentScope.employers)


@pytest.fixture
def outbox(app, tmp_path):
    """Mail written synchronously to a folder; `outbox()` → the messages, as text."""
    folder = tmp_path / "outbox"
    app.config.update(MAIL_SERVER=None, MAIL_OUTBOX=str(folder), MAIL_ASYNC=False)

    def read() -> list[str]:
        if not folder.exists():
            return []
        return [(folder / name).read_text() for name in sorted(os.listdir(folder))]

    return read


def _employer_with_person(make_employer, partner, email="kari@bedrift.no"):
    employer = make_employer(responsible_partner_id=partner.id)
    employer.contact_persons = [ContactPerson(name="Kari Kontakt", email=email)]
    db.session.commit()
    return employer, employer.contact_persons[0]


# --- contact persons: only the responsible staff or the employer; the link goes by mail -----


def test_staff_of_another_partner_cannot_add_or_invite_contact_persons(
    client, make_user, make_partner, make_employer
):
    responsible = make_partner()
    employer, person = _employer_with_person(make_employer, responsible)
    outsider = make_user(Role.employer_contact)  # markedskontakt of another partner
    login(client, outsider.email)
    users_before = db.session.scalar(select(func.count()).select_from(User))
    response = client.get(f"/employers/{employer.id}/contact-persons/new")
    assert response.status_code in (403, 404)
    invite = f"/employers/{employer.id}/contact-persons/{person.id}/invite"
    token = client.get(f"/employers/{employer.id}").get_data(as_text=True)
    assert client.post(invite, data={"csrf_token": _csrf(token)}).status_code in (403, 404)
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before
    assert len(employer.contact_persons) == 1


def _csrf(html: str) -> str:
    from tests.conftest import CSRF_RE

    match = CSRF_RE.search(html)
    assert match
    return match.group(1)


def test_an_invitation_link_goes_to_the_contact_by_mail_never_to_the_page(
    client, make_user, make_partner, make_employer, outbox
):
    responsible = make_partner()
    employer, person = _employer_with_person(make_employer, responsible)
    staff = make_user(Role.employer_contact, partner=responsible)
    login(client, staff.email)
    response = post_form(
        client,
        f"/employers/{employer.id}/contact-persons/{person.id}/invite",
        {},
        form_url=f"/employers/{employer.id}",
    )
    assert response.status_code in (200, 302, 303)
    page = (
        client.get(response.headers["Location"]).get_data(as_text=True)
        if (response.status_code != 200)
        else response.get_data(as_text=True)
    )
    assert "/set-password/" not in page
    (mail,) = outbox()
    assert "To: kari@bedrift.no" in mail
    assert "/set-password/" in mail


def test_staff_registration_with_invitation_mails_the_link(client, make_user, make_partner, outbox):
    from tests.integration.access_rules import valid_orgnrs

    partner = make_partner()
    staff = make_user(Role.employer_contact, partner=partner)
    login(client, staff.email)
    response = post_form(
        client,
        "/employers/new",
        {
            "orgnr": next(valid_orgnrs(96_000_000)),
            "name": "Ny Bedrift AS",
            "nace_section": "G",
            "district": "Alna",
            "size_band": "small",
            "contact_name": "Ola Kontakt",
            "contact_email": "ola@nybedrift.no",
            "invite": "y",
            "responsible_partner_id": str(partner.id),
            "agreement": "none",
        },
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/set-password/" not in page
    (mail,) = outbox()
    assert "To: ola@nybedrift.no" in mail and "/set-password/" in mail


# --- admins do not read candidate data through tokens they mint -----------------------------


def test_an_admin_cannot_mint_a_token_for_another_user(client, make_user):
    admin = make_user(Role.admin)
    counsellor = make_user(Role.counsellor)
    login(client, admin.email)
    post_form(
        client, "/admin/tokens/", {"user_id": str(counsellor.id), "name": "x", "expires_days": 30}
    )
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == counsellor.id)) is None


def test_a_user_creates_their_own_token_and_an_admin_may_revoke_it(client, make_user):
    counsellor = make_user(Role.counsellor)
    login(client, counsellor.email)
    response = post_form(client, "/account/api-tokens", {"name": "Mitt verktøy"})
    assert response.status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == counsellor.id))
    assert token is not None and token.created_by_id == counsellor.id
    assert token.prefix in response.get_data(as_text=True)  # the secret is shown once
    admin_client = client.application.test_client()
    admin = make_user(Role.admin)
    login(admin_client, admin.email)
    post_form(admin_client, f"/admin/tokens/{token.id}/revoke", {}, form_url="/admin/tokens/")
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_every_audit_event_made_through_a_token_records_the_token(
    client, make_user, make_candidate
):
    counsellor = make_user(Role.counsellor)
    candidate = make_candidate(partner_id=counsellor.partner_id)
    token, secret = create_token(counsellor, "integrasjon")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/v1/candidates/{candidate.id}", headers=headers).status_code == 200
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "candidate", AuditEvent.object_id == candidate.id
        )
    )
    assert event.api_token_id == token.id


# --- matches another partner cannot see -----------------------------------------------------


@pytest.fixture
def withdrawn_elsewhere(make_user, make_candidate, make_vacancy):
    """Partner B's candidate (pool-sharing) in B's pipeline, withdrawn by B's counsellor."""
    theirs = make_user(Role.counsellor)
    candidate = make_candidate(POOL, partner_id=theirs.partner_id)
    vacancy = make_vacancy()
    match = matches.create(vacancy.id, candidate.id, theirs)
    matches.change(match, MatchStatus.withdrawn, theirs, reason="candidate_declined")
    db.session.commit()
    return match


def _events(match) -> int:
    return db.session.scalar(
        select(func.count()).select_from(MatchEvent).where(MatchEvent.match_id == match.id)
    )


def test_shortlisting_does_not_revive_a_match_withdrawn_by_another_partner(
    client, make_user, withdrawn_elsewhere
):
    match = withdrawn_elsewhere
    before = _events(match)
    ours = make_user(Role.counsellor)
    login(client, ours.email)
    for reference in (str(match.candidate_id), pseudonym(match.candidate_id)):
        post_form(
            client,
            f"/suggestions/vacancies/{match.vacancy_id}/shortlist",
            {"candidate_id": reference},
            form_url="/start",
        )
    db.session.refresh(match)
    assert match.status is MatchStatus.withdrawn
    assert _events(match) == before


def test_allocation_does_not_touch_another_partners_match(
    client, make_user, make_candidate, make_vacancy
):
    theirs = make_user(Role.counsellor)
    candidate = make_candidate(POOL, partner_id=theirs.partner_id)
    vacancy = make_vacancy()
    match = matches.create(vacancy.id, candidate.id, theirs)
    db.session.commit()
    coordinator = make_user(Role.coordinator)
    login(client, coordinator.email)
    post_form(
        client,
        "/suggestions/allocation/accept",
        {"vacancy_id": str(vacancy.id), "candidate_id": str(candidate.id)},
        form_url="/suggestions/allocation",
    )
    db.session.refresh(match)
    assert match.status is MatchStatus.suggested
    assert _events(match) == 1


# --- audit gaps in the API ------------------------------------------------------------------


def _audited(object_type: str, object_id: int, action=AuditAction.view) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == object_id,
            AuditEvent.action == action,
        )
    )


def test_reading_a_match_through_the_api_is_audited(
    client, make_user, make_candidate, make_vacancy, bearer
):
    counsellor = make_user(Role.counsellor)
    candidate = make_candidate(partner_id=counsellor.partner_id)
    match = matches.create(make_vacancy().id, candidate.id, counsellor)
    db.session.commit()
    response = client.get(f"/api/v1/matches/{match.id}", headers=bearer(counsellor))
    assert response.status_code == 200
    assert _audited("candidate", candidate.id) == 1


def test_an_employers_api_answer_that_names_the_candidate_is_audited(
    client, make_user, make_candidate, make_vacancy, bearer
):
    counsellor = make_user(Role.counsellor)
    candidate = make_candidate(
        (*SHARED, ConsentScope.employers_identity), partner_id=counsellor.partner_id
    )
    vacancy = make_vacancy()
    match = matches.create(vacancy.id, candidate.id, counsellor, status=MatchStatus.proposed)
    db.session.commit()
    employer_user = make_user(Role.employer, employer=vacancy.employer)
    response = client.post(
        f"/api/v1/matches/{match.id}/events",
        json={"to": "interested"},
        headers=bearer(employer_user),
    )
    assert response.status_code == 201
    assert response.get_json()["display_name"] == candidate.full_name
    assert _audited("candidate", candidate.id) == 1


# --- pseudonyms are real --------------------------------------------------------------------


@pytest.fixture
def pool_match(make_user, make_candidate, make_vacancy):
    """Our counsellor found partner B's pool candidate; B's counsellor wrote a private note."""
    ours = make_user(Role.counsellor)
    theirs = make_user(Role.counsellor)
    candidate = make_candidate(POOL, partner_id=theirs.partner_id)
    match = matches.create(make_vacancy().id, candidate.id, ours)
    db.session.add(
        MatchEvent(
            match=match,
            actor_id=theirs.id,
            axis="status",
            from_value="suggested",
            to_value="suggested",
            note="Privat: bor på krisesenter",
        )
    )
    db.session.commit()
    return ours, match


def test_another_partners_staff_get_no_real_candidate_id_or_private_notes_from_the_api(
    client, bearer, pool_match
):
    ours, match = pool_match
    body = client.get(f"/api/v1/matches/{match.id}", headers=bearer(ours)).get_json()
    assert body["candidate_id"] != match.candidate_id
    assert body["candidate_id"] in (None, pseudonym(match.candidate_id))
    assert "krisesenter" not in str(body)


def test_the_suggestion_page_hides_other_partners_candidate_ids(
    client, make_user, make_candidate, make_vacancy
):
    ours = make_user(Role.counsellor)
    theirs = make_user(Role.counsellor)
    vacancy = make_vacancy(title="Lagermedarbeider")
    candidate = make_candidate(POOL, partner_id=theirs.partner_id, first_name="Sahra")
    login(client, ours.email)
    html = client.get(f"/suggestions/vacancies/{vacancy.id}").get_data(as_text=True)
    assert pseudonym(candidate.id) in html  # the candidate is listed, blind
    assert f'value="{candidate.id}"' not in html
    # Shortlisting by the pseudonym still works.
    post_form(
        client,
        f"/suggestions/vacancies/{vacancy.id}/shortlist",
        {"candidate_id": pseudonym(candidate.id)},
        form_url=f"/suggestions/vacancies/{vacancy.id}",
    )
    match = db.session.scalar(select(Match).where(Match.candidate_id == candidate.id))
    assert match is not None and match.status is MatchStatus.shortlisted


def test_employers_see_the_counsellor_not_the_partner(
    client, make_user, make_partner, make_candidate, make_vacancy
):
    partner = make_partner(name="Introduksjonsprogrammet Stovner")
    counsellor = make_user(
        Role.counsellor, partner=partner, name="Vera Veileder", email="vera@stovner.no"
    )
    candidate = make_candidate(SHARED, partner_id=partner.id)
    vacancy = make_vacancy()
    match = matches.create(vacancy.id, candidate.id, counsellor, status=MatchStatus.proposed)
    db.session.commit()
    employer_user = make_user(Role.employer, employer=vacancy.employer)
    login(client, employer_user.email)
    html = client.get(f"/vacancies/{vacancy.id}/proposals/{match.id}").get_data(as_text=True)
    assert "Vera Veileder" in html and "vera@stovner.no" in html
    assert "Introduksjonsprogrammet" not in html


# --- the API refuses what the web refuses ---------------------------------------------------


@pytest.fixture
def own_match(make_user, make_candidate, make_vacancy):
    counsellor = make_user(Role.counsellor)
    candidate = make_candidate(SHARED, partner_id=counsellor.partner_id)
    match = matches.create(make_vacancy().id, candidate.id, counsellor)
    db.session.commit()
    return counsellor, match


def test_the_api_takes_reason_codes_only(client, bearer, own_match):
    counsellor, match = own_match
    response = client.post(
        f"/api/v1/matches/{match.id}/events",
        json={"to": "withdrawn", "reason": "Han har rusproblemer"},
        headers=bearer(counsellor),
    )
    assert response.status_code == 422
    assert "reason" in response.get_json()["fields"]


def test_the_api_refuses_dates_far_in_the_future(client, bearer, own_match):
    counsellor, match = own_match
    headers = bearer(counsellor)
    client.post(f"/api/v1/matches/{match.id}/events", json={"to": "proposed"}, headers=headers)
    client.post(f"/api/v1/matches/{match.id}/events", json={"to": "interested"}, headers=headers)
    response = client.post(
        f"/api/v1/matches/{match.id}/events",
        json={"to": "started", "on": "2099-12-31"},
        headers=headers,
    )
    assert response.status_code == 422
    assert "on" in response.get_json()["fields"]


def test_true_is_not_an_id(client, bearer, own_match):
    counsellor, match = own_match
    response = client.post(
        "/api/v1/matches",
        json={"vacancy_id": True, "candidate_id": match.candidate_id, "status": "shortlisted"},
        headers=bearer(counsellor),
    )
    assert response.status_code == 422
    assert "vacancy_id" in response.get_json()["fields"]


@pytest.mark.parametrize(
    "status", [VacancyStatus.draft, VacancyStatus.closed, VacancyStatus.filled]
)
def test_the_api_does_not_propose_to_a_need_that_is_not_open(
    client, bearer, make_user, make_candidate, make_vacancy, status
):
    counsellor = make_user(Role.counsellor)
    candidate = make_candidate(SHARED, partner_id=counsellor.partner_id)
    vacancy = make_vacancy(status=status)
    response = client.post(
        "/api/v1/matches",
        json={"vacancy_id": vacancy.id, "candidate_id": candidate.id, "status": "proposed"},
        headers=bearer(counsellor),
    )
    assert response.status_code in (409, 422)
    assert db.session.scalar(select(Match).where(Match.vacancy_id == vacancy.id)) is None


def test_web_and_api_agree_on_who_may_edit_an_employer(client, make_user, make_employer, bearer):
    employer = make_employer()
    counsellor = make_user(Role.counsellor)
    api = client.patch(
        f"/api/v1/employers/{employer.id}", json={"city": "Bergen"}, headers=bearer(counsellor)
    )
    login(client, counsellor.email)
    web = client.get(f"/employers/{employer.id}/edit")
    assert api.status_code == 403
    assert web.status_code == 403
    db.session.refresh(employer)
    assert employer.city != "Bergen"


# --- the employers' skill look-up -----------------------------------------------------------


def test_employers_skill_lookup_leaves_out_labels_typed_only_on_candidates(
    client, make_user, make_candidate, make_vacancy
):
    from employerpool.models import VacancySkill
    from employerpool.services.skills import skills_for

    candidate = make_candidate()
    candidate.skills = skills_for(["Traumeterapi fra fengsel"])  # typed on a profile only
    db.session.add(Skill(label="Truckkjøring", domain="logistikk"))  # the shared vocabulary
    vacancy = make_vacancy()
    (on_need,) = skills_for(["Trallekjøring"])
    db.session.add(VacancySkill(vacancy_id=vacancy.id, skill_id=on_need.id))
    db.session.commit()
    employer_user = make_user(Role.employer)
    login(client, employer_user.email)
    labels = {row["label"] for row in client.get("/vocabulary/skills?q=tr").get_json()}
    assert {"Truckkjøring", "Trallekjøring"} <= labels
    assert "Traumeterapi fra fengsel" not in labels


# --- deeply nested JSON ---------------------------------------------------------------------


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deeply_nested_json_gets_400_or_422(client, make_user, bearer, depth):
    body = '{"employer_id": ' + "[" * depth + "]" * depth + "}"
    response = client.post(
        "/api/v1/contacts",
        data=body,
        content_type="application/json",
        headers=bearer(make_user(Role.employer_contact)),
    )
    assert response.status_code in (400, 422)
    assert response.is_json


def test_an_employers_start_date_in_the_future_is_refused_by_web_and_api(
    client, make_user, make_candidate, make_vacancy, bearer
):
    from datetime import date, timedelta

    counsellor = make_user(Role.counsellor)
    candidate = make_candidate(SHARED, partner_id=counsellor.partner_id)
    vacancy = make_vacancy()
    match = matches.create(vacancy.id, candidate.id, counsellor, status=MatchStatus.proposed)
    matches.change(match, matches.MO.interested, counsellor)
    db.session.commit()
    employer_user = make_user(Role.employer, employer=vacancy.employer)
    soon = (date.today() + timedelta(days=30)).isoformat()
    api = client.post(
        f"/api/v1/matches/{match.id}/events",
        json={"to": "started", "on": soon},
        headers=bearer(employer_user),
    )
    assert api.status_code == 422 and "on" in api.get_json()["fields"]
    login(client, employer_user.email)
    url = f"/vacancies/{vacancy.id}/proposals/{match.id}"
    web = post_form(client, url, {"answer": "started", "start_date": soon})
    assert web.status_code == 400
    db.session.refresh(match)
    assert match.outcome is matches.MO.interested
