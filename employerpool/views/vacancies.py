"""Placement needs: staff see all of them; an employer user sees its own.

Staff post and edit needs on an employer's behalf; an employer user only for its own employer,
and only once the employer is approved. Proposed candidates are shown to the employer user alone.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from employerpool.extensions import db
from employerpool.forms.vacancies import (
    FIELDSETS,
    TYPE_HINTS,
    ProposalAnswerForm,
    VacancyForm,
    VacancyStatusForm,
)
from employerpool.labels import label
from employerpool.models import Employer, Vacancy, VacancyEvent, VacancySkill
from employerpool.models.enums import (
    District,
    PlacementType,
    Role,
    VacancyStatus,
)
from employerpool.services import proposals as proposal_service
from employerpool.services import vacancies as vacancy_service
from employerpool.services.access import (
    get_vacancy_or_404,
    get_visible_proposal_or_404,
    may_post_needs,
    require_may_post_needs,
    role_required,
)
from employerpool.services.employers import approved_employer_choices
from employerpool.services.matches import TransitionError
from employerpool.services.vacancies import ACTION_LABELS, VacancyError
from employerpool.services.validation import REQUIRED_BY_TYPE, check_match_event
from employerpool.views import page_number, parse_id
from employerpool.views import submissions as once

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
    default_status = "open" if current_user.is_staff else ""
    status = request.args.get("status", default_status, type=str)
    if status not in VacancyStatus.__members__ and status not in ("", "all"):
        status = default_status  # an unknown value falls back to the default
    if status in VacancyStatus.__members__:
        stmt = stmt.where(Vacancy.status == VacancyStatus[status])
    district = request.args.get("district", "", type=str)
    if district in District.__members__:
        stmt = stmt.where(Vacancy.district == District[district])
    vtype = request.args.get("type", "", type=str)
    if vtype in PlacementType.__members__:
        stmt = stmt.where(Vacancy.type == PlacementType[vtype])
    page = db.paginate(stmt, page=page_number(), per_page=25, error_out=False)
    return render_template(
        "vacancies/index.html",
        page=page,
        status=status,
        district=district,
        vtype=vtype,
        statuses=VacancyStatus,
        districts=District,
        types=PlacementType,
        may_post=may_post_needs(current_user),
    )


def _render_form(form, vacancy=None, employer=None, status=200):
    applies_text = {
        key: ", ".join(label(t) for t in types) for key, (_legend, types, _n) in FIELDSETS.items()
    }
    needed_by: dict[str, list[str]] = {}
    for vtype, names in REQUIRED_BY_TYPE.items():
        for name in names:
            needed_by.setdefault(name, []).append(label(vtype).lower())
    required_hints = {
        name: _("Må fylles ut for %(types)s.", types=", ".join(types))
        for name, types in needed_by.items()
    }
    return render_template(
        "vacancies/form.html",
        form=form,
        vacancy=vacancy,
        employer=employer,
        fieldsets=FIELDSETS,
        applies_text=applies_text,
        required_hints=required_hints,
        type_hints=TYPE_HINTS,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require_may_post_needs()
    form = VacancyForm()
    employer = None
    if current_user.is_staff:
        form.employer_id.choices = [("", _("Velg arbeidsgiver"))] + approved_employer_choices()
        wanted = request.args.get("employer", "", type=str)
        if request.method == "GET" and parse_id(wanted):
            form.employer_id.data = wanted
            found = db.session.get(Employer, parse_id(wanted))
            if found is not None and found.district and not form.district.data:
                form.district.data = found.district.name
    else:
        del form.employer_id
        employer = current_user.employer
        if request.method == "GET" and employer.district:
            form.district.data = employer.district.name
    if form.validate_on_submit():
        if employer is None:
            employer = db.session.get(Employer, int(form.employer_id.data))
        if not once.claim():
            return once.already_sent(url_for("vacancies.index"))
        publish = request.form.get("action") == "publish"
        try:
            vacancy = vacancy_service.create_vacancy(
                employer, vacancy_service.values_from_form(form), current_user, publish=publish
            )
        except VacancyError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return _render_form(form, employer=employer, status=400)
        once.done(url_for("vacancies.detail", vacancy_id=vacancy.id))
        db.session.commit()
        flash(
            _("Behovet er publisert.") if publish else _("Behovet er lagret som utkast."),
            "success",
        )
        return redirect(url_for("vacancies.detail", vacancy_id=vacancy.id))
    return _render_form(form, employer=employer, status=400 if form.errors else 200)


@bp.route("/<int:vacancy_id>/edit", methods=["GET", "POST"])
@login_required
def edit(vacancy_id: int):
    vacancy = get_vacancy_or_404(vacancy_id)
    require_may_post_needs(vacancy.employer_id)
    if request.method == "GET":
        form = VacancyForm(data=vacancy_service.form_data_from(vacancy))
    else:
        form = VacancyForm()
    del form.employer_id
    if form.validate_on_submit():
        publish = request.form.get("action") == "publish"
        try:
            changed = vacancy_service.update_vacancy(
                vacancy, vacancy_service.values_from_form(form), current_user, publish=publish
            )
        except VacancyError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return _render_form(form, vacancy=vacancy, employer=vacancy.employer, status=400)
        db.session.commit()
        if publish:
            flash(_("Behovet er lagret og publisert."), "success")
        else:
            flash(_("Endringene er lagret.") if changed else _("Ingen endringer."), "success")
        return redirect(url_for("vacancies.detail", vacancy_id=vacancy.id))
    return _render_form(
        form, vacancy=vacancy, employer=vacancy.employer, status=400 if form.errors else 200
    )


@bp.post("/<int:vacancy_id>/status")
@login_required
def change_status(vacancy_id: int):
    vacancy = get_vacancy_or_404(vacancy_id)
    require_may_post_needs(vacancy.employer_id)
    form = VacancyStatusForm()
    action = request.form.get("action", "")
    if not form.validate_on_submit():
        flash(_("Kommentaren kan ha høyst 300 tegn."), "error")
        return redirect(url_for("vacancies.detail", vacancy_id=vacancy.id))
    try:
        vacancy_service.change_status(vacancy, action, current_user, form.note.data)
    except VacancyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("vacancies.detail", vacancy_id=vacancy.id))
    db.session.commit()
    flash(_("Status er endret til «%(s)s».", s=label(vacancy.status)), "success")
    return redirect(url_for("vacancies.detail", vacancy_id=vacancy.id))


@bp.get("/<int:vacancy_id>")
@login_required
def detail(vacancy_id: int):
    vacancy = get_vacancy_or_404(vacancy_id)
    links = db.session.scalars(
        select(VacancySkill).where(VacancySkill.vacancy_id == vacancy.id)
    ).all()
    events = db.session.scalars(
        select(VacancyEvent)
        .options(selectinload(VacancyEvent.actor))
        .where(VacancyEvent.vacancy_id == vacancy.id)
        .order_by(VacancyEvent.id.desc())
    ).all()
    proposals = None
    if current_user.role is Role.employer:
        shown = proposal_service.proposals_for_employer(vacancy.employer_id, vacancy.id)
        proposals = [proposal_service.build_view(m) for m in shown]
        proposal_service.record_list(shown, vacancy.id)
        db.session.commit()
    may_edit = current_user.is_staff or (
        current_user.employer_id == vacancy.employer_id and may_post_needs(current_user)
    )
    return render_template(
        "vacancies/detail.html",
        vacancy=vacancy,
        links=links,
        events=events,
        proposals=proposals,
        may_edit=may_edit,
        actions=vacancy_service.allowed_actions(vacancy) if may_edit else [],
        action_labels=ACTION_LABELS,
        status_form=VacancyStatusForm(),
    )


def _proposal_or_404(vacancy_id: int, match_id: int):
    vacancy = get_vacancy_or_404(vacancy_id)
    match = get_visible_proposal_or_404(match_id, vacancy.id)
    return vacancy, match


def _answer_form(match) -> ProposalAnswerForm:
    form = ProposalAnswerForm()
    allowed = proposal_service.allowed_answers(match)
    form.answer.choices = [(k, proposal_service.ANSWER_LABELS[k]) for k in allowed]
    form.reason.choices = [("", _("Velg grunn"))] + list(
        proposal_service.DECLINE_REASON_LABELS.items()
    )
    return form


@bp.route("/<int:vacancy_id>/proposals/<int:match_id>", methods=["GET", "POST"])
@role_required(Role.employer)
def proposal(vacancy_id: int, match_id: int):
    vacancy, match = _proposal_or_404(vacancy_id, match_id)
    form = _answer_form(match)
    status = 200
    if form.validate_on_submit():
        key = form.answer.data
        if key == "declined" and not form.reason.data:
            form.reason.errors.append(_("Velg hvorfor kandidaten ikke er aktuell."))
        elif errors := check_match_event(
            proposal_service.ANSWERS.get(key),
            date.today(),
            on=form.start_date.data,
            by_employer=True,
        ):
            form.start_date.errors.extend(errors.values())
        else:
            try:
                proposal_service.answer(
                    match,
                    key,
                    current_user,
                    reason=form.reason.data or None,
                    note=form.note.data,
                    start_date=form.start_date.data,
                )
            except TransitionError as exc:
                db.session.rollback()
                form.answer.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Svaret ditt er lagret. Veilederen får beskjed."), "success")
                return redirect(
                    url_for("vacancies.proposal", vacancy_id=vacancy.id, match_id=match.id)
                )
    if form.errors:
        status = 400
    view = proposal_service.build_view(match, with_events=True)
    proposal_service.record_view(match)
    db.session.commit()
    return render_template(
        "vacancies/proposal.html", vacancy=vacancy, proposal=view, form=form
    ), status


@bp.app_template_global("cefr_description")
def cefr_description(level) -> str:
    """A CEFR level with its plain-language description, or "Ikke oppgitt"."""
    from employerpool.services.validation import CEFR_DESCRIPTIONS

    return str(CEFR_DESCRIPTIONS[level]) if level is not None else _("Ikke oppgitt")
