"""The shared employer-contact log: who may log, validation, the double-contact warning and
follow-ups (issue 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import AuditEvent, EmployerContact
from employerpool.models.enums import (
    AuditAction,
    ContactChannel,
    ContactResult,
    PartnerKind,
    Role,
)
from employerpool.services.contacts import (
    ContactInput,
    local_today,
    log_contact,
    recent_contacts_by_other_partners,
)
from tests.conftest import csrf_token, login, post_form

ROLES = [None, *Role]
LOGGERS = {"employer_contact", "counsellor", "coordinator"}


def _ids(role):
    return role.name if role else "anonymous"


@pytest.fixture
def alna(make_partner, make_user, make_employer):
    """NAV Alna and Bydel Alna with an employer contact each, and one shared employer."""
    nav = make_partner(name="NAV Alna", kind=PartnerKind.nav)
    bydel = make_partner(name="Bydel Alna", kind=PartnerKind.district)
    nav_user = make_user(Role.employer_contact, partner=nav, name="Nora Navesen")
    bydel_user = make_user(Role.employer_contact, partner=bydel, name="Bjørn Bydelsen")
    employer = make_employer(name="Grorud Logistikk AS")
    return nav_user, bydel_user, employer


def _log(user, employer, days_ago, result=ContactResult.meeting_booked, **kw):
    contact = log_contact(
        employer.id,
        user,
        ContactInput(
            contact_date=local_today() - timedelta(days=days_ago),
            channel=kw.pop("channel", ContactChannel.phone),
            result=result,
            **kw,
        ),
    )
    db.session.commit()
    return contact


def _contact_form(**overrides) -> dict:
    data = {
        "contact_date": local_today().isoformat(),
        "channel": "phone",
        "purpose": "Kartlegge behov",
        "result": "conversation",
        "follow_up_date": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def _count_contacts() -> int:
    return db.session.scalar(select(func.count()).select_from(EmployerContact))


# --- access ----------------------------------------------------------------------------------


@pytest.fixture
def world(make_partner, make_user, make_employer):
    partner = make_partner(name="NAV Grorud")
    employer = make_employer()
    users = {
        role: make_user(role, partner=partner) if role.is_staff else make_user(role)
        for role in Role
    }
    contact = _log(users[Role.employer_contact], employer, 1)
    return users, employer, contact


EXPECTED = {
    "/contacts/": {"admin": 200, "coordinator": 200, "counsellor": 200, "employer_contact": 200},
    "/contacts/?employer_id={employer}": {
        "admin": 200,
        "coordinator": 200,
        "counsellor": 200,
        "employer_contact": 200,
    },
    "/contacts/new": {r: 200 for r in LOGGERS},
    "/contacts/new?employer_id={employer}": {r: 200 for r in LOGGERS},
    "/contacts/follow-ups": {r: 200 for r in LOGGERS},
    # Only the user who logged it, or a coordinator of the same partner, may correct a contact.
    "/contacts/{contact}/edit": {
        "admin": 403,
        "coordinator": 200,
        "counsellor": 403,
        "employer_contact": 200,
    },
}


@pytest.mark.parametrize("route", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES, ids=_ids)
def test_access(client, world, route, role):
    users, employer, contact = world
    if role is not None:
        login(client, users[role].email)
    response = client.get(route.format(employer=employer.id, contact=contact.id))
    if role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
        return
    assert response.status_code == EXPECTED[route].get(role.name, 403)


@pytest.mark.parametrize("role", [Role.admin, Role.employer])
def test_roles_that_may_not_log_cannot_post_either(client, world, role):
    users, employer, _ = world
    login(client, users[role].email)
    token = csrf_token(client, "/start")
    response = client.post(
        f"/contacts/new?employer_id={employer.id}", data={**_contact_form(), "csrf_token": token}
    )
    assert response.status_code == 403
    assert _count_contacts() == 1


def test_unknown_employer_is_404_and_garbage_id_too(client, world):
    users, _, _ = world
    login(client, users[Role.counsellor].email)
    assert client.get("/contacts/new?employer_id=999999").status_code == 404
    assert client.get("/contacts/new?employer_id=1%3Bdrop").status_code == 404
    assert client.get("/contacts/?employer_id=abc").status_code == 404
    assert client.get("/contacts/99999/edit").status_code == 404


def test_nav_shows_contacts_and_reports_per_role(client, world):
    users, _, _ = world
    for role, reports_link in [
        (Role.employer_contact, True),
        (Role.coordinator, True),
        (Role.admin, True),
        (Role.counsellor, False),
    ]:
        login(client, users[role].email)
        html = client.get("/start").get_data(as_text=True)
        nav = html[html.index('class="wrap main-nav"') :]
        assert 'href="/contacts/"' in nav
        assert ('href="/reports/"' in nav) is reports_link
        client.post("/logout", data={"csrf_token": csrf_token(client, "/start")})
    login(client, users[Role.employer].email)
    html = client.get("/start").get_data(as_text=True)
    assert 'href="/contacts/"' not in html and 'href="/reports/"' not in html


# --- the acceptance scenario -----------------------------------------------------------------


def test_nav_alna_then_bydel_alna_within_30_days_warns_and_is_a_double_contact(client, alna):
    nav_user, bydel_user, employer = alna
    # NAV Alna logs a call through the form, ten days ago.
    login(client, nav_user.email)
    url = f"/contacts/new?employer_id={employer.id}"
    day = local_today() - timedelta(days=10)
    response = post_form(
        client,
        url,
        _contact_form(
            contact_date=day.isoformat(),
            result="meeting_booked",
            follow_up_date=(day + timedelta(days=14)).isoformat(),
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/contacts/?employer_id={employer.id}"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/start")})

    # Bydel Alna's markedskontakt opens the log form for the same employer and is warned.
    login(client, bydel_user.email)
    html = client.get(url).get_data(as_text=True)
    assert "Andre partnere har kontaktet denne arbeidsgiveren de siste 30 dagene" in html
    warning = html[html.index('class="warning-box"') : html.index("</section>")]
    assert "NAV Alna" in warning and "Nora Navesen" in warning
    assert day.strftime("%d.%m.%Y") in warning
    assert "Møte avtalt" in warning
    # The same warning on the employer's contact list.
    listing = client.get(f"/contacts/?employer_id={employer.id}").get_data(as_text=True)
    assert 'class="warning-box"' in listing and "Nora Navesen" in listing

    # Bydel Alna logs its own call today anyway: a double contact.
    assert post_form(client, url, _contact_form()).status_code == 302
    contacts = db.session.scalars(select(EmployerContact).order_by(EmployerContact.id)).all()
    assert [c.partner.name for c in contacts] == ["NAV Alna", "Bydel Alna"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/start")})

    # NAV Alna now sees Bydel Alna in its warning, not itself.
    login(client, nav_user.email)
    html = client.get(url).get_data(as_text=True)
    warning = html[html.index('class="warning-box"') : html.index("</section>")]
    assert "Bydel Alna" in warning and "Bjørn Bydelsen" in warning
    assert "Nora Navesen" not in warning


def test_a_contact_31_days_ago_gives_no_warning_and_30_days_does(client, alna):
    nav_user, bydel_user, employer = alna
    old = _log(nav_user, employer, 31)
    login(client, bydel_user.email)
    url = f"/contacts/new?employer_id={employer.id}"
    assert 'class="warning-box"' not in client.get(url).get_data(as_text=True)
    old.contact_date = local_today() - timedelta(days=30)
    db.session.commit()
    assert 'class="warning-box"' in client.get(url).get_data(as_text=True)


def test_recent_contacts_by_other_partners_service_boundaries(alna, make_user):
    nav_user, bydel_user, employer = alna
    today = local_today()
    colleague = make_user(Role.counsellor, partner=bydel_user.partner)
    _log(nav_user, employer, 0)
    _log(nav_user, employer, 30)
    _log(nav_user, employer, 31)
    _log(colleague, employer, 2)  # own partner: never a warning
    found = recent_contacts_by_other_partners(employer.id, bydel_user.partner_id, today)
    assert [(c.partner.name, (today - c.contact_date).days) for c in found] == [
        ("NAV Alna", 0),
        ("NAV Alna", 30),
    ]
    assert recent_contacts_by_other_partners(employer.id, bydel_user.partner_id, today, days=7)
    assert len(recent_contacts_by_other_partners(employer.id, nav_user.partner_id, today)) == 1


def test_warning_include_escapes_names(client, alna, make_employer):
    nav_user, bydel_user, _ = alna
    evil = make_employer(name='<script>alert("x")</script> AS')
    nav_user.name = "<b>Nora</b>"
    db.session.commit()
    _log(nav_user, evil, 1, purpose="<img src=x>")
    login(client, bydel_user.email)
    html = client.get(f"/contacts/new?employer_id={evil.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>Nora</b>" not in html and "<img src=x>" not in html


# --- logging and validation ------------------------------------------------------------------


def test_logging_records_own_partner_and_user_and_an_audit_event(client, alna, make_partner):
    nav_user, _, employer = alna
    other = make_partner(name="IMDi Øst")
    login(client, nav_user.email)
    response = post_form(
        client,
        f"/contacts/new?employer_id={employer.id}",
        # A forged partner or user field is ignored: the contact is the logged-in user's.
        _contact_form(notes="  Ringte daglig leder.  ", partner_id=other.id, user_id=999),
    )
    assert response.status_code == 302
    contact = db.session.scalars(select(EmployerContact)).one()
    assert contact.partner_id == nav_user.partner_id and contact.user_id == nav_user.id
    assert contact.notes == "Ringte daglig leder."
    assert contact.channel is ContactChannel.phone and contact.result is ContactResult.conversation
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "employer_contact")
    ).one()
    assert event.action is AuditAction.create and event.object_id == contact.id


def test_next_redirect_is_local_only(client, alna):
    nav_user, _, employer = alna
    login(client, nav_user.email)
    url = f"/contacts/new?employer_id={employer.id}"
    ok = post_form(client, url, {**_contact_form(), "next": f"/employers/{employer.id}"})
    assert ok.headers["Location"] == f"/employers/{employer.id}"
    evil = post_form(client, url, {**_contact_form(), "next": "//evil.example/x"})
    assert evil.headers["Location"] == f"/contacts/?employer_id={employer.id}"


BAD_INPUT = [
    ({"contact_date": ""}, "Skriv inn datoen for kontakten."),
    ({"contact_date": "31.02.2026"}, "Skriv datoen som åååå-mm-dd"),
    ({"contact_date": "2026-02-30"}, "Skriv datoen som åååå-mm-dd"),
    ({"contact_date": "1066-10-14"}, "mellom år 2000 og 2100"),
    ({"channel": ""}, "Velg hvordan dere hadde kontakt."),
    ({"channel": "pigeon"}, "Velg en kanal fra listen."),
    ({"result": "won_the_lottery"}, "Velg et resultat fra listen."),
    ({"result": "follow_up_later"}, "Velg når dere skal følge opp."),
    ({"purpose": "x" * 201}, "Formålet kan ha høyst 200 tegn."),
    ({"notes": "x" * 2001}, "Notatene kan ha høyst 2000 tegn."),
]


@pytest.mark.parametrize(("override", "message"), BAD_INPUT)
def test_bad_input_gets_a_message_beside_the_field_and_saves_nothing(
    client, alna, override, message
):
    nav_user, _, employer = alna
    login(client, nav_user.email)
    response = post_form(
        client, f"/contacts/new?employer_id={employer.id}", _contact_form(**override)
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-message"' in html and 'aria-invalid="true"' in html
    assert _count_contacts() == 0


def test_future_date_and_follow_up_before_contact_are_refused(client, alna):
    nav_user, _, employer = alna
    login(client, nav_user.email)
    url = f"/contacts/new?employer_id={employer.id}"
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = post_form(client, url, _contact_form(contact_date=tomorrow))
    assert response.status_code == 400
    assert "Datoen kan ikke være i fremtiden" in response.get_data(as_text=True)
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    response = post_form(client, url, _contact_form(follow_up_date=yesterday))
    assert response.status_code == 400
    assert "kan ikke være før datoen for kontakten" in response.get_data(as_text=True)
    far = (local_today() + timedelta(days=400)).isoformat()
    response = post_form(client, url, _contact_form(follow_up_date=far))
    assert response.status_code == 400
    assert _count_contacts() == 0
    # The same day is fine.
    same = post_form(client, url, _contact_form(follow_up_date=local_today().isoformat()))
    assert same.status_code == 302 and _count_contacts() == 1


def test_post_without_csrf_token_is_refused(client, alna):
    nav_user, _, employer = alna
    login(client, nav_user.email)
    response = client.post(f"/contacts/new?employer_id={employer.id}", data=_contact_form())
    assert response.status_code == 400
    assert _count_contacts() == 0


def test_post_without_employer_is_400(client, alna):
    nav_user, _, _ = alna
    login(client, nav_user.email)
    token = csrf_token(client, "/start")
    response = client.post("/contacts/new", data={**_contact_form(), "csrf_token": token})
    assert response.status_code == 400
    assert _count_contacts() == 0


def test_employer_search_on_the_log_form(client, alna, make_employer):
    nav_user, _, employer = alna
    make_employer(name="Stovner Renhold AS")
    login(client, nav_user.email)
    html = client.get("/contacts/new?q=logistikk").get_data(as_text=True)
    assert "Grorud Logistikk AS" in html and "Stovner Renhold AS" not in html
    assert f"/contacts/new?employer_id={employer.id}" in html
    html = client.get(f"/contacts/new?q={employer.orgnr}").get_data(as_text=True)
    assert "Grorud Logistikk AS" in html
    html = client.get("/contacts/new?q=%25").get_data(as_text=True)
    assert "Grorud Logistikk AS" not in html  # % is literal, not a wildcard
    assert client.get("/contacts/new?q=" + "x" * 500).status_code == 200


# --- editing and follow-ups ------------------------------------------------------------------


def test_edit_own_contact_and_coordinator_of_same_partner(client, alna, make_user):
    nav_user, bydel_user, employer = alna
    contact = _log(nav_user, employer, 3)
    login(client, nav_user.email)
    url = f"/contacts/{contact.id}/edit"
    form_html = client.get(url).get_data(as_text=True)
    assert 'selected value="phone"' in form_html
    response = post_form(client, url, _contact_form(result="agreement", channel="visit"))
    assert response.status_code == 302
    db.session.refresh(contact)
    assert contact.result is ContactResult.agreement and contact.channel is ContactChannel.visit
    assert contact.partner_id == nav_user.partner_id
    updates = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == AuditAction.update, AuditEvent.object_id == contact.id)
    )
    assert updates == 1
    client.post("/logout", data={"csrf_token": csrf_token(client, "/start")})

    login(client, bydel_user.email)
    assert client.get(url).status_code == 403
    token = csrf_token(client, "/start")
    response = client.post(url, data={**_contact_form(result="no_answer"), "csrf_token": token})
    assert response.status_code == 403
    db.session.refresh(contact)
    assert contact.result is ContactResult.agreement
    client.post("/logout", data={"csrf_token": csrf_token(client, "/start")})

    coordinator = make_user(Role.coordinator, partner=nav_user.partner)
    login(client, coordinator.email)
    assert client.get(url).status_code == 200


def test_follow_ups_due_list_and_done_when_partner_logs_again(client, alna, make_user):
    nav_user, bydel_user, employer = alna
    today = local_today()
    _log(
        nav_user,
        employer,
        20,
        result=ContactResult.follow_up_later,
        follow_up_date=today - timedelta(days=2),
    )
    login(client, nav_user.email)
    html = client.get("/contacts/follow-ups").get_data(as_text=True)
    assert "Grorud Logistikk AS" in html and "forfalt" in html
    assert "Grorud Logistikk AS" in client.get("/contacts/").get_data(as_text=True)
    # Another partner's call does not close NAV Alna's follow-up ...
    _log(bydel_user, employer, 1)
    assert "Grorud Logistikk AS" in client.get("/contacts/follow-ups").get_data(as_text=True)
    # ... a colleague at NAV Alna calling does.
    _log(make_user(Role.counsellor, partner=nav_user.partner), employer, 0)
    html = client.get("/contacts/follow-ups").get_data(as_text=True)
    assert "Grorud Logistikk AS" not in html
    assert "Du har ingen oppfølginger" in html


def test_contact_list_scopes(client, alna, make_employer):
    nav_user, bydel_user, employer = alna
    _log(nav_user, employer, 1, purpose="Fra NAV")
    _log(bydel_user, make_employer(name="Annen AS"), 2, purpose="Fra bydelen")
    login(client, nav_user.email)
    everything = client.get("/contacts/").get_data(as_text=True)
    assert "Fra NAV" in everything and "Fra bydelen" in everything
    mine = client.get("/contacts/?scope=mine").get_data(as_text=True)
    assert "Fra NAV" in mine and "Fra bydelen" not in mine
    partner = client.get("/contacts/?scope=partner").get_data(as_text=True)
    assert "Fra NAV" in partner and "Fra bydelen" not in partner
    # An unknown scope is ignored.
    assert "Fra bydelen" in client.get("/contacts/?scope=<x>").get_data(as_text=True)


def test_employer_panel_include_renders_the_warning_for_staff_only(app, alna, make_user):
    """The include the employer page can place, without changes to its view."""
    from flask import render_template_string
    from flask_login import login_user

    nav_user, bydel_user, employer = alna
    _log(nav_user, employer, 3)
    template = '{% include "contacts/_employer_panel.html" %}'
    with app.test_request_context(f"/employers/{employer.id}"):
        login_user(bydel_user)
        html = render_template_string(template, employer=employer)
        assert 'class="warning-box"' in html and "NAV Alna" in html
        assert f"/contacts/new?employer_id={employer.id}&amp;next=/employers/{employer.id}" in html
    with app.test_request_context(f"/employers/{employer.id}"):
        login_user(make_user(Role.admin, partner=bydel_user.partner))
        html = render_template_string(template, employer=employer)
        assert 'class="warning-box"' in html and "/contacts/new" not in html
    with app.test_request_context(f"/employers/{employer.id}"):
        login_user(make_user(Role.employer, employer=employer))
        assert render_template_string(template, employer=employer).strip() == ""


def test_next_from_the_panel_link_survives_the_form(client, alna):
    nav_user, _, employer = alna
    login(client, nav_user.email)
    url = f"/contacts/new?employer_id={employer.id}&next=/employers/{employer.id}"
    html = client.get(url).get_data(as_text=True)
    assert f'name="next" value="/employers/{employer.id}"' in html
