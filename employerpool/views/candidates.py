"""Candidates: counsellors and coordinators see their own partner's candidates."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import Candidate
from employerpool.models.enums import AuditAction, Programme
from employerpool.services import audit
from employerpool.services.auth import CANDIDATE_READERS, get_candidate_or_404, role_required

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


@bp.get("/<int:candidate_id>")
@role_required(*CANDIDATE_READERS)
def detail(candidate_id: int):
    candidate = get_candidate_or_404(candidate_id)
    return render_template("candidates/detail.html", candidate=candidate)
