"""The demo data set: deterministic, realistic, valid, loaded once, refused in production."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select
from stdnum.no import orgnr

from employerpool import create_app
from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    Employer,
    EmployerContact,
    Partner,
    Placement,
    User,
    Vacancy,
)
from employerpool.models.enums import Cefr, PlacementType, Programme
from employerpool.services.seed import DEMO_LOGINS, SeedRefused, seed_demo
from tests.conftest import login

TODAY = date(2026, 11, 26)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_small_demo_set_has_the_requested_sizes_and_valid_org_numbers(app):
    result = seed_demo(
        seed=7, candidates=120, employers=24, today=TODAY, password_method="pbkdf2:sha256:1000"
    )
    assert result.counts["candidates"] == _count(Candidate) == 120
    assert result.counts["employers"] == _count(Employer) == 24
    assert _count(Vacancy) == 48
    assert _count(Partner) == 10
    numbers = db.session.scalars(select(Employer.orgnr)).all()
    assert all(orgnr.is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    partners_contacting = db.session.scalar(
        select(func.count(func.distinct(EmployerContact.partner_id)))
    )
    assert partners_contacting >= 5
    assert _count(Placement) > 0


def test_demo_set_is_deterministic_for_a_seed(app):
    seed_demo(
        seed=11, candidates=40, employers=16, today=TODAY, password_method="pbkdf2:sha256:1000"
    )
    first = db.session.execute(
        select(Candidate.first_name, Candidate.norwegian_oral, Candidate.programme).order_by(
            Candidate.id
        )
    ).all()
    orgs = db.session.scalars(select(Employer.orgnr).order_by(Employer.id)).all()
    from tests.conftest import _empty_all_tables

    _empty_all_tables()
    seed_demo(
        seed=11, candidates=40, employers=16, today=TODAY, password_method="pbkdf2:sha256:1000"
    )
    again = db.session.execute(
        select(Candidate.first_name, Candidate.norwegian_oral, Candidate.programme).order_by(
            Candidate.id
        )
    ).all()
    assert again == first
    assert db.session.scalars(select(Employer.orgnr).order_by(Employer.id)).all() == orgs


def test_default_demo_set_mirrors_the_study(app):
    """The defaults: 10 partners, ~300 employers, ~600 needs, 2 200 candidates, A2/B1 skew."""
    result = seed_demo(seed=2014, today=TODAY, password_method="pbkdf2:sha256:1000")
    assert result.counts["candidates"] == 2200
    assert result.counts["employers"] == 300
    assert result.counts["vacancies"] == 600
    levels = Counter(db.session.scalars(select(Candidate.norwegian_oral)).all())
    assert levels[Cefr.A2] + levels[Cefr.B1] > 0.55 * 2200
    programmes = Counter(db.session.scalars(select(Candidate.programme)).all())
    assert {
        Programme.KVP,
        Programme.Intro,
        Programme.Jobbsjansen,
        Programme.YNO,
        Programme.AMO,
    } <= set(programmes)
    types = set(db.session.scalars(select(Vacancy.type)).all())
    assert types == set(PlacementType)
    assert all(orgnr.is_valid(n) for n in db.session.scalars(select(Employer.orgnr)))


def test_seeding_twice_is_refused_and_adds_nothing(app):
    seed_demo(seed=3, candidates=10, employers=8, today=TODAY, password_method="pbkdf2:sha256:1000")
    users = _count(User)
    with pytest.raises(SeedRefused):
        seed_demo(seed=3, candidates=10, employers=8, today=TODAY)
    assert _count(User) == users


def test_cli_seed_loads_once_and_the_demo_logins_work(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo", "--candidates", "30", "--employers", "8"])
    assert first.exit_code == 0, first.output
    assert "candidates" in first.output
    second = runner.invoke(args=["seed", "demo", "--candidates", "30", "--employers", "8"])
    assert second.exit_code == 0
    assert "not loaded" in second.output
    assert _count(Candidate) == 30
    client = app.test_client()
    for email, _name, _role, _partner in DEMO_LOGINS:
        response = login(client, email, "demo")
        assert response.headers["Location"].endswith("/start"), email
        client.post("/logout")  # refused without CSRF; the next login replaces the session
        client.delete_cookie("session", domain="localhost")


def test_production_refuses_to_seed(_schema, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", _schema)
    app = create_app({"ENV_NAME": "production"})
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0
    assert "refused" in result.output
    with app.app_context():
        assert _count(Partner) == 0
        db.session.remove()  # return the connection before the pool goes
        db.engine.dispose()
