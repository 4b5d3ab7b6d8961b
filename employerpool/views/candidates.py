"""Candidates: counsellors and coordinators keep their own partner's candidate profiles."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from employerpool.extensions import db
from employerpool.forms.candidates import CandidateForm, ConsentForm
from employerpool.forms.privacy import EraseCandidateForm, WithdrawConsentsForm
from employerpool.models import Candidate, Match, User, Vacancy
from employerpool.models.enums import AuditAction, ConsentScope, Programme, Role
from employerpool.services import audit, privacy
from employerpool.services.access import CANDIDATE_READERS, get_candidate_or_404, role_required
from employerpool.services.candidates import form_data, save_profile, set_consent
from employerpool.views import page_number
from employerpool.views import submissions as once

bp = Blueprint("candidates", __name__, url_prefix="/candidates")


@bp.get("/")
@role_required(*CANDIDATE_READERS)
def index():
    stmt = (
        select(Candidate)
        .where(Candidate.partner_id == current_user.partner_id, Candidate.erased_at.is_(None))
        .order_by(Candidate.last_name, Candidate.first_name, Candidate.id)
    )
    programme = request.args.get("programme", "", type=str)
    if programme in Programme.__members__:
        stmt = stmt.where(Candidate.programme == Programme[programme])
    mine = request.args.get("mine") == "1"
    if mine:
        stmt = stmt.where(Candidate.counsellor_id == current_user.id)
    page = db.paginate(stmt, page=page_number(), per_page=25, error_out=False)
    audit.record(AuditAction.list, "candidate", detail={"page": page.page, "rows": len(page.items)})
    html = render_template(
        "candidates/index.html", page=page, programme=programme, mine=mine, programmes=Programme
    )
    # Commit after rendering: a commit expires every loaded row, and the template would then
    # reload the candidates one by one.
    db.session.commit()
    return html


def _form(candidate: Candidate | None = None) -> CandidateForm:
    if candidate is not None and request.method == "GET":
        form = CandidateForm(data=form_data(candidate))
    else:
        form = CandidateForm()
    counsellors = db.session.scalars(
        select(User)
        .where(User.partner_id == current_user.partner_id, User.role == Role.counsellor)
        .order_by(User.name)
    ).all()
    form.counsellor_id.choices = [("", "–")] + [(str(u.id), u.name) for u in counsellors]
    if request.method == "GET" and candidate is None:
        form.counsellor_id.data = str(current_user.id)
    return form


@bp.route("/new", methods=["GET", "POST"])
@role_required(*CANDIDATE_READERS)
def new():
    form = _form()
    if form.validate_on_submit():
        if not once.claim():
            return once.already_sent(url_for("candidates.index"))
        candidate = Candidate(partner_id=current_user.partner_id)
        save_profile(candidate, form, current_user)
        db.session.flush()
        once.done(url_for("candidates.detail", candidate_id=candidate.id))
        db.session.commit()
        flash(_("Kandidaten er registrert."), "success")
        return redirect(url_for("candidates.detail", candidate_id=candidate.id))
    return render_template("candidates/form.html", form=form, candidate=None), (
        400 if form.errors else 200
    )


@bp.get("/<int:candidate_id>")
@role_required(*CANDIDATE_READERS)
def detail(candidate_id: int):
    candidate = get_candidate_or_404(candidate_id)
    matches = db.session.scalars(
        select(Match)
        .options(selectinload(Match.vacancy).selectinload(Vacancy.employer))
        .where(Match.candidate_id == candidate.id)
        .order_by(Match.updated_at.desc())
    ).all()
    return render_template(
        "candidates/detail.html",
        candidate=candidate,
        matches=matches,
        consent_form=ConsentForm(),
        withdraw_form=WithdrawConsentsForm(),
        actors={
            u.id: u.name
            for u in db.session.scalars(
                select(User).where(User.id.in_({e.actor_id for e in candidate.events}))
            )
        },
    )


@bp.route("/<int:candidate_id>/edit", methods=["GET", "POST"])
@role_required(*CANDIDATE_READERS)
def edit(candidate_id: int):
    candidate = get_candidate_or_404(candidate_id)
    form = _form(candidate)
    if form.validate_on_submit():
        changed = save_profile(candidate, form, current_user)
        db.session.commit()
        flash(_("Profilen er lagret.") if changed else _("Ingen endringer å lagre."), "success")
        return redirect(url_for("candidates.detail", candidate_id=candidate.id))
    return render_template("candidates/form.html", form=form, candidate=candidate), (
        400 if form.errors else 200
    )


@bp.post("/<int:candidate_id>/consents")
@role_required(*CANDIDATE_READERS)
def consent(candidate_id: int):
    candidate = get_candidate_or_404(candidate_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        flash(_("Velg samtykke og handling."), "error")
        return redirect(url_for("candidates.detail", candidate_id=candidate.id), 303)
    scope = ConsentScope[form.scope.data]
    give = form.action.data == "give"
    if (
        scope is ConsentScope.employers_identity
        and give
        and not candidate.has_consent(ConsentScope.employers)
    ):
        flash(_("Registrer først samtykke til å dele profilen med arbeidsgivere."), "error")
    elif set_consent(candidate, scope, give, current_user, form.note.data or None):
        db.session.commit()
        flash(_("Samtykket er registrert.") if give else _("Samtykket er trukket."), "success")
    else:
        flash(_("Ingen endring: samtykket var allerede slik."), "info")
    return redirect(url_for("candidates.detail", candidate_id=candidate.id), 303)


# --- data subject rights (issue 8) ------------------------------------------------------------


@bp.get("/<int:candidate_id>/innsyn")
@role_required(*CANDIDATE_READERS)
def innsyn(candidate_id: int):
    """Everything held about the candidate, as a page made for printing (innsyn)."""
    candidate = get_candidate_or_404(
        candidate_id, action=AuditAction.export, detail={"what": "innsyn", "format": "html"}
    )
    return render_template(
        "candidates/innsyn.html", candidate=candidate, data=privacy.innsyn(candidate)
    )


@bp.get("/<int:candidate_id>/innsyn.json")
@role_required(*CANDIDATE_READERS)
def innsyn_json(candidate_id: int):
    """Everything held about the candidate as a JSON file (innsyn, machine-readable)."""
    candidate = get_candidate_or_404(
        candidate_id, action=AuditAction.export, detail={"what": "innsyn", "format": "json"}
    )
    body = json.dumps(privacy.as_json(privacy.innsyn(candidate)), ensure_ascii=False, indent=2)
    response = Response(body, content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="innsyn-kandidat-{candidate.id}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:candidate_id>/consents/withdraw-all")
@role_required(*CANDIDATE_READERS)
def withdraw_consents(candidate_id: int):
    """The candidate withdraws every consent at once; effective on the next request."""
    candidate = get_candidate_or_404(candidate_id)
    if not WithdrawConsentsForm().validate_on_submit():
        abort(400)
    if privacy.withdraw_all_consents(candidate, current_user):
        db.session.commit()
        flash(
            _(
                "Alle samtykker er trukket. Kandidaten vises ikke lenger for andre partnere eller "
                "arbeidsgivere."
            ),
            "success",
        )
    else:
        flash(_("Ingen endring: kandidaten hadde ingen aktive samtykker."), "info")
    return redirect(url_for("candidates.detail", candidate_id=candidate.id), 303)


@bp.route("/<int:candidate_id>/erase", methods=["GET", "POST"])
@role_required(Role.coordinator)
def erase(candidate_id: int):
    """Erase a candidate after confirmation; coordinators only, since it cannot be undone."""
    candidate = get_candidate_or_404(candidate_id)
    form = EraseCandidateForm()
    if form.validate_on_submit():
        privacy.erase_candidate(candidate, current_user, form.reason.data)
        db.session.commit()
        flash(
            _(
                "Kandidaten er slettet. Statistikken og forslagene er beholdt uten "
                "personopplysninger."
            ),
            "success",
        )
        return redirect(url_for("candidates.index"), 303)
    return render_template("candidates/erase.html", candidate=candidate, form=form), (
        400 if form.errors else 200
    )
