"""A candidate's rights (issue 8): innsyn as a page and a file, withdrawing consent with
immediate effect, and erasure that leaves no trace of the person while the statistics stay."""

from __future__ import annotations

import enum
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import JSON, String, Text, select

from employerpool.extensions import db
from employerpool.models import (
    AuditEvent,
    Candidate,
    CandidateLanguage,
    DesiredOccupation,
    EmployerContact,
    Experience,
    FollowUp,
    Match,
    ProposalRequest,
    Skill,
    VacancySkill,
)
from employerpool.models.enums import (
    AuditAction,
    CandidateStatus,
    Cefr,
    ConsentScope,
    ContactChannel,
    ContactResult,
    Gender,
    MatchOutcome,
    MatchStatus,
    Role,
)
from employerpool.services import matches, privacy, reports
from employerpool.services.matches import placement_for
from employerpool.services.suggestions import pseudonym
from tests.conftest import csrf_token, login, post_form

COVERED_ENDPOINTS = {
    "candidates.innsyn",
    "candidates.innsyn_json",
    "candidates.withdraw_consents",
    "candidates.erase",
}
ALL_CONSENTS = (
    ConsentScope.pool_partners,
    ConsentScope.employers,
    ConsentScope.employers_identity,
)
# Everything distinctive about the candidate, wherever the app may have stored it.
NEEDLES = {
    "first name": "Zuleikha",
    "last name": "Quennerstedt",
    "e-mail": "zuleikha.q@eksempel.no",
    "phone": "48123456",
    "summary": "drømmer om å kjøre gaffeltruck på Furuset",
    "life situation": "barnehageplass i Haugenstua",
    "foreign education": "Sykepleierutdanning fra Hargeisa",
    "test name": "Norskprøven Haugenstua-runden",
    "experience": "Kokk på Hotell Xanadu-Hargeisa",
    "own skill": "spesialsveising etter Zuleikha-metoden",
    "desired occupation": "hovmester hos Quennerstedt",
    "language": "tigrinja-dialekt Qx",
    "consent note": "samtykke gitt muntlig på Furuset",
    "placement supervisor": "Petter Veiledersen-Qx",
    "placement note": "trives godt blant kollegene på Furuset",
    "follow-up note": "neste samtale med Zuleikha i mars",
    "proposal note": "punktlig og blid, Zuleikha passer",
    "employer note": "intervju med Zuleikha gikk fint",
    "request note": "kan vi foreslå Zuleikha hos oss",
}


def _skill(label: str) -> Skill:
    skill = db.session.scalar(select(Skill).where(Skill.label == label))
    if skill is None:
        skill = Skill(label=label, domain="warehouse")  # a vocabulary skill
        db.session.add(skill)
    return skill


@pytest.fixture
def world(make_partner, make_employer, make_user, make_vacancy, make_candidate):
    """Two partners, an employer with a warehouse need, and candidates on both sides; the
    distinctive candidate has been proposed, interviewed, placed and hired."""
    alna, stovner = make_partner(name="NAV Alna"), make_partner(name="NAV Stovner")
    employer = make_employer(name="Lager Øst AS")
    vacancy = make_vacancy(employer=employer, title="Lagermedarbeider", norwegian_oral_min=Cefr.A2)
    vacancy.skill_links.append(VacancySkill(skill=_skill("bruke truck"), required=True))
    users = {
        "counsellor": make_user(Role.counsellor, partner=alna),
        "coordinator": make_user(Role.coordinator, partner=alna),
        "other_counsellor": make_user(Role.counsellor, partner=stovner),
        "other_coordinator": make_user(Role.coordinator, partner=stovner),
        "admin": make_user(Role.admin, partner=alna),
        "employer_contact": make_user(Role.employer_contact, partner=alna),
        "employer": make_user(Role.employer, employer=employer),
    }
    zuleikha = make_candidate(
        partner=alna,
        consents=ALL_CONSENTS,
        first_name=NEEDLES["first name"],
        last_name=NEEDLES["last name"],
        email=NEEDLES["e-mail"],
        phone=NEEDLES["phone"],
        birth_year=1983,
        gender=Gender.female,
        summary=f"Hun {NEEDLES['summary']}.",
        life_situation_note=NEEDLES["life situation"],
        foreign_education=NEEDLES["foreign education"],
        norwegian_test_name=NEEDLES["test name"],
        norwegian_test_date=date(2024, 5, 2),
        norwegian_oral=Cefr.B1,
        counsellor=users["counsellor"],
        desired_districts=["Stovner"],
        driving_licences=["B"],
    )
    zuleikha.consents[0].note = NEEDLES["consent note"]
    zuleikha.skills = [_skill("bruke truck"), Skill(label=NEEDLES["own skill"])]
    zuleikha.experiences = [Experience(title=NEEDLES["experience"], years=4, abroad=True)]
    zuleikha.languages = [CandidateLanguage(language=NEEDLES["language"])]
    zuleikha.desired_occupations = [DesiredOccupation(label=NEEDLES["desired occupation"])]
    pooled = make_candidate(
        partner=alna, consents=ALL_CONSENTS, first_name="Bashir", last_name="Poolsen"
    )
    pooled.skills = [_skill("bruke truck")]
    db.session.commit()

    counsellor = users["counsellor"]
    match = matches.create(vacancy.id, zuleikha.id, counsellor, score=71.5, reasons=["Truck"])
    matches.change(match, MatchStatus.proposed, counsellor, note=NEEDLES["proposal note"])
    matches.change(match, MatchOutcome.interview, users["employer"], note=NEEDLES["employer note"])
    matches.change(match, MatchOutcome.started, counsellor, on=date.today())
    placement = placement_for(match)
    placement.supervisor = NEEDLES["placement supervisor"]
    placement.note = NEEDLES["placement note"]
    placement.follow_ups.append(
        FollowUp(due_date=date.today() + timedelta(days=30), note=NEEDLES["follow-up note"])
    )
    placement.follow_ups.append(
        FollowUp(
            due_date=date.today(), done_at=placement.created_at, note=NEEDLES["follow-up note"]
        )
    )
    matches.change(match, MatchOutcome.hired, counsellor, contract_type="fast")
    other_vacancy = make_vacancy(employer=employer, title="Plukker")
    asked = matches.create(other_vacancy.id, zuleikha.id, users["other_counsellor"])
    db.session.add(
        ProposalRequest(
            match_id=asked.id,
            requested_by_id=users["other_counsellor"].id,
            requesting_partner_id=stovner.id,
            candidate_partner_id=alna.id,
            note=NEEDLES["request note"],
        )
    )
    db.session.add(
        EmployerContact(
            employer_id=employer.id,
            partner_id=alna.id,
            user_id=users["employer_contact"].id,
            contact_date=date.today(),
            channel=ContactChannel.phone,
            result=ContactResult.conversation,
        )
    )
    db.session.commit()
    assert zuleikha.status is CandidateStatus.employed
    return {
        "users": users,
        "zuleikha": zuleikha,
        "pooled": pooled,
        "vacancy": vacancy,
        "match": match,
        "partners": (alna, stovner),
    }


def _new_events(before: int) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()


def _last_event_id() -> int:
    return db.session.scalar(select(db.func.max(AuditEvent.id))) or 0


# --- access, per role ---------------------------------------------------------------------------

ROLE_OUTCOMES = {
    # role -> (innsyn, innsyn.json, withdraw, erase page)
    "counsellor": (200, 200, 303, 403),
    "coordinator": (200, 200, 303, 200),
    "other_counsellor": (404, 404, 404, 403),
    "other_coordinator": (404, 404, 404, 404),
    "admin": (403, 403, 403, 403),
    "employer_contact": (403, 403, 403, 403),
    "employer": (403, 403, 403, 403),
}


@pytest.mark.parametrize("role", sorted(ROLE_OUTCOMES))
def test_who_may_use_the_candidates_rights(client, world, role):
    """Innsyn and withdrawal: the own partner's counsellors and coordinators. Erasure cannot be
    undone, so only the own partner's coordinators. Another partner's staff get a 404."""
    candidate_id = world["zuleikha"].id
    login(client, world["users"][role].email)
    base = f"/candidates/{candidate_id}"
    got = (
        client.get(f"{base}/innsyn").status_code,
        client.get(f"{base}/innsyn.json").status_code,
        client.post(
            f"{base}/consents/withdraw-all", data={"csrf_token": csrf_token(client, "/start")}
        ).status_code,
        client.get(f"{base}/erase").status_code,
    )
    assert got == ROLE_OUTCOMES[role]
    assert client.get("/candidates/999999/innsyn").status_code in (403, 404)
    if got[0] != 200:
        refused = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_id == candidate_id, AuditEvent.allowed.is_(False)
            )
        ).all()
        assert refused and all(e.user_id == world["users"][role].id for e in refused)


def test_anonymous_users_are_sent_to_login(client, world):
    response = client.get(f"/candidates/{world['zuleikha'].id}/innsyn")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- innsyn -------------------------------------------------------------------------------------


def test_innsyn_page_shows_everything_and_is_one_export_event(client, world):
    candidate = world["zuleikha"]
    login(client, world["users"]["counsellor"].email)
    client.get(f"/candidates/{candidate.id}")  # a read, to appear in the access log
    before = _last_event_id()
    response = client.get(f"/candidates/{candidate.id}/innsyn")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for what in (
        "first name",
        "last name",
        "e-mail",
        "summary",
        "experience",
        "own skill",
        "consent note",
        "placement note",
        "employer note",
        "request note",
    ):
        assert NEEDLES[what] in page, what
    assert "1983" in page and "Lagermedarbeider" in page and "Lager Øst AS" in page
    assert "NAV Alna" in page  # the access log names the partner that read the profile
    events = _new_events(before)
    assert [(e.action, e.object_id, e.allowed, e.detail) for e in events] == [
        (AuditAction.export, candidate.id, True, {"what": "innsyn", "format": "html"})
    ]
    assert events[0].role == "counsellor" and events[0].partner_id == candidate.partner_id


def test_innsyn_file_is_json_with_the_same_data(client, world):
    candidate = world["zuleikha"]
    login(client, world["users"]["coordinator"].email)
    before = _last_event_id()
    response = client.get(f"/candidates/{candidate.id}/innsyn.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == NEEDLES["e-mail"]
    assert data["profile"]["gender"] == "female" and data["profile"]["birth_year"] == 1983
    assert {c["scope"] for c in data["consents"]} == {s.name for s in ALL_CONSENTS}
    assert NEEDLES["own skill"] in data["skills"]
    (hired, asked) = data["matches"]
    assert [e["to"] for e in hired["events"]] == [
        "suggested",
        "proposed",
        "interview",
        "started",
        "hired",
    ]
    assert data["placements"][0]["outcome"] == "hired"
    assert data["proposal_requests"][0]["note"] == NEEDLES["request note"]
    # The access log: who read or changed the profile and its matches, by partner and role.
    actions = {(a["action"], a["object"]) for a in data["access_log"]}
    assert ("update", "match") in actions and ("create", "match") in actions
    assert all(
        set(a) == {"at", "action", "object", "role", "partner", "allowed"}
        for a in data["access_log"]
    )
    assert [(e.action, e.detail) for e in _new_events(before)] == [
        (AuditAction.export, {"what": "innsyn", "format": "json"})
    ]


# --- consent ------------------------------------------------------------------------------------


def _suggestion_page(client, world) -> str:
    return client.get(f"/suggestions/vacancies/{world['vacancy'].id}").get_data(as_text=True)


def test_withdrawing_pool_consent_hides_the_candidate_from_other_partners_at_once(app, world):
    pooled = world["pooled"]
    other = app.test_client()
    login(other, world["users"]["other_counsellor"].email)
    assert pseudonym(pooled.id) in _suggestion_page(other, world)
    pool_match = db.session.scalar(select(Match).where(Match.candidate_id == pooled.id))
    assert other.get(f"/matches/{pool_match.id}").status_code == 200

    own = app.test_client()
    login(own, world["users"]["counsellor"].email)
    response = post_form(
        own,
        f"/candidates/{pooled.id}/consents",
        {"scope": "pool_partners", "action": "withdraw", "note": ""},
        form_url=f"/candidates/{pooled.id}",
    )
    assert response.status_code == 303

    assert pseudonym(pooled.id) not in _suggestion_page(other, world)  # the very next request
    assert other.get(f"/matches/{pool_match.id}").status_code == 404
    assert pseudonym(pooled.id) in _suggestion_page(own, world)  # the own partner still sees


def test_withdrawing_every_consent_hides_the_candidate_from_employers_and_partners(
    app, world, make_vacancy
):
    pooled, counsellor = world["pooled"], world["users"]["counsellor"]
    match = matches.create(world["vacancy"].id, pooled.id, counsellor)
    matches.change(match, MatchStatus.proposed, counsellor)
    db.session.commit()
    proposal_url = f"/vacancies/{world['vacancy'].id}/proposals/{match.id}"
    employer = app.test_client()
    login(employer, world["users"]["employer"].email)
    assert employer.get(proposal_url).status_code == 200
    assert "Bashir Poolsen" in employer.get(f"/vacancies/{world['vacancy'].id}").get_data(
        as_text=True
    )
    other = app.test_client()
    login(other, world["users"]["other_counsellor"].email)
    assert pseudonym(pooled.id) in _suggestion_page(other, world)

    own = app.test_client()
    login(own, counsellor.email)
    before = _last_event_id()
    response = post_form(
        own,
        f"/candidates/{pooled.id}/consents/withdraw-all",
        {},
        form_url=f"/candidates/{pooled.id}",
    )
    assert response.status_code == 303
    page = own.get(response.headers["Location"]).get_data(as_text=True)
    assert "Alle samtykker er trukket" in page

    assert employer.get(proposal_url).status_code == 404
    listing = employer.get(f"/vacancies/{world['vacancy'].id}").get_data(as_text=True)
    assert "Bashir" not in listing and f"/proposals/{match.id}" not in listing
    assert "Bashir" not in employer.get("/start").get_data(as_text=True)
    assert pseudonym(pooled.id) not in _suggestion_page(other, world)
    withdrawn = [e for e in _new_events(before) if e.action is AuditAction.consent_withdrawn]
    assert [(e.object_id, e.detail) for e in withdrawn] == [
        (pooled.id, {"scopes": sorted(s.name for s in ALL_CONSENTS)})
    ]
    db.session.refresh(pooled)
    assert not any(pooled.has_consent(s) for s in ALL_CONSENTS)


# --- erasure ------------------------------------------------------------------------------------


def _text_values():
    """Every value of every text and JSON column of every table, as text."""
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                if isinstance(value, enum.Enum):
                    value = value.name
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                yield f"{table.name}.{column.name}", text


def _traces() -> dict[str, list[str]]:
    """Where each needle occurs in the database."""
    found: dict[str, list[str]] = {}
    values = list(_text_values())
    for what, needle in NEEDLES.items():
        places = [where for where, text in values if needle.casefold() in text.casefold()]
        if places:
            found[what] = places
    return found


def _report_figures(app) -> dict:
    """Every report's output over a period that holds all the data."""
    with app.test_request_context():  # the reports label their groups in the user's language
        return _figures()


def _figures() -> dict:
    today = date.today()
    period = reports.period_for("custom", today, today - timedelta(days=400), today)
    figures = {}
    for grouping in reports.GROUPINGS:
        r = reports.outcome_report(reports.OutcomeFilter(period), grouping)
        figures[f"outcomes by {grouping}"] = (r.groups, r.months, r.total, r.programmes)
    figures["contacts"] = reports.contact_totals(reports.ContactFilter(period))
    fairness = reports.fairness_report(reports.FairnessFilter(period))
    figures["fairness sizes"] = fairness.sizes
    for dimension in ("gender", "innsatsgruppe"):
        figures[f"fairness {dimension}"] = [
            (r.category, {p: c.count for p, c in r.cells.items()})
            for r in fairness.rows_for(dimension)
        ]
    return figures


def _age_counts() -> dict:
    today = date.today()
    period = reports.period_for("custom", today, today - timedelta(days=400), today)
    fairness = reports.fairness_report(reports.FairnessFilter(period))
    return {r.category: r.cells["hired"].count for r in fairness.rows_for("age")}


def test_erasure_needs_a_confirmation_and_changes_nothing_without_it(client, world):
    candidate = world["zuleikha"]
    login(client, world["users"]["coordinator"].email)
    page = client.get(f"/candidates/{candidate.id}/erase").get_data(as_text=True)
    assert "kan ikke angres" in page
    response = post_form(client, f"/candidates/{candidate.id}/erase", {"reason": "request"})
    assert response.status_code == 400
    assert "Kryss av for å bekrefte slettingen." in response.get_data(as_text=True)
    response = post_form(
        client, f"/candidates/{candidate.id}/erase", {"reason": "retention", "confirm": "y"}
    )
    assert response.status_code == 400
    assert "Ukjent valg" in response.get_data(as_text=True)
    db.session.refresh(candidate)
    assert candidate.erased_at is None and candidate.first_name == NEEDLES["first name"]


def test_erasing_a_candidate_leaves_no_trace_of_the_person_and_keeps_the_figures(
    app, client, world
):
    candidate, match = world["zuleikha"], world["match"]
    assert set(_traces()) == set(NEEDLES), "the scan must find every needle before erasure"
    figures = _report_figures(app)
    ages = _age_counts()
    login(client, world["users"]["coordinator"].email)

    response = post_form(
        client, f"/candidates/{candidate.id}/erase", {"reason": "request", "confirm": "y"}
    )

    assert response.status_code == 303 and response.headers["Location"] == "/candidates/"
    assert "Kandidaten er slettet" in client.get("/candidates/").get_data(as_text=True)
    assert _traces() == {}
    db.session.refresh(candidate)
    assert candidate.birth_year is None and candidate.erased_at is not None
    assert candidate.email is None and candidate.phone is None and candidate.counsellor_id is None
    # The statistics: the same figures from every report; only the age band is now unknown.
    assert _report_figures(app) == figures
    band = reports.age_band(1983, date.today().year)
    assert _age_counts() == {**ages, band: ages[band] - 1, "unknown": ages["unknown"] + 1}
    # The pipeline is kept without identity.
    assert db.session.get(Match, match.id).score == 71.5
    assert [e.to_value for e in match.events] == [
        "suggested",
        "proposed",
        "interview",
        "started",
        "hired",
    ]
    assert candidate.status is CandidateStatus.employed  # an outcome, counted by the reports
    assert placement_for(match).outcome.name == "hired"
    erase = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.erase)
    ).one()
    assert erase.object_id == candidate.id and erase.detail == {"reason": "request"}
    assert erase.user_id == world["users"]["coordinator"].id


def test_an_erased_candidate_drops_out_everywhere_and_their_matches_still_show(app, client, world):
    candidate, match = world["zuleikha"], world["match"]
    privacy.erase_candidate(candidate, world["users"]["coordinator"], "request")
    db.session.commit()

    login(client, world["users"]["counsellor"].email)
    assert f"/candidates/{candidate.id}" not in client.get("/candidates/").get_data(as_text=True)
    for url in ("", "/innsyn", "/innsyn.json", "/edit"):
        assert client.get(f"/candidates/{candidate.id}{url}").status_code == 404, url
    assert client.get(f"/suggestions/candidates/{candidate.id}").status_code == 404
    page = client.get(f"/matches/{match.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Slettet kandidat" in html and NEEDLES["first name"] not in html
    assert "Neste steg" not in html  # the pipeline of an erased candidate is closed
    assert client.get("/start").status_code == 200
    employer_page = client.get(f"/employers/{world['vacancy'].employer_id}")
    assert employer_page.status_code == 200
    assert NEEDLES["first name"] not in employer_page.get_data(as_text=True)

    employer = app.test_client()
    login(employer, world["users"]["employer"].email)
    url = f"/vacancies/{world['vacancy'].id}/proposals/{match.id}"
    assert employer.get(url).status_code == 404
    assert NEEDLES["first name"] not in employer.get("/start").get_data(as_text=True)


def test_an_erased_active_candidate_leaves_the_pool_and_the_ranking(app, world):
    pooled = world["pooled"]
    other = app.test_client()
    login(other, world["users"]["other_counsellor"].email)
    assert pseudonym(pooled.id) in _suggestion_page(other, world)
    own = app.test_client()
    login(own, world["users"]["counsellor"].email)
    assert pseudonym(pooled.id) in _suggestion_page(own, world)

    assert privacy.erase_candidate(pooled, None, "ended") is True
    assert privacy.erase_candidate(pooled, None, "ended") is False  # once is enough
    db.session.commit()

    assert db.session.get(Candidate, pooled.id).status is CandidateStatus.inactive
    assert pseudonym(pooled.id) not in _suggestion_page(own, world)
    assert pseudonym(pooled.id) not in _suggestion_page(other, world)
    coordinator = app.test_client()
    login(coordinator, world["users"]["coordinator"].email)
    allocation = coordinator.get("/suggestions/allocation?district=").get_data(as_text=True)
    assert pseudonym(pooled.id) not in allocation


def test_skills_from_the_vocabulary_survive_an_erasure(world):
    privacy.erase_candidate(world["zuleikha"], None, "request")
    db.session.commit()
    labels = set(db.session.scalars(select(Skill.label)))
    assert "bruke truck" in labels and NEEDLES["own skill"] not in labels
