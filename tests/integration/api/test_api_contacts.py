"""The employer-contact log in the API: staff read, LOGGERS log for their own partner, the
logger or the partner's coordinator corrects, with the web form's rules and the 30-day warning."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from employerpool.extensions import db
from employerpool.models import AuditEvent, EmployerContact
from employerpool.models.enums import AuditAction, ContactChannel, ContactResult, Role
from employerpool.services.contacts import local_today

COVERED_ENDPOINTS = {
    "api.list_contacts",
    "api.get_contact",
    "api.create_contact",
    "api.update_contact",
}


@pytest.fixture
def world(make_partner, make_user, make_employer):
    """NAV Alna (ours) and Bydel Stovner, staff of every role, two employers."""
    alna, stovner = make_partner(name="NAV Alna"), make_partner(name="Bydel Stovner")
    lager, kafe = make_employer(name="Lager Øst AS"), make_employer(name="Kafé Vest AS")
    users = {
        "employer_contact": make_user(Role.employer_contact, partner=alna, name="Mari Marked"),
        "colleague": make_user(Role.employer_contact, partner=alna),
        "counsellor": make_user(Role.counsellor, partner=alna),
        "coordinator": make_user(Role.coordinator, partner=alna),
        "admin": make_user(Role.admin, partner=alna),
        "employer": make_user(Role.employer, employer=lager),
        "other": make_user(Role.employer_contact, partner=stovner),
        "other_coordinator": make_user(Role.coordinator, partner=stovner),
    }
    return users, {"alna": alna, "stovner": stovner, "lager": lager, "kafe": kafe}


def _log(user, employer, days_ago: int, **kw) -> EmployerContact:
    values = {
        "channel": ContactChannel.phone,
        "result": ContactResult.conversation,
        "purpose": "Kartlegge behov",
    }
    values.update(kw)
    contact = EmployerContact(
        employer_id=employer.id,
        partner_id=user.partner_id,
        user_id=user.id,
        contact_date=local_today() - timedelta(days=days_ago),
        **values,
    )
    db.session.add(contact)
    db.session.commit()
    return contact


def _body(employer, **overrides) -> dict:
    body = {
        "employer_id": employer.id,
        "contact_date": local_today().isoformat(),
        "channel": "visit",
        "result": "meeting_booked",
        "purpose": "Presentere programmet",
        "notes": "Vil ha to praksisplasser i januar.",
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/api/v1/contacts"),
        ("GET", "/api/v1/contacts/1"),
        ("POST", "/api/v1/contacts"),
        ("PATCH", "/api/v1/contacts/1"),
    ],
)
def test_no_token_is_401(client, method, url):
    assert client.open(url, method=method, json={}).status_code == 401


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("employer_contact", (200, 200, 201, 200)),
        ("counsellor", (200, 200, 201, 403)),  # may log, may not correct a colleague's
        ("coordinator", (200, 200, 201, 200)),  # corrects the own partner's contacts
        ("admin", (200, 200, 403, 403)),  # reads the log, does not write to it
        ("employer", (403, 403, 403, 403)),
    ],
)
def test_access_by_role(client, world, bearer, role, expected):
    users, w = world
    contact = _log(users["employer_contact"], w["lager"], 3)
    headers = bearer(users[role])
    codes = (
        client.get("/api/v1/contacts", headers=headers).status_code,
        client.get(f"/api/v1/contacts/{contact.id}", headers=headers).status_code,
        client.post("/api/v1/contacts", headers=headers, json=_body(w["kafe"])).status_code,
        client.patch(
            f"/api/v1/contacts/{contact.id}", headers=headers, json={"purpose": "Avtale"}
        ).status_code,
    )
    assert codes == expected


def test_employer_token_sees_nothing_of_the_log(client, world, bearer):
    users, w = world
    _log(users["employer_contact"], w["lager"], 3, notes="Intern vurdering")
    response = client.get("/api/v1/contacts", headers=bearer(users["employer"]))
    assert response.status_code == 403 and "Intern" not in response.get_data(as_text=True)


def test_log_a_contact_round_trip_with_the_double_contact_warning(client, world, bearer):
    users, w = world
    recent = _log(users["other"], w["lager"], 30, channel=ContactChannel.meeting)
    _log(users["other"], w["lager"], 31)  # outside the 30 days
    _log(users["colleague"], w["lager"], 2)  # own partner: not a double contact
    _log(users["other"], w["kafe"], 1)  # another employer
    headers = bearer(users["employer_contact"])
    response = client.post("/api/v1/contacts", headers=headers, json=_body(w["lager"]))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["recent_contacts_by_other_partners"] == [
        {
            "contact_date": recent.contact_date.isoformat(),
            "partner": "Bydel Stovner",
            "channel": "meeting",
        }
    ]
    assert created["partner_id"] == w["alna"].id
    assert created["user_name"] == "Mari Marked"
    again = client.get(f"/api/v1/contacts/{created['id']}", headers=headers).get_json()
    created.pop("recent_contacts_by_other_partners")
    assert again == created
    assert again["notes"] == "Vil ha to praksisplasser i januar."
    event = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.create, AuditEvent.object_type == "employer_contact"
        )
    ).one()
    assert event.object_id == created["id"] and event.user_id == users["employer_contact"].id


def test_list_filters(client, world, bearer):
    users, w = world
    a = _log(users["employer_contact"], w["lager"], 40, channel=ContactChannel.email)
    b = _log(users["other"], w["lager"], 10, result=ContactResult.agreement)
    c = _log(users["other"], w["kafe"], 1)
    headers = bearer(users["admin"])

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/contacts?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids("") == [c.id, b.id, a.id]  # newest first
    assert ids(f"employer_id={w['lager'].id}") == [b.id, a.id]
    assert ids(f"partner_id={w['stovner'].id}") == [c.id, b.id]
    day = (local_today() - timedelta(days=10)).isoformat()
    assert ids(f"from={day}") == [c.id, b.id]
    assert ids(f"to={day}") == [b.id, a.id]
    assert ids(f"from={day}&to={day}") == [b.id]
    assert ids("channel=email") == [a.id]
    assert ids("result=agreement") == [b.id]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-02-01&to=2026-01-01", "to"),
        ("from=01.02.2026", "from"),
        ("channel=fax", "channel"),
        ("date_from=2026-01-01", "date_from"),
    ],
)
def test_list_filters_are_checked(client, world, bearer, query, field):
    users, _ = world
    response = client.get(f"/api/v1/contacts?{query}", headers=bearer(users["coordinator"]))
    assert response.status_code == 422 and field in response.get_json()["fields"]


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(EmployerContact))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_date": "future"}, "contact_date"),
        ({"contact_date": "1999-12-31"}, "contact_date"),
        ({"follow_up_date": "before"}, "follow_up_date"),
        ({"follow_up_date": "late"}, "follow_up_date"),
        ({"result": "follow_up_later"}, "follow_up_date"),
        ({"channel": "fax"}, "channel"),
        ({"purpose": "x" * 201}, "purpose"),
        ({"notes": "x" * 2001}, "notes"),
        ({"employer_id": 999_999}, "employer_id"),
        ({"partner_id": 1}, "partner_id"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(client, world, bearer, change, field):
    users, w = world
    today = local_today()
    dates = {
        "future": today + timedelta(days=1),
        "before": today - timedelta(days=1),
        "late": today + timedelta(days=367),
    }
    change = {k: dates[v].isoformat() if v in dates else v for k, v in change.items()}
    headers = bearer(users["employer_contact"])
    before = _count()
    response = client.post("/api/v1/contacts", headers=headers, json=_body(w["lager"], **change))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["fields"]
    assert _count() == before


def test_correct_a_contact_and_refuse_bad_changes(client, world, bearer):
    users, w = world
    contact = _log(users["employer_contact"], w["lager"], 5)
    url = f"/api/v1/contacts/{contact.id}"
    headers = bearer(users["employer_contact"])
    bad = client.patch(
        url, headers=headers, json={"purpose": "Avtale", "result": "follow_up_later"}
    )
    assert bad.status_code == 422 and "follow_up_date" in bad.get_json()["fields"]
    bad = client.patch(url, headers=headers, json={"channel": None})
    assert bad.status_code == 422 and "channel" in bad.get_json()["fields"]
    db.session.refresh(contact)
    assert contact.purpose == "Kartlegge behov" and contact.result is ContactResult.conversation
    follow_up = (local_today() + timedelta(days=14)).isoformat()
    ok = client.patch(
        url, headers=headers, json={"result": "follow_up_later", "follow_up_date": follow_up}
    )
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert body["result"] == "follow_up_later" and body["follow_up_date"] == follow_up
    assert body["purpose"] == "Kartlegge behov"  # unchanged fields stay
    update = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == AuditAction.update, AuditEvent.object_type == "employer_contact"
        )
    ).one()
    assert update.object_id == contact.id


@pytest.mark.parametrize("who", ["colleague", "other", "other_coordinator"])
def test_only_the_logger_or_the_partners_coordinator_corrects(client, world, bearer, who):
    users, w = world
    contact = _log(users["employer_contact"], w["lager"], 5)
    response = client.patch(
        f"/api/v1/contacts/{contact.id}", headers=bearer(users[who]), json={"purpose": "X"}
    )
    assert response.status_code == 403
    db.session.refresh(contact)
    assert contact.purpose == "Kartlegge behov"


def test_unknown_contact_is_404(client, world, bearer):
    users, _ = world
    headers = bearer(users["employer_contact"])
    assert client.get("/api/v1/contacts/999999", headers=headers).status_code == 404
    assert client.patch("/api/v1/contacts/999999", headers=headers, json={}).status_code == 404


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


def test_list_runs_the_same_queries_for_many_contacts(
    client, world, bearer, make_user, make_employer
):
    users, w = world
    headers = bearer(users["coordinator"])

    def grow(n: int) -> None:
        for i in range(n):
            user = make_user(Role.employer_contact, partner=w["stovner"] if i % 2 else w["alna"])
            _log(user, make_employer(), i)

    def statements() -> int:
        with count_statements() as counter:
            assert client.get("/api/v1/contacts?per_page=100", headers=headers).status_code == 200
        return counter.n

    statements()  # the token's first request writes its rate-limit window
    grow(2)
    few = statements()
    grow(10)
    assert statements() == few
