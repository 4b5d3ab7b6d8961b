"""Ranked suggestions for a need, the reverse view for a candidate, and pool allocation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.forms.matches import AllocationForm, SuggestionFilterForm
from employerpool.models import Match
from employerpool.models.enums import AuditAction, District, Programme, Role
from employerpool.services import audit, matches
from employerpool.services.access import (
    CANDIDATE_READERS,
    candidate_from_reference,
    get_candidate_or_404,
    get_vacancy_or_404,
    match_access,
    may_shortlist,
    role_required,
)
from employerpool.services.competence import competence_needs_for
from employerpool.services.suggestions import (
    SuggestionFilters,
    allocation_for,
    needs_for_candidate,
    record_suggestions,
    suggestions_for,
    understood_occupation,
)
from employerpool.views import parse_id

bp = Blueprint("suggestions", __name__, url_prefix="/suggestions")


@bp.app_context_processor
def _understood_occupation() -> dict:
    # The need page and the suggestion page both show what the matcher read the title as.
    return {"understood_occupation": understood_occupation}


@bp.get("/vacancies/<int:vacancy_id>")
@role_required(*CANDIDATE_READERS)
def for_vacancy(vacancy_id: int):
    vacancy = get_vacancy_or_404(vacancy_id)
    form = SuggestionFilterForm(request.args)
    form.validate()
    filters = SuggestionFilters(
        district=District[form.district.data]
        if form.district.data in District.__members__
        else None,
        programme=Programme[form.programme.data]
        if form.programme.data in Programme.__members__
        else None,
        only_eligible=bool(form.only_eligible.data),
        not_proposed_elsewhere=bool(form.not_proposed_elsewhere.data),
    )
    rows = suggestions_for(vacancy, current_user, top=25, filters=filters)
    record_suggestions(vacancy, rows, current_user)
    audit.record(
        AuditAction.list,
        "suggestions",
        vacancy.id,
        detail={"rows": len(rows), "candidate_ids": [r.candidate_id for r in rows]},
    )
    html = render_template("suggestions/vacancy.html", vacancy=vacancy, rows=rows, form=form)
    db.session.commit()  # after rendering: a commit expires the rows' matches (one query each)
    return html


@bp.post("/vacancies/<int:vacancy_id>/shortlist")
@role_required(*CANDIDATE_READERS)
def shortlist(vacancy_id: int):
    vacancy = get_vacancy_or_404(vacancy_id)
    candidate = candidate_from_reference(request.form.get("candidate_id"), current_user)
    if candidate is None:
        abort(404)
    match = db.session.scalar(
        select(Match).where(Match.vacancy_id == vacancy.id, Match.candidate_id == candidate.id)
    )
    if match is None:
        match = matches.create(vacancy.id, candidate.id, current_user)
    elif not may_shortlist(current_user, match):
        # A match this user cannot see, or one withdrawn by the partner that manages it.
        abort(404 if match_access(current_user, match) is None else 403)
    try:
        matches.change(match, matches.MS.shortlisted, current_user)
    except matches.TransitionError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Kandidaten er satt på kortlisten."), "success")
    return redirect(url_for("matches.detail", match_id=match.id), 303)


@bp.get("/candidates/<int:candidate_id>")
@role_required(*CANDIDATE_READERS)
def for_candidate(candidate_id: int):
    candidate = get_candidate_or_404(candidate_id)
    needs = needs_for_candidate(candidate, top=10)
    codes = {d.styrk08 for d in candidate.desired_occupations if d.styrk08}
    codes |= {e.styrk08 for e in candidate.experiences if e.styrk08}
    competence = [
        hit.need
        for hit in competence_needs_for((s.label for s in candidate.skills), codes, limit=10)
    ]
    return render_template(
        "suggestions/candidate.html", candidate=candidate, needs=needs, competence=competence
    )


@bp.get("/allocation")
@role_required(Role.coordinator)
def allocation():
    form = AllocationForm(request.args)
    district = District[form.district.data] if form.district.data in District.__members__ else None
    proposals = allocation_for(current_user, district) if "district" in request.args else None
    if proposals is not None:
        audit.record(AuditAction.list, "allocation", detail={"needs": len(proposals)})
        db.session.commit()
    return render_template("suggestions/allocation.html", form=form, proposals=proposals)


@bp.post("/allocation/accept")
@role_required(Role.coordinator)
def accept_allocation():
    vacancy = get_vacancy_or_404(parse_id(request.form.get("vacancy_id")) or 0)
    refs = request.form.getlist("candidate_id")[:50]
    created = 0
    for ref in refs:
        candidate = candidate_from_reference(ref, current_user)
        if candidate is None:
            continue
        match = db.session.scalar(
            select(Match).where(Match.vacancy_id == vacancy.id, Match.candidate_id == candidate.id)
        )
        if match is None:
            match = matches.create(vacancy.id, candidate.id, current_user)
        elif not may_shortlist(current_user, match):
            continue  # another partner's match: not ours to move
        if match.status is matches.MS.suggested:
            matches.change(match, matches.MS.shortlisted, current_user, note="pool allocation")
            created += 1
    db.session.commit()
    flash(
        _("%(n)s kandidater er satt på kortlisten for %(title)s.", n=created, title=vacancy.title),
        "success",
    )
    return redirect(
        url_for("suggestions.allocation", district=request.form.get("district", "")), 303
    )
