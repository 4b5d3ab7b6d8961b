"""Exports of the employer-contact report through HTTP: CSV and .xlsx open correctly, formulas
come out inert, and every export is an audit event without personal data (issue 6)."""

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

EVIL = '=HYPERLINK("http://x","y")'
QUERY = "period=custom&date_from=2026-01-01&date_to=2026-12-31"


@pytest.fixture
def exported(client, make_partner, make_user, make_employer):
    partner = make_partner(name="Bydel Søndre Ås")
    user = make_user(Role.employer_contact, partner=partner, name="Åse Ødegård")
    evil = make_employer(name=EVIL, district=District.Alna, nace_section="G")
    nice = make_employer(name="Blåbærgården Økologiske Gård AS", nace_section="A")
    rows = [
        (evil, date(2026, 3, 1), "-1+cmd|' /C calc'!A0", date(2026, 3, 15)),
        (nice, date(2026, 3, 2), "Kartlegge behov; sesong", None),
    ]
    for employer, day, purpose, follow_up in rows:
        db.session.add(
            EmployerContact(
                employer_id=employer.id,
                partner_id=partner.id,
                user_id=user.id,
                contact_date=day,
                channel=ContactChannel.visit,
                result=ContactResult.need_received,
                purpose=purpose,
                follow_up_date=follow_up,
                notes="Hemmelig notat om kontaktpersonen",
            )
        )
    db.session.commit()
    login(client, user.email)
    return evil, nice


def test_csv_opens_with_semicolons_bom_and_norwegian_letters_and_is_inert(client, exported):
    evil, nice = exported
    response = client.get(f"/reports/contacts/export/csv?{QUERY}&sort=date_asc")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="arbeidsgiverkontakter-'
    )
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, first, second = rows
    assert header[:3] == ["Dato", "Arbeidsgiver", "Organisasjonsnummer"]
    assert first[0] == "2026-03-01" and first[-1] == "2026-03-15"
    assert first[1] == "'" + EVIL  # inert: the apostrophe makes it text
    assert first[9] == "'-1+cmd|' /C calc'!A0"
    assert first[5] == "Bydel Søndre Ås" and first[6] == "Åse Ødegård"
    assert second[1] == "Blåbærgården Økologiske Gård AS"
    assert second[9] == "Kartlegge behov; sesong" and second[-1] == ""
    assert first[4] == "G Varehandel, reparasjon av motorvogner"
    # Free-text notes stay in the log; they are not exported.
    assert "Hemmelig" not in body.decode("utf-8-sig")


def test_xlsx_opens_with_types_frozen_header_filter_and_inert_formula(client, exported):
    response = client.get(f"/reports/contacts/export/xlsx?{QUERY}&sort=date_asc")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    ws = load_workbook(io.BytesIO(response.get_data())).active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:K3"
    assert ws["A1"].value == "Dato" and ws["A1"].font.bold
    assert ws["A2"].is_date and ws["A2"].value == datetime(2026, 3, 1)
    assert ws["K2"].is_date and ws["K2"].value == datetime(2026, 3, 15)
    assert ws["K3"].value is None
    assert ws["B2"].data_type == "s" and ws["B2"].value == "'" + EVIL
    assert ws["J2"].data_type == "s" and ws["J2"].value.startswith("'-1+cmd")
    assert ws["B3"].value == "Blåbærgården Økologiske Gård AS"
    assert ws["C2"].data_type == "s"  # organisasjonsnummer stays text (leading zeros)
    formulas = [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_double_contact_export_has_number_cells(client, exported, make_partner, make_user):
    evil, _ = exported
    other = make_partner(name="NAV Alna")
    db.session.add(
        EmployerContact(
            employer_id=evil.id,
            partner_id=other.id,
            user_id=make_user(Role.employer_contact, partner=other).id,
            contact_date=date(2026, 3, 10),
            channel=ContactChannel.phone,
            result=ContactResult.no_answer,
        )
    )
    db.session.commit()
    response = client.get(f"/reports/contacts/export/xlsx?{QUERY}&table=double")
    ws = load_workbook(io.BytesIO(response.get_data())).active
    assert [c.value for c in ws[2]][:3] == ["'" + EVIL, "Bydel Søndre Ås, NAV Alna", 2]
    assert ws["C2"].data_type == "n" and ws["F2"].value == 9 and ws["D2"].is_date


def test_every_export_is_an_audit_event_with_filter_and_rows_but_no_personal_data(client, exported):
    evil, _ = exported
    client.get(f"/reports/contacts/export/csv?{QUERY}&channel=visit")
    client.get(f"/reports/contacts/export/xlsx?{QUERY}&employer={evil.id}")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.export).order_by(AuditEvent.id)
    ).all()
    assert [(e.object_type, e.detail["format"], e.detail["rows"]) for e in events] == [
        ("employer_contact_report", "csv", 2),
        ("employer_contact_report", "xlsx", 1),
    ]
    assert events[0].detail["filter"]["channel"] == "visit"
    assert events[0].detail["filter"]["period"] == {
        "preset": "custom",
        "from": "2026-01-01",
        "to": "2026-12-31",
    }
    assert events[1].detail["filter"]["employer_id"] == evil.id
    assert all(e.user_id is not None and e.allowed for e in events)
    text = repr([e.detail for e in events])
    for personal in ("Åse", "Ødegård", "HYPERLINK", "Hemmelig"):
        assert personal not in text
