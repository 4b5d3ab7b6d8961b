"""The placement-history resource of the API: own partner's candidates for staff, the own
employer's placements without the candidate for employers, the pipeline owns matched ones."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from employerpool.extensions import db
from employerpool.models import AuditEvent, Candidate, CandidateEvent, Placement
from employerpool.models.enums import AuditAction, PlacementOutcome, PlacementType, Role
from employerpool.services import matches

COVERED_ENDPOINTS = {
    "api.list_placements",
    "api.get_placement",
    "api.create_placement",
    "api.update_placement",
}


@pytest.fixture
def world(make_partner, make_user, make_candidate, make_employer, make_vacancy):
    """Two partners with a candidate each, two employers, placements on both sides."""
    alna, stovner = make_partner(name="NAV Alna"), make_partner(name="NAV Stovner")
    ours, theirs = make_employer(name="Lager Øst AS"), make_employer(name="Kafé Vest AS")
    users = {
        "counsellor": make_user(Role.counsellor, partner=alna),
        "coordinator": make_user(Role.coordinator, partner=alna),
        "admin": make_user(Role.admin, partner=alna),
        "employer_contact": make_user(Role.employer_contact, partner=alna),
        "employer": make_user(Role.employer, employer=ours),
        "other_counsellor": make_user(Role.counsellor, partner=stovner),
    }
    own = make_candidate(partner=alna, first_name="Amina")
    other = make_candidate(partner=stovner, first_name="Sahra")

    def placement(candidate, employer, title, **kw) -> Placement:
        p = Placement(
            candidate_id=candidate.id,
            employer_id=employer.id if employer else None,
            type=PlacementType.arbeidspraksis,
            title=title,
            start_date=date(2025, 3, 1),
            outcome=PlacementOutcome.completed,
            end_date=date(2025, 6, 1),
            note="Fulgte opp Amina hjemme",
            **kw,
        )
        db.session.add(p)
        db.session.commit()
        return p

    vacancy = make_vacancy(employer=ours)
    match = matches.create(vacancy.id, own.id, users["counsellor"])
    db.session.commit()
    places = {
        "own_at_ours": placement(own, ours, "Lagermedarbeider"),
        "own_elsewhere": placement(own, None, "Butikkmedarbeider"),
        "other_at_ours": placement(other, ours, "Truckfører"),
        "other_at_theirs": placement(other, theirs, "Kokk"),
        "matched": placement(own, ours, "Plukker", match_id=match.id, vacancy_id=vacancy.id),
    }
    return users, {"own": own, "other": other, "ours": ours, "theirs": theirs, **places}


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/v1/placements"),
        ("GET", "/api/v1/placements/1"),
        ("POST", "/api/v1/placements"),
        ("PATCH", "/api/v1/placements/1"),
    ],
)
def test_no_token_is_401(client, method, url):
    assert client.open(url, method=method, json={}).status_code == 401


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("counsellor", (200, 200, 201, 200)),
        ("coordinator", (200, 200, 201, 200)),
        ("employer", (200, 200, 403, 403)),
        ("admin", (403, 403, 403, 403)),
        ("employer_contact", (403, 403, 403, 403)),
    ],
)
def test_access_by_role(client, world, bearer, role, expected):
    users, w = world
    headers = bearer(users[role])
    pid = w["own_at_ours"].id
    codes = (
        client.get("/api/v1/placements", headers=headers).status_code,
        client.get(f"/api/v1/placements/{pid}", headers=headers).status_code,
        client.post(
            "/api/v1/placements",
            headers=headers,
            json={
                "candidate_id": w["own"].id,
                "type": "sprakpraksis",
                "title": "Renholder",
                "start_date": "2024-01-08",
            },
        ).status_code,
        client.patch(f"/api/v1/placements/{pid}", headers=headers, json={"note": "Ok"}).status_code,
    )
    assert codes == expected


def test_staff_list_own_partners_candidates_only(client, world, bearer):
    users, w = world
    response = client.get("/api/v1/placements", headers=bearer(users["counsellor"]))
    body = response.get_json()
    assert {item["id"] for item in body["items"]} == {
        w["own_at_ours"].id,
        w["own_elsewhere"].id,
        w["matched"].id,
    }
    assert {item["candidate_id"] for item in body["items"]} == {w["own"].id}
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.list, AuditEvent.object_type == "placement"
        )
    ).one()
    assert event.detail["candidate_ids"] == [w["own"].id]


def test_filters(client, world, bearer):
    users, w = world
    headers = bearer(users["counsellor"])

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/v1/placements?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return {item["id"] for item in response.get_json()["items"]}

    assert ids(f"employer_id={w['ours'].id}") == {w["own_at_ours"].id, w["matched"].id}
    assert ids(f"candidate_id={w['other'].id}") == set()  # another partner's: nothing
    assert ids("outcome=hired") == set()
    assert ids("type=arbeidspraksis") == {
        w["own_at_ours"].id,
        w["own_elsewhere"].id,
        w["matched"].id,
    }
    bad = client.get("/api/v1/placements?outcome=great", headers=headers)
    assert bad.status_code == 422 and "outcome" in bad.get_json()["fields"]


def test_employer_sees_own_placements_without_the_candidate(client, world, bearer):
    users, w = world
    headers = bearer(users["employer"])
    body = client.get("/api/v1/placements", headers=headers).get_json()
    assert {item["id"] for item in body["items"]} == {
        w["own_at_ours"].id,
        w["other_at_ours"].id,
        w["matched"].id,
    }
    for item in body["items"]:
        assert item["candidate_id"] is None and item["match_id"] is None
        assert item["note"] is None and item["abort_reason"] is None
        assert item["title"] and item["start_date"] and item["outcome"]
    assert "Amina" not in str(body) and "Sahra" not in str(body)
    one = client.get(f"/api/v1/placements/{w['own_at_ours'].id}", headers=headers)
    assert one.status_code == 200 and one.get_json()["candidate_id"] is None
    elsewhere = client.get(f"/api/v1/placements/{w['other_at_theirs'].id}", headers=headers)
    assert elsewhere.status_code == 404
    probe = client.get(f"/api/v1/placements?candidate_id={w['own'].id}", headers=headers)
    assert probe.status_code == 422 and "candidate_id" in probe.get_json()["fields"]


def test_another_partners_placement_is_404_and_audited(client, world, bearer):
    users, w = world
    response = client.get(
        f"/api/v1/placements/{w['other_at_ours'].id}", headers=bearer(users["counsellor"])
    )
    assert response.status_code == 404
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "placement", AuditEvent.object_id == w["other_at_ours"].id
        )
    ).one()
    assert event.allowed is False and event.user_id == users["counsellor"].id


def test_register_a_historical_placement_round_trip(client, world, bearer):
    users, w = world
    headers = bearer(users["counsellor"])
    touched_before = w["own"].updated_at
    response = client.post(
        "/api/v1/placements",
        headers=headers,
        json={
            "candidate_id": w["own"].id,
            "employer_id": w["theirs"].id,
            "type": "lonnstilskudd",
            "title": "Kokk",
            "occupation": "kokk",
            "start_date": "2023-02-01",
            "end_date": "2023-08-31",
            "outcome": "hired",
            "contract_type": "fast",
            "note": "Fra partnerens arkiv",
        },
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["candidate_id"] == w["own"].id and created["match_id"] is None
    assert created["outcome"] == "hired" and created["end_date"] == "2023-08-31"
    again = client.get(f"/api/v1/placements/{created['id']}", headers=headers).get_json()
    assert again == created
    profile = client.get(f"/api/v1/candidates/{w['own'].id}", headers=headers).get_json()
    assert created["id"] in [p["id"] for p in profile["placements"]]
    candidate = db.session.get(Candidate, w["own"].id)
    assert candidate.updated_at > touched_before  # the matcher's index refreshes
    event = db.session.scalars(
        select(CandidateEvent).where(CandidateEvent.candidate_id == candidate.id)
    ).one()
    assert event.fields == ["placement:created"] and event.actor_id == users["counsellor"].id


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Placement))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"candidate_id": "other"}, "candidate_id"),
        ({"candidate_id": 999_999}, "candidate_id"),
        ({"employer_id": 999_999}, "employer_id"),
        ({"end_date": "2023-01-01"}, "end_date"),
        ({"outcome": "great"}, "outcome"),
        ({"abort_reason": "Sluttet"}, "abort_reason"),
        ({"contract_type": "fast"}, "contract_type"),
        ({"title": ""}, "title"),
        ({"start_date": "1999-12-31"}, "start_date"),
        ({"match_id": 1}, "match_id"),
    ],
)
def test_registering_bad_input_names_the_field_and_saves_nothing(
    client, world, bearer, change, field
):
    users, w = world
    body = {
        "candidate_id": w["own"].id,
        "type": "arbeidspraksis",
        "title": "Renholder",
        "start_date": "2023-02-01",
        "outcome": "completed",
    }
    body.update(change)
    if body["candidate_id"] == "other":
        body["candidate_id"] = w["other"].id
    before = _count()
    response = client.post("/api/v1/placements", headers=bearer(users["counsellor"]), json=body)
    assert response.status_code == 422 and field in response.get_json()["fields"]
    assert _count() == before


def test_close_a_placement_and_refuse_bad_changes(client, world, bearer):
    users, w = world
    headers = bearer(users["coordinator"])
    ongoing = w["own_elsewhere"]
    ongoing.outcome, ongoing.end_date = PlacementOutcome.ongoing, None
    db.session.commit()
    url = f"/api/v1/placements/{ongoing.id}"
    bad = client.patch(url, headers=headers, json={"end_date": "2025-01-01", "outcome": "aborted"})
    assert bad.status_code == 422 and "end_date" in bad.get_json()["fields"]
    bad = client.patch(url, headers=headers, json={"abort_reason": "moved"})
    assert bad.status_code == 422 and "abort_reason" in bad.get_json()["fields"]
    # free text that may name the candidate is refused, as on the web: reason codes only
    free = client.patch(
        url,
        headers=headers,
        json={"end_date": "2025-05-30", "outcome": "aborted", "abort_reason": "Amina ble syk"},
    )
    assert free.status_code == 422 and "abort_reason" in free.get_json()["fields"]
    bad = client.patch(url, headers=headers, json={"outcome": None})
    assert bad.status_code == 422 and "outcome" in bad.get_json()["fields"]
    db.session.refresh(ongoing)
    assert ongoing.outcome is PlacementOutcome.ongoing and ongoing.end_date is None
    done = client.patch(
        url,
        headers=headers,
        json={"end_date": "2025-05-30", "outcome": "aborted", "abort_reason": "moved"},
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["outcome"] == "aborted" and done.get_json()["abort_reason"] == "moved"
    # Leaving "aborted" drops the reason, as the pipeline does.
    fixed = client.patch(url, headers=headers, json={"outcome": "completed"})
    assert fixed.get_json()["abort_reason"] is None
    event = db.session.scalars(
        select(CandidateEvent)
        .where(CandidateEvent.candidate_id == w["own"].id)
        .order_by(CandidateEvent.id.desc())
    ).first()
    assert event.fields == ["placement:abort_reason", "placement:outcome"]


def test_a_matched_placement_is_changed_through_the_match(client, world, bearer):
    users, w = world
    placement = w["matched"]
    response = client.patch(
        f"/api/v1/placements/{placement.id}",
        headers=bearer(users["counsellor"]),
        json={"outcome": "hired"},
    )
    assert response.status_code == 409
    body = response.get_json()
    assert f"/matches/{placement.match_id}/events" in body["error"]
    db.session.refresh(placement)
    assert placement.outcome is PlacementOutcome.completed


def test_another_partners_placement_cannot_be_changed(client, world, bearer):
    users, w = world
    response = client.patch(
        f"/api/v1/placements/{w['other_at_theirs'].id}",
        headers=bearer(users["counsellor"]),
        json={"note": "Endret"},
    )
    assert response.status_code == 404
    db.session.refresh(w["other_at_theirs"])
    assert w["other_at_theirs"].note == "Fulgte opp Amina hjemme"


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


@pytest.mark.parametrize("role", ["counsellor", "employer"])
def test_list_runs_the_same_queries_for_many_placements(client, world, bearer, make_employer, role):
    users, w = world
    headers = bearer(users[role])

    def grow(n: int) -> None:
        for i in range(n):
            db.session.add(
                Placement(
                    candidate_id=w["own"].id,
                    employer_id=w["ours"].id if i % 2 else make_employer().id,
                    type=PlacementType.arbeidspraksis,
                    title=f"Plass {i}",
                    start_date=date(2024, 1, 1),
                )
            )
        db.session.commit()

    def statements() -> int:
        with count_statements() as counter:
            assert client.get("/api/v1/placements?per_page=100", headers=headers).status_code == 200
        return counter.n

    statements()  # the token's first request writes its rate-limit window
    few = statements()
    grow(10)
    assert statements() == few
