"""Forms of the user administration: search and filter, edit, and the action buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from employerpool.forms.reports import ALL, AllowlistSelectField
from employerpool.labels import label
from employerpool.models.enums import Role

STATUS_CHOICES = [("", ALL), ("active", _l("Aktive")), ("inactive", _l("Deaktiverte"))]


class UserFilterForm(FlaskForm):
    """GET filters of the user list; every value from an allowlist."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Søk etter navn eller e-post"),
        validators=[Length(max=100)],
        render_kw={"maxlength": 100},
    )
    role = AllowlistSelectField(
        _l("Rolle"), choices=[("", ALL)] + [(r.name, label(r)) for r in Role]
    )
    partner_id = AllowlistSelectField(_l("Partner"))
    status = AllowlistSelectField(_l("Status"), choices=STATUS_CHOICES)


class UserEditForm(FlaskForm):
    name = StringField(
        _l("Navn"), validators=[DataRequired(_l("Skriv inn navnet.")), Length(max=120)]
    )
    role = SelectField(
        _l("Rolle"), validators=[DataRequired(_l("Velg en rolle."))], validate_choice=False
    )
    partner_id = SelectField(
        _l("Partner"), description=_l("Alle ansatte hører til én partner."), validate_choice=False
    )


class UserActionForm(FlaskForm):
    """Deactivate, reactivate, send a new link, reset the second factor (CSRF only)."""
