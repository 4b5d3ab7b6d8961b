"""Forms of the account pages: forgotten password, two-factor codes and enrolment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length

from employerpool.forms.fields import email_length


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-postadresse"),
        validators=[DataRequired(_l("Skriv inn e-postadressen din.")), email_length()],
        description=_l("Adressen du logger inn med."),
        render_kw={"autocomplete": "username"},
    )


class SecondFactorForm(FlaskForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Engangskode"),
        validators=[DataRequired(_l("Skriv inn koden.")), Length(max=40)],
        description=_l("Sekskoden fra autentiseringsappen din, eller en av gjenopprettingskodene."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class EnrolForm(FlaskForm):
    """Confirm enrolment with the first code the app shows."""

    code = StringField(
        _l("Kode fra appen"),
        validators=[DataRequired(_l("Skriv inn koden appen viser.")), Length(max=20)],
        description=_l("Sekskoden appen viser etter at du har skannet QR-koden."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class DisableForm(FlaskForm):
    """Turn an opted-in second factor off (needs a current code)."""

    code = StringField(
        _l("Kode fra appen"),
        validators=[DataRequired(_l("Skriv inn koden appen viser.")), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
