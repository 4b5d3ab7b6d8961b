"""Administration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from employerpool.forms.fields import email_length
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
            email_length(),
            Email(_l("Skriv en gyldig e-postadresse."), check_deliverability=False),
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


class TokenCreateForm(FlaskForm):
    """A new API token acting as yourself (the secret is shown once)."""

    name = StringField(
        _l("Hva tokenet brukes til"),
        validators=[DataRequired(_l("Skriv hva tokenet skal brukes til.")), Length(max=80)],
        description=_l("For eksempel «Fagsystem NAV Alna, nattlig import»."),
        render_kw={"maxlength": 80},
    )
    expires_days = IntegerField(
        _l("Gyldig i antall dager (valgfritt)"),
        validators=[
            Optional(),
            NumberRange(1, 3650, message=_l("Skriv et tall mellom 1 og 3650.")),
        ],
        description=_l("Tomt betyr at tokenet gjelder til det trekkes tilbake."),
        render_kw={"inputmode": "numeric"},
    )


class TokenRevokeForm(FlaskForm):
    """Revoke one token (CSRF only)."""
