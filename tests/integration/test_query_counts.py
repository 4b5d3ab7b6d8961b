"""No N+1 queries: every list and report page runs as many SQL statements with 40 rows of
everything as with 5, counted with SQLAlchemy's `before_cursor_execute` on the app's engine."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event

from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    CandidateLanguage,
    CompetenceNeed,
    ConsentRecord,
    ContactPerson,
    DesiredOccupation,
    Employer,
    EmployerContact,
    Experience,
    FollowUp,
    Match,
    MatchEvent,
    Placement,
    ProposalRequest,
    Skill,
    User,
    Vacancy,
    VacancyEvent,
    VacancySkill,
)
from employerpool.models.enums import (
    ApprovalStatus,
    Cefr,
    ConsentScope,
    ContactChannel,
    ContactResult,
    District,
    Innsatsgruppe,
    MatchStatus,
    PlacementOutcome,
    PlacementType,
    Programme,
    RequestStatus,
    Role,
    VacancyStatus,
)
from tests.conftest import login

SMALL, LARGE = 5, 40


@contextmanager
def count_statements():
    """Count the SQL statements sent to the database inside the block."""
    counter = SimpleNamespace(n=0, statements=[])

    def before(conn, cursor, statement, parameters, context, executemany):
        counter.n += 1
        counter.statements.append(statement.split("\n")[0][:120])

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def pool(make_partner, make_user, make_employer):
    """Two partners, one user per role, and `grow(n)`: n more rows of every kind."""
    own, other = make_partner(name="NAV Alna"), make_partner(name="NAV Stovner")
    home = make_employer(name="Hjemme AS", approval=ApprovalStatus.approved)
    users = {r: make_user(r, partner=own) for r in Role if r.is_staff}
    users[Role.employer] = make_user(Role.employer, employer=home)
    colleague = make_user(Role.counsellor, partner=other)
    skills = [Skill(label=f"ferdighet {i}") for i in range(4)]
    db.session.add_all(skills)
    db.session.commit()
    counter = iter(range(1, 1000))
    today = date.today()

    def candidate(partner, counsellor) -> Candidate:
        c = Candidate(
            first_name="Amina",
            last_name=f"Testesen {next(counter)}",
            birth_year=1990,
            programme=Programme.KVP,
            innsatsgruppe=Innsatsgruppe.situasjonsbestemt,
            district=District.Grorud,
            partner=partner,
            counsellor=counsellor,
            norwegian_oral=Cefr.B1,
            skills=skills[:2],
        )
        c.languages.append(CandidateLanguage(language="somali", level=Cefr.C2))
        c.experiences.append(Experience(title="lagermedarbeider", years=2))
        c.desired_occupations.append(DesiredOccupation(label="lagermedarbeider"))
        for scope in ConsentScope:
            c.consents.append(ConsentRecord(scope=scope))
        return c

    def vacancy(employer) -> Vacancy:
        v = Vacancy(
            employer=employer,
            title="Lagermedarbeider",
            occupation_label="lagermedarbeider",
            type=PlacementType.arbeidspraksis,
            status=VacancyStatus.open,
            district=District.Grorud,
            start_date=today,
        )
        v.skill_links = [VacancySkill(skill=s, required=i == 0) for i, s in enumerate(skills[:3])]
        v.events.append(VacancyEvent(to_status=VacancyStatus.open))
        return v

    def grow(n: int) -> None:
        for _ in range(n):
            with db.session.no_autoflush:
                _add_one(next(counter))
        db.session.commit()

    def _add_one(i: int) -> None:
        if True:
            employer = Employer(
                orgnr=f"{800000000 + i}",
                name=f"Bedrift {i} AS",
                district=District.Alna,
                responsible_partner=own,
                approval=ApprovalStatus.approved,
            )
            employer.contact_persons.append(ContactPerson(name="Kari Kontakt", email="k@x.no"))
            need = vacancy(employer)
            home_need = vacancy(home)
            mine, theirs = candidate(own, users[Role.counsellor]), candidate(other, colleague)
            placement = Placement(
                candidate=mine,
                employer=employer,
                type=PlacementType.arbeidspraksis,
                title="Lagermedarbeider",
                start_date=today - timedelta(days=30),
                outcome=PlacementOutcome.ongoing,
            )
            placement.follow_ups.append(FollowUp(due_date=today))
            done = Placement(
                candidate=theirs,
                employer=employer,
                type=PlacementType.ordinar,
                title="Renholder",
                start_date=today - timedelta(days=300),
                end_date=today - timedelta(days=10),
                outcome=PlacementOutcome.hired,
            )
            proposed = Match(
                vacancy=home_need,
                candidate=mine,
                status=MatchStatus.proposed,
                score=70.0,
                created_by=users[Role.counsellor],
            )
            proposed.events.append(
                MatchEvent(axis="status", from_value="suggested", to_value="proposed")
            )
            shortlisted = Match(
                vacancy=need,
                candidate=mine,
                status=MatchStatus.shortlisted,
                score=60.0,
                created_by=users[Role.counsellor],
            )
            request = ProposalRequest(
                match=shortlisted,
                requested_by=colleague,
                requesting_partner=other,
                candidate_partner_id=own.id,
                status=RequestStatus.pending,
            )
            need_for_skills = CompetenceNeed(
                employer=employer, occupation_label="Renholder", skills=skills[2:], active=True
            )
            home_standing = CompetenceNeed(employer=home, occupation_label="Kokk", active=True)
            contacts = [
                EmployerContact(
                    employer=employer,
                    partner=partner,
                    user=user,
                    contact_date=today - timedelta(days=days),
                    channel=ContactChannel.phone,
                    result=ContactResult.conversation,
                    purpose="Kartlegge behov",
                    follow_up_date=today,
                )
                for partner, user, days in (
                    (own, users[Role.employer_contact], 0),
                    (other, colleague, 1),
                )
            ]
            staff = User(
                email=f"ansatt{i}@test.no", name=f"Ansatt {i}", role=Role.counsellor, partner=own
            )
            db.session.add_all(
                [employer, need, home_need, mine, theirs, placement, done, proposed]
                + [shortlisted, request, need_for_skills, home_standing, staff, *contacts]
            )

    grow(SMALL)
    first_need = db.session.scalars(db.select(Vacancy.id).order_by(Vacancy.id)).first()
    return SimpleNamespace(users=users, grow=grow, first_need=first_need)


PAGES = [
    ("employers list", Role.employer_contact, "/employers/"),
    ("employer register search", Role.employer_contact, "/employers/?q=Bedrift"),
    ("needs list", Role.counsellor, "/vacancies/"),
    ("candidates list", Role.counsellor, "/candidates/"),
    ("suggestion page", Role.counsellor, "/suggestions/vacancies/{need}"),
    ("contacts list", Role.employer_contact, "/contacts/"),
    ("competence list", Role.counsellor, "/competence-needs/"),
    ("reports index", Role.coordinator, "/reports/"),
    ("contact report", Role.coordinator, "/reports/contacts?period=this_month"),
    ("contact report, this year", Role.coordinator, "/reports/contacts?period=this_year"),
    ("outcome report", Role.coordinator, "/reports/outcomes?period=this_year"),
    ("fairness report", Role.coordinator, "/reports/fairness"),
    ("dashboard", Role.coordinator, "/reports/dashboard"),
    ("staff home", Role.counsellor, "/start"),
    ("employer home", Role.employer, "/start"),
    ("employer's needs", Role.employer, "/vacancies/"),
    ("admin users", Role.admin, "/admin/users"),
]


@pytest.mark.parametrize(("role", "url"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_statements_per_page_do_not_grow_with_the_data(client, pool, role, url):
    login(client, pool.users[role].email)
    url = url.format(need=pool.first_need)
    counts = []
    for extra in (0, LARGE - SMALL):
        pool.grow(extra)
        # The first request may build caches (the matcher's index) or store suggestions;
        # the steady state is what every later visitor pays.
        assert client.get(url).status_code == 200
        with count_statements() as counter:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(counter)
    small, large = counts
    assert large.n <= small.n, (
        f"{url}: {small.n} statements with {SMALL} rows, {large.n} with {LARGE}:\n"
        + "\n".join(large.statements)
    )


def test_the_contact_report_does_not_list_every_employer_at_national_scale(client, pool):
    """Beyond EMPLOYER_CHOICES_MAX employers the filter takes an employer by id only: no
    select of 10 000 options (half a megabyte) on every report page."""
    from sqlalchemy import insert

    from employerpool.forms.reports import EMPLOYER_CHOICES_MAX

    login(client, pool.users[Role.coordinator].email)
    small = client.get("/reports/contacts").get_data(as_text=True)
    assert small.count("Bedrift ") >= SMALL  # every employer is an option
    db.session.execute(
        insert(Employer),
        [
            {"orgnr": f"{700000000 + i}", "name": f"Massebedrift {i} AS"}
            for i in range(EMPLOYER_CHOICES_MAX)
        ],
    )
    db.session.commit()
    chosen = db.session.scalars(db.select(Employer.id).order_by(Employer.id.desc())).first()
    large = client.get("/reports/contacts").get_data(as_text=True)
    assert "Massebedrift" not in large
    assert len(large) < len(small) + 10_000
    picked = client.get(f"/reports/contacts?employer={chosen}")
    assert picked.status_code == 200
    assert f"Massebedrift {EMPLOYER_CHOICES_MAX - 1} AS" in picked.get_data(as_text=True)
    assert client.get("/reports/contacts?employer=99999999999999").status_code == 400
