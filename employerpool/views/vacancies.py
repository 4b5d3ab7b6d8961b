"""Placement needs: staff see all of them; an employer user sees its own."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from employerpool.extensions import db
from employerpool.models import Vacancy, VacancySkill
from employerpool.models.enums import District, PlacementType, Role, VacancyStatus
from employerpool.services.auth import get_vacancy_or_404

bp = Blueprint("vacancies", __name__, url_prefix="/vacancies")


@bp.get("/")
@login_required
def index():
    stmt = (
        select(Vacancy)
        .options(selectinload(Vacancy.employer))
        .order_by(Vacancy.created_at.desc(), Vacancy.id.desc())
    )
    if current_user.role is Role.employer:
        stmt = stmt.where(Vacancy.employer_id == current_user.employer_id)
    status = request.args.get("status", "open" if current_user.is_staff else "", type=str)
    if status in VacancyStatus.__members__:
        stmt = stmt.where(Vacancy.status == VacancyStatus[status])
    district = request.args.get("district", "", type=str)
    if district in District.__members__:
        stmt = stmt.where(Vacancy.district == District[district])
    vtype = request.args.get("type", "", type=str)
    if vtype in PlacementType.__members__:
        stmt = stmt.where(Vacancy.type == PlacementType[vtype])
    page = db.paginate(stmt, per_page=25, max_per_page=100, error_out=False)
    return render_template(
        "vacancies/index.html",
        page=page,
        status=status,
        district=district,
        vtype=vtype,
        statuses=VacancyStatus,
        districts=District,
        types=PlacementType,
    )


@bp.get("/<int:vacancy_id>")
@login_required
def detail(vacancy_id: int):
    vacancy = get_vacancy_or_404(vacancy_id)
    links = db.session.scalars(
        select(VacancySkill).where(VacancySkill.vacancy_id == vacancy.id)
    ).all()
    return render_template("vacancies/detail.html", vacancy=vacancy, links=links)
