"""The shared employer register (staff) and an employer's own page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from employerpool.extensions import db
from employerpool.forms.employers import (
    NACE_SECTIONS,
    ApprovalForm,
    ContactPersonForm,
    EmployerEditForm,
    EmptyForm,
    ResponsiblePartnerForm,
)
from employerpool.labels import label
from employerpool.models import EmployerContact, Vacancy
from employerpool.models.enums import Agreement, ApprovalStatus, AuditAction, District
from employerpool.services import audit
from employerpool.services import competence as competence_service
from employerpool.services import employers as employer_service
from employerpool.services.access import (
    EMPLOYER_MANAGERS,
    get_contact_person_or_404,
    get_employer_or_404,
    may_edit_employer,
    may_manage_contact_persons,
    role_required,
    staff_required,
)
from employerpool.services.employers import (
    SORTS,
    ContactData,
    OrganisationData,
)
from employerpool.views import page_number
from employerpool.views import submissions as once

bp = Blueprint("employers", __name__, url_prefix="/employers")


@bp.get("/")
@staff_required
def index():
    q = request.args.get("q", "", type=str).strip()[:100]
    district = request.args.get("district", "", type=str)
    sector = request.args.get("sector", "", type=str)
    approval = request.args.get("approval", "", type=str)
    sort = request.args.get("sort", "name", type=str)
    district = district if district in District.__members__ else ""
    sector = sector if sector in NACE_SECTIONS else ""
    approval = approval if approval in ApprovalStatus.__members__ else ""
    sort = sort if sort in SORTS else "name"
    stmt = employer_service.search_statement(q, district, sector, approval, sort)
    page = db.paginate(stmt, page=page_number(), per_page=25, error_out=False)
    return render_template(
        "employers/index.html",
        page=page,
        q=q,
        district=district,
        sector=sector,
        approval=approval,
        sort=sort,
        districts=District,
        sectors=NACE_SECTIONS,
        approvals=ApprovalStatus,
        pending=employer_service.pending_count(),
    )


def _responsible_form(employer) -> ResponsiblePartnerForm:
    form = ResponsiblePartnerForm(
        data={
            "responsible_partner_id": str(employer.responsible_partner_id or ""),
            "agreement": employer.agreement.name,
        }
    )
    form.responsible_partner_id.choices = [("", _("Velg partner"))] + (
        employer_service.partner_choices()
    )
    return form


@bp.get("/<int:employer_id>")
@login_required
def detail(employer_id: int):
    employer = get_employer_or_404(employer_id)
    vacancies = db.session.scalars(
        db.select(Vacancy).where(Vacancy.employer_id == employer.id).order_by(Vacancy.id.desc())
    ).all()
    contacts = history = None
    if current_user.is_staff:
        contacts = db.session.scalars(
            db.select(EmployerContact)
            .where(EmployerContact.employer_id == employer.id)
            .order_by(EmployerContact.contact_date.desc())
            .limit(20)
        ).all()
        history = employer_service.placement_history(employer, current_user)
        db.session.commit()  # the audit event, if candidate names were shown
    can_manage = current_user.role in EMPLOYER_MANAGERS
    return render_template(
        "employers/detail.html",
        employer=employer,
        vacancies=vacancies,
        contacts=contacts,
        history=history,
        competence_needs=competence_service.for_employer(employer.id),
        can_manage=can_manage,
        can_edit=may_edit_employer(current_user, employer),
        can_manage_people=may_manage_contact_persons(current_user, employer),
        responsible_form=_responsible_form(employer) if can_manage else None,
        approval_form=ApprovalForm() if can_manage else None,
        empty_form=EmptyForm(),
        contact_form=ContactPersonForm(),
        users=_employer_users(employer) if current_user.is_staff else None,
        sector_label=NACE_SECTIONS.get(employer.nace_section or ""),
    )


def _employer_users(employer):
    from employerpool.models import User

    return db.session.scalars(
        db.select(User).where(User.employer_id == employer.id).order_by(User.name)
    ).all()


@bp.route("/<int:employer_id>/edit", methods=["GET", "POST"])
@login_required
def edit(employer_id: int):
    employer = get_employer_or_404(employer_id)
    if not may_edit_employer(current_user, employer):
        abort(403)
    if request.method == "GET":
        form = EmployerEditForm(
            data={
                "name": employer.name,
                "nace_section": employer.nace_section or "",
                "district": employer.district.name if employer.district else "",
                "address": employer.address,
                "postcode": employer.postcode,
                "city": employer.city,
                "size_band": employer.size_band.name if employer.size_band else "",
            }
        )
    else:
        form = EmployerEditForm()
    if form.validate_on_submit():
        changed = employer_service.update_employer(
            employer, OrganisationData.from_form(form), current_user
        )
        db.session.commit()
        flash(_("Opplysningene er lagret.") if changed else _("Ingen endringer."), "success")
        return redirect(url_for("employers.detail", employer_id=employer.id))
    status = 400 if form.errors else 200
    return render_template("employers/edit.html", form=form, employer=employer), status


@bp.post("/<int:employer_id>/approval")
@role_required(*EMPLOYER_MANAGERS)
def approval(employer_id: int):
    employer = get_employer_or_404(employer_id)
    form = ApprovalForm()
    if not form.validate_on_submit():
        abort(400)
    approve = form.decision.data == "approve"
    allowed = {ApprovalStatus.pending} | ({ApprovalStatus.rejected} if approve else set())
    if employer.approval not in allowed:
        flash(_("Arbeidsgiveren har allerede status «%(s)s».", s=label(employer.approval)), "info")
        return redirect(url_for("employers.detail", employer_id=employer.id))
    employer_service.decide_approval(employer, approve, current_user)
    db.session.commit()
    if employer.approval is ApprovalStatus.approved:
        flash(_("%(name)s er godkjent og kan nå melde behov.", name=employer.name), "success")
    else:
        flash(_("%(name)s er avvist.", name=employer.name), "info")
    return redirect(url_for("employers.detail", employer_id=employer.id))


@bp.post("/<int:employer_id>/responsible")
@role_required(*EMPLOYER_MANAGERS)
def responsible(employer_id: int):
    employer = get_employer_or_404(employer_id)
    form = _responsible_form(employer)
    form.process(request.form)
    if not form.validate():
        flash(_("Velg en partner fra listen."), "error")
        return redirect(url_for("employers.detail", employer_id=employer.id))
    employer_service.set_responsible_partner(
        employer,
        int(form.responsible_partner_id.data),
        Agreement[form.agreement.data],
        current_user,
    )
    db.session.commit()
    flash(_("Ansvarlig partner og avtale er lagret."), "success")
    return redirect(url_for("employers.detail", employer_id=employer.id))


@bp.route("/<int:employer_id>/contact-persons/new", methods=["GET", "POST"])
@login_required
def add_contact_person(employer_id: int):
    employer = get_employer_or_404(employer_id)
    if not may_manage_contact_persons(current_user, employer):
        abort(403)
    form = ContactPersonForm()
    if form.validate_on_submit():
        if not once.claim():
            return once.already_sent(url_for("employers.detail", employer_id=employer.id))
        employer_service.add_contact_person(employer, ContactData.from_form(form))
        once.done(url_for("employers.detail", employer_id=employer.id))
        db.session.commit()
        flash(_("Kontaktpersonen er lagt til."), "success")
        return redirect(url_for("employers.detail", employer_id=employer.id))
    status = 400 if form.errors else 200
    return render_template("employers/contact_person.html", form=form, employer=employer), status


@bp.post("/<int:employer_id>/contact-persons/<int:person_id>/delete")
@login_required
def delete_contact_person(employer_id: int, person_id: int):
    employer = get_employer_or_404(employer_id)
    if not may_manage_contact_persons(current_user, employer):
        abort(403)
    person = get_contact_person_or_404(employer, person_id)
    if len(employer.contact_persons) <= 1:
        flash(_("Arbeidsgiveren må ha minst én kontaktperson."), "error")
        return redirect(url_for("employers.detail", employer_id=employer.id))
    employer.contact_persons.remove(person)
    audit.record(AuditAction.update, "employer", employer.id, detail={"contact_person": "removed"})
    db.session.commit()
    flash(_("Kontaktpersonen er fjernet."), "success")
    return redirect(url_for("employers.detail", employer_id=employer.id))
