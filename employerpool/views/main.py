"""The start page: each role lands where its work is."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import Candidate, Employer, EmployerContact, Match, Vacancy
from employerpool.models.enums import ApprovalStatus, AuditAction, Role, VacancyStatus
from employerpool.services import audit, worklist
from employerpool.services.access import allows

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("main.home"))


@bp.get("/start")
@login_required
def home():
    role = current_user.role
    if role is Role.employer:
        return _employer_home()
    open_needs = db.session.scalar(
        select(func.count()).select_from(Vacancy).where(Vacancy.status == VacancyStatus.open)
    )
    figures = {"open_needs": open_needs}
    if allows(role, "candidates.read"):
        figures["own_candidates"] = db.session.scalar(
            select(func.count())
            .select_from(Candidate)
            .where(Candidate.partner_id == current_user.partner_id, Candidate.erased_at.is_(None))
        )
    if allows(role, "reports.contacts"):
        figures["employers"] = db.session.scalar(select(func.count()).select_from(Employer))
        figures["contacts"] = db.session.scalar(
            select(func.count())
            .select_from(EmployerContact)
            .where(EmployerContact.partner_id == current_user.partner_id)
        )
    if role is Role.coordinator:
        figures["matches"] = db.session.scalar(select(func.count()).select_from(Match))
    work = {}
    if allows(role, "candidates.read"):
        work = {
            "follow_ups": worklist.follow_ups_due(current_user),
            "requests": worklist.pending_requests(current_user),
            "matches": worklist.matches_in_progress(current_user),
        }
        if work["follow_ups"]:  # the list names candidates
            audit.record(
                AuditAction.list,
                "candidate",
                detail={"via": "worklist", "rows": len(work["follow_ups"])},
            )
    html = render_template("main/staff_home.html", figures=figures, work=work)
    # Commit after rendering: a commit expires every loaded row, and the template would then
    # reload each follow-up, placement and candidate one by one.
    db.session.commit()
    return html


def _employer_home():
    """The employer's start page: its needs with proposals, new proposals, competence needs."""
    from employerpool.services import competence, proposals

    employer = current_user.employer
    vacancies = db.session.scalars(
        select(Vacancy)
        .where(Vacancy.employer_id == current_user.employer_id)
        .order_by(Vacancy.created_at.desc(), Vacancy.id.desc())
    ).all()
    shown = [m for m in proposals.proposals_for_employer(employer.id) if m.outcome is None]
    waiting = [proposals.build_view(m) for m in shown]
    proposals.record_list(shown)
    html = render_template(
        "main/employer_home.html",
        employer=employer,
        vacancies=vacancies,
        counts=proposals.proposal_counts(employer.id),
        waiting=waiting,
        competence_needs=competence.for_employer(employer.id),
        approved=employer.approval is ApprovalStatus.approved,
    )
    db.session.commit()  # after rendering, as on the staff home
    return html
