"""The employer's side of proposals: what it may see of a proposed candidate, and its answers.

A proposal is a Match with status `proposed` on one of the employer's needs. The employer sees it
only while the candidate's consent to share with employers (ConsentScope.employers) is active;
the name and contact details only with ConsentScope.employers_identity as well. Gender, birth
year, programme, other languages, foreign education and free-text notes are never shown: they
reveal age or origin, or were not written for the employer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import contains_eager, selectinload

from employerpool.extensions import db
from employerpool.labels import DECLINE_REASON_LABELS
from employerpool.models import Candidate, ConsentRecord, Match, MatchEvent, User, Vacancy
from employerpool.models.enums import (
    AuditAction,
    ConsentScope,
    MatchOutcome,
    MatchStatus,
)
from employerpool.services import audit, matches
from employerpool.services.matches import DECLINE_REASONS, TransitionError
from employerpool.services.retention import proposal_visible_condition

# The employer's answers: form value -> outcome.
ANSWERS = {
    "interested": MatchOutcome.interested,
    "interview": MatchOutcome.interview,
    "declined": MatchOutcome.declined,
    "started": MatchOutcome.started,
}
ANSWER_LABELS = {
    "interested": _l("Interessert"),
    "interview": _l("Inviter til intervju"),
    "declined": _l("Ikke aktuell"),
    "started": _l("Praksisen eller jobben har startet"),
}


def _consent(scope: ConsentScope):
    return exists().where(
        ConsentRecord.candidate_id == Match.candidate_id,
        ConsentRecord.scope == scope,
        ConsentRecord.withdrawn_at.is_(None),
    )


def visible_condition(employer_id: int):
    """SQL condition: a match the employer may see now (consent given, proposal not expired)."""
    return and_(
        Match.status == MatchStatus.proposed,
        Vacancy.employer_id == employer_id,
        _consent(ConsentScope.employers),
        proposal_visible_condition(),
    )


def proposals_for_employer(employer_id: int, vacancy_id: int | None = None) -> list[Match]:
    candidate = selectinload(Match.candidate)
    actor = selectinload(Match.events).selectinload(MatchEvent.actor)
    stmt = (
        select(Match)
        .join(Vacancy, Vacancy.id == Match.vacancy_id)
        # Everything `build_view` reads, loaded per list rather than per proposal.
        .options(
            contains_eager(Match.vacancy),
            candidate.selectinload(Candidate.consents),
            candidate.selectinload(Candidate.skills),
            candidate.selectinload(Candidate.experiences),
            candidate.selectinload(Candidate.placements),
            actor.selectinload(User.partner),
            actor.selectinload(User.employer),
        )
        .where(visible_condition(employer_id))
        .order_by(Match.updated_at.desc(), Match.id.desc())
    )
    if vacancy_id is not None:
        stmt = stmt.where(Match.vacancy_id == vacancy_id)
    return db.session.scalars(stmt).all()


def proposal_counts(employer_id: int) -> dict[int, dict[str, int]]:
    """Per need: visible proposals in all, and those still waiting for the employer's answer."""
    rows = db.session.execute(
        select(Match.vacancy_id, Match.outcome, func.count())
        .join(Vacancy, Vacancy.id == Match.vacancy_id)
        .where(visible_condition(employer_id))
        .group_by(Match.vacancy_id, Match.outcome)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for vacancy_id, outcome, n in rows:
        entry = counts.setdefault(vacancy_id, {"total": 0, "waiting": 0})
        entry["total"] += n
        if outcome is None:
            entry["waiting"] += n
    return counts


def get_visible_proposal(match_id: int, vacancy_id: int, employer_id: int) -> Match | None:
    return db.session.scalar(
        select(Match)
        .join(Vacancy, Vacancy.id == Match.vacancy_id)
        .where(Match.id == match_id, Match.vacancy_id == vacancy_id, visible_condition(employer_id))
    )


def pseudonym_code(match_id: int) -> str:
    """Four hex digits derived stably from the match id (not from the candidate)."""
    return hashlib.sha256(f"employerpool-match:{match_id}".encode()).hexdigest()[:4].upper()


def pseudonym(match_id: int) -> str:
    """A stable pseudonym for a proposal, e.g. "Kandidat 4F2A"."""
    return str(_l("Kandidat %(code)s", code=pseudonym_code(match_id)))


@dataclass
class ProposalView:
    """Only what the candidate consented to share; templates get this, never the Candidate."""

    match_id: int
    vacancy_id: int
    vacancy_title: str
    display_name: str
    identified: bool
    email: str | None
    phone: str | None
    norwegian_oral: object
    norwegian_written: object
    norwegian_tested: bool
    skills: list[str]
    experience: list[dict]
    placements: list[dict]
    available_from: date | None
    max_hours_per_week: float | None
    driving_licences: list[str]
    reasons: list[str]
    status: MatchStatus
    outcome: MatchOutcome | None
    proposed_at: object
    events: list[dict] = field(default_factory=list)
    # Who to call: the counsellor's name and work e-mail, never the partner (a partner's name
    # can tell the candidate's programme, e.g. an introduction-programme office).
    counsellor_name: str | None = None
    counsellor_email: str | None = None


def build_view(match: Match, *, with_events: bool = False) -> ProposalView:
    candidate: Candidate = match.candidate
    identified = candidate.has_consent(ConsentScope.employers_identity)
    counsellor = _counsellor(match)
    events = employer_events(match) if with_events else []
    proposed_at = next(
        (e["at"] for e in employer_events(match) if e["to"] is MatchStatus.proposed), None
    )
    return ProposalView(
        match_id=match.id,
        vacancy_id=match.vacancy_id,
        vacancy_title=match.vacancy.title,
        display_name=candidate.full_name if identified else pseudonym(match.id),
        identified=identified,
        email=candidate.email if identified else None,
        phone=candidate.phone if identified else None,
        norwegian_oral=candidate.norwegian_oral,
        norwegian_written=candidate.norwegian_written,
        norwegian_tested=candidate.norwegian_source is not None
        and candidate.norwegian_source.name == "norskprove",
        skills=[s.label for s in candidate.skills],
        experience=[
            {"title": e.title, "years": e.years}
            for e in sorted(candidate.experiences, key=lambda e: -(e.years or 0))
        ],
        placements=[
            {"title": p.title, "outcome": p.outcome, "year": p.start_date.year}
            for p in sorted(candidate.placements, key=lambda p: p.start_date, reverse=True)
        ],
        available_from=candidate.available_from,
        max_hours_per_week=candidate.max_hours_per_week,
        driving_licences=list(candidate.driving_licences or []),
        reasons=[r for r in (match.reasons or []) if isinstance(r, str)],
        status=match.status,
        outcome=match.outcome,
        proposed_at=proposed_at,
        events=events,
        counsellor_name=counsellor.name if counsellor is not None else None,
        counsellor_email=counsellor.email if counsellor is not None else None,
    )


def _counsellor(match: Match) -> User | None:
    """The candidate's counsellor, or else the staff member who proposed the candidate."""
    if match.candidate.counsellor is not None:
        return match.candidate.counsellor
    proposer = next(
        (
            e.actor
            for e in match.events
            if e.axis == "status" and e.to_value == MatchStatus.proposed.name
        ),
        None,
    )
    return proposer if proposer is not None and proposer.is_staff else None


def employer_events(match: Match) -> list[dict]:
    """The match's history from the proposal on (the counsellor's earlier steps are internal)."""
    out: list[dict] = []
    shown = False
    for e in match.events:
        if e.axis == "status" and e.to_value == MatchStatus.proposed.name:
            shown = True
        if not shown:
            continue
        enum_cls = MatchStatus if e.axis == "status" else MatchOutcome
        to = enum_cls[e.to_value] if e.to_value in enum_cls.__members__ else None
        actor = e.actor
        out.append(
            {
                "at": e.at,
                "to": to,
                "reason": DECLINE_REASON_LABELS.get(e.reason) if e.reason else None,
                "note": e.note if e.axis == "outcome" or to is MatchStatus.proposed else None,
                "actor_name": actor.name if actor else None,
                # An employer's own people by organisation; staff by name only (their partner
                # could reveal the candidate's programme).
                "actor_org": actor.employer.name if actor and actor.employer else None,
            }
        )
    return out


def record_view(match: Match) -> None:
    """An employer read of a proposed candidate is a candidate read: audit it."""
    audit.record(
        AuditAction.view,
        "candidate",
        match.candidate_id,
        detail={"via": "proposal", "match_id": match.id},
    )


def record_list(shown: list[Match], vacancy_id: int | None = None) -> None:
    """An employer's list of proposed candidates is a candidate list: audit it (ids only)."""
    if shown:
        audit.record(
            AuditAction.list,
            "proposals",
            vacancy_id,
            detail={"rows": len(shown), "candidate_ids": [m.candidate_id for m in shown]},
        )


def allowed_answers(match: Match) -> list[str]:
    reachable = matches.allowed_outcomes(match) & matches.EMPLOYER_OUTCOMES
    return [key for key, outcome in ANSWERS.items() if outcome in reachable]


def answer(
    match: Match,
    key: str,
    actor: User,
    *,
    reason: str | None = None,
    note: str | None = None,
    start_date: date | None = None,
) -> None:
    """Record the employer's answer as a match event (and, for 'started', the placement).

    Raises TransitionError with a Norwegian message when the answer is not possible.
    The caller commits.
    """
    if key not in ANSWERS or key not in allowed_answers(match):
        raise TransitionError(str(_l("Dette svaret er ikke mulig nå.")))
    outcome = ANSWERS[key]
    if outcome is MatchOutcome.declined:
        if reason not in DECLINE_REASONS:
            raise TransitionError(str(_l("Velg hvorfor kandidaten ikke er aktuell.")))
    else:
        reason = None
    note = (note or "").strip()[:1000] or None
    # change() opens the placement-history row when the placement starts.
    on = (start_date or date.today()) if outcome is MatchOutcome.started else None
    matches.change(match, outcome, actor, reason=reason, note=note, on=on)
