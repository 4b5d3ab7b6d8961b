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
from employerpool.services.skills import skills_for

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


def _styrk_for(label: str) -> str | None:
    return db.session.scalar(
        select(Occupation.styrk08)
        .where(db.func.lower(Occupation.label) == label.casefold())
        .limit(1)
    )


def _parse_experience(text: str | None) -> list[dict]:
    """Experience lines ("title; years; utland") as {title, years, abroad} items."""
    out = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split(";")]
        if not parts[0]:
            continue
        years = float(parts[1].replace(",", ".")) if len(parts) > 1 and parts[1] else None
        abroad = any(p.casefold() in ("utland", "utlandet", "abroad") for p in parts[2:])
        out.append({"title": parts[0], "years": years, "abroad": abroad})
    return out


def _unique(labels: list[str], limit: int = 200) -> list[str]:
    """Labels with whitespace collapsed, trimmed to `limit`, de-duplicated case-insensitively."""
    seen, out = set(), []
    for raw in labels:
        value = " ".join(raw.split())[:limit]
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
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


# The keys `apply_profile` understands, with model values (enum members, Cefr, lists).
PROFILE_KEYS = frozenset(
    (
        *SIMPLE_FIELDS,
        *ENUM_FIELDS,
        "norwegian_oral",
        "norwegian_written",
        "counsellor_id",
        "foreign_education_recognised",
        "max_hours_per_week",
        "desired_districts",
        "driving_licences",
        "skills",
        "other_languages",
        "experience",
        "desired_occupations",
    )
)


def save_profile(candidate: Candidate, form, actor: User) -> list[str]:
    """Apply a validated CandidateForm; record which fields changed. Returns their names."""
    values: dict = {f: getattr(form, f).data for f in SIMPLE_FIELDS}
    for f, enum_cls in ENUM_FIELDS.items():
        value = getattr(form, f).data
        values[f] = enum_cls[value] if value else None
    values.update(
        norwegian_oral=form.norwegian_oral.level,
        norwegian_written=form.norwegian_written.level,
        counsellor_id=int(form.counsellor_id.data) if form.counsellor_id.data else None,
        foreign_education_recognised={"yes": True, "no": False}.get(
            form.foreign_education_recognised.data
        ),
        max_hours_per_week=form.max_hours_per_week.data,
        desired_districts=form.desired_districts.data or [],
        driving_licences=form.driving_licences.data or [],
        skills=split_list(form.skills.data),
        other_languages=split_list(form.other_languages.data, 60),
        experience=_parse_experience(form.experience.data),
        desired_occupations=split_list(form.desired_occupations.data),
    )
    return apply_profile(candidate, values, actor)


def apply_profile(candidate: Candidate, values: dict, actor: User) -> list[str]:
    """Apply validated profile `values` (keys from PROFILE_KEYS; absent keys stay as they are),
    add a new candidate to the session, and record which fields changed. Returns their names.

    Values are model values: enum members, Cefr levels, lists of labels, and experience as
    {title, years, abroad} items. The caller validates and commits.
    """
    unknown = set(values) - PROFILE_KEYS
    if unknown:
        raise ValueError(f"unknown profile keys: {sorted(unknown)}")
    before = form_data(candidate) if candidate.id else {}
    for f in SIMPLE_FIELDS:
        if f in values:
            value = values[f]
            if isinstance(value, str):
                value = value.strip() or None
            setattr(candidate, f, value)
    for f in (*ENUM_FIELDS, "norwegian_oral", "norwegian_written", "counsellor_id"):
        if f in values:
            setattr(candidate, f, values[f])
    if candidate.gender is None:
        candidate.gender = Gender.unknown
    if candidate.education_level is None:
        candidate.education_level = EducationLevel.unknown
    if "foreign_education_recognised" in values:
        candidate.foreign_education_recognised = values["foreign_education_recognised"]
    if "max_hours_per_week" in values:
        hours = values["max_hours_per_week"]
        candidate.max_hours_per_week = float(hours) if hours is not None else None
    if "desired_districts" in values:
        candidate.desired_districts = sorted(values["desired_districts"] or [])
    if "driving_licences" in values:
        candidate.driving_licences = sorted(values["driving_licences"] or [])
    if "skills" in values:
        candidate.skills = skills_for(_unique(values["skills"] or []))
    if "other_languages" in values:
        candidate.languages = [
            CandidateLanguage(language=x) for x in _unique(values["other_languages"] or [], 60)
        ]
    if "experience" in values:
        candidate.experiences = [
            Experience(
                title=item["title"].strip()[:200],
                years=item.get("years"),
                abroad=bool(item.get("abroad")),
                styrk08=_styrk_for(item["title"].strip()),
            )
            for item in values["experience"] or []
            if item["title"].strip()
        ]
    if "desired_occupations" in values:
        candidate.desired_occupations = [
            DesiredOccupation(label=x, styrk08=_styrk_for(x))
            for x in _unique(values["desired_occupations"] or [])
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
