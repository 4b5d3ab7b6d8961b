"""Retention (issue 8): `flask retention run [--dry-run]` erases candidates without activity
for RETENTION_INACTIVE_DAYS and what employers saw of proposals older than six months."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from employerpool import create_app
from employerpool.config import ConfigError
from employerpool.extensions import db
from employerpool.models import (
    AuditEvent,
    Candidate,
    MatchEvent,
    Placement,
    now_utc,
)
from employerpool.models.enums import (
    AuditAction,
    ConsentScope,
    MatchOutcome,
    MatchStatus,
    PlacementOutcome,
    PlacementType,
    Role,
)
from employerpool.services import matches, retention
from tests.conftest import login

COVERED_ENDPOINTS: set[str] = set()  # a command, no routes
YEARS_AGO = now_utc() - timedelta(days=4 * 365)


def _backdate_candidate(candidate: Candidate, at) -> None:
    candidate.created_at = at
    candidate.updated_at = at  # set explicitly, so the onupdate default stays out
    db.session.commit()


def _backdate_events(match, at) -> None:
    # Match events are append-only for the app; the test rewrites history through Core.
    table = MatchEvent.__table__
    db.session.execute(update(table).where(table.c.match_id == match.id).values(at=at))
    match.updated_at = at
    db.session.commit()


@pytest.fixture
def world(make_user, make_candidate, make_vacancy):
    counsellor = make_user(Role.counsellor)
    employer_user = make_user(Role.employer)
    partner = counsellor.partner
    vacancy = make_vacancy(employer=employer_user.employer)
    consents = (ConsentScope.employers,)

    def candidate(first_name: str):
        return make_candidate(partner=partner, first_name=first_name, consents=consents)

    forgotten = candidate("Glemt")  # nothing for four years
    _backdate_candidate(forgotten, YEARS_AGO)
    matched = candidate("Matchet")  # old profile, but a match moved a year ago
    _backdate_candidate(matched, YEARS_AGO)
    placed = candidate("Plassert")  # old profile, in an ongoing placement
    placed.placements.append(
        Placement(
            type=PlacementType.arbeidspraksis,
            title="Lager",
            start_date=date(2021, 1, 4),
            outcome=PlacementOutcome.ongoing,
        )
    )
    db.session.commit()
    _backdate_candidate(placed, YEARS_AGO)
    active = candidate("Aktiv")

    def proposal(who, days_ago: int, outcome: MatchOutcome | None, note: str):
        match = matches.create(vacancy.id, who.id, counsellor)
        matches.change(match, MatchStatus.shortlisted, counsellor, note="intern merknad")
        matches.change(match, MatchStatus.proposed, counsellor, note="sendt til arbeidsgiver")
        if outcome is not None:
            matches.change(match, MatchOutcome.interview, employer_user, note=note)
            if outcome is MatchOutcome.started:
                matches.change(match, MatchOutcome.started, counsellor)
        db.session.commit()
        _backdate_events(match, now_utc() - timedelta(days=days_ago))
        return match

    second = candidate("Andre")
    third = candidate("Tredje")
    old_match = proposal(matched, 365, None, "")
    expired = proposal(active, 200, MatchOutcome.interview, "Hun virket flink i intervjuet")
    started = proposal(second, 200, MatchOutcome.started, "Starter mandag")
    recent = proposal(third, 20, MatchOutcome.interview, "Vi tar kontakt")
    return {
        "counsellor": counsellor,
        "employer_user": employer_user,
        "vacancy": vacancy,
        "forgotten": forgotten,
        "kept": (matched, placed, active, second, third),
        "old_match": old_match,
        "expired": expired,
        "started": started,
        "recent": recent,
    }


def _notes(match) -> list:
    return list(
        db.session.scalars(
            select(MatchEvent.note).where(MatchEvent.match_id == match.id).order_by(MatchEvent.id)
        )
    )


def _snapshot() -> tuple:
    candidates = db.session.execute(
        select(Candidate.id, Candidate.first_name, Candidate.erased_at).order_by(Candidate.id)
    ).all()
    notes = db.session.execute(select(MatchEvent.id, MatchEvent.note)).all()
    audits = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    return candidates, sorted(notes), audits


def test_dry_run_lists_what_would_be_erased_and_changes_nothing(app, world):
    before = _snapshot()
    result = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _snapshot() == before
    out = result.output
    assert f"candidate {world['forgotten'].id:>8}" in out
    for kept in world["kept"]:
        assert f"candidate {kept.id:>8}" not in out
    assert f"match {world['expired'].id:>8}" in out
    assert f"match {world['old_match'].id:>8}" in out  # proposed a year ago, never answered
    for visible in ("started", "recent"):
        assert f"match {world[visible].id:>8}" not in out
    assert "Dry run: nothing was changed." in out
    assert "Glemt" not in out and "Testesen" not in out  # ids and dates only


def test_the_real_run_erases_and_a_second_run_finds_nothing(app, world):
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "Erased 1 candidates; cleared 2 proposals" in result.output
    db.session.expire_all()

    forgotten = db.session.get(Candidate, world["forgotten"].id)
    assert forgotten.erased_at is not None and forgotten.first_name == ""
    assert forgotten.birth_year is None and not forgotten.has_consent(ConsentScope.employers)
    for kept in world["kept"]:
        assert db.session.get(Candidate, kept.id).erased_at is None
    # What the employer saw or wrote is gone; the counsellor's internal note and the pipeline
    # (who, when, from, to) stay.
    expired_events = db.session.scalars(
        select(MatchEvent).where(MatchEvent.match_id == world["expired"].id).order_by(MatchEvent.id)
    ).all()
    assert [(e.to_value, e.note) for e in expired_events] == [
        ("suggested", None),
        ("shortlisted", "intern merknad"),
        ("proposed", None),
        ("interview", None),
    ]
    assert "Starter mandag" in _notes(world["started"])
    assert "Vi tar kontakt" in _notes(world["recent"])
    erased = db.session.execute(
        select(AuditEvent.object_type, AuditEvent.object_id, AuditEvent.user_id).where(
            AuditEvent.action == AuditAction.erase
        )
    ).all()
    assert sorted(erased) == sorted(
        [
            ("candidate", world["forgotten"].id, None),
            ("match", world["expired"].id, None),
            ("match", world["old_match"].id, None),
        ]
    )

    again = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"]).output
    assert again.count(": 0\n") == 2, again
    assert "  candidate " not in again and "  match " not in again


def test_employers_stop_seeing_a_proposal_six_months_after_it_was_made(app, client, world):
    """Hidden at once, whether or not the run has been; a placement keeps it."""
    login(client, world["employer_user"].email)
    vacancy_id = world["vacancy"].id
    assert client.get(f"/vacancies/{vacancy_id}/proposals/{world['expired'].id}").status_code == 404
    for visible in ("started", "recent"):
        url = f"/vacancies/{vacancy_id}/proposals/{world[visible].id}"
        assert client.get(url).status_code == 200, visible
    listing = client.get(f"/vacancies/{vacancy_id}").get_data(as_text=True)
    assert f"/proposals/{world['expired'].id}" not in listing
    assert f"/proposals/{world['recent'].id}" in listing


def test_the_periods_come_from_the_configuration(app, world):
    app.config["RETENTION_INACTIVE_DAYS"] = 10 * 365
    app.config["PROPOSAL_RETENTION_DAYS"] = 400
    plan = retention.plan()
    assert plan.candidates == [] and plan.proposals == []
    app.config["PROPOSAL_RETENTION_DAYS"] = 10
    assert {p.match_id for p in retention.plan().proposals} == {
        world["old_match"].id,
        world["expired"].id,
        world["recent"].id,
    }


def test_retention_periods_can_be_set_in_the_environment(_schema, monkeypatch):
    monkeypatch.setenv("RETENTION_INACTIVE_DAYS", "730")
    app = create_app({"SQLALCHEMY_DATABASE_URI": _schema})
    assert app.config["RETENTION_INACTIVE_DAYS"] == 730
    assert app.config["PROPOSAL_RETENTION_DAYS"] == 183
    monkeypatch.setenv("RETENTION_INACTIVE_DAYS", "tre år")
    with pytest.raises(ConfigError, match="RETENTION_INACTIVE_DAYS"):
        create_app({"SQLALCHEMY_DATABASE_URI": _schema})
