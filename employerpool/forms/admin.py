"""Administration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from employerpool.labels import choices
from employerpool.models.enums import Role


class UserCreateForm(FlaskForm):
    name = StringField(
        _l("Navn"), validators=[DataRequired(_l("Skriv inn navnet.")), Length(max=120)]
    )
    email = EmailField(
        _l("E-postadresse"),
        validators=[
            DataRequired(_l("Skriv inn e-postadressen.")),
            Email(_l("Skriv en gyldig e-postadresse."), check_deliverability=False),
            Length(max=254),
        ],
    )
    role = SelectField(
        _l("Rolle"),
        choices=choices(Role, blank=""),
        validators=[DataRequired(_l("Velg en rolle."))],
    )
    partner_id = SelectField(
        _l("Partner"),
        coerce=str,
        validators=[Optional()],
        description=_l("Alle ansatte hører til én partner."),
    )
    employer_id = SelectField(
        _l("Arbeidsgiver"),
        coerce=str,
        validators=[Optional()],
        description=_l("Bare for brukere med rollen arbeidsgiver."),
    )
