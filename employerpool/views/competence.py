"""Employers' standing competence needs (issue 4): created by employers or staff, listed for staff.

Other views show them beside a candidate through services.competence.competence_needs_for().
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from employerpool.extensions import db
from employerpool.forms.competence import SEASONS, CompetenceNeedForm
from employerpool.models import CompetenceNeed, Employer
from employerpool.models.enums import District
from employerpool.services import competence as competence_service
from employerpool.services.access import (
    get_competence_need_or_404,
    require_may_post_needs,
    staff_required,
)
from employerpool.services.employers import approved_employer_choices
from employerpool.views import page_number
from employerpool.views import submissions as once

bp = Blueprint("competence", __name__, url_prefix="/competence-needs")


@bp.get("/")
@staff_required
def index():
    q = request.args.get("q", "", type=str).strip()[:100]
    district = request.args.get("district", "", type=str)
    show = request.args.get("show", "active", type=str)
    stmt = (
        select(CompetenceNeed)
        .join(Employer, Employer.id == CompetenceNeed.employer_id)
        .options(selectinload(CompetenceNeed.skills), selectinload(CompetenceNeed.employer))
        .order_by(CompetenceNeed.updated_at.desc(), CompetenceNeed.id.desc())
    )
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(CompetenceNeed.occupation_label.ilike(f"%{escaped}%", escape="\\"))
    if district in District.__members__:
        stmt = stmt.where(Employer.district == District[district])
    else:
        district = ""
    if show != "all":
        show = "active"
        stmt = stmt.where(CompetenceNeed.active.is_(True))
    page = db.paginate(stmt, page=page_number(), per_page=25, error_out=False)
    return render_template(
        "competence/index.html",
        page=page,
        q=q,
        district=district,
        show=show,
        districts=District,
        seasons=SEASONS,
    )


def _form(need: CompetenceNeed | None = None) -> CompetenceNeedForm:
    if request.method == "GET" and need is not None:
        form = CompetenceNeedForm(
            data={
                "occupation_label": need.occupation_label,
                "skills": [s.label for s in need.skills],
                "season": need.season or "",
                "volume": need.volume,
                "description": need.description,
            }
        )
    else:
        form = CompetenceNeedForm()
    if current_user.is_staff and need is None:
        form.employer_id.choices = [("", _("Velg arbeidsgiver"))] + approved_employer_choices()
        wanted = request.args.get("employer", "", type=str)
        if request.method == "GET" and wanted.isdigit():
            form.employer_id.data = wanted
    else:
        del form.employer_id
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require_may_post_needs()
    form = _form()
    if form.validate_on_submit():
        employer_id = (
            int(form.employer_id.data) if current_user.is_staff else current_user.employer_id
        )
        if not once.claim():
            return once.already_sent(url_for("employers.detail", employer_id=employer_id))
        need = CompetenceNeed(employer_id=employer_id)
        competence_service.save(need, competence_service.values_from_form(form), current_user)
        once.done(url_for("employers.detail", employer_id=employer_id))
        db.session.commit()
        flash(_("Kompetansebehovet er lagret."), "success")
        return redirect(url_for("employers.detail", employer_id=employer_id))
    status = 400 if form.errors else 200
    return render_template("competence/form.html", form=form, need=None), status


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id: int):
    need = get_competence_need_or_404(need_id)
    require_may_post_needs()
    form = _form(need)
    if form.validate_on_submit():
        competence_service.save(need, competence_service.values_from_form(form), current_user)
        db.session.commit()
        flash(_("Kompetansebehovet er lagret."), "success")
        return redirect(url_for("employers.detail", employer_id=need.employer_id))
    status = 400 if form.errors else 200
    return render_template("competence/form.html", form=form, need=need), status


@bp.post("/<int:need_id>/active")
@login_required
def set_active(need_id: int):
    need = get_competence_need_or_404(need_id)
    require_may_post_needs()
    active = request.form.get("active") == "1"
    competence_service.set_active(need, active, current_user)
    db.session.commit()
    flash(
        _("Kompetansebehovet er aktivt igjen.") if active else _("Kompetansebehovet er avsluttet."),
        "success",
    )
    return redirect(url_for("employers.detail", employer_id=need.employer_id))


@bp.app_template_global("season_label")
def season_label(season: str | None) -> str:
    """The label of a stored season key (or a dash)."""
    return str(SEASONS.get(season or "", "–"))
