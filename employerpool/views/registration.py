"""Employer self-registration and staff invitations (issue 4).

A self-registered employer is pending until a coordinator or employer contact approves it. Its
user can log in at once and sees that the registration awaits approval; it cannot post needs
until then.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from employerpool.extensions import db
from employerpool.forms.employers import RegistrationForm, StaffEmployerForm
from employerpool.models.enums import Agreement
from employerpool.services import employers as employer_service
from employerpool.services.access import (
    get_contact_person_or_404,
    get_employer_or_404,
    may_manage_contact_persons,
    staff_required,
)
from employerpool.services.employers import (
    ContactData,
    DuplicateOrganisation,
    EmailTaken,
    OrganisationData,
    RegistrationBusy,
)

bp = Blueprint("registration", __name__)


def _duplicate_message(employer) -> str:
    partner = employer.responsible_partner
    if partner is not None:
        return _(
            "Virksomheten er allerede registrert i arbeidsgiverpoolen. Be om tilgang hos "
            "%(partner)s, som har ansvaret for samarbeidet med dere.",
            partner=partner.name,
        )
    return _(
        "Virksomheten er allerede registrert i arbeidsgiverpoolen. Be om tilgang hos NAV-kontoret "
        "eller bydelen dere samarbeider med."
    )


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegistrationForm()
    busy = False
    if form.validate_on_submit():
        if form.website.data:
            # A bot filled in the hidden field: pretend all is well, store nothing.
            flash(_("Takk! Vi har mottatt registreringen."), "success")
            return redirect(url_for("auth.login"))
        try:
            employer_service.check_registration_allowed(request.remote_addr)
            employer, user, _token = employer_service.register_employer(
                form.orgnr.data,
                OrganisationData.from_form(form),
                ContactData.from_form(form),
                actor=None,
                password=form.password.data,
            )
        except DuplicateOrganisation as exc:
            db.session.rollback()
            form.orgnr.errors.append(_duplicate_message(exc.employer))
        except EmailTaken:
            db.session.rollback()
            form.contact_email.errors.append(
                _(
                    "Det finnes allerede en bruker med denne e-postadressen. Logg inn, eller "
                    "bruk en annen adresse."
                )
            )
        except RegistrationBusy:
            db.session.rollback()
            busy = True
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            session.permanent = True
            flash(
                _(
                    "Takk! %(name)s er registrert. Vi sjekker registreringen og godkjenner den så "
                    "snart vi kan.",
                    name=employer.name,
                ),
                "success",
            )
            return redirect(url_for("main.home"))
    status = 429 if busy else (400 if form.errors else 200)
    return render_template("registration/register.html", form=form, busy=busy), status


def _staff_form() -> StaffEmployerForm:
    form = StaffEmployerForm()
    form.responsible_partner_id.choices = [("", _("Velg partner"))] + (
        employer_service.partner_choices()
    )
    if request.method == "GET" and current_user.partner_id:
        form.responsible_partner_id.data = str(current_user.partner_id)
    return form


@bp.route("/employers/new", methods=["GET", "POST"])
@staff_required
def staff_register():
    form = _staff_form()
    duplicate = None
    if form.validate_on_submit():
        try:
            employer, user, token = employer_service.register_employer(
                form.orgnr.data,
                OrganisationData.from_form(form),
                ContactData.from_form(form),
                actor=current_user,
                invite=form.invite.data,
                responsible_partner_id=int(form.responsible_partner_id.data),
                agreement=Agreement[form.agreement.data],
            )
        except DuplicateOrganisation as exc:
            db.session.rollback()
            duplicate = exc.employer
            form.orgnr.errors.append(
                _("Virksomheten finnes allerede i poolen. Åpne den fra lenken under feltet.")
            )
        except EmailTaken:
            db.session.rollback()
            form.contact_email.errors.append(
                _("Det finnes allerede en bruker med denne e-postadressen.")
            )
        else:
            db.session.commit()  # the invitation, if any, is mailed after the commit
            if token:
                flash(
                    _(
                        "%(name)s er registrert. Invitasjonen er sendt på e-post til %(email)s.",
                        name=employer.name,
                        email=user.email,
                    ),
                    "success",
                )
            else:
                flash(_("%(name)s er registrert.", name=employer.name), "success")
            return redirect(url_for("employers.detail", employer_id=employer.id))
    status = 400 if form.errors else 200
    return render_template(
        "registration/staff_register.html", form=form, duplicate=duplicate
    ), status


@bp.post("/employers/<int:employer_id>/contact-persons/<int:person_id>/invite")
@login_required
def invite_contact(employer_id: int, person_id: int):
    employer = get_employer_or_404(employer_id)
    if not may_manage_contact_persons(current_user, employer):
        abort(403)
    person = get_contact_person_or_404(employer, person_id)
    if not person.email:
        flash(_("Kontaktpersonen har ingen e-postadresse."), "error")
        return redirect(url_for("employers.detail", employer_id=employer.id))
    try:
        user, _token = employer_service.invite_contact_person(person, current_user)
    except EmailTaken:
        db.session.rollback()
        flash(_("Det finnes allerede en bruker med denne e-postadressen."), "error")
        return redirect(url_for("employers.detail", employer_id=employer.id))
    db.session.commit()  # the link goes by mail to the contact, after the commit
    flash(_("Invitasjonen er sendt på e-post til %(email)s.", email=user.email), "success")
    return redirect(url_for("employers.detail", employer_id=employer.id), 303)
