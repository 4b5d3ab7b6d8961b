"""The employer-contact form, and a date field with Norwegian messages."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.validators import ValidationError as FormError

from employerpool.labels import choices
from employerpool.models.enums import ContactChannel, ContactResult
from employerpool.services.contacts import ContactInput, local_today
from employerpool.services.validation import (
    EARLIEST,
    LATEST,
    NOTES_MAX,
    PURPOSE_MAX,
    check_contact,
)

PURPOSE_SUGGESTIONS = (
    _l("Presentere programmet"),
    _l("Kartlegge behov"),
    _l("Avtale om arbeidspraksis"),
    _l("Følge opp praksis"),
    _l("Rekrutteringsmøte"),
    _l("Samarbeidsavtale"),
)


class IsoDateField(DateField):
    """A date as YYYY-MM-DD (what <input type=date> sends), with a Norwegian error message."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip()[:20]
        try:
            self.data = datetime.strptime(raw, "%Y-%m-%d").date()
        except ValueError as exc:
            self.data = None
            raise ValueError(_l("Skriv datoen som åååå-mm-dd, for eksempel 2026-03-31.")) from exc
        if not EARLIEST <= self.data <= LATEST:
            self.data = None
            raise ValueError(_l("Datoen må være mellom år 2000 og 2100."))


class ContactForm(FlaskForm):
    contact_date = IsoDateField(
        _l("Dato for kontakten"),
        validators=[InputRequired(_l("Skriv inn datoen for kontakten."))],
    )
    channel = SelectField(
        _l("Kanal"),
        choices=choices(ContactChannel, blank=_l("Velg kanal")),
        validate_choice=False,
        validators=[DataRequired(_l("Velg hvordan dere hadde kontakt."))],
    )
    purpose = StringField(
        _l("Formål"),
        validators=[
            Optional(),
            Length(max=PURPOSE_MAX, message=_l("Formålet kan ha høyst 200 tegn.")),
        ],
        description=_l("For eksempel «Kartlegge behov» eller «Følge opp praksis»."),
        render_kw={"list": "purpose-suggestions", "maxlength": PURPOSE_MAX},
    )
    result = SelectField(
        _l("Resultat"),
        choices=choices(ContactResult, blank=_l("Velg resultat")),
        validate_choice=False,
        validators=[DataRequired(_l("Velg resultatet av kontakten."))],
    )
    follow_up_date = IsoDateField(
        _l("Oppfølgingsdato"),
        description=_l(
            "Når skal dere følge opp? Må fylles ut når resultatet er «Følg opp senere»."
        ),
    )
    notes = TextAreaField(
        _l("Notater"),
        validators=[
            Optional(),
            Length(max=NOTES_MAX, message=_l("Notatene kan ha høyst 2000 tegn.")),
        ],
        description=_l(
            "Deles med alle ansatte i poolen. Ikke skriv personopplysninger om kandidater her."
        ),
        render_kw={"maxlength": NOTES_MAX, "rows": 5},
    )

    def validate_channel(self, field):
        if field.data not in ContactChannel.__members__:
            raise FormError(_l("Velg en kanal fra listen."))

    def validate_result(self, field):
        if field.data not in ContactResult.__members__:
            raise FormError(_l("Velg et resultat fra listen."))

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        values = {
            "contact_date": self.contact_date.data,
            "follow_up_date": self.follow_up_date.data,
            "result": self.result.data,
        }
        for name, message in check_contact(values, local_today()).items():
            if not self[name].errors:
                self[name].errors = [message]
        return not self.errors

    def to_input(self) -> ContactInput:
        """The validated values for the service."""
        return ContactInput(
            contact_date=self.contact_date.data,
            channel=ContactChannel[self.channel.data],
            result=ContactResult[self.result.data],
            purpose=self.purpose.data,
            follow_up_date=self.follow_up_date.data,
            notes=self.notes.data,
        )
