"""The employer-contact report in the API: the web report's roles and checks, the same CSV and
Excel files as the web export, formulas made inert, every fetch audited (issue 7)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import AuditEvent, EmployerContact
from employerpool.models.enums import AuditAction, ContactChannel, ContactResult, District, Role
from tests.conftest import login

COVERED_ENDPOINTS = {"api.employer_contact_report"}
URL = "/api/v1/reports/employer-contacts"
EVIL_PURPOSE = '=HYPERLINK("http://x","y")'
EVIL_NOTE = "=cmd|' /C calc'!A0"


@pytest.fixture
def world(make_partner, make_user, make_employer):
    """Two partners' contacts in March and April 2026, one with a formula in purpose and note."""
    alna, stovner = make_partner(name="NAV Alna"), make_partner(name="Bydel Stovner")
    users = {
        role.name: make_user(role, partner=alna) if role.is_staff else make_user(role)
        for role in Role
    }
    other = make_user(Role.employer_contact, partner=stovner, name="Åse Ødegård")
    lager = make_employer(name="Lager Øst AS", district=District.Alna, nace_section="H")
    kafe = make_employer(name="Kafé Vest AS", nace_section="I")
    rows = [
        (users["employer_contact"], lager, date(2026, 3, 2), EVIL_PURPOSE, EVIL_NOTE),
        (users["employer_contact"], kafe, date(2026, 3, 20), "Kartlegge behov", None),
        (other, lager, date(2026, 4, 5), "Følge opp praksis", "Hemmelig notat"),
        (other, kafe, date(2025, 12, 31), "Utenfor perioden", None),
    ]
    for user, employer, day, purpose, notes in rows:
        db.session.add(
            EmployerContact(
                employer_id=employer.id,
                partner_id=user.partner_id,
                user_id=user.id,
                contact_date=day,
                channel=ContactChannel.visit,
                result=ContactResult.need_received,
                purpose=purpose,
                notes=notes,
            )
        )
    db.session.commit()
    return users, {"alna": alna, "stovner": stovner}


QUERY = "from=2026-01-01&to=2026-12-31"


def test_no_token_is_401(client):
    assert client.get(f"{URL}?{QUERY}").status_code == 401


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", 200),
        ("coordinator", 200),
        ("employer_contact", 200),
        ("counsellor", 403),
        ("employer", 403),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_roles_as_on_the_web_report(client, world, bearer, role, expected, fmt):
    users, _ = world
    response = client.get(f"{URL}?{QUERY}&format={fmt}", headers=bearer(users[role]))
    assert response.status_code == expected
    if expected == 403:
        assert response.is_json


def test_json_has_period_totals_and_a_page_of_rows(client, world, bearer):
    users, w = world
    headers = bearer(users["coordinator"])
    response = client.get(f"{URL}?{QUERY}&per_page=2", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["period"] == {"from": "2026-01-01", "to": "2026-12-31", "preset": "custom"}
    totals = body["totals"]
    assert totals["contacts"] == 3 and totals["employers"] == 2
    assert {(p["partner"], p["contacts"]) for p in totals["per_partner"]} == {
        ("NAV Alna", 2),
        ("Bydel Stovner", 1),
    }
    assert sum(p["contacts"] for p in totals["per_partner"]) == totals["contacts"]
    months = {m["month"]: m["contacts"] for m in totals["per_month"]}
    assert len(months) == 12 and months["2026-03"] == 2 and months["2026-04"] == 1
    rows = body["rows"]
    assert rows["total"] == 3 and rows["per_page"] == 2
    assert [r["contact_date"] for r in rows["items"]] == ["2026-04-05", "2026-03-20"]
    assert rows["items"][0]["partner"] == "Bydel Stovner"
    assert "notes" not in rows["items"][0]  # free text stays in the log
    second = client.get(f"{URL}?{QUERY}&per_page=2&page=2", headers=headers).get_json()
    assert [r["purpose"] for r in second["rows"]["items"]] == [EVIL_PURPOSE]  # JSON is data
    partner = client.get(f"{URL}?{QUERY}&partner={w['stovner'].id}", headers=headers).get_json()
    assert partner["partner_id"] == w["stovner"].id and partner["totals"]["contacts"] == 1


def test_without_dates_the_period_is_this_month(client, world, bearer):
    users, _ = world
    body = client.get(URL, headers=bearer(users["admin"])).get_json()
    today = date.today()
    assert body["period"]["preset"] == "this_month"
    assert body["period"]["from"] == today.replace(day=1).isoformat()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_api_file_equals_the_web_export_for_the_same_filter(client, app, world, bearer, fmt):
    users, w = world
    user = users["employer_contact"]
    partner = w["alna"].id
    api_response = client.get(
        f"{URL}?from=2026-03-01&to=2026-04-30&partner={partner}&format={fmt}",
        headers=bearer(user),
    )
    web = app.test_client()
    login(web, user.email)
    web_response = web.get(
        f"/reports/contacts/export/{fmt}"
        f"?period=custom&date_from=2026-03-01&date_to=2026-04-30&partner={partner}"
    )
    assert api_response.status_code == web_response.status_code == 200
    for header in ("Content-Type", "Content-Disposition", "Cache-Control"):
        assert api_response.headers[header] == web_response.headers[header]
    if fmt == "csv":
        assert api_response.get_data() == web_response.get_data()
        assert len(cells_of_csv(api_response)) == 3  # the header and NAV Alna's two rows
    else:
        # An .xlsx file carries its creation time; the cells must be the same.
        def cells(response):
            ws = load_workbook(io.BytesIO(response.get_data())).active
            return [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]

        assert cells(api_response) == cells(web_response)


def cells_of_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_formulas_are_inert_in_csv_and_xlsx(client, world, bearer):
    users, _ = world
    headers = bearer(users["coordinator"])
    body = client.get(f"{URL}?from=2026-03-01&to=2026-03-31&format=csv", headers=headers)
    rows = cells_of_csv(body)
    evil = next(r for r in rows if r[0] == "2026-03-02")
    assert evil[9] == "'" + EVIL_PURPOSE
    text = body.get_data().decode("utf-8-sig")
    assert "calc" not in text and "Hemmelig" not in text  # notes are never exported
    book = client.get(f"{URL}?from=2026-03-01&to=2026-03-31&format=xlsx", headers=headers)
    ws = load_workbook(io.BytesIO(book.get_data())).active
    purposes = [row[9] for row in ws.iter_rows(min_row=2)]
    cell = next(c for c in purposes if c.value and "HYPERLINK" in c.value)
    assert cell.value == "'" + EVIL_PURPOSE and cell.data_type == "s"
    assert ws["A2"].value == datetime(2026, 3, 20)  # dates stay dates
    assert [c for row in ws.iter_rows() for c in row if c.data_type == "f"] == []


def test_every_fetch_is_an_audited_export_without_personal_data(client, world, bearer):
    users, w = world
    headers = bearer(users["employer_contact"])
    for fmt in ("csv", "xlsx", "json"):
        client.get(f"{URL}?{QUERY}&partner={w['stovner'].id}&format={fmt}", headers=headers)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.export).order_by(AuditEvent.id)
    ).all()
    assert [(e.object_type, e.detail["format"], e.detail["rows"]) for e in events] == [
        ("employer_contact_report", "csv", 1),
        ("employer_contact_report", "xlsx", 1),
        ("employer_contact_report", "json", 1),
    ]
    for event in events:
        assert event.user_id == users["employer_contact"].id and event.detail["via"] == "api"
        assert event.detail["filter"]["partner_id"] == w["stovner"].id
        assert event.detail["filter"]["period"] == {
            "preset": "custom",
            "from": "2026-01-01",
            "to": "2026-12-31",
        }
    assert "Ødegård" not in repr([e.detail for e in events])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-02-01&to=2026-01-01", "to"),
        ("from=2010-01-01&to=2026-01-01", "to"),  # more than ten years
        ("from=2026-01-01", "to"),
        ("to=2026-01-01", "from"),
        ("from=2026-02-30&to=2026-03-01", "from"),
        (f"{QUERY}&partner=999999", "partner"),
        (f"{QUERY}&partner=abc", "partner"),
        (f"{QUERY}&format=pdf", "format"),
        (f"{QUERY}&sort=employer", "sort"),
    ],
)
def test_bad_filters_name_the_field_and_export_nothing(client, world, bearer, query, field):
    users, _ = world
    if "format=" not in query:
        query += "&format=csv"
    response = client.get(f"{URL}?{query}", headers=bearer(users["coordinator"]))
    assert response.status_code == 422 and response.is_json
    assert field in response.get_json()["fields"]
    exported = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.export)
    ).all()
    assert exported == []
