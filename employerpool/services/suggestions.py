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
import json
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    ConsentRecord,
    DesiredOccupation,
    Experience,
    Match,
    Partner,
    Placement,
    Skill,
    User,
    Vacancy,
    VacancySkill,
    candidate_skill,
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
from matching import CandidateRanker, Understanding, allocate, best_needs, understand

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


def understood_occupation(v: Vacancy) -> Understanding:
    """What the matcher understood a need's occupation as (title, chosen occupation, text)."""
    return understand(vacancy_profile(v))


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


def _profile_rows(rows, key_index: int = 0) -> dict[int, list]:
    """Group (candidate_id, ...) rows by candidate, in query order."""
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row[key_index]].append(row)
    return grouped


def _pool_profiles() -> tuple[list[dict], list[tuple[int, int, District | None, Programme]]]:
    """Profiles of every ranked candidate, from five column queries instead of ORM objects.

    Gives exactly what `candidate_profile` gives for each candidate (same orders), and beside
    each the fields the suggestion filters use. At 100 000 candidates this is ~10x faster than
    loading the objects with their relationships.
    """
    ranked = Candidate.status.in_(RANKED_STATUSES)
    people = db.session.execute(
        select(
            Candidate.id,
            Candidate.partner_id,
            Candidate.district,
            Candidate.programme,
            Candidate.summary,
            Candidate.norwegian_oral,
            Candidate.norwegian_written,
            Candidate.driving_licences,
            Candidate.max_hours_per_week,
            Candidate.available_from,
        )
        .where(ranked)
        .order_by(Candidate.id)
    ).all()

    def of_ranked(stmt, owner):
        return stmt.join(Candidate, Candidate.id == owner).where(ranked)

    skills = _profile_rows(
        db.session.execute(
            of_ranked(
                select(candidate_skill.c.candidate_id, Skill.label).join(
                    Skill, Skill.id == candidate_skill.c.skill_id
                ),
                candidate_skill.c.candidate_id,
            ).order_by(candidate_skill.c.candidate_id, Skill.label)
        )
    )
    experiences = _profile_rows(
        db.session.execute(
            of_ranked(
                select(Experience.candidate_id, Experience.title, Experience.years),
                Experience.candidate_id,
            ).order_by(Experience.candidate_id, Experience.id)
        )
    )
    desired = _profile_rows(
        db.session.execute(
            of_ranked(
                select(DesiredOccupation.candidate_id, DesiredOccupation.label),
                DesiredOccupation.candidate_id,
            ).order_by(DesiredOccupation.candidate_id, DesiredOccupation.id)
        )
    )
    placements = _profile_rows(
        db.session.execute(
            of_ranked(
                select(
                    Placement.candidate_id,
                    Placement.employer_id,
                    Placement.title,
                    Placement.occupation_label,
                    Placement.type,
                    Placement.start_date,
                    Placement.end_date,
                    Placement.outcome,
                ),
                Placement.candidate_id,
            ).order_by(Placement.candidate_id, Placement.start_date, Placement.id)
        )
    )
    profiles, facts = [], []
    for cid, partner_id, district, programme, summary, oral, written, *rest in people:
        licences, max_hours, available_from = rest
        norwegian = {}
        if oral:
            norwegian["oral"] = oral.name
        if written:
            norwegian["written"] = written.name
        profiles.append(
            {
                "id": str(cid),
                "skills": [label for _, label in skills.get(cid, ())],
                "summary": summary or "",
                "experience": [
                    {"title": title, "years": years or 0}
                    for _, title, years in experiences.get(cid, ())
                    if title
                ],
                "desired_occupations": [label for _, label in desired.get(cid, ())],
                "norwegian": norwegian,
                "placements": [
                    {
                        "employer": str(employer_id) if employer_id else None,
                        "title": title,
                        "occupation": occupation or title,
                        "type": ptype.name,
                        "start": _iso(start),
                        "end": _iso(end),
                        "outcome": CONTRACT_OUTCOME[outcome],
                    }
                    for _, employer_id, title, occupation, ptype, start, end, outcome in (
                        placements.get(cid, ())
                    )
                ],
                "district": district.value if district else None,
                "driving_licence": list(licences or []),
                "max_hours_per_week": max_hours,
                "available_from": _iso(available_from),
            }
        )
        facts.append((cid, partner_id, district, programme))
    return profiles, facts


def pool_version() -> tuple:
    """Changes whenever anything the index is built from changes; four index lookups.

    Every edit of a profile stamps the candidate's `updated_at` (skills, experience and
    consents included), a placement carries its own, and new rows raise the highest id. A
    candidate who leaves the pool without a new stamp (erasure keeps the old one) is caught by
    the per-request check in `suggestions_for`, which reads status and consent from the database.
    """
    cand = db.session.execute(select(func.max(Candidate.id), func.max(Candidate.updated_at))).one()
    plac = db.session.execute(select(func.max(Placement.id), func.max(Placement.updated_at))).one()
    return (tuple(cand), tuple(plac), date.today())


# Rankings kept per index: a need's page is opened again and again (after a shortlisting, with
# another filter, by a colleague), and its ranking only changes with the pool or the need.
RANKINGS_KEPT = 256


@dataclass
class PoolIndex:
    """The fitted ranker and, in its index order, the fields the suggestion filters use."""

    ranker: CandidateRanker
    candidate_ids: np.ndarray
    districts: np.ndarray
    programmes: np.ndarray
    _rankings: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def rank(self, profile: dict, top: int, district: District | None, programme: Programme | None):
        """The ranker's ranking for a need profile, remembered for this index (LRU).

        The key is the whole profile, so an edited need is ranked afresh; a new pool version
        builds a new index and with it an empty memory. Visibility is never part of it.
        """
        key = (json.dumps(profile, sort_keys=True), top, district, programme)
        with self._lock:
            if key in self._rankings:
                self._rankings.move_to_end(key)
                return self._rankings[key]
        ranking = self.ranker.rank(profile, top=top, candidate_mask=self.mask(district, programme))
        with self._lock:
            self._rankings[key] = ranking
            while len(self._rankings) > RANKINGS_KEPT:
                self._rankings.popitem(last=False)
        return ranking

    def mask(self, district: District | None, programme: Programme | None) -> np.ndarray | None:
        """Candidates passing the filters as of the index (None: no filter)."""
        if district is None and programme is None:
            return None
        mask = np.ones(len(self.candidate_ids), dtype=bool)
        if district is not None:
            mask &= self.districts == district.name
        if programme is not None:
            mask &= self.programmes == programme.name
        return mask


class _IndexCache:
    """One fitted ranker per process, rebuilt when the pool version changes.

    Nothing here needs to agree between worker processes: each rebuilds from the database.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._pool: PoolIndex | None = None

    def get(self) -> PoolIndex:
        key = (db.engine.url.render_as_string(), pool_version())
        with self._lock:
            if self._pool is None or key != self._key:
                profiles, facts = _pool_profiles()
                ranker = CandidateRanker(reference_date=key[1][2]).fit(profiles)
                by_id = {cid: (d.name if d else "", p.name) for cid, _, d, p in facts}
                ids = np.array([int(i) for i in ranker.ids_], dtype=np.int64)
                self._pool = PoolIndex(
                    ranker=ranker,
                    candidate_ids=ids,
                    districts=np.array([by_id[i][0] for i in ids.tolist()], dtype=object),
                    programmes=np.array([by_id[i][1] for i in ids.tolist()], dtype=object),
                )
                self._key = key
            return self._pool


_cache = _IndexCache()


def get_pool() -> PoolIndex:
    """The fitted ranker over the current candidate pool, with its filter fields."""
    return _cache.get()


def get_ranker() -> CandidateRanker:
    """The fitted ranker over the current candidate pool."""
    return _cache.get().ranker


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


def visible_candidates_filter(user: User, *, few: bool = False):
    """Candidates `user` may see in suggestions: own partner, or others with pool consent;
    never an erased candidate.

    `few`: the query selects a handful of candidates by id, so look each one's consent up by
    index instead of reading every active consent in the pool (the same rule either way).
    """
    if few:
        consented = (
            select(ConsentRecord.id)
            .where(
                ConsentRecord.candidate_id == Candidate.id,
                ConsentRecord.scope == ConsentScope.pool_partners,
                ConsentRecord.withdrawn_at.is_(None),
            )
            .exists()
        )
    else:
        consented = Candidate.id.in_(_active_consent(ConsentScope.pool_partners))
    return and_(
        Candidate.erased_at.is_(None),
        or_(Candidate.partner_id == user.partner_id, consented),
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


def _visible_partners(ids: list[int], user: User, filters: SuggestionFilters) -> dict[int, int]:
    """{candidate id: partner id} for those of `ids` that `user` may see in suggestions now."""
    if not ids:
        return {}
    stmt = select(Candidate.id, Candidate.partner_id).where(
        Candidate.id.in_(ids),
        Candidate.status.in_(RANKED_STATUSES),
        visible_candidates_filter(user, few=True),
    )
    if filters.district:
        stmt = stmt.where(Candidate.district == filters.district)
    if filters.programme:
        stmt = stmt.where(Candidate.programme == filters.programme)
    return dict(db.session.execute(stmt).all())


def suggestions_for(
    vacancy: Vacancy, user: User, *, top: int = 25, filters: SuggestionFilters | None = None
) -> list[Suggestion]:
    """The ranked suggestions for `vacancy` that `user` may see, best first.

    Ranks the index first and checks visibility in the database for the best candidates only
    (own partner, or another partner's with pool consent, still in the pool), widening the
    window until `top` visible ones are found or the pool is exhausted. Ranking order does not
    depend on who is allowed, so this gives exactly the ranking over the visible candidates,
    without reading the visibility of all 100 000 candidates on every request.
    """
    filters = filters or SuggestionFilters()
    pool = get_pool()
    profile = vacancy_profile(vacancy)
    window = max(4 * top, 100)
    while True:
        ranking = pool.rank(profile, window, filters.district, filters.programme)
        partner_of = _visible_partners(
            [int(m.candidate_id) for m in ranking.matches], user, filters
        )
        if filters.not_proposed_elsewhere:
            _, proposed = _busy_candidates(partner_of, vacancy.id)
            partner_of = {c: p for c, p in partner_of.items() if c not in proposed}
        visible = [m for m in ranking.matches if int(m.candidate_id) in partner_of][:top]
        if len(visible) >= top or len(ranking.matches) < window:
            break
        window *= 4
    picked = [m for m in visible if m.eligible or not filters.only_eligible]
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

    pending = [s for s in suggestions[:SUGGESTIONS_STORED] if s.match is None]
    if not pending:
        return
    try:
        with db.session.begin_nested():
            picks = [(s.candidate_id, s.score, s.components, s.reasons) for s in pending]
            created = matches.create_suggested(vacancy.id, picks, user)
    except IntegrityError:
        pass  # another request stored some of them meanwhile: one at a time, keeping theirs
    else:
        for s, match in zip(pending, created, strict=True):
            s.match = match
        return
    for s in pending:
        if s.match is None:
            try:
                with db.session.begin_nested():
                    s.match = matches.create(
                        vacancy.id,
                        s.candidate_id,
                        user,
                        score=s.score,
                        components=s.components,
                        reasons=s.reasons,
                    )
            except IntegrityError:
                # Another request (a colleague, another tab) stored it a moment ago: use that.
                s.match = db.session.scalar(
                    select(Match).where(
                        Match.vacancy_id == vacancy.id, Match.candidate_id == s.candidate_id
                    )
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
