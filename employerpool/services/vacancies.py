"""Placement needs: create and edit from the form, status changes, history and vocabulary."""

from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import Occupation, Vacancy, VacancyEvent, VacancySkill
from employerpool.models.enums import (
    ApprovalStatus,
    AuditAction,
    District,
    PlacementType,
    VacancyStatus,
)
from employerpool.models.user import User
from employerpool.services import audit
from employerpool.services.skills import skills_for

VS = VacancyStatus

# action -> (allowed from, to)
STATUS_ACTIONS: dict[str, tuple[set[VacancyStatus], VacancyStatus]] = {
    "publish": ({VS.draft}, VS.open),
    "fill": ({VS.open}, VS.filled),
    "close": ({VS.draft, VS.open, VS.filled}, VS.closed),
    "reopen": ({VS.closed, VS.filled}, VS.open),
}
ACTION_LABELS = {
    "publish": _l("Publiser"),
    "fill": _l("Marker som besatt"),
    "close": _l("Lukk"),
    "reopen": _l("Åpne igjen"),
}
# Field names as the history note shows them.
FIELD_LABELS = {
    "type": _l("type"),
    "title": _l("tittel"),
    "occupation_label": _l("yrke"),
    "description": _l("beskrivelse"),
    "places": _l("antall plasser"),
    "district": _l("bydel"),
    "required_skills": _l("påkrevde ferdigheter"),
    "preferred_skills": _l("ønskede ferdigheter"),
    "norwegian_oral_min": _l("norsk muntlig"),
    "norwegian_written_min": _l("norsk skriftlig"),
    "police_certificate": _l("politiattest"),
    "start_date": _l("oppstart"),
    "hours_per_week": _l("timer per uke"),
    "end_date": _l("sluttdato"),
    "duration_weeks": _l("varighet"),
    "deadline": _l("søknadsfrist"),
    "driving_licence": _l("førerkort"),
    "physical_demands": _l("fysiske krav"),
}
SCALAR_FIELDS = (
    "type",
    "title",
    "occupation_label",
    "description",
    "places",
    "district",
    "norwegian_oral_min",
    "norwegian_written_min",
    "police_certificate",
    "start_date",
    "hours_per_week",
    "end_date",
    "duration_weeks",
    "deadline",
    "driving_licence",
    "physical_demands",
)


class VacancyError(ValueError):
    """A change that is not allowed; the message is for the user (Norwegian)."""


def occupation_code(label: str | None) -> str | None:
    """The STYRK-08 code when `label` is an occupation in the vocabulary (case-insensitive)."""
    if not label:
        return None
    return db.session.scalar(
        select(Occupation.styrk08)
        .where(func.lower(Occupation.label) == label.strip().lower())
        .order_by(Occupation.id)
        .limit(1)
    )


def values_from_form(form) -> dict:
    """The model values from a validated VacancyForm (non-applicable fields already cleared)."""
    start, end = form.start_date.data, form.end_date.data
    weeks = form.duration_weeks.data
    if start and end:
        weeks = max(1, math.ceil((end - start).days / 7))
    return {
        "type": PlacementType[form.type.data],
        "title": form.title.data.strip(),
        "occupation_label": (form.occupation_label.data or "").strip() or None,
        "description": (form.description.data or "").strip() or None,
        "places": form.places.data,
        "district": District[form.district.data] if form.district.data else None,
        "norwegian_oral_min": form.norwegian_oral_min.level,
        "norwegian_written_min": form.norwegian_written_min.level,
        "police_certificate": bool(form.police_certificate.data),
        "start_date": start,
        "hours_per_week": form.hours_per_week.data,
        "end_date": end,
        "duration_weeks": weeks,
        "deadline": form.deadline.data,
        "driving_licence": form.driving_licence.data or None,
        "physical_demands": (form.physical_demands.data or "").strip() or None,
        "required_skills": list(form.required_skills.data or []),
        "preferred_skills": list(form.preferred_skills.data or []),
    }


def _apply(vacancy: Vacancy, values: dict) -> list[str]:
    changed = []
    for name in SCALAR_FIELDS:
        if getattr(vacancy, name) != values[name]:
            setattr(vacancy, name, values[name])
            changed.append(name)
    if vacancy.occupation_label is None:
        vacancy.styrk08 = None
    elif "occupation_label" in changed or vacancy.styrk08 is None:
        vacancy.styrk08 = occupation_code(vacancy.occupation_label)
    wanted = {s.id: False for s in skills_for(values["preferred_skills"])}
    wanted.update({s.id: True for s in skills_for(values["required_skills"])})
    current = {link.skill_id: link.required for link in vacancy.skill_links}
    if wanted != current:
        for key, required in (("required_skills", True), ("preferred_skills", False)):
            if {k for k, v in wanted.items() if v is required} != {
                k for k, v in current.items() if v is required
            }:
                changed.append(key)
        vacancy.skill_links.clear()
        db.session.flush()
        for skill_id, required in wanted.items():
            vacancy.skill_links.append(VacancySkill(skill_id=skill_id, required=required))
    return changed


def changed_note(changed: list[str]) -> str:
    names = ", ".join(str(FIELD_LABELS[n]) for n in changed)
    return str(_l("Endret: %(fields)s", fields=names))[:500]


def create_vacancy(employer, values: dict, actor: User, *, publish: bool) -> Vacancy:
    """A new need as draft (or published at once); the caller commits."""
    if employer.approval is not ApprovalStatus.approved:
        raise VacancyError(str(_l("Arbeidsgiveren må være godkjent før den kan melde behov.")))
    vacancy = Vacancy(
        employer=employer,
        status=VS.draft,
        created_by_id=actor.id,
        title=values["title"],
        type=values["type"],
    )
    db.session.add(vacancy)
    _apply(vacancy, values)
    vacancy.events.append(
        VacancyEvent(actor_id=actor.id, from_status=None, to_status=VS.draft, note="Opprettet")
    )
    db.session.flush()
    audit.record(AuditAction.create, "vacancy", vacancy.id, user=actor)
    if publish:
        change_status(vacancy, "publish", actor)
    return vacancy


def update_vacancy(vacancy: Vacancy, values: dict, actor: User, *, publish: bool) -> list[str]:
    """Apply an edit and record which fields changed; the caller commits."""
    changed = _apply(vacancy, values)
    if changed:
        vacancy.events.append(
            VacancyEvent(
                actor_id=actor.id,
                from_status=vacancy.status,
                to_status=vacancy.status,
                note=changed_note(changed),
            )
        )
        audit.record(
            AuditAction.update, "vacancy", vacancy.id, detail={"fields": changed}, user=actor
        )
    if publish and vacancy.status is VS.draft:
        change_status(vacancy, "publish", actor)
    return changed


def allowed_actions(vacancy: Vacancy) -> list[str]:
    return [a for a, (sources, _) in STATUS_ACTIONS.items() if vacancy.status in sources]


def change_status(vacancy: Vacancy, action: str, actor: User, note: str | None = None) -> None:
    """Publish, fill, close or reopen, with a history event; the caller commits."""
    if action not in STATUS_ACTIONS:
        raise VacancyError(str(_l("Ukjent handling.")))
    sources, to = STATUS_ACTIONS[action]
    if vacancy.status not in sources:
        raise VacancyError(str(_l("Det er ikke mulig fra nåværende status.")))
    if to is VS.open and vacancy.employer.approval is not ApprovalStatus.approved:
        raise VacancyError(str(_l("Arbeidsgiveren må være godkjent før behovet kan publiseres.")))
    before = vacancy.status
    vacancy.status = to
    vacancy.events.append(
        VacancyEvent(
            actor_id=actor.id,
            from_status=before,
            to_status=to,
            note=(note or "").strip()[:500] or None,
        )
    )
    audit.record(
        AuditAction.update,
        "vacancy",
        vacancy.id,
        detail={"from": before.name, "to": to.name},
        user=actor,
    )


def form_data_from(vacancy: Vacancy) -> dict:
    """Initial form values for editing."""
    return {
        "employer_id": str(vacancy.employer_id),
        "type": vacancy.type.name,
        "title": vacancy.title,
        "occupation_label": vacancy.occupation_label,
        "description": vacancy.description,
        "places": vacancy.places,
        "district": vacancy.district.name if vacancy.district else "",
        "required_skills": [s.label for s in vacancy.required_skills],
        "preferred_skills": [s.label for s in vacancy.preferred_skills],
        "norwegian_oral_min": vacancy.norwegian_oral_min.name if vacancy.norwegian_oral_min else "",
        "norwegian_written_min": (
            vacancy.norwegian_written_min.name if vacancy.norwegian_written_min else ""
        ),
        "police_certificate": vacancy.police_certificate,
        "start_date": vacancy.start_date,
        "hours_per_week": vacancy.hours_per_week,
        "end_date": vacancy.end_date,
        "duration_weeks": vacancy.duration_weeks,
        "deadline": vacancy.deadline,
        "driving_licence": vacancy.driving_licence or "",
        "physical_demands": vacancy.physical_demands,
    }
