"""The employer's view of proposed candidates: consent, pseudonyms, no protected traits, answers
as match events, and consent withdrawal taking effect at once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import (
    AuditEvent,
    Experience,
    MatchEvent,
    Placement,
    Skill,
    now_utc,
)
from employerpool.models.enums import (
    AuditAction,
    Cefr,
    ConsentScope,
    Gender,
    MatchOutcome,
    MatchStatus,
    PlacementOutcome,
    PlacementType,
    Role,
)
from employerpool.services import matches
from employerpool.services.proposals import pseudonym_code
from tests.conftest import login, post_form
from tests.integration.test_registration import field_error


@pytest.fixture
def proposal(make_user, make_vacancy, make_candidate, make_employer):
    """A need with a proposed candidate who consented to share the profile (not the name)."""
    employer = make_employer()
    employer_user = make_user(Role.employer, employer=employer)
    counsellor = make_user(Role.counsellor)
    vacancy = make_vacancy(employer=employer, title="Lagermedarbeider")
    candidate = make_candidate(
        consents=(ConsentScope.employers,),
        first_name="Zahra",
        last_name="Unikesen",
        birth_year=1987,
        gender=Gender.female,
        email="zahra@example.no",
        phone="99887766",
        norwegian_oral=Cefr.B1,
        norwegian_written=Cefr.A2,
        partner=counsellor.partner,
        foreign_education="Lærerutdanning fra Kabul",
    )
    candidate.skills.append(Skill(label="varemottak"))
    candidate.experiences.append(Experience(title="Butikkmedarbeider", years=3))
    candidate.placements.append(
        Placement(
            type=PlacementType.arbeidspraksis,
            title="Arbeidspraksis på lager",
            start_date=date(2024, 2, 1),
            outcome=PlacementOutcome.completed,
        )
    )
    db.session.commit()
    match = matches.create(
        vacancy.id, candidate.id, counsellor, reasons=["Muntlig B1 – krav A2 oppfylt"]
    )
    matches.change(match, MatchStatus.proposed, counsellor, note="God på lager")
    db.session.commit()
    return {
        "employer_user": employer_user,
        "counsellor": counsellor,
        "vacancy": vacancy,
        "candidate": candidate,
        "match": match,
        "url": f"/vacancies/{vacancy.id}/proposals/{match.id}",
    }


def test_employer_sees_the_proposal_with_only_what_was_consented(client, proposal):
    login(client, proposal["employer_user"].email)
    start = client.get("/start").get_data(as_text=True)
    name = pseudonym(proposal["match"].id)
    assert name in start and proposal["url"] in start
    html = client.get(proposal["url"]).get_data(as_text=True)
    html = html[html.index("<main") : html.index("</main>")]
    assert name in html
    for shown in (
        "varemottak",
        "Butikkmedarbeider",
        "Arbeidspraksis på lager (2024)",
        "Fullført",
        "Muntlig B1 – krav A2 oppfylt",
        "B1 – klarer seg",
        "God på lager",
    ):
        assert shown in html, shown
    for hidden in (
        "Zahra",
        "Unikesen",
        "zahra@example.no",
        "99887766",
        "1987",
        "Kvinne",
        "Kabul",
        "KVP",
        "Kvalifiseringsprogrammet",
        "Stovner",
    ):
        assert hidden not in html, hidden
    # Reading a proposed candidate is an audited candidate read.
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.view)
    ).one()
    assert event.object_id == proposal["candidate"].id
    assert event.user_id == proposal["employer_user"].id


def pseudonym(match_id: int) -> str:
    return f"Kandidat {pseudonym_code(match_id)}"


def test_pseudonym_is_stable_and_short():
    assert pseudonym_code(42) == pseudonym_code(42)
    assert pseudonym_code(42) != pseudonym_code(43)
    assert len(pseudonym_code(42)) == 4


def test_identity_consent_shows_name_and_contact_details(client, proposal):
    from employerpool.models import ConsentRecord

    proposal["candidate"].consents.append(ConsentRecord(scope=ConsentScope.employers_identity))
    db.session.commit()
    login(client, proposal["employer_user"].email)
    html = client.get(proposal["url"]).get_data(as_text=True)
    assert "Zahra Unikesen" in html and "zahra@example.no" in html and "99887766" in html
    assert "1987" not in html and "Kvinne" not in html


def test_withdrawing_consent_removes_the_proposal_at_once(client, proposal):
    login(client, proposal["employer_user"].email)
    assert client.get(proposal["url"]).status_code == 200
    for consent in proposal["candidate"].consents:
        consent.withdrawn_at = now_utc()
    db.session.commit()
    assert client.get(proposal["url"]).status_code == 404
    start = client.get("/start").get_data(as_text=True)
    assert pseudonym(proposal["match"].id) not in start
    detail = client.get(f"/vacancies/{proposal['vacancy'].id}").get_data(as_text=True)
    assert proposal["url"] not in detail
    response = post_form(
        client,
        proposal["url"],
        {"answer": "interested"},
        form_url=f"/vacancies/{proposal['vacancy'].id}",
    )
    assert response.status_code == 404
    assert proposal["match"].outcome is None


def test_a_withdrawn_match_is_not_shown(client, proposal):
    matches.change(proposal["match"], MatchStatus.withdrawn, proposal["counsellor"], reason="other")
    db.session.commit()
    login(client, proposal["employer_user"].email)
    assert client.get(proposal["url"]).status_code == 404


def answer(client, url, **data):
    return post_form(client, url, data)


def test_each_answer_is_an_event_on_the_match_and_shows_in_the_history(client, proposal):
    login(client, proposal["employer_user"].email)
    url = proposal["url"]
    assert answer(client, url, answer="interview", note="Kom tirsdag").status_code == 302
    assert answer(client, url, answer="interested").status_code == 302
    assert answer(client, url, answer="started", start_date="2026-01-05").status_code == 302
    match = proposal["match"]
    db.session.refresh(match)
    assert match.outcome is MatchOutcome.started
    events = db.session.scalars(
        select(MatchEvent).where(MatchEvent.match_id == match.id).order_by(MatchEvent.id)
    ).all()
    outcome_events = [(e.from_value, e.to_value, e.actor_id) for e in events if e.axis == "outcome"]
    uid = proposal["employer_user"].id
    assert outcome_events == [
        (None, "interview", uid),
        ("interview", "interested", uid),
        ("interested", "started", uid),
    ]
    html = client.get(url).get_data(as_text=True)
    events_table = html[html.index('id="events"') :]
    for text in (
        "Presentert for arbeidsgiver",
        "Invitert til intervju",
        "Arbeidsgiver interessert",
        "Praksis startet",
        "Kom tirsdag",
    ):
        assert text in events_table, text
    # The counsellor's steps before the proposal are internal.
    assert "Foreslått av matcher" not in events_table
    placement = db.session.scalar(select(Placement).where(Placement.match_id == match.id))
    assert placement.start_date == date(2026, 1, 5)
    assert placement.outcome is PlacementOutcome.ongoing
    # After the start the employer has no further answers to give.
    assert "Send svaret" not in html


def test_declining_needs_a_reason_from_the_list(client, proposal):
    login(client, proposal["employer_user"].email)
    url = proposal["url"]
    response = answer(client, url, answer="declined")
    assert response.status_code == 400
    assert "Velg hvorfor" in field_error(response.get_data(as_text=True), "reason")
    response = answer(client, url, answer="declined", reason="nonsense")
    assert response.status_code == 400
    assert proposal["match"].outcome is None
    assert db.session.scalar(select(MatchEvent).where(MatchEvent.axis == "outcome")) is None
    response = answer(client, url, answer="declined", reason="language", note="For lite norsk")
    assert response.status_code == 302
    db.session.refresh(proposal["match"])
    assert proposal["match"].outcome is MatchOutcome.declined
    event = db.session.scalars(select(MatchEvent).where(MatchEvent.axis == "outcome")).one()
    assert (event.reason, event.note) == ("language", "For lite norsk")
    html = client.get(url).get_data(as_text=True)
    assert "Norskkunnskapene er for svake for jobben" in html and "For lite norsk" in html


@pytest.mark.parametrize(
    "data",
    [
        {"answer": "hired"},
        {"answer": "completed"},
        {"answer": "aborted", "reason": "health"},
        {"answer": "bogus"},
        {},
        {"answer": "interested", "note": "x" * 5000},
        {"answer": "started", "start_date": "2999-01-01"},
    ],
)
def test_answers_an_employer_may_not_give_are_refused(client, proposal, data):
    login(client, proposal["employer_user"].email)
    response = answer(client, proposal["url"], **data)
    assert response.status_code == 400
    db.session.refresh(proposal["match"])
    assert proposal["match"].outcome is None


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 302),
        (Role.admin, 403),
        (Role.coordinator, 403),
        (Role.counsellor, 403),
        (Role.employer_contact, 403),
        (Role.employer, 200),
        ("other_employer", 404),
    ],
    ids=lambda v: getattr(v, "name", str(v)),
)
def test_proposal_page_access(client, proposal, make_user, role, expected):
    if role == "other_employer":
        login(client, make_user(Role.employer).email)
    elif role is Role.employer:
        login(client, proposal["employer_user"].email)
    elif role is not None:
        login(client, make_user(role).email)
    response = client.get(proposal["url"])
    assert response.status_code == expected
    if role is None:
        assert "/login" in response.headers["Location"]


def test_need_list_counts_proposals(client, proposal):
    login(client, proposal["employer_user"].email)
    html = client.get("/start").get_data(as_text=True)
    assert "1 ny" in html
    assert "1 kandidat venter på svar fra dere." in html
