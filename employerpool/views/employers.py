"""The shared employer register (staff) and an employer's own page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import or_, select

from employerpool.extensions import db
from employerpool.models import Employer, EmployerContact, Vacancy
from employerpool.models.enums import District
from employerpool.services.auth import get_employer_or_404, staff_required

bp = Blueprint("employers", __name__, url_prefix="/employers")


@bp.get("/")
@staff_required
def index():
    q = request.args.get("q", "", type=str).strip()[:100]
    district = request.args.get("district", "", type=str)
    stmt = select(Employer).order_by(Employer.name)
    if q:
        digits = "".join(q.split())
        stmt = stmt.where(or_(Employer.name.ilike(f"%{q}%"), Employer.orgnr == digits))
    if district in District.__members__:
        stmt = stmt.where(Employer.district == District[district])
    page = db.paginate(stmt, per_page=25, max_per_page=100, error_out=False)
    return render_template(
        "employers/index.html", page=page, q=q, district=district, districts=District
    )


@bp.get("/<int:employer_id>")
@login_required
def detail(employer_id: int):
    employer = get_employer_or_404(employer_id)
    vacancies = db.session.scalars(
        select(Vacancy).where(Vacancy.employer_id == employer.id).order_by(Vacancy.id.desc())
    ).all()
    contacts = db.session.scalars(
        select(EmployerContact)
        .where(EmployerContact.employer_id == employer.id)
        .order_by(EmployerContact.contact_date.desc())
        .limit(20)
    ).all()
    return render_template(
        "employers/detail.html", employer=employer, vacancies=vacancies, contacts=contacts
    )
