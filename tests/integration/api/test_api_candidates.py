"""The candidate resource of the API: own partner only, audited reads, the web's validation
ranges, consents that take effect at once (issue 7)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from employerpool.extensions import db
from employerpool.models import (
    AuditEvent,
    Candidate,
    CandidateEvent,
    Experience,
    Placement,
    Skill,
    VacancySkill,
    now_utc,
)
from employerpool.models.enums import (
    AuditAction,
    CandidateStatus,
    Cefr,
    ConsentScope,
    District,
    Gender,
    PlacementType,
    Programme,
    Role,
)
from employerpool.services.suggestions import pseudonym

COVERED_ENDPOINTS = {
    "api.list_candidates",
    "api.get_candidate",
    "api.create_candidate",
    "api.update_candidate",
}


def _skill(label: str) -> Skill:
    skill = db.session.scalar(select(Skill).where(Skill.label == label))
    if skill is None:
        skill = Skill(label=label)
        db.session.add(skill)
    return skill


@pytest.fixture
def world(make_partner, make_user, make_candidate, make_employer, make_vacancy):
    """NAV Alna (ours) and NAV Stovner, staff of every role, a candidate on each side."""
    alna, stovner = make_partner(name="NAV Alna"), make_partner(name="NAV Stovner")
    employer = make_employer(name="Lager Øst AS")
    users = {
        "counsellor": make_user(Role.counsellor, partner=alna),
        "coordinator": make_user(Role.coordinator, partner=alna),
        "admin": make_user(Role.admin, partner=alna),
        "employer_contact": make_user(Role.employer_contact, partner=alna),
        "employer": make_user(Role.employer, employer=employer),
        "other_counsellor": make_user(Role.counsellor, partner=stovner),
    }
    own = make_candidate(
        partner=alna,
        first_name="Amina",
        last_name="Hansen",
        programme=Programme.KVP,
        district=District.Alna,
        consents=(ConsentScope.pool_partners,),
    )
    other = make_candidate(partner=stovner, first_name="Sahra", last_name="Olsen")
    return users, {"own": own, "other": other, "alna": alna, "employer": employer}


PROFILE = {
    "first_name": "Yusuf",
    "last_name": "Ali",
    "birth_year": 1990,
    "gender": "male",
    "phone": "+47 412 34 567",
    "email": "yusuf@example.no",
    "district": "Grorud",
    "programme": "Intro",
    "innsatsgruppe": "situasjonsbestemt",
    "status": "active",
    "education_level": "primary",
    "norwegian": {"oral": "b1", "written": "A2"},
    "skills": ["bruke truck", "Lagerstyring", "Bruke truck"],
    "summary": "Erfaren lagerarbeider.",
    "experience": [{"title": "lagerarbeider", "years": 2, "abroad": True}],
    "desired_occupations": ["lagermedarbeider"],
    "driving_licence": ["B"],
    "max_hours_per_week": 37.5,
    "available_from": "2026-12-01",
    "consents": {"employers": True, "employers_identity": True},
}


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/v1/candidates"),
        ("GET", "/api/v1/candidates/1"),
        ("POST", "/api/v1/candidates"),
        ("PATCH", "/api/v1/candidates/1"),
    ],
)
def test_no_token_is_401(client, method, url):
    response = client.open(url, method=method, json={})
    assert response.status_code == 401 and response.is_json


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("counsellor", (200, 200, 201, 200)),
        ("coordinator", (200, 200, 201, 200)),
        ("admin", (403, 403, 403, 403)),
        ("employer_contact", (403, 403, 403, 403)),
        ("employer", (403, 403, 403, 403)),
    ],
)
def test_only_counsellors_and_coordinators_work_with_candidates(
    client, world, bearer, role, expected
):
    users, c = world
    headers = bearer(users[role])
    own = c["own"].id
    codes = (
        client.get("/api/v1/candidates", headers=headers).status_code,
        client.get(f"/api/v1/candidates/{own}", headers=headers).status_code,
        client.post("/api/v1/candidates", headers=headers, json=PROFILE).status_code,
        client.patch(
            f"/api/v1/candidates/{own}", headers=headers, json={"summary": "Ny"}
        ).status_code,
    )
    assert codes == expected


def test_employer_token_is_refused_a_candidate_and_the_refusal_is_audited(client, world, bearer):
    users, c = world
    response = client.get(f"/api/v1/candidates/{c['own'].id}", headers=bearer(users["employer"]))
    assert response.status_code == 403 and "Amina" not in response.get_data(as_text=True)
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "candidate", AuditEvent.object_id == c["own"].id
        )
    ).one()
    assert event.allowed is False and event.user_id == users["employer"].id


def test_another_partners_candidate_is_404_and_the_refusal_is_audited(client, world, bearer):
    users, c = world
    headers = bearer(users["counsellor"])
    response = client.get(f"/api/v1/candidates/{c['other'].id}", headers=headers)
    assert response.status_code == 404 and response.is_json
    assert "Sahra" not in response.get_data(as_text=True)
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "candidate", AuditEvent.object_id == c["other"].id
        )
    ).one()
    assert event.allowed is False and event.user_id == users["counsellor"].id
    assert event.action is AuditAction.view
    # Nor can it be changed: the same 404, and nothing changes.
    patched = client.patch(
        f"/api/v1/candidates/{c['other'].id}", headers=headers, json={"first_name": "X"}
    )
    assert patched.status_code == 404
    db.session.refresh(c["other"])
    assert c["other"].first_name == "Sahra"


def test_reading_an_own_candidate_is_audited_once(client, world, bearer):
    users, c = world
    response = client.get(f"/api/v1/candidates/{c['own'].id}", headers=bearer(users["counsellor"]))
    assert response.status_code == 200
    body = response.get_json()
    assert body["first_name"] == "Amina" and body["partner_id"] == c["alna"].id
    assert body["consents"] == {
        "pool_partners": True,
        "employers": False,
        "employers_identity": False,
    }
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.view, AuditEvent.object_type == "candidate"
        )
    ).all()
    assert [(e.object_id, e.allowed) for e in events] == [(c["own"].id, True)]


def test_list_shows_own_partner_only_without_erased_and_is_audited(
    client, world, bearer, make_candidate
):
    users, c = world
    erased = make_candidate(partner=c["alna"], first_name="Slettet", erased_at=now_utc())
    response = client.get("/api/v1/candidates", headers=bearer(users["coordinator"]))
    assert response.status_code == 200
    body = response.get_json()
    assert [item["id"] for item in body["items"]] == [c["own"].id]
    assert body["total"] == 1 and body["page"] == 1
    assert erased.id not in [item["id"] for item in body["items"]]
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.list, AuditEvent.object_type == "candidate"
        )
    ).one()
    assert event.detail["candidate_ids"] == [c["own"].id]
    assert "Amina" not in str(event.detail)


def test_list_filters_and_name_search(client, world, bearer, make_candidate):
    users, c = world
    alna = c["alna"]
    yno = make_candidate(
        partner=alna,
        first_name="Bashir",
        last_name="Nilsen",
        programme=Programme.YNO,
        district=District.Stovner,
        status=CandidateStatus.employed,
    )
    headers = bearer(users["counsellor"])

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/candidates?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids("programme=YNO") == [yno.id]
    assert ids("district=Alna") == [c["own"].id]
    assert ids("status=employed") == [yno.id]
    assert ids("q=bashir") == [yno.id]
    assert ids("q=amina%20hansen") == [c["own"].id]
    assert ids("q=%25") == []  # literal, not a wildcard
    assert ids("per_page=1&page=2") == [yno.id]  # Hansen, then Nilsen


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=gone", "status"), ("programme=kvp", "programme"), ("mine=1", "mine")],
)
def test_list_filters_are_allowlisted(client, world, bearer, query, field):
    users, _ = world
    response = client.get(f"/api/v1/candidates?{query}", headers=bearer(users["counsellor"]))
    assert response.status_code == 422 and field in response.get_json()["fields"]


def test_create_and_read_back_a_full_profile(client, world, bearer):
    users, _ = world
    headers = bearer(users["counsellor"])
    response = client.post("/api/v1/candidates", headers=headers, json=PROFILE)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["counsellor_id"] == users["counsellor"].id  # defaults to the creator
    assert created["partner_id"] == users["counsellor"].partner_id
    assert created["norwegian"] == {"oral": "B1", "written": "A2"}
    assert created["skills"] == ["bruke truck", "Lagerstyring"]  # de-duplicated
    assert created["experience"] == [{"title": "lagerarbeider", "years": 2.0, "abroad": True}]
    assert created["consents"] == {
        "pool_partners": False,
        "employers": True,
        "employers_identity": True,
    }
    again = client.get(f"/api/v1/candidates/{created['id']}", headers=headers).get_json()
    assert again == created
    for key in ("first_name", "phone", "district", "driving_licence", "available_from"):
        assert again[key] == PROFILE[key]
    cand = db.session.get(Candidate, created["id"])
    assert cand.norwegian_oral is Cefr.B1 and cand.gender is Gender.male
    events = db.session.scalars(
        select(CandidateEvent).where(CandidateEvent.candidate_id == cand.id)
    ).all()
    assert events[0].fields == ["created"]
    assert {tuple(e.fields) for e in events[1:]} == {
        ("consent:employers",),
        ("consent:employers_identity",),
    }
    audit = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.create, AuditEvent.object_type == "candidate"
        )
    ).one()
    assert audit.object_id == cand.id and "Yusuf" not in str(audit.detail)


def test_patch_changes_only_what_is_sent_and_keeps_history(client, world, bearer):
    users, _ = world
    headers = bearer(users["counsellor"])
    created = client.post("/api/v1/candidates", headers=headers, json=PROFILE).get_json()
    url = f"/api/v1/candidates/{created['id']}"
    response = client.patch(
        url,
        headers=headers,
        json={"norwegian": {"oral": "B2"}, "max_hours_per_week": None, "skills": ["sveising"]},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["norwegian"] == {"oral": "B2", "written": "A2"}  # written stays
    assert body["max_hours_per_week"] is None and body["skills"] == ["sveising"]
    assert body["first_name"] == "Yusuf" and body["experience"] == created["experience"]
    last = db.session.scalars(
        select(CandidateEvent)
        .where(CandidateEvent.candidate_id == created["id"])
        .order_by(CandidateEvent.id.desc())
    ).first()
    assert last.fields == ["max_hours_per_week", "norwegian_oral", "skills"]
    assert last.actor_id == users["counsellor"].id


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Candidate))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"birth_year": 1850}, "birth_year"),
        ({"birth_year": date.today().year - 10}, "birth_year"),
        ({"norwegian": {"oral": "D9"}}, "norwegian.oral"),
        ({"first_name": "x" * 81}, "first_name"),
        ({"first_name": "   "}, "first_name"),
        ({"phone": "ring meg"}, "phone"),
        ({"email": "ikke-en-adresse"}, "email"),
        ({"experience": [{"title": "kokk", "years": 61}]}, "experience.0.years"),
        ({"max_hours_per_week": 0.5}, "max_hours_per_week"),
        ({"driving_licence": ["Z"]}, "driving_licence.0"),
        ({"skills": [f"ferdighet {n}" for n in range(51)]}, "skills"),
        ({"summary": "x" * 2001}, "summary"),
        ({"available_from": "2026-13-01"}, "available_from"),
        ({"programme": "Kurs"}, "programme"),
        ({"favourite_colour": "blå"}, "favourite_colour"),
        ({"consents": {"employers_identity": True}}, "consents.employers_identity"),
        ({"consents": {"everyone": True}}, "consents.everyone"),
        ({"status": None}, "status"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(client, world, bearer, change, field):
    users, c = world
    headers = bearer(users["counsellor"])
    before = _count()
    response = client.post("/api/v1/candidates", headers=headers, json={**PROFILE, **change})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert field in body["fields"], body
    assert body["error"] and body["fields"][field]
    assert _count() == before
    # The same change to an existing profile: refused, and the profile is untouched.
    patch = {"first_name": "Endret", "consents": {"employers": True}, **change}
    patched = client.patch(f"/api/v1/candidates/{c['own'].id}", headers=headers, json=patch)
    assert patched.status_code == 422 and field in patched.get_json()["fields"]
    db.session.refresh(c["own"])
    assert c["own"].first_name == "Amina"
    assert not c["own"].has_consent(ConsentScope.employers)


@pytest.mark.parametrize("who", ["employer_contact", "other_counsellor", "nobody"])
def test_counsellor_must_be_a_counsellor_or_coordinator_of_the_own_partner(
    client, world, bearer, who
):
    users, _ = world
    user_id = users[who].id if who != "nobody" else 999_999
    response = client.post(
        "/api/v1/candidates",
        headers=bearer(users["counsellor"]),
        json={**PROFILE, "counsellor_id": user_id},
    )
    assert response.status_code == 422
    assert "counsellor_id" in response.get_json()["fields"]


def test_coordinator_may_be_the_counsellor(client, world, bearer):
    users, _ = world
    response = client.post(
        "/api/v1/candidates",
        headers=bearer(users["counsellor"]),
        json={**PROFILE, "counsellor_id": users["coordinator"].id},
    )
    assert response.status_code == 201
    assert response.get_json()["counsellor_id"] == users["coordinator"].id


def test_withdrawing_pool_consent_hides_the_candidate_from_other_partners_at_once(
    client, world, bearer, make_vacancy
):
    users, c = world
    vacancy = make_vacancy(
        employer=c["employer"],
        title="Lagermedarbeider",
        occupation_label="lagermedarbeider",
        type=PlacementType.arbeidspraksis,
    )
    vacancy.skill_links.append(VacancySkill(skill=_skill("bruke truck"), required=True))
    c["own"].skills = [_skill("bruke truck")]
    db.session.commit()
    other = bearer(users["other_counsellor"])
    url = f"/api/v1/vacancies/{vacancy.id}/suggestions"

    def shown() -> list[str]:
        response = client.get(url, headers=other)
        assert response.status_code == 200
        return [r["candidate_id"] for r in response.get_json()["ranking"]]

    assert pseudonym(c["own"].id) in shown()
    response = client.patch(
        f"/api/v1/candidates/{c['own'].id}",
        headers=bearer(users["counsellor"]),
        json={"consents": {"pool_partners": False}},
    )
    assert response.status_code == 200
    assert response.get_json()["consents"]["pool_partners"] is False
    assert pseudonym(c["own"].id) not in shown()
    consent = c["own"].consents[0]
    assert consent.scope is ConsentScope.pool_partners and consent.withdrawn_at is not None


def test_withdrawing_sharing_with_employers_also_withdraws_identity(client, world, bearer):
    users, c = world
    headers = bearer(users["counsellor"])
    url = f"/api/v1/candidates/{c['own'].id}"
    given = client.patch(
        url, headers=headers, json={"consents": {"employers": True, "employers_identity": True}}
    )
    assert given.get_json()["consents"]["employers_identity"] is True
    withdrawn = client.patch(url, headers=headers, json={"consents": {"employers": False}})
    assert withdrawn.get_json()["consents"] == {
        "pool_partners": True,
        "employers": False,
        "employers_identity": False,
    }


@contextmanager
def count_statements():
    """Count the SQL statements sent to the database inside the block."""
    counter = SimpleNamespace(n=0)

    def before(conn, cursor, statement, parameters, context, executemany):
        counter.n += 1

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def test_list_runs_the_same_queries_for_many_candidates(client, world, bearer, make_candidate):
    users, c = world
    headers = bearer(users["counsellor"])

    def grow(n: int) -> None:
        for i in range(n):
            cand = make_candidate(
                partner=c["alna"], first_name=f"K{i}", consents=(ConsentScope.employers,)
            )
            cand.skills = [_skill(f"ferdighet {i}"), _skill("bruke truck")]
            cand.experiences = [Experience(title="kokk", years=i)]
            db.session.add(
                Placement(
                    candidate_id=cand.id,
                    employer_id=c["employer"].id,
                    type=PlacementType.arbeidspraksis,
                    title="Kokk",
                    start_date=date(2025, 1, 1),
                )
            )
        db.session.commit()

    def statements() -> int:
        with count_statements() as counter:
            assert client.get("/api/v1/candidates?per_page=100", headers=headers).status_code == 200
        return counter.n

    statements()  # the token's first request writes its rate-limit window
    grow(2)
    few = statements()
    grow(10)
    assert statements() == few
