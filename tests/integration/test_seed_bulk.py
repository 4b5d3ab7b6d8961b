"""The bulk path of the demo data (national sizes): batched inserts with the national
proportions, valid and deterministic, and the demo logins work on it."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select
from stdnum.no import orgnr

from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    ConsentRecord,
    Employer,
    EmployerContact,
    Placement,
    User,
    Vacancy,
    VacancySkill,
    candidate_skill,
)
from employerpool.models.enums import Cefr, Role
from employerpool.services.seed import (
    BULK_CONTACTS_PER_EMPLOYER,
    BULK_PLACEMENTS_PER_CANDIDATE,
    DEMO_LOGINS,
    seed_demo,
)
from tests.conftest import _empty_all_tables, login

TODAY = date(2026, 11, 26)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _seed(seed: int = 9, candidates: int = 600, employers: int = 30):
    return seed_demo(
        seed=seed,
        candidates=candidates,
        employers=employers,
        today=TODAY,
        password_method="pbkdf2:sha256:1000",
        bulk=True,
    )


def test_bulk_path_gives_the_national_proportions(app):
    result = _seed()
    assert result.counts["candidates"] == _count(Candidate) == 600
    assert result.counts["employers"] == _count(Employer) == 30
    assert result.counts["vacancies"] == _count(Vacancy) == 60
    assert result.counts["placements"] == _count(Placement) == 600 * BULK_PLACEMENTS_PER_CANDIDATE
    assert result.counts["contacts"] == _count(EmployerContact) == 30 * BULK_CONTACTS_PER_EMPLOYER
    numbers = db.session.scalars(select(Employer.orgnr)).all()
    assert all(orgnr.is_valid(n) for n in numbers) and len(set(numbers)) == len(numbers)
    # Profiles are filled like the default data: skills, consents, needs with skills.
    assert db.session.scalar(select(func.count()).select_from(candidate_skill)) > 600
    assert _count(ConsentRecord) > 600
    assert _count(VacancySkill) >= 3 * 60
    levels = Counter(db.session.scalars(select(Candidate.norwegian_oral)))
    assert levels[Cefr.A2] + levels[Cefr.B1] > 0.5 * 600
    placed = set(db.session.scalars(select(Placement.candidate_id)))
    assert placed <= set(db.session.scalars(select(Candidate.id)))
    first_employer = db.session.scalar(select(func.min(Employer.id)))
    employer_user = db.session.scalars(select(User).where(User.role == Role.employer)).one()
    assert employer_user.employer_id == first_employer


def test_bulk_path_is_deterministic_for_a_seed(app):
    _seed(seed=4, candidates=200, employers=10)

    def snapshot():
        return (
            db.session.execute(
                select(
                    Candidate.first_name, Candidate.partner_id, Candidate.norwegian_oral
                ).order_by(Candidate.id)
            ).all(),
            db.session.scalars(select(Employer.orgnr).order_by(Employer.id)).all(),
            db.session.execute(
                select(Placement.title, Placement.outcome).order_by(Placement.id)
            ).all(),
        )

    first = snapshot()
    _empty_all_tables()
    _seed(seed=4, candidates=200, employers=10)
    assert snapshot() == first


def test_cli_takes_the_bulk_path_and_the_demo_logins_work(app):
    result = app.test_cli_runner().invoke(
        args=["seed", "demo", "--candidates", "40", "--employers", "6", "--bulk"]
    )
    assert result.exit_code == 0, result.output
    assert "loaded in" in result.output
    assert _count(Placement) == 40 * BULK_PLACEMENTS_PER_CANDIDATE
    client = app.test_client()
    for email, _name, _role, _partner in DEMO_LOGINS:
        response = login(client, email, "demo")
        assert response.headers["Location"].endswith("/start"), email
        client.delete_cookie("session", domain="localhost")
