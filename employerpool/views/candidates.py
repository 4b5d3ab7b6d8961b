"""Candidates: counsellors and coordinators keep their own partner's candidate profiles."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from employerpool.extensions import db
from employerpool.forms.candidates import CandidateForm, ConsentForm
from employerpool.models import Candidate, Match, User, Vacancy
from employerpool.models.enums import AuditAction, ConsentScope, Programme, Role
from employerpool.services import audit
from employerpool.services.auth import CANDIDATE_READERS, get_candidate_or_404, role_required
from employerpool.services.candidates import form_data, save_profile, set_consent

bp = Blueprint("candidates", __name__, url_prefix="/candidates")


@bp.get("/")
@role_required(*CANDIDATE_READERS)
def index():
    stmt = (
        select(Candidate)
        .where(Candidate.partner_id == current_user.partner_id)
        .order_by(Candidate.last_name, Candidate.first_name, Candidate.id)
    )
    programme = request.args.get("programme", "", type=str)
    if programme in Programme.__members__:
        stmt = stmt.where(Candidate.programme == Programme[programme])
    mine = request.args.get("mine") == "1"
    if mine:
        stmt = stmt.where(Candidate.counsellor_id == current_user.id)
    page = db.paginate(stmt, per_page=25, max_per_page=100, error_out=False)
    audit.record(AuditAction.list, "candidate", detail={"page": page.page, "rows": len(page.items)})
    db.session.commit()
    return render_template(
        "candidates/index.html", page=page, programme=programme, mine=mine, programmes=Programme
    )


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
        candidate = Candidate(partner_id=current_user.partner_id)
        save_profile(candidate, form, current_user)
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
