"""An employer user cannot read or change another employer's data: every route of the employer
blueprints that takes an id is tried with GET and POST by a user of ANOTHER employer, and each
answers 403 or 404 with the database unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import CompetenceNeed, ContactPerson, Skill
from employerpool.models.enums import ConsentScope, Role, VacancyStatus
from employerpool.services import matches
from tests.conftest import csrf_token, login

BLUEPRINTS = ("employers", "vacancies", "competence", "registration", "vocabulary", "main")
# Every field any of these forms reads, filled with plausible values.
FORM_DATA = {
    "action": "close",
    "decision": "approve",
    "answer": "interested",
    "reason": "other",
    "note": "x",
    "active": "0",
    "type": "arbeidspraksis",
    "title": "Overtatt",
    "places": "3",
    "district": "Alna",
    "name": "Overtatt AS",
    "nace_section": "C",
    "size_band": "small",
    "occupation_label": "kokk",
    "contact_name": "Inntrenger",
    "contact_email": "inn@trenger.no",
    "responsible_partner_id": "1",
    "agreement": "none",
}
# The tables an attack could change (audit events are expected to grow and are left out).
TABLES = (
    "employer",
    "contact_person",
    "user_account",
    "set_password_token",
    "vacancy",
    "vacancy_event",
    "vacancy_skill",
    "match",
    "match_event",
    "placement",
    "competence_need",
    "competence_need_skill",
    "skill",
)


def snapshot() -> dict[str, list]:
    db.session.expire_all()
    return {
        t: sorted(map(tuple, db.session.execute(db.metadata.tables[t].select()).all()), key=repr)
        for t in TABLES
    }


@pytest.fixture
def victim(make_employer, make_user, make_vacancy, make_candidate):
    """Another employer with a need, a proposal, a competence need and two contact persons."""
    employer = make_employer(name="Offer AS")
    for name in ("Kari Kontakt", "Ola Kontakt"):
        employer.contact_persons.append(ContactPerson(name=name, email=f"{name[:3]}@offer.no"))
    make_user(Role.employer, employer=employer)
    vacancy = make_vacancy(employer=employer, status=VacancyStatus.open, title="Hemmelig behov")
    counsellor = make_user(Role.counsellor)
    candidate = make_candidate(consents=(ConsentScope.employers,), partner=counsellor.partner)
    match = matches.create(vacancy.id, candidate.id, counsellor)
    matches.change(match, matches.MatchStatus.proposed, counsellor)
    need = CompetenceNeed(employer=employer, occupation_label="Hemmelig yrke")
    need.skills.append(Skill(label="hemmelig ferdighet"))
    db.session.add(need)
    db.session.commit()
    return {
        "employer_id": employer.id,
        "vacancy_id": vacancy.id,
        "match_id": match.id,
        "person_id": employer.contact_persons[0].id,
        "need_id": need.id,
    }


@pytest.fixture
def attacker(client, make_user):
    user = make_user(Role.employer)
    login(client, user.email)
    return user


def id_routes(app) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(endpoint, rule, method, arguments) for every employer-blueprint route taking an id."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in BLUEPRINTS and rule.arguments:
            for method in sorted(rule.methods & {"GET", "POST"}):
                out.append((rule.endpoint, rule.rule, method, tuple(sorted(rule.arguments))))
    return sorted(out)


def test_the_routes_under_test_are_the_ones_expected(app):
    endpoints = {e for e, _, _, _ in id_routes(app)}
    # A new route with an id joins the test below automatically; this keeps the list honest.
    assert {
        "employers.detail",
        "employers.edit",
        "employers.approval",
        "employers.responsible",
        "employers.add_contact_person",
        "employers.delete_contact_person",
        "registration.invite_contact",
        "vacancies.detail",
        "vacancies.edit",
        "vacancies.change_status",
        "vacancies.proposal",
        "competence.edit",
        "competence.set_active",
    } <= endpoints


def test_every_id_route_refuses_a_user_of_another_employer(app, client, victim, attacker):
    routes = id_routes(app)
    assert len(routes) >= 18
    before = snapshot()
    token = csrf_token(client, "/start")
    for endpoint, rule, method, arguments in routes:
        url = rule
        for arg in arguments:
            assert arg in victim, f"{endpoint}: add an id for <{arg}> to the victim fixture"
            url = url.replace(f"<int:{arg}>", str(victim[arg]))
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={**FORM_DATA, "csrf_token": token})
        assert response.status_code in (403, 404), (endpoint, method, response.status_code)
        body = response.get_data(as_text=True)
        assert "Hemmelig" not in body and "Offer AS" not in body, (endpoint, method)
    assert snapshot() == before


def test_posting_new_needs_with_another_employers_id_stays_with_the_own_employer(
    client, victim, attacker
):
    token = csrf_token(client, "/start")
    for url in ("/vacancies/new", "/competence-needs/new"):
        client.post(
            url,
            data={
                **FORM_DATA,
                "employer_id": str(victim["employer_id"]),
                "occupation_label": "kokk",
                "csrf_token": token,
            },
        )
    from employerpool.models import Vacancy

    victims_needs = db.session.scalars(
        select(Vacancy.title).where(Vacancy.employer_id == victim["employer_id"])
    ).all()
    assert victims_needs == ["Hemmelig behov"]
    victims_competence = db.session.scalars(
        select(CompetenceNeed.occupation_label).where(
            CompetenceNeed.employer_id == victim["employer_id"]
        )
    ).all()
    assert victims_competence == ["Hemmelig yrke"]
    own = db.session.scalars(select(Vacancy.employer_id).where(Vacancy.title == "Overtatt")).all()
    assert own == [attacker.employer_id]


def test_lists_and_start_page_show_nothing_of_another_employer(client, victim, attacker):
    for url in ("/start", "/vacancies/", "/vacancies/?status=all"):
        body = client.get(url).get_data(as_text=True)
        assert "Hemmelig" not in body and "Offer AS" not in body
    for url in ("/employers/", "/competence-needs/"):
        assert client.get(url).status_code == 403
