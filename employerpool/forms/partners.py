"""The partner form: name, kind, district, programmes and sign-in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from employerpool.labels import choices, label
from employerpool.models.enums import District, PartnerKind, Programme

KIND_LABELS = {
    PartnerKind.nav: _l("NAV-kontor"),
    PartnerKind.district: _l("Bydel"),
    PartnerKind.imdi: _l("IMDi"),
    PartnerKind.adult_education: _l("Voksenopplæring"),
}


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PartnerForm(FlaskForm):
    name = StringField(
        _l("Navn"),
        validators=[DataRequired(_l("Skriv inn navnet på partneren.")), Length(max=120)],
        description=_l("For eksempel «NAV Alna» eller «Bydel Stovner»."),
    )
    kind = SelectField(
        _l("Type"),
        choices=[("", "")] + [(k.name, v) for k, v in KIND_LABELS.items()],
        validators=[DataRequired(_l("Velg hva slags partner det er."))],
    )
    district = SelectField(
        _l("Bydel (valgfritt)"),
        choices=choices(District, blank="–"),
        filters=[lambda value: value or ""],
    )
    programmes = CheckboxListField(
        _l("Programmer partneren driver"), choices=[(p.name, label(p)) for p in Programme]
    )
    password_login = BooleanField(
        _l("Ansatte kan logge inn med passord"),
        default=True,
        description=_l("Slå av når partneren bare skal bruke innlogging med organisasjonskonto."),
    )
