"""Suggestions from the occupation and skill vocabularies, as JSON (issue 4).

Used by static/js/autocomplete.js; the forms work without them (free text).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from sqlalchemy import case, exists, func, or_, select

from employerpool.extensions import db
from employerpool.models import Occupation, Skill, VacancySkill
from employerpool.models.candidate import candidate_skill
from employerpool.models.enums import Role
from employerpool.models.vacancy import competence_need_skill

bp = Blueprint("vocabulary", __name__, url_prefix="/vocabulary")
MAX_RESULTS = 15


def _query() -> tuple[str, int]:
    q = " ".join(request.args.get("q", "", type=str).split())[:100]
    limit = request.args.get("limit", 10, type=int)
    return q, max(1, min(limit, MAX_RESULTS))


def _like(q: str) -> str:
    return q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@bp.get("/occupations")
@login_required
def occupations():
    q, limit = _query()
    if len(q) < 2:
        return jsonify([])
    term = _like(q)
    label = func.lower(Occupation.label)
    rows = db.session.execute(
        select(Occupation.label, Occupation.styrk08, func.min(Occupation.id))
        .where(label.like(f"%{term}%", escape="\\"))
        .group_by(Occupation.label, Occupation.styrk08)
        .order_by(
            case((label.like(f"{term}%", escape="\\"), 0), else_=1),
            func.length(Occupation.label),
            Occupation.label,
        )
        .limit(limit)
    ).all()
    return jsonify([{"label": lbl, "styrk08": code} for lbl, code, _ in rows])


@bp.get("/skills")
@login_required
def skills():
    q, limit = _query()
    if len(q) < 2:
        return jsonify([])
    term = _like(q)
    label = func.lower(Skill.label)
    stmt = select(Skill.label).where(label.like(f"%{term}%", escape="\\"))
    if current_user.role is Role.employer:
        # Employers see the shared vocabulary and labels used on needs, never labels typed
        # only on candidate profiles (they could name a candidate's background).
        stmt = stmt.where(
            or_(
                ~exists().where(candidate_skill.c.skill_id == Skill.id),
                Skill.esco_uri.is_not(None),
                Skill.domain.is_not(None),
                exists().where(VacancySkill.skill_id == Skill.id),
                exists().where(competence_need_skill.c.skill_id == Skill.id),
            )
        )
    rows = db.session.scalars(
        stmt.order_by(
            case((label.like(f"{term}%", escape="\\"), 0), else_=1), func.length(Skill.label)
        ).limit(limit)
    ).all()
    return jsonify([{"label": lbl} for lbl in rows])
