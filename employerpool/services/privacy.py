"""A candidate's data subject rights: innsyn (everything we hold), consent withdrawal, erasure.

Erasure keeps the statistics and blanks the person (GDPR art. 17 with art. 89 for statistics):

- erased: name, birth year, contact details, every free text (summary, notes, foreign education,
  test name, experience, languages, desired occupations, skills typed only for this candidate),
  the counsellor link, availability, the matcher's reasons, notes on consents, placements,
  follow-ups, proposal requests and match events;
- kept, without identity: partner, programme, innsatsgruppe, district and gender (the report
  dimensions), status for those who went to work or education (an outcome), placements with
  their dates, employer and outcome, matches with their scores and their pipeline events;
- every consent is withdrawn, so nothing is shown to other partners or employers any more.

The report figures (`services/reports.py`) are the same before and after; only the fairness
report's age bands count the erased candidate as "age unknown", since the birth year is gone.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, cast, delete, or_, select, update

from employerpool.extensions import db
from employerpool.labels import (
    ABORT_REASON_LABELS,
    CONTRACT_TYPE_LABELS,
    DECLINE_REASON_LABELS,
    WITHDRAW_REASON_LABELS,
)
from employerpool.models import (
    AuditEvent,
    Candidate,
    CandidateEvent,
    Employer,
    Match,
    MatchEvent,
    Partner,
    ProposalRequest,
    Skill,
    User,
    VacancySkill,
    candidate_skill,
    competence_need_skill,
    now_utc,
)
from employerpool.models.enums import (
    AuditAction,
    CandidateStatus,
    ConsentScope,
    EducationLevel,
    MatchOutcome,
    MatchStatus,
    RequestStatus,
)
from employerpool.services import audit

# The reason codes a match event may carry (the pipeline's allowlists).
REASON_CODES = {*WITHDRAW_REASON_LABELS, *DECLINE_REASON_LABELS, *ABORT_REASON_LABELS}

ERASED_NAME = _l("Slettet kandidat")
# Why a candidate was erased: stored as a code in the history and the audit trail.
ERASE_REASONS = {
    "request": _l("Kandidaten har bedt om å bli slettet"),
    "ended": _l("Oppfølgingen er avsluttet, og opplysningene trengs ikke lenger"),
    "other": _l("Annen grunn"),
    "retention": _l("Slettet automatisk etter lagringstiden"),
}
# Statuses that mean the candidate is still in the pool; erasure makes them inactive. Employed
# and education are outcomes the reports count, so they stay.
IN_POOL = (CandidateStatus.active, CandidateStatus.in_placement)


# --- innsyn --------------------------------------------------------------------------------


def candidate_audit_trail(candidate_id: int) -> list[AuditEvent]:
    """Every audit event about one candidate: reads and changes of the profile, of its matches
    and proposal requests, and the suggestion and proposal lists it was in; oldest first."""
    match_ids = list(db.session.scalars(select(Match.id).where(Match.candidate_id == candidate_id)))
    request_ids = (
        list(
            db.session.scalars(
                select(ProposalRequest.id).where(ProposalRequest.match_id.in_(match_ids))
            )
        )
        if match_ids
        else []
    )
    direct = [and_(AuditEvent.object_type == "candidate", AuditEvent.object_id == candidate_id)]
    if match_ids:
        direct.append(and_(AuditEvent.object_type == "match", AuditEvent.object_id.in_(match_ids)))
    if request_ids:
        direct.append(
            and_(
                AuditEvent.object_type == "proposal_request",
                AuditEvent.object_id.in_(request_ids),
            )
        )
    events = list(db.session.scalars(select(AuditEvent).where(or_(*direct))))
    # Suggestion and proposal lists keep the shown candidate ids in `detail`; a text match
    # narrows the scan portably (JSON functions differ between SQLite and PostgreSQL), and
    # Python decides.
    listed = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type.in_(("suggestions", "proposals")),
            cast(AuditEvent.detail, String).like(f"%{candidate_id}%"),
        )
    )
    events += [e for e in listed if candidate_id in (e.detail or {}).get("candidate_ids", [])]
    return sorted(events, key=lambda e: (e.at, e.id))


def innsyn(candidate: Candidate) -> dict:
    """Everything held about `candidate`, as data (enums and dates; `as_json` flattens them)."""
    names = dict(db.session.execute(select(Partner.id, Partner.name)).all())
    matches = db.session.scalars(
        select(Match).where(Match.candidate_id == candidate.id).order_by(Match.id)
    ).all()
    requests = db.session.scalars(
        select(ProposalRequest)
        .where(ProposalRequest.match_id.in_([m.id for m in matches]))
        .order_by(ProposalRequest.id)
    ).all()
    employer_ids = {p.employer_id for p in candidate.placements} | {
        m.vacancy.employer_id for m in matches
    }
    employer_names = dict(
        db.session.execute(
            select(Employer.id, Employer.name).where(Employer.id.in_(employer_ids))
        ).all()
    )
    return {
        "generated_at": now_utc(),
        "profile": {
            "id": candidate.id,
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "birth_year": candidate.birth_year,
            "gender": candidate.gender,
            "phone": candidate.phone,
            "email": candidate.email,
            "district": candidate.district,
            "partner": names.get(candidate.partner_id),
            "counsellor": candidate.counsellor.name if candidate.counsellor else None,
            "programme": candidate.programme,
            "innsatsgruppe": candidate.innsatsgruppe,
            "status": candidate.status,
            "norwegian_oral": candidate.norwegian_oral,
            "norwegian_written": candidate.norwegian_written,
            "norwegian_source": candidate.norwegian_source,
            "norwegian_test_name": candidate.norwegian_test_name,
            "norwegian_test_date": candidate.norwegian_test_date,
            "education_level": candidate.education_level,
            "foreign_education": candidate.foreign_education,
            "foreign_education_recognised": candidate.foreign_education_recognised,
            "summary": candidate.summary,
            "life_situation_note": candidate.life_situation_note,
            "desired_districts": list(candidate.desired_districts or []),
            "driving_licences": list(candidate.driving_licences or []),
            "max_hours_per_week": candidate.max_hours_per_week,
            "available_from": candidate.available_from,
            "created_at": candidate.created_at,
            "updated_at": candidate.updated_at,
        },
        "skills": [s.label for s in candidate.skills],
        "languages": [{"language": x.language, "level": x.level} for x in candidate.languages],
        "experience": [
            {"title": e.title, "years": e.years, "abroad": e.abroad} for e in candidate.experiences
        ],
        "desired_occupations": [d.label for d in candidate.desired_occupations],
        "consents": [
            {
                "scope": c.scope,
                "given_at": c.given_at,
                "withdrawn_at": c.withdrawn_at,
                "note": c.note,
            }
            for c in candidate.consents
        ],
        "history": [
            {"at": e.at, "fields": list(e.fields), "note": e.note} for e in candidate.events
        ],
        "placements": [
            {
                "employer": employer_names.get(p.employer_id),
                "title": p.title,
                "type": p.type,
                "start_date": p.start_date,
                "end_date": p.end_date,
                "outcome": p.outcome,
                "contract_type": p.contract_type,
                "supervisor": p.supervisor,
                "note": p.note,
                "follow_ups": [
                    {"due_date": f.due_date, "done_at": f.done_at, "note": f.note}
                    for f in p.follow_ups
                ],
            }
            for p in candidate.placements
        ],
        "matches": [
            {
                "need": m.vacancy.title,
                "employer": employer_names.get(m.vacancy.employer_id),
                "status": m.status,
                "outcome": m.outcome,
                "score": m.score,
                "reasons": [r for r in (m.reasons or []) if isinstance(r, str)],
                "created_at": m.created_at,
                "events": [
                    {
                        "at": e.at,
                        "axis": e.axis,
                        "from": _pipeline_value(e.axis, e.from_value),
                        "to": _pipeline_value(e.axis, e.to_value),
                        "reason": e.reason,
                        "note": e.note,
                    }
                    for e in m.events
                ],
            }
            for m in matches
        ],
        "proposal_requests": [
            {
                "requesting_partner": names.get(r.requesting_partner_id),
                "status": r.status,
                "created_at": r.created_at,
                "decided_at": r.decided_at,
                "note": r.note,
            }
            for r in requests
        ],
        # Who read or changed the data: organisation and role, not the staff member's name.
        "access_log": [
            {
                "at": e.at,
                "action": e.action,
                "object": e.object_type,
                "role": e.role,
                "partner": names.get(e.partner_id),
                "allowed": e.allowed,
            }
            for e in candidate_audit_trail(candidate.id)
        ],
    }


def _pipeline_value(axis: str, value: str | None):
    """A match event's stored value as its enum member (for labels), else as stored."""
    enum_cls = MatchStatus if axis == "status" else MatchOutcome
    return enum_cls.__members__.get(value, value) if value else None


def as_json(value):
    """`value` with enums as their names and dates as ISO 8601 text (for json.dumps)."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# --- consent -------------------------------------------------------------------------------


def withdraw_all_consents(candidate: Candidate, actor: User | None) -> list[ConsentScope]:
    """Withdraw every active consent at once; returns the scopes withdrawn. The caller commits.

    Takes effect on the next request everywhere: suggestions, proposals and the match pages
    check active consents on every read.
    """
    now = now_utc()
    withdrawn = []
    for consent in candidate.consents:
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
            withdrawn.append(consent.scope)
    if not withdrawn:
        return []
    scopes = sorted({s.name for s in withdrawn})
    candidate.updated_at = now
    candidate.events.append(
        CandidateEvent(
            actor_id=actor.id if actor else None,
            fields=[f"consent:{s}" for s in scopes],
            note="withdrawn",
        )
    )
    audit.record(
        AuditAction.consent_withdrawn,
        "candidate",
        candidate.id,
        detail={"scopes": scopes},
        user=actor,
    )
    return withdrawn


# --- erasure -------------------------------------------------------------------------------


def _drop_orphan_skills(skill_ids: set[int]) -> None:
    """Delete skills typed only for this candidate (the vocabulary has a domain or ESCO link)."""
    if not skill_ids:
        return
    used = set()
    for column in (
        candidate_skill.c.skill_id,
        VacancySkill.__table__.c.skill_id,
        competence_need_skill.c.skill_id,
    ):
        used |= set(db.session.scalars(select(column).where(column.in_(skill_ids))))
    orphans = skill_ids - used
    if orphans:
        db.session.execute(
            delete(Skill).where(
                Skill.id.in_(orphans), Skill.domain.is_(None), Skill.esco_uri.is_(None)
            )
        )


def erase_candidate(candidate: Candidate, actor: User | None, reason: str) -> bool:
    """Erase the person and keep the anonymous statistics (see the module docstring).

    Returns False when the candidate was erased already. The caller commits.
    """
    if candidate.erased_at is not None:
        return False
    if reason not in ERASE_REASONS:
        raise ValueError(f"unknown erase reason: {reason!r}")
    now = now_utc()
    # The outcome report dates a move to work or education by the profile's last change:
    # erasing must not move it.
    kept_updated_at = candidate.updated_at
    skill_ids = {s.id for s in candidate.skills}

    for consent in candidate.consents:
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
        consent.note = None
    for field in (
        "birth_year",
        "phone",
        "email",
        "counsellor_id",
        "norwegian_oral",
        "norwegian_written",
        "norwegian_source",
        "norwegian_test_name",
        "norwegian_test_date",
        "foreign_education",
        "foreign_education_recognised",
        "summary",
        "life_situation_note",
        "max_hours_per_week",
        "available_from",
    ):
        setattr(candidate, field, None)
    candidate.first_name = ""
    candidate.last_name = ""
    candidate.education_level = EducationLevel.unknown
    candidate.desired_districts = []
    candidate.driving_licences = []
    candidate.skills = []
    candidate.languages = []
    candidate.experiences = []
    candidate.desired_occupations = []
    if candidate.status in IN_POOL:
        candidate.status = CandidateStatus.inactive
    candidate.erased_at = now
    candidate.events.append(
        CandidateEvent(actor_id=actor.id if actor else None, fields=["erased"], note=reason)
    )

    for placement in candidate.placements:
        placement.note = None
        placement.supervisor = None
        # Codes stay for the statistics; anything else was typed and may name the person.
        if placement.abort_reason not in ABORT_REASON_LABELS:
            placement.abort_reason = None
        if placement.contract_type not in CONTRACT_TYPE_LABELS:
            placement.contract_type = None
        for follow_up in list(placement.follow_ups):
            if follow_up.done_at is None:
                placement.follow_ups.remove(follow_up)  # a plan for someone no longer followed
            else:
                follow_up.note = None

    match_ids = list(db.session.scalars(select(Match.id).where(Match.candidate_id == candidate.id)))
    if match_ids:
        db.session.execute(update(Match).where(Match.id.in_(match_ids)).values(reasons=None))
        for req in db.session.scalars(
            select(ProposalRequest).where(ProposalRequest.match_id.in_(match_ids))
        ):
            req.note = None
            if req.status is RequestStatus.pending:
                req.status = RequestStatus.declined
                req.decided_at = now
        _erase_event_notes(match_ids)
        _erase_free_text_reasons(match_ids)

    db.session.flush()
    _drop_orphan_skills(skill_ids)
    db.session.execute(
        update(Candidate).where(Candidate.id == candidate.id).values(updated_at=kept_updated_at)
    )
    audit.record(
        AuditAction.erase, "candidate", candidate.id, detail={"reason": reason}, user=actor
    )
    return True


def _erase_event_notes(match_ids: list[int], *, employer_side_only: bool = False) -> int:
    """Blank the free-text notes of match events; returns the number of events changed.

    Match events are append-only (`AppendOnlyError` guards the ORM); erasure is the one
    deliberate exception, and a Core UPDATE of the note alone keeps who, when, from, to and
    reason. With `employer_side_only`, only what the employer saw or wrote: the note sent with
    the proposal and the notes on the employer's axis.
    """
    table = MatchEvent.__table__
    stmt = update(table).where(table.c.match_id.in_(match_ids), table.c.note.is_not(None))
    if employer_side_only:
        stmt = stmt.where(
            or_(
                table.c.axis == "outcome",
                and_(table.c.axis == "status", table.c.to_value == "proposed"),
            )
        )
    changed = db.session.execute(stmt.values(note=None)).rowcount
    # Objects already loaded must not show (or later flush) the old text.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, MatchEvent) and obj.match_id in match_ids:
            db.session.expire(obj, ["note"])
    return changed


def _erase_free_text_reasons(match_ids: list[int]) -> None:
    """Blank match-event reasons that are not one of the reason codes (free text written where
    a code belongs may name the person); the codes stay for the statistics. A Core UPDATE, as
    in `_erase_event_notes`."""
    table = MatchEvent.__table__
    db.session.execute(
        update(table)
        .where(
            table.c.match_id.in_(match_ids),
            table.c.reason.is_not(None),
            table.c.reason.not_in(sorted(REASON_CODES)),
        )
        .values(reason=None)
    )
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, MatchEvent) and obj.match_id in match_ids:
            db.session.expire(obj, ["reason"])


def erase_employer_side(match_ids: list[int], actor: User | None = None) -> int:
    """Erase what employers saw or wrote on expired proposals (retention); the caller commits."""
    if not match_ids:
        return 0
    changed = _erase_event_notes(match_ids, employer_side_only=True)
    for match_id in match_ids:
        audit.record(
            AuditAction.erase, "match", match_id, detail={"reason": "retention"}, user=actor
        )
    return changed
