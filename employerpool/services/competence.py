"""Standing competence needs, and the look-up other views use to show them beside a candidate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from employerpool.extensions import db
from employerpool.models import CompetenceNeed, Employer, User
from employerpool.models.enums import ApprovalStatus, AuditAction
from employerpool.services import audit
from employerpool.services.vacancies import occupation_code, skills_for


@dataclass
class CompetenceHit:
    """A competence need with why it is relevant."""

    need: CompetenceNeed
    score: float
    occupation_match: str | None = None  # "exact", "group" or None
    matched_skills: list[str] = field(default_factory=list)


def values_from_form(form) -> dict:
    return {
        "occupation_label": form.occupation_label.data.strip(),
        "skills": list(form.skills.data or []),
        "season": form.season.data or None,
        "volume": form.volume.data,
        "description": (form.description.data or "").strip() or None,
    }


def save(need: CompetenceNeed, values: dict, actor: User) -> CompetenceNeed:
    """Create or update `need` from form values; the caller commits."""
    need.occupation_label = values["occupation_label"]
    need.styrk08 = occupation_code(values["occupation_label"])
    need.season = values["season"]
    need.volume = values["volume"]
    need.description = values["description"]
    need.skills = skills_for(values["skills"])
    if need.id is None:
        db.session.add(need)
        db.session.flush()
        audit.record(AuditAction.create, "competence_need", need.id, user=actor)
    else:
        audit.record(AuditAction.update, "competence_need", need.id, user=actor)
    return need


def set_active(need: CompetenceNeed, active: bool, actor: User) -> None:
    need.active = active
    audit.record(
        AuditAction.update, "competence_need", need.id, detail={"active": active}, user=actor
    )


def for_employer(employer_id: int) -> list[CompetenceNeed]:
    return db.session.scalars(
        select(CompetenceNeed)
        .options(selectinload(CompetenceNeed.skills))
        .where(CompetenceNeed.employer_id == employer_id)
        .order_by(CompetenceNeed.active.desc(), CompetenceNeed.updated_at.desc())
    ).all()


def competence_needs_for(
    skills: Iterable[str] = (),
    occupation_codes: Iterable[str] = (),
    *,
    limit: int = 20,
) -> list[CompetenceHit]:
    """Active competence needs of approved employers relevant to a candidate, best first.

    `skills` are skill labels (case-insensitive), `occupation_codes` STYRK-08 codes (4 digits).
    Relevance: an exact STYRK-08 code counts 3, the same minor group (first 3 digits) 1.5,
    and each shared skill 1. Needs with no overlap at all are left out.
    """
    wanted_skills = {s.strip().casefold() for s in skills if s and s.strip()}
    codes = {c.strip() for c in occupation_codes if c and c.strip()}
    groups = {c[:3] for c in codes if len(c) >= 3}
    needs = db.session.scalars(
        select(CompetenceNeed)
        .join(Employer, Employer.id == CompetenceNeed.employer_id)
        .options(selectinload(CompetenceNeed.skills), selectinload(CompetenceNeed.employer))
        .where(CompetenceNeed.active.is_(True), Employer.approval == ApprovalStatus.approved)
    ).all()
    hits = []
    for need in needs:
        score, occ = 0.0, None
        if need.styrk08 and need.styrk08 in codes:
            score, occ = 3.0, "exact"
        elif need.styrk08 and need.styrk08[:3] in groups:
            score, occ = 1.5, "group"
        matched = sorted(s.label for s in need.skills if s.label.casefold() in wanted_skills)
        score += len(matched)
        if score > 0:
            hits.append(CompetenceHit(need, score, occ, matched))
    hits.sort(key=lambda h: (-h.score, -(h.need.volume or 0), h.need.id))
    return hits[:limit]
