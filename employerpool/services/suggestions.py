"""The web app's adapter to the matcher: profiles from the database, a cached index, visibility.

The web app never scores anything itself: it turns database rows into the matcher's contract
profiles (`../shared/contracts/matching.md`), lets `matching.CandidateRanker` rank them, and
applies the visibility model on top: a counsellor sees the own partner's candidates, and other
partners' candidates only while they consent to pool sharing, pseudonymised. Gender, birth year
and origin never reach the matcher.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    ConsentRecord,
    Match,
    Partner,
    Placement,
    User,
    Vacancy,
    VacancySkill,
)
from employerpool.models.enums import (
    CandidateStatus,
    ConsentScope,
    District,
    MatchOutcome,
    MatchStatus,
    PlacementOutcome,
    Programme,
    VacancyStatus,
)
from matching import CandidateRanker, allocate, best_needs

RANKED_STATUSES = (CandidateStatus.active, CandidateStatus.in_placement)
# Placement outcomes the matcher knows; "did not show" is evidence like an aborted placement.
CONTRACT_OUTCOME = {
    PlacementOutcome.ongoing: "ongoing",
    PlacementOutcome.completed: "completed",
    PlacementOutcome.hired: "hired",
    PlacementOutcome.aborted: "aborted",
    PlacementOutcome.no_show: "aborted",
}
SUGGESTIONS_STORED = 10


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def candidate_profile(c: Candidate) -> dict:
    """The matcher's profile of a candidate: work-relevant fields only."""
    norwegian = {}
    if c.norwegian_oral:
        norwegian["oral"] = c.norwegian_oral.name
    if c.norwegian_written:
        norwegian["written"] = c.norwegian_written.name
    return {
        "id": str(c.id),
        "skills": [s.label for s in c.skills],
        "summary": c.summary or "",
        "experience": [{"title": e.title, "years": e.years or 0} for e in c.experiences if e.title],
        "desired_occupations": [d.label for d in c.desired_occupations],
        "norwegian": norwegian,
        "placements": [
            {
                "employer": str(p.employer_id) if p.employer_id else None,
                "title": p.title,
                "occupation": p.occupation_label or p.title,
                "type": p.type.name,
                "start": _iso(p.start_date),
                "end": _iso(p.end_date),
                "outcome": CONTRACT_OUTCOME[p.outcome],
            }
            for p in c.placements
        ],
        "district": c.district.value if c.district else None,
        "driving_licence": list(c.driving_licences or []),
        "max_hours_per_week": c.max_hours_per_week,
        "available_from": _iso(c.available_from),
    }


def vacancy_profile(v: Vacancy) -> dict:
    """The matcher's profile of a placement need."""
    floor = {}
    if v.norwegian_oral_min:
        floor["oral"] = v.norwegian_oral_min.name
    if v.norwegian_written_min:
        floor["written"] = v.norwegian_written_min.name
    return {
        "id": str(v.id),
        "title": v.title,
        "type": v.type.name,
        "occupation": v.occupation_label or "",
        "description": v.description or "",
        "skills_required": [link.skill.label for link in v.skill_links if link.required],
        "skills_preferred": [link.skill.label for link in v.skill_links if not link.required],
        "norwegian_min": floor,
        "district": v.district.value if v.district else None,
        "driving_licence": v.driving_licence or None,
        "hours_per_week": v.hours_per_week,
        "start_date": _iso(v.start_date),
        "employer": str(v.employer_id),
    }


def _candidate_query():
    return select(Candidate).options(
        selectinload(Candidate.skills),
        selectinload(Candidate.experiences),
        selectinload(Candidate.desired_occupations),
        selectinload(Candidate.placements),
    )


def pool_version() -> tuple:
    """Changes whenever anything the index is built from changes (cheap aggregate queries)."""
    cand = db.session.execute(
        select(func.count(Candidate.id), func.max(Candidate.updated_at)).where(
            Candidate.status.in_(RANKED_STATUSES)
        )
    ).one()
    plac = db.session.execute(
        select(func.count(Placement.id), func.max(Placement.updated_at))
    ).one()
    return (tuple(cand), tuple(plac), date.today())


class _IndexCache:
    """One fitted ranker per process, rebuilt when the pool version changes.

    Nothing here needs to agree between worker processes: each rebuilds from the database.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._ranker: CandidateRanker | None = None

    def get(self) -> CandidateRanker:
        key = (db.engine.url.render_as_string(), pool_version())
        with self._lock:
            if self._ranker is None or key != self._key:
                candidates = db.session.scalars(
                    _candidate_query().where(Candidate.status.in_(RANKED_STATUSES))
                ).all()
                self._ranker = CandidateRanker(reference_date=key[1][2]).fit(
                    candidate_profile(c) for c in candidates
                )
                self._key = key
            return self._ranker


_cache = _IndexCache()


def get_ranker() -> CandidateRanker:
    """The fitted ranker over the current candidate pool."""
    return _cache.get()


def pseudonym(candidate_id: int) -> str:
    """A stable pseudonym for blind review, not derivable without the app's secret."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"candidate:{candidate_id}".encode(), hashlib.sha256).hexdigest()
    return "K-" + digest[:6].upper()


def _active_consent(scope: ConsentScope):
    return (
        select(ConsentRecord.candidate_id)
        .where(ConsentRecord.scope == scope, ConsentRecord.withdrawn_at.is_(None))
        .scalar_subquery()
    )


def visible_candidates_filter(user: User):
    """Candidates `user` may see in suggestions: own partner, or others with pool consent."""
    return or_(
        Candidate.partner_id == user.partner_id,
        Candidate.id.in_(_active_consent(ConsentScope.pool_partners)),
    )


@dataclass
class SuggestionFilters:
    """Filters on the suggestion list; every value is from an allowlist."""

    district: District | None = None
    programme: Programme | None = None
    only_eligible: bool = False
    not_proposed_elsewhere: bool = False


@dataclass
class Suggestion:
    candidate_id: int
    pseudonym: str
    own_partner: bool
    partner_name: str
    score: float
    eligible: bool
    components: dict[str, float]
    reasons: list[str]
    in_placement: bool = False
    proposed_elsewhere: bool = False
    match: Match | None = None
    rank: int = 0
    flags: list[str] = field(default_factory=list)


def _busy_candidates(candidate_ids: Iterable[int], vacancy_id: int) -> tuple[set, set]:
    """(in a started placement, proposed to another need and not answered no) among ids."""
    ids = list(candidate_ids)
    if not ids:
        return set(), set()
    in_placement = set(
        db.session.scalars(
            select(Placement.candidate_id).where(
                Placement.candidate_id.in_(ids), Placement.outcome == PlacementOutcome.ongoing
            )
        )
    )
    proposed = set(
        db.session.scalars(
            select(Match.candidate_id).where(
                Match.candidate_id.in_(ids),
                Match.vacancy_id != vacancy_id,
                Match.status == MatchStatus.proposed,
                or_(
                    Match.outcome.is_(None),
                    Match.outcome.in_((MatchOutcome.interested, MatchOutcome.interview)),
                ),
            )
        )
    )
    return in_placement, proposed


def suggestions_for(
    vacancy: Vacancy, user: User, *, top: int = 25, filters: SuggestionFilters | None = None
) -> list[Suggestion]:
    """The ranked suggestions for `vacancy` that `user` may see, best first."""
    filters = filters or SuggestionFilters()
    stmt = select(Candidate.id, Candidate.partner_id).where(
        Candidate.status.in_(RANKED_STATUSES), visible_candidates_filter(user)
    )
    if filters.district:
        stmt = stmt.where(Candidate.district == filters.district)
    if filters.programme:
        stmt = stmt.where(Candidate.programme == filters.programme)
    rows = db.session.execute(stmt).all()
    partner_of = dict(rows)
    allowed = {str(cid) for cid in partner_of}
    if filters.not_proposed_elsewhere:
        _, proposed = _busy_candidates(partner_of, vacancy.id)
        allowed -= {str(cid) for cid in proposed}
    ranking = get_ranker().rank(vacancy_profile(vacancy), top=top, allowed_ids=allowed)
    picked = [m for m in ranking.matches if m.eligible or not filters.only_eligible]
    ids = [int(m.candidate_id) for m in picked]
    in_placement, proposed = _busy_candidates(ids, vacancy.id)
    existing = {
        m.candidate_id: m
        for m in db.session.scalars(
            select(Match).where(Match.vacancy_id == vacancy.id, Match.candidate_id.in_(ids))
        )
    }
    partner_names = dict(db.session.execute(select(Partner.id, Partner.name)).all())
    out = []
    for rank, m in enumerate(picked, start=1):
        cid = int(m.candidate_id)
        out.append(
            Suggestion(
                candidate_id=cid,
                pseudonym=pseudonym(cid),
                own_partner=partner_of[cid] == user.partner_id,
                partner_name=partner_names.get(partner_of[cid], ""),
                score=m.score,
                eligible=m.eligible,
                components=m.components,
                reasons=m.reasons,
                in_placement=cid in in_placement,
                proposed_elsewhere=cid in proposed,
                match=existing.get(cid),
                rank=rank,
            )
        )
    return out


def record_suggestions(vacancy: Vacancy, suggestions: list[Suggestion], user: User) -> None:
    """Store the first suggestions as matches (status suggested) for follow-up and fairness."""
    from employerpool.services import matches

    for s in suggestions[:SUGGESTIONS_STORED]:
        if s.match is None:
            s.match = matches.create(
                vacancy.id,
                s.candidate_id,
                user,
                score=s.score,
                components=s.components,
                reasons=s.reasons,
            )


def score_for(vacancy: Vacancy, candidate: Candidate) -> float:
    """The matcher's current score for one candidate on one need.

    Candidates outside the ranked pool (employed, inactive) are scored on their own profile.
    """
    ranker = get_ranker()
    if str(candidate.id) in ranker.index_of_:
        ranking = ranker.rank(vacancy_profile(vacancy), top=1, allowed_ids={str(candidate.id)})
        return ranking.matches[0].score
    ((_, match),) = best_needs(
        candidate_profile(candidate),
        [vacancy_profile(vacancy)],
        top=1,
        reference_date=date.today(),
    )
    return match.score


def open_vacancies(district: District | None = None) -> list[Vacancy]:
    """Open placement needs with their skills loaded."""
    stmt = (
        select(Vacancy)
        .options(selectinload(Vacancy.skill_links).selectinload(VacancySkill.skill))
        .where(Vacancy.status == VacancyStatus.open)
        .order_by(Vacancy.id)
    )
    if district:
        stmt = stmt.where(Vacancy.district == district)
    return list(db.session.scalars(stmt))


def needs_for_candidate(candidate: Candidate, top: int = 10) -> list[tuple[Vacancy, object]]:
    """The best open placement needs for one candidate (the reverse view), with matcher reasons."""
    vacancies = open_vacancies()
    by_id = {str(v.id): v for v in vacancies}
    profiles = [vacancy_profile(v) for v in vacancies]
    ranker = get_ranker()
    if str(candidate.id) in ranker.index_of_:
        ranked = ranker.rank_needs(str(candidate.id), profiles, top=top)
    else:  # not in the ranked pool (e.g. inactive): rank the profile on its own
        ranked = best_needs(
            candidate_profile(candidate), profiles, top=top, reference_date=date.today()
        )
    return [(by_id[vid], m) for vid, m in ranked]


@dataclass
class AllocationProposal:
    vacancy: Vacancy
    places: int
    candidates: list[Suggestion]


def allocation_for(user: User, district: District | None) -> list[AllocationProposal]:
    """The matcher's pool-wide allocation over open needs (in a district) for `user`'s view."""
    vacancies = [v for v in open_vacancies(district) if v.places > 0]
    ranker = get_ranker()
    visible = {
        str(cid)
        for cid in db.session.scalars(
            select(Candidate.id).where(
                Candidate.status == CandidateStatus.active, visible_candidates_filter(user)
            )
        )
    }
    ranked = ranker.rank_many([vacancy_profile(v) for v in vacancies], top=30, allowed_ids=visible)
    rankings = {r.vacancy_id: r for r in ranked}
    details = {r.vacancy_id: {m.candidate_id: m for m in r.matches} for r in ranked}
    result = allocate(rankings, {str(v.id): v.places for v in vacancies})
    partner_of = dict(
        db.session.execute(
            select(Candidate.id, Candidate.partner_id).where(
                Candidate.id.in_([int(c) for ids in result.assignments.values() for c in ids])
            )
        ).all()
    )
    proposals = []
    for v in vacancies:
        chosen = result.assignments.get(str(v.id), [])
        if not chosen:
            continue
        proposals.append(
            AllocationProposal(
                vacancy=v,
                places=v.places,
                candidates=[
                    Suggestion(
                        candidate_id=int(cid),
                        pseudonym=pseudonym(int(cid)),
                        own_partner=partner_of.get(int(cid)) == user.partner_id,
                        partner_name="",
                        score=details[str(v.id)][cid].score,
                        eligible=True,
                        components=details[str(v.id)][cid].components,
                        reasons=details[str(v.id)][cid].reasons,
                    )
                    for cid in chosen
                ],
            )
        )
    return proposals
