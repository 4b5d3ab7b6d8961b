"""The staff side of the employer register: search, employer page, responsible partner, details
and contact persons."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import AuditEvent, ContactPerson, Placement
from employerpool.models.enums import (
    Agreement,
    ApprovalStatus,
    AuditAction,
    District,
    PlacementOutcome,
    PlacementType,
    Role,
)
from tests.conftest import login, post_form
from tests.integration.test_registration import field_error


@pytest.fixture
def register(make_employer):
    return [
        make_employer(name="Alna Lager AS", district=District.Alna, nace_section="H"),
        make_employer(name="Stovner Renhold AS", district=District.Stovner, nace_section="N"),
        make_employer(
            name="Grorud Kafé AS",
            district=District.Grorud,
            nace_section="I",
            approval=ApprovalStatus.pending,
        ),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Alna Lager AS", "Stovner Renhold AS", "Grorud Kafé AS"}),
        ("q=lager", {"Alna Lager AS"}),
        ("district=Stovner", {"Stovner Renhold AS"}),
        ("sector=I", {"Grorud Kafé AS"}),
        ("approval=pending", {"Grorud Kafé AS"}),
        ("approval=approved&district=Alna", {"Alna Lager AS"}),
        (
            "sector=ZZ&district=Mars&approval=x&sort=evil",
            {"Alna Lager AS", "Stovner Renhold AS", "Grorud Kafé AS"},
        ),
        ("q=%25", set()),
    ],
)
def test_register_search_and_filters(client, make_user, register, query, expected):
    login(client, make_user(Role.counsellor).email)
    response = client.get(f"/employers/?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = {e.name for e in register if f'/employers/{e.id}"' in html}
    assert shown == expected


def test_register_finds_by_orgnr_with_spaces(client, make_user, register):
    login(client, make_user(Role.counsellor).email)
    number = register[1].orgnr
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    html = client.get("/employers/", query_string={"q": spaced}).get_data(as_text=True)
    assert "Stovner Renhold AS" in html and "Alna Lager AS" not in html


def test_register_tells_how_many_wait_for_approval(client, make_user, register):
    login(client, make_user(Role.coordinator).email)
    html = client.get("/employers/").get_data(as_text=True)
    assert "1 arbeidsgiver venter på godkjenning" in html


def test_placement_history_shows_counts_and_names_only_of_readable_candidates(
    client, make_user, make_employer, make_candidate, make_partner
):
    employer = make_employer()
    own, other = make_partner(), make_partner()
    counsellor = make_user(Role.counsellor, partner=own)
    mine = make_candidate(partner=own, first_name="Mina", last_name="Egen")
    theirs = make_candidate(partner=other, first_name="Tora", last_name="Fremmed")
    for candidate, outcome in ((mine, PlacementOutcome.hired), (theirs, PlacementOutcome.aborted)):
        db.session.add(
            Placement(
                candidate=candidate,
                employer_id=employer.id,
                type=PlacementType.arbeidspraksis,
                title=f"Praksis {outcome.name}",
                start_date=date(2025, 3, 1),
                outcome=outcome,
            )
        )
    db.session.commit()
    login(client, counsellor.email)
    html = client.get(f"/employers/{employer.id}").get_data(as_text=True)
    assert "Praksis hired" in html and "Praksis aborted" in html
    assert "Mina Egen" in html and "Tora" not in html and "Fremmed" not in html
    listed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.list)
    ).one()
    assert listed.detail["rows"] == 1
    client = client.application.test_client()
    login(client, make_user(Role.employer_contact).email)
    html = client.get(f"/employers/{employer.id}").get_data(as_text=True)
    assert "Praksis hired" in html and "Mina" not in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 302),
        (Role.admin, 403),
        (Role.counsellor, 403),
        (Role.employer, 403),
        (Role.coordinator, 302),
        (Role.employer_contact, 302),
    ],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_responsible_partner_is_set_by_coordinators_and_employer_contacts(
    client, make_user, make_employer, make_partner, role, expected
):
    employer = make_employer()
    target = make_partner(name="IMDi Øst")
    if role is not None:
        user = make_user(role, employer=employer) if role is Role.employer else make_user(role)
        login(client, user.email)
    form_url = "/start" if role is not None else "/login"
    response = post_form(
        client,
        f"/employers/{employer.id}/responsible",
        {"responsible_partner_id": str(target.id), "agreement": "ia_avtale"},
        form_url=form_url,
    )
    assert response.status_code == expected
    db.session.refresh(employer)
    changed = expected == 302 and role is not None
    assert (employer.responsible_partner_id == target.id) is changed
    assert (employer.agreement is Agreement.ia_avtale) is changed
    if role is None:
        assert "/login" in response.headers["Location"]


def test_responsible_partner_rejects_unknown_partner(client, make_user, make_employer):
    employer = make_employer()
    login(client, make_user(Role.coordinator).email)
    post_form(
        client,
        f"/employers/{employer.id}/responsible",
        {"responsible_partner_id": "99999", "agreement": "none"},
        form_url="/start",
    )
    db.session.refresh(employer)
    assert employer.responsible_partner_id is None


# Who edits an employer: its own users and the staff who manage employers (coordinators and
# markedskontakter), on the web as in the API (issue 15).
@pytest.mark.parametrize("role", [Role.employer, Role.employer_contact])
def test_edit_details_by_the_employer_or_staff(client, make_user, make_employer, role):
    employer = make_employer()
    user = make_user(role, employer=employer) if role is Role.employer else make_user(role)
    login(client, user.email)
    assert client.get(f"/employers/{employer.id}/edit").status_code == 200
    data = {
        "name": "Nytt Navn AS",
        "nace_section": "G",
        "size_band": "medium",
        "district": "Bjerke",
        "address": "Veien 2",
        "postcode": "0580",
        "city": "Oslo",
    }
    assert post_form(client, f"/employers/{employer.id}/edit", data).status_code == 302
    db.session.refresh(employer)
    assert (employer.name, employer.district) == ("Nytt Navn AS", District.Bjerke)
    response = post_form(
        client, f"/employers/{employer.id}/edit", {**data, "name": "x" * 10_000, "postcode": "A"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "name") and field_error(html, "postcode")
    db.session.refresh(employer)
    assert employer.name == "Nytt Navn AS"


def test_contact_persons_are_added_and_removed_but_never_the_last(client, make_user, make_employer):
    employer = make_employer()
    employer.contact_persons.append(ContactPerson(name="Første", email="a@firma.no"))
    db.session.commit()
    login(client, make_user(Role.employer, employer=employer).email)
    url = f"/employers/{employer.id}/contact-persons/new"
    response = post_form(client, url, {"contact_name": "Andre", "contact_email": "feil"})
    assert response.status_code == 400
    assert "gyldig e-postadresse" in field_error(response.get_data(as_text=True), "contact_email")
    data = {"contact_name": "Andre", "contact_email": "b@firma.no", "contact_phone": "22 22 22 22"}
    assert post_form(client, url, data).status_code == 302
    db.session.refresh(employer)
    first, second = employer.contact_persons
    delete = f"/employers/{employer.id}/contact-persons/{first.id}/delete"
    assert post_form(client, delete, {}, form_url="/start").status_code == 302
    db.session.refresh(employer)
    assert [p.name for p in employer.contact_persons] == ["Andre"]
    delete = f"/employers/{employer.id}/contact-persons/{second.id}/delete"
    post_form(client, delete, {}, form_url="/start")
    assert db.session.scalar(select(func.count()).select_from(ContactPerson)) == 1


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 302),
        (Role.admin, 403),
        (Role.counsellor, 403),
        (Role.coordinator, 200),
        (Role.employer, 200),
        ("other_employer", 404),
    ],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_edit_and_contact_pages_access(client, make_user, make_employer, role, expected):
    employer = make_employer()
    if role == "other_employer":
        login(client, make_user(Role.employer).email)
    elif role is Role.employer:
        login(client, make_user(Role.employer, employer=employer).email)
    elif role is not None:
        login(client, make_user(role).email)
    for url in (f"/employers/{employer.id}/edit", f"/employers/{employer.id}/contact-persons/new"):
        response = client.get(url)
        assert response.status_code == expected
        if role is None:
            assert "/login" in response.headers["Location"]
