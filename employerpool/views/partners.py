"""Partner administration (admins): add, rename, deactivate, programmes and sign-in."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from employerpool.extensions import db
from employerpool.forms.partners import PartnerForm
from employerpool.forms.users import UserActionForm
from employerpool.models import Partner
from employerpool.models.enums import District, PartnerKind, Programme, Role
from employerpool.services import partners
from employerpool.services.access import role_required
from employerpool.services.accounts import AccountError

bp = Blueprint("partners", __name__, url_prefix="/admin/partners")


def _values(form: PartnerForm) -> dict:
    return {
        "name": form.name.data,
        "kind": PartnerKind[form.kind.data],
        "district": District[form.district.data] if form.district.data else None,
        "programmes": [Programme[p] for p in form.programmes.data or []],
        "password_login": bool(form.password_login.data),
    }


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.admin)
def index():
    form = PartnerForm()
    if form.validate_on_submit():
        values = _values(form)
        try:
            partner = partners.create_partner(values.pop("name"), values.pop("kind"), **values)
        except AccountError as error:
            db.session.rollback()
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Partneren %(name)s er lagt til.", name=partner.name), "success")
            return redirect(url_for("partners.index"))
    status = 400 if form.errors else 200
    return render_template(
        "partners/index.html", form=form, partners=partners.all_partners()
    ), status


@bp.route("/<int:partner_id>", methods=["GET", "POST"])
@role_required(Role.admin)
def edit(partner_id: int):
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    form = PartnerForm()
    if request.method == "GET":
        form.name.data = partner.name
        form.kind.data = partner.kind.name
        form.district.data = partner.district.name if partner.district else ""
        form.programmes.data = [p.name for p in partner.programmes]
        form.password_login.data = partner.password_login
    elif form.validate_on_submit():
        try:
            changes = partners.update_partner(partner, **_values(form))
        except AccountError as error:
            db.session.rollback()
            form[error.field].errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Endringene er lagret.") if changes else _("Ingenting ble endret."), "success")
            return redirect(url_for("partners.edit", partner_id=partner.id))
    status = 400 if form.errors else 200
    return render_template(
        "partners/edit.html", form=form, partner=partner, action_form=UserActionForm()
    ), status


@bp.post("/<int:partner_id>/active")
@role_required(Role.admin)
def set_active(partner_id: int):
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    if not UserActionForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    try:
        partners.update_partner(partner, active=active)
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("partners.edit", partner_id=partner.id))
    db.session.commit()
    flash(
        _("Partneren er aktiv igjen.")
        if active
        else _("Partneren er deaktivert, og brukerne dens er logget ut."),
        "success",
    )
    return redirect(url_for("partners.edit", partner_id=partner.id))
