"""The placement-need form: it asks only what the chosen type needs.

Which fieldsets apply to which type is data (`FIELDSETS`), shared by the server-side validation,
the template (a hint per fieldset) and static/js/vacancy-form.js (hides what does not apply).
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from employerpool.forms.employers import district_choices
from employerpool.forms.fields import CefrField
from employerpool.labels import choices
from employerpool.models.enums import PlacementType
from employerpool.services.validation import (
    DRIVING_LICENCES,
    EARLIEST,
    LATEST,
    NEED_FIELD_GROUPS,
    check_need,
    check_tags,
    conditional_fields,
    fields_for,
)

PT = PlacementType
LEGENDS = {
    "basics": _l("Om behovet"),
    "skills": _l("Ferdigheter"),
    "requirements": _l("Krav til kandidaten"),
    "time": _l("Arbeidstid og oppstart"),
    "duration": _l("Varighet"),
    "application": _l("Søknadsfrist"),
    "practical": _l("Praktiske krav"),
}
# fieldset key -> (legend, the types it applies to, its fields); the rules are the service's.
FIELDSETS: dict[str, tuple[object, tuple[PlacementType, ...], tuple[str, ...]]] = {
    key: (LEGENDS[key], types, names) for key, (types, names) in NEED_FIELD_GROUPS.items()
}
TYPE_HINTS = {
    PT.arbeidspraksis: _l("Arbeidspraksis: prøve seg i arbeid med oppfølging fra NAV."),
    PT.sprakpraksis: _l("Språkpraksis: lære norsk på en arbeidsplass."),
    PT.lonnstilskudd: _l("Lønnstilskudd: ansettelse der NAV dekker en del av lønnen."),
    PT.ordinar: _l("Ordinær jobb: en vanlig stilling."),
    PT.laerling: _l("Lærling: læreplass i et fag."),
    PT.mentor: _l("Mentorplass: en erfaren kollega følger opp kandidaten."),
}


class IntField(IntegerField):
    """An integer with a Norwegian message for text that is not a whole number."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as exc:
            self.data = None
            raise ValueError(_l("Skriv et helt tall.")) from exc


class NumberField(FloatField):
    """A decimal number; accepts a comma as the decimal sign."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = float(valuelist[0].strip().replace(",", "."))
        except ValueError as exc:
            self.data = None
            raise ValueError(_l("Skriv et tall, for eksempel 37,5.")) from exc

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:g}".replace(".", ",")


class DayField(DateField):
    """A date as the browser's date picker sends it (ISO) or typed as dd.mm.åååå."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d.%m.%Y"], **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata([valuelist[0].strip()])
        except ValueError as exc:
            self.data = None
            raise ValueError(_l("Skriv datoen som dd.mm.åååå.")) from exc
        if self.data is not None and not EARLIEST <= self.data <= LATEST:
            self.data = None
            raise ValueError(_l("Datoen er utenfor det vi kan ta imot."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""


class TagField(StringField):
    """A list of short terms, typed as comma-separated text (enhanced to tags by JavaScript)."""

    def process_formdata(self, valuelist):
        self.data = []
        if not valuelist:
            return
        seen: set[str] = set()
        for part in re.split(r"[,;\n]", valuelist[0]):
            term = " ".join(part.split())
            if term and term.casefold() not in seen:
                seen.add(term.casefold())
                self.data.append(term)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(self.data or [])

    def pre_validate(self, form):
        for message in check_tags(self.name, self.data).values():
            raise ValidationError(message)


class VacancyForm(FlaskForm):
    """Create or edit a placement need."""

    employer_id = SelectField(
        _l("Arbeidsgiver"),
        validators=[DataRequired(_l("Velg arbeidsgiveren behovet gjelder."))],
        description=_l("Du registrerer behovet på vegne av denne arbeidsgiveren."),
    )
    type = SelectField(
        _l("Type plass"),
        choices=choices(PlacementType, blank=_l("Velg type")),
        validators=[DataRequired(_l("Velg hva slags plass det gjelder."))],
        description=_l("Skjemaet viser bare det som gjelder for typen du velger."),
    )
    title = StringField(
        _l("Tittel"),
        validators=[
            DataRequired(_l("Skriv en kort tittel, for eksempel «Lagermedarbeider».")),
            Length(max=200, message=_l("Tittelen kan ha høyst 200 tegn.")),
        ],
        render_kw={"maxlength": 200},
    )
    occupation_label = StringField(
        _l("Yrke"),
        validators=[
            Optional(),
            Length(max=200, message=_l("Yrket kan ha høyst 200 tegn.")),
        ],
        description=_l(
            "Begynn å skrive, og velg fra listen om yrket finnes der. Du kan også skrive fritt."
        ),
        render_kw={"maxlength": 200, "autocomplete": "off", "data-autocomplete": "occupations"},
    )
    description = TextAreaField(
        _l("Beskrivelse av arbeidsoppgavene"),
        validators=[
            Optional(),
            Length(max=5000, message=_l("Beskrivelsen kan ha høyst 5000 tegn.")),
        ],
        render_kw={"maxlength": 5000, "rows": 5},
    )
    places = IntField(
        _l("Antall plasser"),
        default=1,
        validators=[
            InputRequired(_l("Skriv hvor mange plasser dere har.")),
            NumberRange(1, 100, message=_l("Antall plasser må være minst 1 og høyst 100.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": 100},
    )
    district = SelectField(
        _l("Bydel for arbeidsstedet"),
        choices=district_choices(_l("Velg bydel")),
        validators=[DataRequired(_l("Velg bydelen der arbeidsstedet ligger."))],
    )
    required_skills = TagField(
        _l("Påkrevde ferdigheter"),
        description=_l("Det kandidaten må kunne. Skill med komma."),
        render_kw={"data-tags": "skills", "autocomplete": "off"},
    )
    preferred_skills = TagField(
        _l("Ønskede ferdigheter"),
        description=_l("Det som er fint om kandidaten kan. Skill med komma."),
        render_kw={"data-tags": "skills", "autocomplete": "off"},
    )
    norwegian_oral_min = CefrField(
        _l("Norsk muntlig, minst"),
        blank_label=_l("Ingen krav"),
        description=_l("Nivåene går fra A1 (nybegynner) til C2 (nesten som morsmål)."),
    )
    norwegian_written_min = CefrField(_l("Norsk skriftlig, minst"), blank_label=_l("Ingen krav"))
    police_certificate = BooleanField(_l("Krever politiattest"))
    start_date = DayField(_l("Oppstart"), description=_l("Dato, for eksempel 01.03.2027."))
    hours_per_week = NumberField(
        _l("Timer per uke"),
        validators=[
            Optional(),
            NumberRange(1, 60, message=_l("Timer per uke må være mellom 1 og 60.")),
        ],
        render_kw={"inputmode": "decimal"},
    )
    end_date = DayField(
        _l("Sluttdato"),
        description=_l("Fyller du ut sluttdato, regner vi ut varigheten i uker."),
    )
    duration_weeks = IntField(
        _l("Varighet i uker"),
        validators=[
            Optional(),
            NumberRange(1, 260, message=_l("Varigheten må være mellom 1 og 260 uker.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": 260},
    )
    deadline = DayField(_l("Søknadsfrist"), description=_l("Må være før oppstart."))
    driving_licence = SelectField(
        _l("Førerkort"),
        choices=[("", _l("Ingen krav"))] + [(c, _l("Klasse %(c)s", c=c)) for c in DRIVING_LICENCES],
        validators=[Optional()],
    )
    physical_demands = TextAreaField(
        _l("Fysiske krav"),
        validators=[Optional(), Length(max=500, message=_l("Skriv høyst 500 tegn."))],
        description=_l("For eksempel tunge løft, mye gåing eller arbeid utendørs."),
        render_kw={"maxlength": 500, "rows": 2},
    )

    @property
    def placement_type(self) -> PlacementType | None:
        return (
            PlacementType[self.type.data] if self.type.data in PlacementType.__members__ else None
        )

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        vtype = self.placement_type
        if vtype is None:
            return not self.errors
        applies = fields_for(vtype)
        for name in conditional_fields() - applies:
            field = self[name]
            field.errors = []
            field.data = False if isinstance(field, BooleanField) else None
            field.raw_data = []
        values = {name: self[name].data for name in fields_for(vtype) if name in self}
        # The service's rules; a field keeps the first message it got from its own validators.
        for name, message in check_need(values, vtype).items():
            if name in self and not self[name].errors:
                self[name].errors = [message]
        return not self.errors


class VacancyStatusForm(FlaskForm):
    """Publish, close, mark filled or reopen a need, with an optional note."""

    note = StringField(
        _l("Kommentar (valgfritt)"),
        validators=[Optional(), Length(max=300, message=_l("Skriv høyst 300 tegn."))],
        render_kw={"maxlength": 300},
    )


class ProposalAnswerForm(FlaskForm):
    """The employer's answer to a proposed candidate."""

    answer = RadioField(
        _l("Ditt svar"),
        validators=[DataRequired(_l("Velg et svar."))],
        validate_choice=False,
    )
    reason = SelectField(
        _l("Hvorfor er kandidaten ikke aktuell?"),
        validators=[Optional()],
        description=_l("Må velges når du svarer «Ikke aktuell»."),
        validate_choice=False,
    )
    start_date = DayField(
        _l("Startdato"), description=_l("Når praksisen eller jobben startet. Tomt betyr i dag.")
    )
    note = TextAreaField(
        _l("Kommentar til veilederen (valgfritt)"),
        validators=[Optional(), Length(max=1000, message=_l("Skriv høyst 1000 tegn."))],
        render_kw={"maxlength": 1000, "rows": 3},
    )
