"""The matcher's index at scale: profiles read by column queries equal the ORM profiles, and
ranking first and checking visibility for the best candidates only gives exactly the ranking
over every visible candidate."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select

from employerpool.extensions import db
from employerpool.models import Candidate, ConsentRecord, Match, User, Vacancy
from employerpool.models.enums import (
    CandidateStatus,
    ConsentScope,
    District,
    MatchStatus,
    Programme,
    Role,
    VacancyStatus,
)
from employerpool.services import suggestions
from employerpool.services.seed import seed_demo
from employerpool.services.suggestions import (
    RANKED_STATUSES,
    SuggestionFilters,
    _busy_candidates,
    _pool_profiles,
    candidate_profile,
    get_ranker,
    record_suggestions,
    suggestions_for,
    vacancy_profile,
    visible_candidates_filter,
)

TODAY = date(2026, 11, 26)


@pytest.fixture
def seeded(app):
    seed_demo(
        seed=5, candidates=400, employers=30, today=TODAY, password_method="pbkdf2:sha256:1000"
    )


def test_column_profiles_equal_the_orm_profiles(seeded):
    profiles, facts = _pool_profiles()
    candidates = db.session.scalars(
        select(Candidate).where(Candidate.status.in_(RANKED_STATUSES)).order_by(Candidate.id)
    ).all()
    assert profiles == [candidate_profile(c) for c in candidates]
    assert facts == [(c.id, c.partner_id, c.district, c.programme) for c in candidates]


def _brute_force(vacancy, user, top, filters):
    """The ranking over every visible candidate, as the page computed it before."""
    stmt = select(Candidate.id).where(
        Candidate.status.in_(RANKED_STATUSES), visible_candidates_filter(user)
    )
    if filters.district:
        stmt = stmt.where(Candidate.district == filters.district)
    if filters.programme:
        stmt = stmt.where(Candidate.programme == filters.programme)
    allowed = set(db.session.scalars(stmt))
    if filters.not_proposed_elsewhere:
        allowed -= _busy_candidates(allowed, vacancy.id)[1]
    ranking = get_ranker().rank(
        vacancy_profile(vacancy), top=top, allowed_ids={str(c) for c in allowed}
    )
    return [
        (int(m.candidate_id), m.score)
        for m in ranking.matches
        if m.eligible or not filters.only_eligible
    ]


@pytest.mark.parametrize(
    "filters",
    [
        SuggestionFilters(),
        SuggestionFilters(district=District.Stovner),
        SuggestionFilters(programme=Programme.YNO, only_eligible=True),
        SuggestionFilters(not_proposed_elsewhere=True),
    ],
    ids=["none", "district", "programme-eligible", "not-proposed"],
)
def test_rank_then_check_equals_the_ranking_over_visible_candidates(seeded, filters):
    user = db.session.scalars(select(User).where(User.email == "veileder@demo.no")).one()
    needs = db.session.scalars(
        select(Vacancy).where(Vacancy.status == VacancyStatus.open).order_by(Vacancy.id).limit(4)
    ).all()
    # Withdraw most pool consents: then only about one in five of the best candidates is
    # visible, and the first window is too small for 25.
    for consent in db.session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.scope == ConsentScope.pool_partners)
        .order_by(ConsentRecord.id)
        .limit(250)
    ):
        consent.withdrawn_at = consent.given_at
    db.session.commit()
    for vacancy in needs:
        for top in (5, 25, 150):
            got = [
                (s.candidate_id, s.score)
                for s in suggestions_for(vacancy, user, top=top, filters=filters)
            ]
            assert got == _brute_force(vacancy, user, top, filters)


def test_a_candidate_leaving_the_pool_without_a_new_stamp_is_not_suggested(seeded):
    """Erasure keeps the old `updated_at`; the per-request check still drops the candidate."""
    user = db.session.scalars(select(User).where(User.role == Role.counsellor)).first()
    vacancy = db.session.scalars(
        select(Vacancy).where(Vacancy.status == VacancyStatus.open).order_by(Vacancy.id)
    ).first()
    first = suggestions_for(vacancy, user, top=5)[0]
    version = suggestions.pool_version()
    candidate = db.session.get(Candidate, first.candidate_id)
    stamp = candidate.updated_at
    candidate.status = CandidateStatus.inactive
    db.session.flush()
    candidate.updated_at = stamp
    db.session.commit()
    assert suggestions.pool_version() == version  # the index is not rebuilt ...
    assert first.candidate_id not in [s.candidate_id for s in suggestions_for(vacancy, user, top=5)]


def test_two_requests_storing_the_same_suggestions_do_not_clash(seeded):
    """Two counsellors open a need's suggestions at once: both try to store the first ten."""
    user = db.session.scalars(select(User).where(User.email == "veileder@demo.no")).one()
    vacancy = db.session.scalars(
        select(Vacancy).where(Vacancy.status == VacancyStatus.open).order_by(Vacancy.id)
    ).first()
    rows = suggestions_for(vacancy, user, top=25)
    assert all(r.match is None for r in rows[:10])
    # The other request commits its match for the best candidate first.
    with db.engine.begin() as conn:
        conn.execute(
            insert(Match).values(
                vacancy_id=vacancy.id,
                candidate_id=rows[0].candidate_id,
                status=MatchStatus.suggested,
                created_at=TODAY,
                updated_at=TODAY,
            )
        )
    record_suggestions(vacancy, rows, user)
    db.session.commit()
    stored = db.session.scalars(select(Match).where(Match.vacancy_id == vacancy.id)).all()
    assert len(stored) == 10
    assert {m.candidate_id for m in stored} == {r.candidate_id for r in rows[:10]}
    assert rows[0].match.id == next(m.id for m in stored if m.candidate_id == rows[0].candidate_id)
