"""The audit trail (issue 8): reads, lists, exports and changes are events with who, role,
partner, what, which record, when and whether it was allowed; admins search them and export
one candidate's trail as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from employerpool.extensions import db
from employerpool.models import AuditEvent, ContactPerson, Match, Skill, VacancySkill, now_utc
from employerpool.models.enums import AuditAction, ConsentScope, MatchStatus, Role
from employerpool.services import audit, matches
from tests.conftest import login, post_form

COVERED_ENDPOINTS = {"admin.audit_log", "admin.candidate_audit_export"}


@pytest.fixture
def world(make_partner, make_employer, make_user, make_vacancy, make_candidate):
    alna, stovner = make_partner(name="NAV Alna"), make_partner(name="NAV Stovner")
    employer = make_employer(name="Lager Øst AS")
    employer.contact_persons.append(ContactPerson(name="Kari Kontakt", email="kari@lager.no"))
    vacancy = make_vacancy(employer=employer, title="Lagermedarbeider")
    skill = Skill(label="bruke truck", domain="warehouse")
    vacancy.skill_links.append(VacancySkill(skill=skill, required=True))
    users = {
        "counsellor": make_user(Role.counsellor, partner=alna),
        "coordinator": make_user(Role.coordinator, partner=alna),
        "other_counsellor": make_user(Role.counsellor, partner=stovner),
        "admin": make_user(Role.admin, partner=alna),
        "employer_contact": make_user(Role.employer_contact, partner=alna),
        "employer": make_user(Role.employer, employer=employer),
    }
    candidate = make_candidate(
        partner=alna,
        first_name="Ferdous",
        last_name="Loggersen",
        email="ferdous@eksempel.no",
        consents=(ConsentScope.employers, ConsentScope.pool_partners),
    )
    candidate.skills = [skill]
    db.session.commit()
    return {"users": users, "candidate": candidate, "vacancy": vacancy, "employer": employer}


def _events_after(before: int) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id)
    ).all()


def _last_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


# --- what is audited --------------------------------------------------------------------------


def test_a_counsellor_viewing_a_candidate_creates_exactly_one_audit_event(client, world):
    counsellor, candidate = world["users"]["counsellor"], world["candidate"]
    login(client, counsellor.email)
    before = _last_id()
    response = client.get(f"/candidates/{candidate.id}")
    assert response.status_code == 200 and "Ferdous Loggersen" in response.get_data(as_text=True)
    events = _events_after(before)
    assert len(events) == 1
    (event,) = events
    assert (event.user_id, event.role, event.partner_id) == (
        counsellor.id,
        "counsellor",
        counsellor.partner_id,
    )
    assert (event.action, event.object_type, event.object_id, event.allowed) == (
        AuditAction.view,
        "candidate",
        candidate.id,
        True,
    )
    assert abs(event.at - now_utc()) < timedelta(minutes=5)


@pytest.mark.parametrize(("role", "status"), [("other_counsellor", 404), ("admin", 403)])
def test_a_refused_read_is_one_event_marked_denied(client, world, role, status):
    user, candidate = world["users"][role], world["candidate"]
    login(client, user.email)
    before = _last_id()
    assert client.get(f"/candidates/{candidate.id}").status_code == status
    assert [(e.action, e.object_id, e.allowed, e.user_id) for e in _events_after(before)] == [
        (AuditAction.view, candidate.id, False, user.id)
    ]


def test_changes_to_needs_matches_and_employers_are_audited(app, client, world):
    users, vacancy, candidate = world["users"], world["vacancy"], world["candidate"]
    counsellor = users["counsellor"]
    login(client, counsellor.email)
    before = _last_id()

    # A suggestion list shown stores matches (created) and is itself a list event.
    client.get(f"/suggestions/vacancies/{vacancy.id}")
    post_form(
        client,
        f"/suggestions/vacancies/{vacancy.id}/shortlist",
        {"candidate_id": str(candidate.id)},
        form_url=f"/suggestions/vacancies/{vacancy.id}",
    )
    match = matches_for(candidate.id)
    post_form(
        client,
        f"/matches/{match.id}/change",
        {"to": "proposed", "note": ""},
        form_url=f"/matches/{match.id}",
    )
    post_form(client, f"/vacancies/{vacancy.id}/status", {"action": "close"}, form_url="/start")
    seen = [(e.action, e.object_type, e.user_id) for e in _events_after(before)]
    assert (AuditAction.list, "suggestions", counsellor.id) in seen
    assert seen.count((AuditAction.create, "match", counsellor.id)) == 1
    assert seen.count((AuditAction.update, "match", counsellor.id)) == 2  # shortlisted, proposed
    assert (AuditAction.update, "vacancy", counsellor.id) in seen

    # The employer answers: a change of the match by the employer's user.
    matches.change(match, MatchStatus.withdrawn, counsellor, reason="other")
    matches.change(match, MatchStatus.shortlisted, counsellor)
    matches.change(match, MatchStatus.proposed, counsellor)
    db.session.commit()
    employer = app.test_client()
    login(employer, users["employer"].email)
    before = _last_id()
    employer.get(f"/vacancies/{vacancy.id}")  # the list of proposed candidates
    url = f"/vacancies/{vacancy.id}/proposals/{match.id}"
    assert post_form(employer, url, {"answer": "interested"}).status_code == 302
    events = _events_after(before)
    listed = [e for e in events if e.object_type == "proposals"]
    assert listed and listed[0].detail["candidate_ids"] == [candidate.id]
    answer = [e for e in events if e.action is AuditAction.update and e.object_type == "match"]
    assert [(e.user_id, e.role, e.detail) for e in answer] == [
        (users["employer"].id, "employer", {"axis": "outcome", "to": "interested"})
    ]

    # An employer's contact persons belong to the employer record.
    before = _last_id()
    data = {"contact_name": "Ola Ny", "contact_email": "ola@lager.no", "contact_phone": ""}
    post_form(employer, f"/employers/{world['employer'].id}/contact-persons/new", data)
    person = db.session.scalar(select(ContactPerson).where(ContactPerson.name == "Ola Ny"))
    post_form(
        employer,
        f"/employers/{world['employer'].id}/contact-persons/{person.id}/delete",
        {},
        form_url="/start",
    )
    assert [(e.action, e.object_type, e.detail) for e in _events_after(before)] == [
        (AuditAction.update, "employer", {"contact_person": "added"}),
        (AuditAction.update, "employer", {"contact_person": "removed"}),
    ]


def test_creating_and_editing_a_need_is_audited(client, world):
    """Posted through the need form by the employer's user, then edited."""
    from tests.integration.test_vacancies_form import need_data

    employer_user = world["users"]["employer"]
    login(client, employer_user.email)
    before = _last_id()
    assert post_form(client, "/vacancies/new", need_data()).status_code == 302
    (created,) = [e for e in _events_after(before) if e.action is AuditAction.create]
    url = f"/vacancies/{created.object_id}/edit"
    edited = need_data(title="Språkpraksis på lager, kveld", action="save")
    assert post_form(client, url, edited).status_code == 302
    seen = [
        (e.action, e.object_type, e.object_id, e.user_id, e.detail)
        for e in _events_after(before)
        if e.object_type == "vacancy"
    ]
    need, user = created.object_id, employer_user.id
    assert seen == [
        (AuditAction.create, "vacancy", need, user, None),
        (AuditAction.update, "vacancy", need, user, {"from": "draft", "to": "open"}),
        (AuditAction.update, "vacancy", need, user, {"fields": ["title"]}),
    ]


def matches_for(candidate_id: int) -> Match:
    return db.session.scalar(select(Match).where(Match.candidate_id == candidate_id))


def test_audit_details_never_hold_personal_data(app, client, world):
    """After reads, lists, changes and an innsyn export, no detail names the candidate."""
    candidate, vacancy = world["candidate"], world["vacancy"]
    login(client, world["users"]["counsellor"].email)
    client.get(f"/candidates/{candidate.id}")
    client.get("/candidates/")
    client.get(f"/suggestions/vacancies/{vacancy.id}")
    client.get(f"/candidates/{candidate.id}/innsyn.json")
    details = [str(d) for d in db.session.scalars(select(AuditEvent.detail)) if d]
    assert details
    for personal in ("Ferdous", "Loggersen", "ferdous@eksempel.no"):
        assert not any(personal in d for d in details)


# --- the admin's search -----------------------------------------------------------------------


@pytest.fixture
def history(world):
    """Events from several users, actions and days, recorded through the service."""
    users, candidate = world["users"], world["candidate"]
    rows = [
        (users["counsellor"], AuditAction.view, "candidate", candidate.id, True, 0),
        (users["counsellor"], AuditAction.update, "candidate", candidate.id, True, 1),
        (users["other_counsellor"], AuditAction.view, "candidate", candidate.id, False, 2),
        (users["coordinator"], AuditAction.export, "outcome_report", None, True, 10),
        (users["employer"], AuditAction.view, "candidate", candidate.id, True, 40),
    ]
    events = []
    for user, action, object_type, object_id, allowed, days_ago in rows:
        event = audit.record(action, object_type, object_id, allowed=allowed, user=user)
        db.session.flush()
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == event.id)
            .values(at=now_utc() - timedelta(days=days_ago))
        )
        events.append(event)
    db.session.commit()
    return events


def _search(client, **params):
    response = client.get("/admin/audit", query_string=params)
    return response, response.get_data(as_text=True)


def _rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr") - body.count("Ingen hendelser")


def test_admin_searches_by_user_action_object_period_and_outcome(client, world, history):
    users, candidate = world["users"], world["candidate"]
    login(client, users["admin"].email)
    login_events = 1  # the admin's own login
    response, html = _search(client)
    assert response.status_code == 200 and _rows(html) == len(history) + login_events

    _, html = _search(client, user_id=users["counsellor"].id)
    assert _rows(html) == 2
    _, html = _search(client, action="view", object_type="candidate", object_id=candidate.id)
    assert _rows(html) == 3
    _, html = _search(client, allowed="no")
    assert _rows(html) == 1 and "Avvist" in html
    today = now_utc().date()
    _, html = _search(
        client,
        date_from=(today - timedelta(days=15)).isoformat(),
        date_to=(today - timedelta(days=5)).isoformat(),
    )
    assert _rows(html) == 1 and "Resultatrapport" in html
    # The admin's searches are audited too (filters only).
    searches = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "audit")).all()
    assert len(searches) == 5 and searches[1].detail["filter"]["user_id"] == users["counsellor"].id


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"action": "drop table"}, "action"),
        ({"object_type": "candidate'--"}, "object_type"),
        ({"object_id": "1 OR 1=1"}, "object_id"),
        ({"object_id": "99999999999"}, "object_id"),
        ({"user_id": "-1"}, "user_id"),
        ({"allowed": "maybe"}, "allowed"),
        ({"date_from": "i går"}, "date_from"),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to"),
    ],
)
def test_bad_search_values_give_a_field_error(client, world, params, field):
    login(client, world["users"]["admin"].email)
    response, html = _search(client, **params)
    assert response.status_code == 400
    assert f'id="{field}-error"' in html


def test_the_search_pages(client, world):
    admin = world["users"]["admin"]
    for n in range(60):
        audit.record(AuditAction.view, "candidate", n + 1, user=admin)
    db.session.commit()
    login(client, admin.email)
    _, first = _search(client)
    assert _rows(first) == 50 and 'rel="next"' in first
    _, second = _search(client, page=2)
    assert _rows(second) == 12  # 60 views, the login and the first search
    _, beyond = _search(client, page=99)
    assert _rows(beyond) == 0


# --- one candidate's trail as CSV ---------------------------------------------------------------


def test_admin_exports_one_candidates_trail_as_csv(app, client, world, history):
    users, candidate, vacancy = world["users"], world["candidate"], world["vacancy"]
    counsellor = app.test_client()
    login(counsellor, users["counsellor"].email)
    counsellor.get(f"/suggestions/vacancies/{vacancy.id}")  # the candidate is in this list
    other = audit.record(AuditAction.view, "candidate", candidate.id + 1000, user=users["admin"])
    db.session.commit()

    login(client, users["admin"].email)
    response = client.get(f"/admin/audit/candidates/{candidate.id}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[0] == "Tidspunkt (UTC)" and "Handling" in header
    kinds = {(r[5], r[6], r[8]) for r in body}
    assert ("Lest", "Kandidat", "nei") in kinds  # the refused read
    assert ("Opprettet", "Forslag", "ja") in kinds  # a match stored from the suggestion list
    assert ("Liste vist", "Forslagsliste", "ja") in kinds
    assert all(r[7] != str(other.object_id) for r in body)
    assert "Ferdous" not in text and "ferdous@eksempel.no" not in text
    export = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.export)
    ).all()[-1]
    assert (export.object_type, export.object_id, export.user_id) == (
        "candidate",
        candidate.id,
        users["admin"].id,
    )
    assert export.detail == {"what": "audit_trail", "format": "csv", "rows": len(body)}
    assert client.get("/admin/audit/candidates/999999.csv").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("coordinator", 403),
        ("counsellor", 403),
        ("employer_contact", 403),
        ("employer", 403),
        (None, 302),
    ],
    ids=lambda v: str(v),
)
def test_only_admins_read_the_audit_trail(client, world, role, status):
    if role:
        login(client, world["users"][role].email)
    candidate_id = world["candidate"].id
    assert client.get("/admin/audit").status_code == status
    assert client.get(f"/admin/audit/candidates/{candidate_id}.csv").status_code == status
    if role == "admin":
        nav = client.get("/start").get_data(as_text=True)
        assert 'href="/admin/audit"' in nav
    if role is None:
        assert "/login" in client.get("/admin/audit").headers["Location"]
