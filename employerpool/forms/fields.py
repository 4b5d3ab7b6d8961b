"""Reusable fields: organisasjonsnummer and CEFR level."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.no import orgnr
from wtforms import DecimalField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, StopValidation
from wtforms.validators import ValidationError as FormError

from employerpool.models.enums import Cefr
from employerpool.services.validation import CEFR_DESCRIPTIONS


class StopIfLonger:
    """At most `max` characters; a longer value stops the field's validation here.

    Put it before validators whose time grows with the input: the e-mail syntax check is
    quadratic in the length (seconds for 100 000 characters).
    """

    def __init__(self, max: int, message: str | None = None) -> None:
        self.max, self.message = max, message

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and len(field.data) > self.max:
            raise StopValidation(self.message or _l("Skriv høyst %(n)d tegn.", n=self.max))


EMAIL_MAX = 254


def email_length() -> StopIfLonger:
    """The length limit of an e-mail address, checked before its syntax."""
    return StopIfLonger(EMAIL_MAX, _l("E-postadressen kan ha høyst %(n)d tegn.", n=EMAIL_MAX))


class OrgNumberField(StringField):
    """A Norwegian organisasjonsnummer: 9 digits with a mod-11 check digit."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = "".join(self.data.split())

    def pre_validate(self, form):
        if not self.data:
            return
        try:
            self.data = orgnr.validate(self.data)
        except InvalidLength as exc:
            raise FormError(_l("Organisasjonsnummeret må ha 9 siffer.")) from exc
        except InvalidFormat as exc:
            raise FormError(_l("Organisasjonsnummeret kan bare inneholde siffer.")) from exc
        except InvalidChecksum as exc:
            raise FormError(
                _l("Kontrollsifferet stemmer ikke. Sjekk at organisasjonsnummeret er riktig.")
            ) from exc
        except ValidationError as exc:
            raise FormError(_l("Ugyldig organisasjonsnummer.")) from exc


class CefrField(SelectField):
    """A CEFR level (A1–C2) with a plain-language description of each level."""

    def __init__(self, label=None, validators=None, blank_label=None, **kwargs):
        choices = [("", blank_label or _l("Ikke oppgitt"))]
        choices += [(level.name, CEFR_DESCRIPTIONS[level]) for level in Cefr]
        super().__init__(label, validators, choices=choices, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = valuelist[0].strip().upper() if valuelist[0] else ""

    def pre_validate(self, form):
        if self.data and self.data not in Cefr.__members__:
            raise FormError(_l("Ukjent språknivå. Velg et nivå fra A1 til C2."))

    @property
    def level(self) -> Cefr | None:
        """The chosen level as a Cefr, or None."""
        return Cefr[self.data] if self.data else None


class NorwegianDecimalField(DecimalField):
    """A decimal number that accepts the Norwegian decimal comma ("37,5")."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].replace(" ", "").replace(",", ".")]
        super().process_formdata(valuelist)


class PasswordRules:
    """NSM's password rules (services/passwords.py): length, and not a common password.

    The form may say whose password it is with `password_context = {"email": ..., "name": ...}`
    (set by the view), or carry `email` and `name` fields.
    """

    def __call__(self, form, field) -> None:
        from employerpool.services.passwords import problem

        context = dict(getattr(form, "password_context", None) or {})
        for key in ("email", "name"):
            if key not in context and key in form and isinstance(form[key].data, str):
                context[key] = form[key].data
        message = problem(field.data or "", email=context.get("email"), name=context.get("name"))
        if message is not None:
            raise StopValidation(str(message))


def new_password_field(label=None) -> PasswordField:
    """A new password: at least 10 characters and not a common one (NSM's guidance)."""
    return PasswordField(
        label or _l("Nytt passord"),
        validators=[
            DataRequired(_l("Velg et passord.")),
            Length(min=10, max=200, message=_l("Passordet må ha minst 10 tegn.")),
            PasswordRules(),
        ],
        description=_l(
            "Minst 10 tegn. Bruk gjerne en setning du husker; lengde betyr mer enn spesialtegn. "
            "Vanlige passord blir avvist."
        ),
        render_kw={"autocomplete": "new-password"},
    )


def confirm_password_field(other: str = "password") -> PasswordField:
    """The same password once more."""
    return PasswordField(
        _l("Gjenta passordet"),
        validators=[EqualTo(other, _l("Passordene er ikke like."))],
        render_kw={"autocomplete": "new-password"},
    )
