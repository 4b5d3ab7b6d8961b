"""Login and set-password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-postadresse"),
        validators=[DataRequired(_l("Skriv inn e-postadressen din.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Passord"),
        validators=[DataRequired(_l("Skriv inn passordet ditt.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nytt passord"),
        validators=[
            DataRequired(_l("Velg et passord.")),
            Length(min=10, max=200, message=_l("Passordet må ha minst 10 tegn.")),
        ],
        description=_l("Minst 10 tegn. Bruk gjerne en setning du husker."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Gjenta passordet"),
        validators=[EqualTo("password", _l("Passordene er ikke like."))],
        render_kw={"autocomplete": "new-password"},
    )
