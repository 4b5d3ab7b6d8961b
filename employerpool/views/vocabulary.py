"""Suggestions from the occupation and skill vocabularies, as JSON (issue 4).

Used by static/js/autocomplete.js; the forms work without them (free text).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import login_required
from sqlalchemy import case, func, select

from employerpool.extensions import db
from employerpool.models import Occupation, Skill

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
    rows = db.session.scalars(
        select(Skill.label)
        .where(label.like(f"%{term}%", escape="\\"))
        .order_by(case((label.like(f"{term}%", escape="\\"), 0), else_=1), func.length(Skill.label))
        .limit(limit)
    ).all()
    return jsonify([{"label": lbl} for lbl in rows])
