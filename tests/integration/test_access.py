"""The visibility model, route × role: shared employers and needs, own-partner candidates,
own-employer data for employer users (DESIGN §2, §6)."""

from __future__ import annotations

import importlib
import pathlib

import pytest

from employerpool.extensions import db
from employerpool.models import AuditEvent
from employerpool.models.enums import AuditAction, Role
from tests.conftest import login

ROLES = [None, *Role]  # None: anonymous

# route template -> {role name or "anonymous": expected status}
STAFF_OK = {r.name: 200 for r in Role if r.is_staff}
MATRIX = {
    "/start": {"anonymous": 302, **{r.name: 200 for r in Role}},
    "/employers/": {"anonymous": 302, **STAFF_OK, "employer": 403},
    "/employers/{own_employer}": {"anonymous": 302, **STAFF_OK, "employer": 200},
    "/employers/{other_employer}": {"anonymous": 302, **STAFF_OK, "employer": 404},
    "/vacancies/": {"anonymous": 302, **{r.name: 200 for r in Role}},
    "/vacancies/{own_vacancy}": {"anonymous": 302, **STAFF_OK, "employer": 200},
    "/vacancies/{other_vacancy}": {"anonymous": 302, **STAFF_OK, "employer": 404},
    "/candidates/": {
        "anonymous": 302,
        "admin": 403,
        "coordinator": 200,
        "counsellor": 200,
        "employer_contact": 403,
        "employer": 403,
    },
    "/candidates/{own_candidate}": {
        "anonymous": 302,
        "admin": 403,
        "coordinator": 200,
        "counsellor": 200,
        "employer_contact": 403,
        "employer": 403,
    },
    "/candidates/{other_candidate}": {
        "anonymous": 302,
        "admin": 403,
        "coordinator": 404,
        "counsellor": 404,
        "employer_contact": 403,
        "employer": 403,
    },
    "/admin/users": {
        "anonymous": 302,
        "admin": 200,
        **{r.name: 403 for r in Role if r is not Role.admin},
    },
}
# Endpoints reached by something other than a plain GET by a role (POST-only, public pages).
WORLD_KEYS = (
    "own_employer",
    "other_employer",
    "own_vacancy",
    "other_vacancy",
    "own_candidate",
    "other_candidate",
)
NOT_IN_MATRIX = {
    "static",
    "auth.login",
    "auth.logout",
    "auth.set_password_view",
    "auth.set_language",
    "main.index",
}


@pytest.fixture
def world(make_partner, make_employer, make_user, make_vacancy, make_candidate):
    """Two partners, two employers, a need and a candidate on each side."""
    own_partner, other_partner = make_partner(name="NAV Alna"), make_partner(name="NAV Stovner")
    own_employer, other_employer = make_employer(), make_employer()
    users = {
        role: make_user(role, partner=own_partner)
        if role.is_staff
        else make_user(role, employer=own_employer)
        for role in Role
    }
    ids = {
        "own_employer": own_employer.id,
        "other_employer": other_employer.id,
        "own_vacancy": make_vacancy(employer=own_employer).id,
        "other_vacancy": make_vacancy(employer=other_employer).id,
        "own_candidate": make_candidate(partner=own_partner).id,
        "other_candidate": make_candidate(partner=other_partner).id,
    }
    return users, ids


@pytest.mark.parametrize("route", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.name if r else "anonymous")
def test_access_matrix(client, world, route, role):
    users, ids = world
    if role is not None:
        login(client, users[role].email)
    response = client.get(route.format(**ids))
    expected = MATRIX[route][role.name if role else "anonymous"]
    assert response.status_code == expected
    if expected == 302:
        assert "/login" in response.headers["Location"]


def _covered_elsewhere() -> set[str]:
    """Endpoints whose access rules live in other test modules (`COVERED_ENDPOINTS`)."""
    covered: set[str] = set()
    for path in sorted(pathlib.Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(f"tests.integration.{path.stem}")
        covered |= set(getattr(module, "COVERED_ENDPOINTS", ()))
    return covered


def test_every_route_has_an_access_rule(app):
    """A new route without a rule here or in a module's COVERED_ENDPOINTS fails this test."""
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(route.format(**dict.fromkeys(WORLD_KEYS, 1)))[0] for route in MATRIX}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - covered - NOT_IN_MATRIX - _covered_elsewhere()
    assert not missing, f"routes without an access rule: {sorted(missing)}"


def test_counsellor_cannot_read_another_partners_candidate_and_the_refusal_is_audited(
    client, world
):
    users, ids = world
    login(client, users[Role.counsellor].email)
    response = client.get(f"/candidates/{ids['other_candidate']}")
    assert response.status_code == 404
    assert "Testesen" not in response.get_data(as_text=True)
    event = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.object_type == "candidate", AuditEvent.object_id == ids["other_candidate"]
        )
    ).one()
    assert event.allowed is False and event.user_id == users[Role.counsellor].id


def test_reading_an_own_candidate_writes_exactly_one_audit_event(client, world):
    users, ids = world
    login(client, users[Role.counsellor].email)
    response = client.get(f"/candidates/{ids['own_candidate']}")
    assert response.status_code == 200
    assert "Amina Testesen" in response.get_data(as_text=True)
    events = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.action == AuditAction.view, AuditEvent.object_type == "candidate"
        )
    ).all()
    assert [(e.object_id, e.allowed) for e in events] == [(ids["own_candidate"], True)]


def test_candidate_list_shows_only_own_partners_candidates(client, world, make_candidate):
    users, ids = world
    login(client, users[Role.counsellor].email)
    html = client.get("/candidates/").get_data(as_text=True)
    assert f"/candidates/{ids['own_candidate']}" in html
    assert f"/candidates/{ids['other_candidate']}" not in html


def test_employer_user_sees_only_its_own_needs(client, world):
    users, ids = world
    login(client, users[Role.employer].email)
    html = client.get("/vacancies/").get_data(as_text=True)
    assert f"/vacancies/{ids['own_vacancy']}" in html
    assert f"/vacancies/{ids['other_vacancy']}" not in html
    start = client.get("/start").get_data(as_text=True)
    assert f"/vacancies/{ids['own_vacancy']}" in start
    assert f"/vacancies/{ids['other_vacancy']}" not in start


def test_staff_share_every_employer_and_need(client, world):
    users, ids = world
    login(client, users[Role.employer_contact].email)
    html = client.get("/vacancies/?status=all").get_data(as_text=True)
    assert f"/vacancies/{ids['own_vacancy']}" in html
    assert f"/vacancies/{ids['other_vacancy']}" in html
    html = client.get("/employers/").get_data(as_text=True)
    assert f"/employers/{ids['own_employer']}" in html
    assert f"/employers/{ids['other_employer']}" in html
