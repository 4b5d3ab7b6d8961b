# ruff: noqa: F811  (the `pool` fixture is imported from test_counsellors)
"""API: employers, placement needs, suggestions, matches and the employer's proposals,
under the same visibility rules as the web pages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import AuditEvent, Employer, Vacancy, VacancyEvent
from employerpool.models.enums import (
    AuditAction,
    Cefr,
    ConsentScope,
    MatchStatus,
    Role,
    VacancyStatus,
)
from employerpool.services import matches
from employerpool.services.suggestions import pseudonym
from tests.conftest import login
from tests.integration.test_counsellors import _skill, pool  # noqa: F401 - a shared fixture

COVERED_ENDPOINTS = {
    "api.list_employers",
    "api.get_employer",
    "api.create_employer",
    "api.update_employer",
    "api.list_vacancies",
    "api.get_vacancy",
    "api.create_vacancy",
    "api.update_vacancy",
    "api.vacancy_suggestions",
    "api.create_match",
    "api.get_match",
    "api.add_match_event",
    "api.list_proposals",
}

NEED = {
    "title": "Lagermedarbeider",
    "type": "arbeidspraksis",
    "district": "Grorud",
    "occupation": "lagermedarbeider",
    "skills_required": ["bruke truck"],
    "skills_preferred": ["varemottak"],
    "norwegian_min": {"oral": "a2"},
    "places": 2,
    "start_date": "2027-01-04",
    "end_date": "2027-03-29",
}


def test_employer_token_sees_only_its_own_needs(client, make_user, make_vacancy, bearer):
    own = make_vacancy(title="Vår plass")
    other = make_vacancy(title="Andres plass")
    headers = bearer(make_user(Role.employer, employer=own.employer))
    listed = client.get("/api/v1/vacancies", headers=headers).get_json()
    assert [v["id"] for v in listed["items"]] == [own.id] and listed["total"] == 1
    assert client.get(f"/api/v1/vacancies/{own.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/vacancies/{other.id}", headers=headers).status_code == 404
    employers = client.get("/api/v1/employers", headers=headers).get_json()
    assert [e["id"] for e in employers["items"]] == [own.employer_id]
    assert client.get(f"/api/v1/employers/{other.employer_id}", headers=headers).status_code == 404


def test_staff_post_a_need_and_read_it_back_in_contract_shape(
    client, make_user, make_employer, bearer
):
    employer = make_employer()
    headers = bearer(make_user(Role.employer_contact))
    created = client.post(
        "/api/v1/vacancies",
        headers=headers,
        json={**NEED, "employer_id": employer.id, "status": "open"},
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "open" and body["employer_id"] == employer.id
    assert body["skills_required"] == ["bruke truck"] and body["skills_preferred"] == ["varemottak"]
    assert body["norwegian_min"] == {"oral": "A2", "written": None}
    assert client.get(f"/api/v1/vacancies/{body['id']}", headers=headers).get_json() == body
    vacancy = db.session.get(Vacancy, body["id"])
    assert vacancy.duration_weeks == 12  # computed from the dates, as on the web form
    events = db.session.scalars(select(VacancyEvent).where(VacancyEvent.vacancy_id == vacancy.id))
    assert [e.to_status for e in events] == [VacancyStatus.draft, VacancyStatus.open]
    assert db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.object_type == "vacancy", AuditEvent.object_id == vacancy.id)
    )


def test_employer_posts_for_its_own_employer_only(client, make_user, make_employer, bearer):
    mine, theirs = make_employer(), make_employer()
    headers = bearer(make_user(Role.employer, employer=mine))
    ok = client.post("/api/v1/vacancies", headers=headers, json=NEED)
    assert ok.status_code == 201 and ok.get_json()["employer_id"] == mine.id
    refused = client.post(
        "/api/v1/vacancies", headers=headers, json={**NEED, "employer_id": theirs.id}
    )
    assert refused.status_code == 422 and "employer_id" in refused.get_json()["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"type": "volunteer"}, "type"),
        ({"places": 0}, "places"),
        ({"hours_per_week": 100}, "hours_per_week"),
        ({"norwegian_min": {"oral": "D1"}}, "norwegian_min.oral"),
        ({"end_date": "2026-12-01"}, "end_date"),  # before the start
        ({"start_date": "31.12.2026"}, "start_date"),
        ({"skills_required": ["x" * 101]}, "skills_required.0"),
        ({"deadline": "2027-02-01"}, "deadline"),  # after the start
        ({"type": "sprakpraksis", "driving_licence": "B"}, "driving_licence"),  # n/a for type
        ({"type": "ordinar", "end_date": None}, "hours_per_week"),  # required for the type
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_need_names_the_field_and_saves_nothing(
    client, make_user, make_employer, bearer, change, field
):
    employer = make_employer()
    headers = bearer(make_user(Role.coordinator))
    before = db.session.scalar(select(func.count()).select_from(Vacancy))
    response = client.post(
        "/api/v1/vacancies", headers=headers, json={**NEED, "employer_id": employer.id, **change}
    )
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert field in fields and fields[field]
    assert db.session.scalar(select(func.count()).select_from(Vacancy)) == before


def test_update_a_need_and_move_its_status(client, make_user, make_vacancy, bearer):
    vacancy = make_vacancy(status=VacancyStatus.open, places=1)
    headers = bearer(make_user(Role.coordinator))
    changed = client.patch(f"/api/v1/vacancies/{vacancy.id}", headers=headers, json={"places": 3})
    assert changed.status_code == 200 and changed.get_json()["places"] == 3
    filled = client.patch(
        f"/api/v1/vacancies/{vacancy.id}", headers=headers, json={"status": "filled"}
    )
    assert filled.get_json()["status"] == "filled"
    impossible = client.patch(
        f"/api/v1/vacancies/{vacancy.id}", headers=headers, json={"status": "draft"}
    )
    assert impossible.status_code == 409 and "status" in impossible.get_json()["fields"]


def test_employers_are_validated_and_duplicates_conflict(client, make_user, make_employer, bearer):
    headers = bearer(make_user(Role.employer_contact))
    new = {
        "orgnr": "923 609 016",
        "name": "Grorud Bakeri AS",
        "nace_section": "C",
        "district": "Grorud",
        "size_band": "small",
        "contact": {"name": "Kari Nordmann", "email": "kari@bakeri.no"},
    }
    created = client.post("/api/v1/employers", headers=headers, json=new)
    assert created.status_code == 201 and created.get_json()["orgnr"] == "923609016"
    assert created.get_json()["approval"] == "approved"
    again = client.post("/api/v1/employers", headers=headers, json=new)
    assert again.status_code == 409 and "orgnr" in again.get_json()["fields"]
    bad = client.post("/api/v1/employers", headers=headers, json={**new, "orgnr": "923609017"})
    assert bad.status_code == 422 and "orgnr" in bad.get_json()["fields"]
    assert db.session.scalar(select(func.count()).select_from(Employer)) == 1
    employer_headers = bearer(make_user(Role.employer))
    assert client.post("/api/v1/employers", headers=employer_headers, json=new).status_code == 403


def test_employer_updates_its_own_details_but_not_others(client, make_user, make_employer, bearer):
    mine, theirs = make_employer(), make_employer()
    headers = bearer(make_user(Role.employer, employer=mine))
    ok = client.patch(f"/api/v1/employers/{mine.id}", headers=headers, json={"city": "Oslo"})
    assert ok.status_code == 200 and ok.get_json()["city"] == "Oslo"
    assert (
        client.patch(
            f"/api/v1/employers/{theirs.id}", headers=headers, json={"city": "X"}
        ).status_code
        == 404
    )
    counsellor = bearer(make_user(Role.counsellor))
    assert (
        client.patch(
            f"/api/v1/employers/{mine.id}", headers=counsellor, json={"city": "X"}
        ).status_code
        == 403
    )


def _page_order(html: str) -> list[str]:
    return re.findall(r'<h2 class="h3">\d+\. (K-[0-9A-F]{6})</h2>', html)


def test_api_suggestions_have_the_same_order_as_the_suggestion_page(
    client, pool, make_candidate, bearer
):  # noqa: F811
    vacancy, users, c = pool
    # More candidates with different fits, so that the order says something.
    alna = users["counsellor"].partner
    for i, (skills, level) in enumerate(
        [
            (["bruke truck"], Cefr.A2),
            (["plukke ordre", "varemottak"], Cefr.B2),
            ([], Cefr.C1),
            (["bruke truck", "plukke ordre", "varemottak"], Cefr.A1),
            (["varemottak"], Cefr.B1),
        ]
    ):
        extra = make_candidate(partner=alna, first_name=f"Ekstra{i}", norwegian_oral=level)
        extra.skills = [_skill(s) for s in skills]
    db.session.commit()
    counsellor = users["counsellor"]
    api = client.get(
        f"/api/v1/vacancies/{vacancy.id}/suggestions?top=25", headers=bearer(counsellor)
    )
    assert api.status_code == 200
    ranking = api.get_json()
    assert ranking["vacancy_id"] == str(vacancy.id)
    api_order = [
        pseudonym(int(r["candidate_id"])) if r["own_partner"] else r["candidate_id"]
        for r in ranking["ranking"]
    ]
    login(client, counsellor.email)
    page_order = _page_order(
        client.get(f"/suggestions/vacancies/{vacancy.id}").get_data(as_text=True)
    )
    assert len(api_order) == 8 and api_order == page_order
    scores = [r["score"] for r in ranking["ranking"]]
    assert scores == sorted(scores, reverse=True) or not all(
        r["eligible"] for r in ranking["ranking"]
    )
    # Another partner's consented candidate comes as a pseudonym, never as an id or a name.
    shared = next(r for r in ranking["ranking"] if not r["own_partner"])
    assert shared["candidate_id"] == pseudonym(c["shared"].id) and shared["match_id"] is None
    assert "Sahra" not in api.get_data(as_text=True)
    assert pseudonym(c["hidden"].id) not in api_order


def test_suggestions_are_for_candidate_readers_and_audited(client, pool, bearer):  # noqa: F811
    vacancy, users, _ = pool
    for role in ("employer", "employer_contact", "admin"):
        response = client.get(
            f"/api/v1/vacancies/{vacancy.id}/suggestions", headers=bearer(users[role])
        )
        assert response.status_code == 403, role
    client.get(f"/api/v1/vacancies/{vacancy.id}/suggestions", headers=bearer(users["coordinator"]))
    listed = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.list, AuditEvent.object_id == vacancy.id
        )
    ).all()
    assert len(listed) == 1 and listed[0].detail["via"] == "api"


def test_counsellor_proposes_and_employer_answers_through_the_api(client, pool, bearer):  # noqa: F811
    vacancy, users, c = pool
    counsellor = bearer(users["counsellor"])
    proposed = client.post(
        "/api/v1/matches",
        headers=counsellor,
        json={"vacancy_id": vacancy.id, "candidate_id": c["own"].id, "status": "proposed"},
    )
    assert proposed.status_code == 201, proposed.get_json()
    match_id = proposed.get_json()["id"]
    assert proposed.get_json()["status"] == "proposed"
    # Another partner's candidate cannot be proposed by us; the refusal names the field.
    foreign = client.post(
        "/api/v1/matches",
        headers=counsellor,
        json={"vacancy_id": vacancy.id, "candidate_id": c["shared"].id},
    )
    assert foreign.status_code == 422 and "candidate_id" in foreign.get_json()["fields"]
    employer = bearer(users["employer"])
    listed = client.get("/api/v1/proposals", headers=employer).get_json()
    assert [p["match_id"] for p in listed["items"]] == [match_id]
    assert listed["items"][0]["identified"] is False and listed["items"][0]["email"] is None
    assert "Amina" not in str(listed)
    answered = client.post(
        f"/api/v1/matches/{match_id}/events", headers=employer, json={"to": "interview"}
    )
    assert answered.status_code == 201 and answered.get_json()["outcome"] == "interview"
    # A step that is not the employer's to take is a conflict, not an error page.
    again = client.post(
        f"/api/v1/matches/{match_id}/events", headers=employer, json={"to": "hired"}
    )
    assert again.status_code == 409
    started = client.post(
        f"/api/v1/matches/{match_id}/events",
        headers=counsellor,
        json={"to": "started", "on": "2027-01-04"},
    )
    assert started.status_code == 201 and started.get_json()["outcome"] == "started"
    history = client.get(f"/api/v1/matches/{match_id}", headers=counsellor).get_json()["events"]
    assert [e["to_value"] for e in history] == ["suggested", "proposed", "interview", "started"]


def test_employer_cannot_see_or_answer_other_employers_proposals(client, pool, make_user, bearer):  # noqa: F811
    vacancy, users, c = pool
    match = matches.create(
        vacancy.id, c["own"].id, users["counsellor"], status=MatchStatus.proposed
    )
    db.session.commit()
    stranger = bearer(make_user(Role.employer))
    assert client.get("/api/v1/proposals", headers=stranger).get_json()["total"] == 0
    response = client.post(
        f"/api/v1/matches/{match.id}/events", headers=stranger, json={"to": "interested"}
    )
    assert response.status_code == 404
    assert client.get(f"/api/v1/matches/{match.id}", headers=stranger).status_code == 403


def test_withdrawn_employer_consent_hides_the_proposal_at_once(client, pool, bearer):  # noqa: F811
    vacancy, users, c = pool
    matches.create(vacancy.id, c["own"].id, users["counsellor"], status=MatchStatus.proposed)
    db.session.commit()
    employer = bearer(users["employer"])
    assert client.get("/api/v1/proposals", headers=employer).get_json()["total"] == 1
    for consent in c["own"].consents:
        if consent.scope is ConsentScope.employers:
            consent.withdrawn_at = date(2026, 11, 1)
    db.session.commit()
    assert client.get("/api/v1/proposals", headers=employer).get_json()["total"] == 0
