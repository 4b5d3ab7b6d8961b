"""The shared employer-contact log (issue 6).

All staff read the log (employer contacts are shared, like the employers themselves); employer
contacts, counsellors and coordinators write to it, always for their own partner. Before a call,
the log form shows who at another partner contacted the same employer in the last 30 days.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from employerpool.extensions import db
from employerpool.forms.contacts import PURPOSE_SUGGESTIONS, ContactForm
from employerpool.models import Employer, EmployerContact
from employerpool.services import access
from employerpool.services import contacts as service
from employerpool.services.access import (
    CONTACT_LOGGERS,
    get_contact_or_404,
    get_employer_or_404,
    role_required,
    staff_required,
)
from employerpool.services.auth import is_safe_next
from employerpool.views import page_number
from employerpool.views import submissions as once

bp = Blueprint("contacts", __name__, url_prefix="/contacts")

SCOPES = ("all", "partner", "mine")


@bp.app_template_global("recent_other_contacts_for")
def recent_other_contacts_for(employer_id: int) -> list[EmployerContact]:
    """For templates: other partners' contacts with an employer in the last 30 days.

    Lets any page include `contacts/_employer_panel.html` without work in its own view.
    Empty for anyone who is not staff.
    """
    if not (current_user.is_authenticated and current_user.is_staff):
        return []
    return service.recent_contacts_by_other_partners(
        employer_id, current_user.partner_id, service.local_today()
    )


@bp.app_template_global("can_log_contacts")
def can_log_contacts() -> bool:
    """For templates: may the current user log employer contacts?"""
    return access.can_log_contacts(current_user)


def _employer_arg() -> Employer | None:
    """The employer named by ?employer_id=N: None when absent, 404 when unknown."""
    raw = request.args.get("employer_id", "", type=str).strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:  # "²" passes isdigit alone
        abort(404)
    return get_employer_or_404(int(raw))


@bp.get("/")
@staff_required
def index():
    employer = _employer_arg()
    scope = request.args.get("scope", "all", type=str)
    if scope not in SCOPES:
        scope = "all"
    stmt = service.log_query(
        employer_id=employer.id if employer else None,
        partner_id=current_user.partner_id if scope == "partner" else None,
        user_id=current_user.id if scope == "mine" else None,
    )
    page = db.paginate(stmt, page=page_number(), per_page=25, error_out=False)
    today = service.local_today()
    recent = (
        service.recent_contacts_by_other_partners(employer.id, current_user.partner_id, today)
        if employer
        else []
    )
    return render_template(
        "contacts/index.html",
        page=page,
        employer=employer,
        scope=scope,
        recent_other_contacts=recent,
        can_log=access.can_log_contacts(current_user),
        follow_ups=service.follow_ups_due(current_user, today)
        if access.can_log_contacts(current_user)
        else [],
        today=today,
        edit_allowed=lambda c: access.can_edit_contact(current_user, c),
    )


def _pick_employer():
    """Without an employer, the log form starts with a search for one."""
    q = request.args.get("q", "", type=str).strip()[:100]
    found = service.search_employers(q) if q else []
    return render_template("contacts/pick_employer.html", q=q, found=found)


def _next_url() -> str | None:
    target = request.values.get("next", "", type=str)
    return target if is_safe_next(target) else None


@bp.route("/new", methods=["GET", "POST"])
@role_required(*CONTACT_LOGGERS)
def new():
    employer = _employer_arg()
    if employer is None:
        if request.method == "POST":
            abort(400)
        return _pick_employer()
    form = ContactForm()
    if request.method == "GET":
        form.contact_date.data = service.local_today()
    if form.validate_on_submit():
        if not once.claim():
            return once.already_sent(url_for("contacts.index", employer_id=employer.id))
        contact = service.log_contact(employer.id, current_user, form.to_input())
        once.done(url_for("contacts.index", employer_id=contact.employer_id))
        db.session.commit()
        flash(_("Kontakten med %(name)s er logget.", name=employer.name), "success")
        return redirect(_next_url() or url_for("contacts.index", employer_id=employer.id))
    today = service.local_today()
    return render_template(
        "contacts/form.html",
        form=form,
        employer=employer,
        contact=None,
        recent_other_contacts=service.recent_contacts_by_other_partners(
            employer.id, current_user.partner_id, today
        ),
        purpose_suggestions=PURPOSE_SUGGESTIONS,
        next_url=_next_url(),
        today_iso=today.isoformat(),
    ), (400 if form.errors else 200)


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
@role_required(*CONTACT_LOGGERS)
def edit(contact_id: int):
    contact = get_contact_or_404(contact_id)
    if not access.can_edit_contact(current_user, contact):
        abort(403)
    form = ContactForm(obj=contact if request.method == "GET" else None)
    if request.method == "GET":
        form.channel.data = contact.channel.name
        form.result.data = contact.result.name
    if form.validate_on_submit():
        service.update_contact(contact, current_user, form.to_input())
        db.session.commit()
        flash(_("Kontakten er oppdatert."), "success")
        return redirect(url_for("contacts.index", employer_id=contact.employer_id))
    return render_template(
        "contacts/form.html",
        form=form,
        employer=contact.employer,
        contact=contact,
        recent_other_contacts=[],
        purpose_suggestions=PURPOSE_SUGGESTIONS,
        next_url=None,
        today_iso=service.local_today().isoformat(),
    ), (400 if form.errors else 200)


@bp.get("/follow-ups")
@role_required(*CONTACT_LOGGERS)
def follow_ups():
    today = service.local_today()
    return render_template(
        "contacts/follow_ups.html",
        follow_ups=service.follow_ups_due(current_user, today, horizon=60),
        today=today,
    )
