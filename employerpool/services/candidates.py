"""Candidate profiles (kartlegging): save with change history, consent given and withdrawn."""

from __future__ import annotations

from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    CandidateEvent,
    CandidateLanguage,
    ConsentRecord,
    DesiredOccupation,
    Experience,
    Occupation,
    Skill,
    User,
    now_utc,
)
from employerpool.models.enums import (
    AuditAction,
    CandidateStatus,
    ConsentScope,
    District,
    EducationLevel,
    Gender,
    Innsatsgruppe,
    NorwegianSource,
    Programme,
)
from employerpool.services import audit

SIMPLE_FIELDS = (
    "first_name",
    "last_name",
    "birth_year",
    "phone",
    "email",
    "norwegian_test_name",
    "norwegian_test_date",
    "foreign_education",
    "available_from",
    "summary",
    "life_situation_note",
)
ENUM_FIELDS = {
    "gender": Gender,
    "district": District,
    "programme": Programme,
    "innsatsgruppe": Innsatsgruppe,
    "status": CandidateStatus,
    "norwegian_source": NorwegianSource,
    "education_level": EducationLevel,
}


def split_list(text: str | None, limit: int = 200) -> list[str]:
    """Comma- or newline-separated values, trimmed, de-duplicated (case-insensitively)."""
    seen, out = set(), []
    for raw in (text or "").replace("\n", ",").split(","):
        value = " ".join(raw.split())[:limit]
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out


def skills_for(labels: list[str]) -> list[Skill]:
    """Skills from the vocabulary, adding unknown labels (matched case-insensitively)."""
    if not labels:
        return []
    known = {
        s.label.casefold(): s
        for s in db.session.scalars(
            select(Skill).where(db.func.lower(Skill.label).in_([x.casefold() for x in labels]))
        )
    }
    out = []
    for label in labels:
        skill = known.get(label.casefold())
        if skill is None:
            skill = Skill(label=label)
            db.session.add(skill)
            known[label.casefold()] = skill
        out.append(skill)
    return out


def _styrk_for(label: str) -> str | None:
    return db.session.scalar(
        select(Occupation.styrk08)
        .where(db.func.lower(Occupation.label) == label.casefold())
        .limit(1)
    )


def _parse_experience(text: str | None) -> list[Experience]:
    out = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split(";")]
        if not parts[0]:
            continue
        years = float(parts[1].replace(",", ".")) if len(parts) > 1 and parts[1] else None
        abroad = any(p.casefold() in ("utland", "utlandet", "abroad") for p in parts[2:])
        out.append(
            Experience(
                title=parts[0][:200], years=years, abroad=abroad, styrk08=_styrk_for(parts[0])
            )
        )
    return out


def experience_text(candidate: Candidate) -> str:
    """The experience lines as the form shows them."""
    lines = []
    for e in candidate.experiences:
        years = "" if e.years is None else f"{e.years:g}"
        lines.append(f"{e.title}; {years}" + ("; utland" if e.abroad else ""))
    return "\n".join(lines)


def form_data(candidate: Candidate) -> dict:
    """The profile as form data (for the edit form)."""
    data = {f: getattr(candidate, f) for f in SIMPLE_FIELDS}
    for f in ENUM_FIELDS:
        value = getattr(candidate, f)
        data[f] = value.name if value is not None else ""
    data.update(
        counsellor_id=str(candidate.counsellor_id or ""),
        norwegian_oral=candidate.norwegian_oral.name if candidate.norwegian_oral else "",
        norwegian_written=candidate.norwegian_written.name if candidate.norwegian_written else "",
        other_languages=", ".join(lang.language for lang in candidate.languages),
        foreign_education_recognised={True: "yes", False: "no"}.get(
            candidate.foreign_education_recognised, ""
        ),
        skills=", ".join(sorted((s.label for s in candidate.skills), key=str.casefold)),
        experience=experience_text(candidate),
        desired_occupations=", ".join(d.label for d in candidate.desired_occupations),
        desired_districts=list(candidate.desired_districts or []),
        driving_licences=list(candidate.driving_licences or []),
        max_hours_per_week=candidate.max_hours_per_week,
    )
    return data


def save_profile(candidate: Candidate, form, actor: User) -> list[str]:
    """Apply a validated CandidateForm; record which fields changed. Returns their names."""
    before = form_data(candidate) if candidate.id else {}
    for f in SIMPLE_FIELDS:
        value = getattr(form, f).data
        if isinstance(value, str):
            value = value.strip() or None
        setattr(candidate, f, value)
    for f, enum_cls in ENUM_FIELDS.items():
        value = getattr(form, f).data
        setattr(candidate, f, enum_cls[value] if value else None)
    if candidate.gender is None:
        candidate.gender = Gender.unknown
    if candidate.education_level is None:
        candidate.education_level = EducationLevel.unknown
    candidate.norwegian_oral = form.norwegian_oral.level
    candidate.norwegian_written = form.norwegian_written.level
    candidate.counsellor_id = int(form.counsellor_id.data) if form.counsellor_id.data else None
    candidate.foreign_education_recognised = {"yes": True, "no": False}.get(
        form.foreign_education_recognised.data
    )
    candidate.max_hours_per_week = (
        float(form.max_hours_per_week.data) if form.max_hours_per_week.data is not None else None
    )
    candidate.desired_districts = sorted(form.desired_districts.data or [])
    candidate.driving_licences = sorted(form.driving_licences.data or [])
    candidate.skills = skills_for(split_list(form.skills.data))
    candidate.languages = [
        CandidateLanguage(language=x) for x in split_list(form.other_languages.data, 60)
    ]
    candidate.experiences = _parse_experience(form.experience.data)
    candidate.desired_occupations = [
        DesiredOccupation(label=x, styrk08=_styrk_for(x))
        for x in split_list(form.desired_occupations.data)
    ]
    # The matcher's index is rebuilt when this changes, even if only a relation changed.
    candidate.updated_at = now_utc()
    if candidate.id is None:
        db.session.add(candidate)
        db.session.flush()
        changed = ["created"]
    else:
        after = form_data(candidate)
        changed = sorted(k for k in after if before.get(k) != after[k])
    if changed:
        candidate.events.append(CandidateEvent(actor_id=actor.id, fields=changed))
        audit.record(
            AuditAction.create if changed == ["created"] else AuditAction.update,
            "candidate",
            candidate.id,
            detail={"fields": changed},
        )
    return changed


def set_consent(
    candidate: Candidate, scope: ConsentScope, give: bool, actor: User, note: str | None = None
) -> bool:
    """Give or withdraw a consent. Withdrawal takes effect at once everywhere (visibility is
    checked against active consents on every request). Returns False if nothing changed."""
    active = [c for c in candidate.consents if c.scope is scope and c.withdrawn_at is None]
    if give:
        if active:
            return False
        candidate.consents.append(ConsentRecord(scope=scope, recorded_by_id=actor.id, note=note))
    else:
        if not active:
            return False
        for c in active:
            c.withdrawn_at = now_utc()
        if scope is ConsentScope.employers:
            # Sharing the identity rests on sharing the profile.
            for c in candidate.consents:
                if c.scope is ConsentScope.employers_identity and c.withdrawn_at is None:
                    c.withdrawn_at = now_utc()
    candidate.updated_at = now_utc()
    candidate.events.append(
        CandidateEvent(
            actor_id=actor.id,
            fields=[f"consent:{scope.name}"],
            note="given" if give else "withdrawn",
        )
    )
    audit.record(
        AuditAction.update, "candidate", candidate.id, detail={"consent": scope.name, "given": give}
    )
    return True
