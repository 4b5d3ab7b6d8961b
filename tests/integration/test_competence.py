"""Standing competence needs: employers and staff create them; staff list them; other views find
the relevant ones for a candidate through competence_needs_for()."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import CompetenceNeed, Occupation, Skill
from employerpool.models.enums import ApprovalStatus, Role
from employerpool.services.competence import competence_needs_for
from tests.conftest import login, post_form
from tests.integration.test_registration import field_error


def need_data(**overrides) -> dict:
    data = {
        "occupation_label": "truckfører",
        "skills": "truckførerbevis, varemottak",
        "season": "var",
        "volume": "6",
        "description": "Hver vår trenger vi flere på lageret.",
    }
    data.update(overrides)
    return data


def test_employer_creates_a_competence_need_shown_on_its_pages(client, make_user):
    db.session.add(Occupation(label="truckfører", styrk08="8344"))
    db.session.commit()
    user = make_user(Role.employer)
    login(client, user.email)
    response = post_form(client, "/competence-needs/new", need_data())
    assert response.status_code == 302
    need = db.session.scalars(select(CompetenceNeed)).one()
    assert need.employer_id == user.employer_id and need.styrk08 == "8344"
    assert sorted(s.label for s in need.skills) == ["truckførerbevis", "varemottak"]
    assert need.season == "var" and need.volume == 6 and need.active
    for url in ("/start", f"/employers/{user.employer_id}"):
        html = client.get(url).get_data(as_text=True)
        assert "truckfører" in html and "Vår" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"occupation_label": ""}, "occupation_label", "Skriv hvilket yrke"),
        ({"occupation_label": "x" * 10_000}, "occupation_label", "høyst 200 tegn"),
        ({"volume": "0"}, "volume", "mellom 1 og 1000"),
        ({"volume": "mange"}, "volume", "helt tall"),
        ({"season": "monsun"}, "season", ""),
        ({"description": "x" * 3000}, "description", "høyst 2000 tegn"),
        ({"skills": "y" * 300}, "skills", "høyst 100 tegn"),
    ],
)
def test_bad_input_is_refused_beside_the_field(client, make_user, overrides, field, message):
    login(client, make_user(Role.employer).email)
    response = post_form(client, "/competence-needs/new", need_data(**overrides))
    assert response.status_code == 400
    assert message in field_error(response.get_data(as_text=True), field)
    assert db.session.scalar(select(func.count()).select_from(CompetenceNeed)) == 0


def test_staff_create_for_an_employer_and_see_the_list(client, make_user, make_employer):
    employer = make_employer(name="Vårlager AS")
    staff = make_user(Role.employer_contact)
    login(client, staff.email)
    data = need_data(employer_id=str(employer.id))
    assert post_form(client, "/competence-needs/new", data).status_code == 302
    need = db.session.scalars(select(CompetenceNeed)).one()
    assert need.employer_id == employer.id
    html = client.get("/competence-needs/").get_data(as_text=True)
    assert "Vårlager AS" in html and "truckfører" in html
    assert "Vårlager AS" not in client.get("/competence-needs/?q=renhold").get_data(as_text=True)


def test_edit_and_end_and_reopen(client, make_user):
    user = make_user(Role.employer)
    login(client, user.email)
    post_form(client, "/competence-needs/new", need_data())
    need = db.session.scalars(select(CompetenceNeed)).one()
    response = post_form(
        client, f"/competence-needs/{need.id}/edit", need_data(volume="10", skills="plukking")
    )
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.volume == 10 and [s.label for s in need.skills] == ["plukking"]
    post_form(client, f"/competence-needs/{need.id}/active", {"active": "0"}, form_url="/start")
    db.session.refresh(need)
    assert need.active is False
    post_form(client, f"/competence-needs/{need.id}/active", {"active": "1"}, form_url="/start")
    db.session.refresh(need)
    assert need.active is True


def test_competence_needs_for_sorts_by_relevance(make_employer):
    skills = {label: Skill(label=label) for label in ("truckførerbevis", "varemottak", "renhold")}
    employer = make_employer()
    pending = make_employer(approval=ApprovalStatus.pending)

    def add(occupation, styrk, labels, employer=employer, active=True, volume=None):
        need = CompetenceNeed(
            employer=employer,
            occupation_label=occupation,
            styrk08=styrk,
            active=active,
            volume=volume,
        )
        need.skills = [skills[label] for label in labels]
        db.session.add(need)
        return need

    exact = add("truckfører", "8344", ["truckførerbevis"])
    group = add("kranfører", "8343", [])
    skills_only = add("lagermedarbeider", "9321", ["truckførerbevis", "varemottak"])
    add("renholder", "9112", ["renhold"])
    add("truckfører", "8344", ["truckførerbevis"], active=False)
    add("truckfører", "8344", ["truckførerbevis"], employer=pending)
    db.session.commit()
    hits = competence_needs_for(["Truckførerbevis", "varemottak"], ["8344"])
    assert [h.need.id for h in hits] == [exact.id, skills_only.id, group.id]
    assert hits[0].occupation_match == "exact" and hits[0].matched_skills == ["truckførerbevis"]
    assert hits[2].occupation_match == "group" and hits[2].score == 1.5
    assert competence_needs_for([], []) == []


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), *((r, 200) for r in Role if r.is_staff), (Role.employer, 403)],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_staff_list_access(client, make_user, role, expected):
    if role is not None:
        login(client, make_user(role).email)
    response = client.get("/competence-needs/")
    assert response.status_code == expected
    if role is None:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), (Role.counsellor, 200), (Role.employer, 200), ("other_employer", 404)],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_edit_access(client, make_user, make_employer, role, expected):
    employer = make_employer()
    need = CompetenceNeed(employer=employer, occupation_label="kokk")
    db.session.add(need)
    db.session.commit()
    if role == "other_employer":
        login(client, make_user(Role.employer).email)
    elif role is Role.employer:
        login(client, make_user(Role.employer, employer=employer).email)
    elif role is not None:
        login(client, make_user(role).email)
    response = client.get(f"/competence-needs/{need.id}/edit")
    assert response.status_code == expected
    if role is None:
        assert "/login" in response.headers["Location"]
    assert client.get("/competence-needs/new").status_code == (302 if role is None else 200)
