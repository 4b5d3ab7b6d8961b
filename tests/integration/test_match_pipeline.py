"""The match pipeline's rules and its append-only history."""

from __future__ import annotations

import pytest

from employerpool.extensions import db
from employerpool.models import AppendOnlyError, MatchEvent
from employerpool.models.enums import ConsentScope, MatchOutcome, MatchStatus, Role
from employerpool.services import matches
from employerpool.services.matches import TransitionError


@pytest.fixture
def match(make_vacancy, make_candidate, make_user):
    counsellor = make_user(Role.counsellor)
    m = matches.create(
        make_vacancy().id, make_candidate(consents=(ConsentScope.employers,)).id, counsellor
    )
    db.session.commit()
    return m, counsellor


def test_full_pipeline_writes_one_event_per_change(match):
    m, counsellor = match
    for to in (
        MatchStatus.shortlisted,
        MatchStatus.proposed,
        MatchOutcome.interested,
        MatchOutcome.started,
        MatchOutcome.hired,
    ):
        matches.change(m, to, counsellor)
    db.session.commit()
    events = db.session.scalars(
        db.select(MatchEvent).where(MatchEvent.match_id == m.id).order_by(MatchEvent.id)
    ).all()
    assert [(e.axis, e.from_value, e.to_value) for e in events] == [
        ("status", None, "suggested"),
        ("status", "suggested", "shortlisted"),
        ("status", "shortlisted", "proposed"),
        ("outcome", None, "interested"),
        ("outcome", "interested", "started"),
        ("outcome", "started", "hired"),
    ]
    assert all(e.actor_id == counsellor.id for e in events)


def test_outcome_before_proposal_is_refused(match):
    m, counsellor = match
    with pytest.raises(TransitionError):
        matches.change(m, MatchOutcome.interested, counsellor)
    assert m.outcome is None


@pytest.mark.parametrize("to", [MatchStatus.withdrawn])
def test_withdrawal_needs_a_reason(match, to):
    m, counsellor = match
    with pytest.raises(TransitionError, match="grunn"):
        matches.change(m, to, counsellor, reason="  ")
    matches.change(m, to, counsellor, reason="candidate_declined")
    assert m.status is MatchStatus.withdrawn


def test_decline_and_abort_need_a_reason(match):
    m, counsellor = match
    matches.change(m, MatchStatus.proposed, counsellor)
    with pytest.raises(TransitionError):
        matches.change(m, MatchOutcome.declined, counsellor)
    matches.change(m, MatchOutcome.interested, counsellor)
    matches.change(m, MatchOutcome.started, counsellor)
    with pytest.raises(TransitionError):
        matches.change(m, MatchOutcome.aborted, counsellor)
    matches.change(m, MatchOutcome.aborted, counsellor, reason="health")
    assert m.outcome is MatchOutcome.aborted


def test_match_events_cannot_be_changed_or_deleted(match):
    m, _ = match
    event = db.session.scalars(db.select(MatchEvent).where(MatchEvent.match_id == m.id)).first()
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    event = db.session.scalars(db.select(MatchEvent).where(MatchEvent.match_id == m.id)).first()
    db.session.delete(event)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_proposing_needs_the_candidates_consent_to_share_with_employers(
    make_vacancy, make_candidate, make_user
):
    counsellor = make_user(Role.counsellor)
    m = matches.create(make_vacancy().id, make_candidate().id, counsellor)
    with pytest.raises(TransitionError, match="samtykket"):
        matches.change(m, MatchStatus.proposed, counsellor)
    assert m.status is MatchStatus.suggested


def test_started_creates_placement_history_and_hired_closes_it(match):
    from datetime import date

    from employerpool.models import Placement
    from employerpool.models.enums import CandidateStatus, PlacementOutcome

    m, counsellor = match
    matches.change(m, MatchStatus.proposed, counsellor)
    matches.change(m, MatchOutcome.interested, counsellor)
    matches.change(m, MatchOutcome.started, counsellor, on=date(2026, 9, 1))
    db.session.commit()
    placement = db.session.scalars(db.select(Placement)).one()
    assert placement.outcome is PlacementOutcome.ongoing
    assert placement.candidate_id == m.candidate_id and placement.match_id == m.id
    assert placement.title == "Lagermedarbeider" and placement.start_date == date(2026, 9, 1)
    assert m.candidate.status is CandidateStatus.in_placement
    matches.change(m, MatchOutcome.hired, counsellor, contract_type="fast", on=date(2026, 11, 1))
    db.session.commit()
    placement = db.session.scalars(db.select(Placement)).one()
    assert placement.outcome is PlacementOutcome.hired
    assert placement.end_date == date(2026, 11, 1) and placement.contract_type == "fast"
    assert m.candidate.status is CandidateStatus.employed
