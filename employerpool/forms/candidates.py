"""The candidate profile (kartlegging) and consent forms."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from employerpool.forms.fields import CefrField, NorwegianDecimalField, email_length
from employerpool.labels import choices
from employerpool.models.enums import (
    CandidateStatus,
    District,
    EducationLevel,
    Gender,
    Innsatsgruppe,
    NorwegianSource,
    Programme,
)
from employerpool.services.validation import DRIVING_LICENCES, check_candidate


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def not_in_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError(_l("Datoen kan ikke være fram i tid."))


class CandidateForm(FlaskForm):
    first_name = StringField(
        _l("Fornavn"), validators=[DataRequired(_l("Skriv inn fornavn.")), Length(max=80)]
    )
    last_name = StringField(
        _l("Etternavn"), validators=[DataRequired(_l("Skriv inn etternavn.")), Length(max=80)]
    )
    birth_year = IntegerField(
        _l("Fødselsår"),
        validators=[Optional()],
        description=_l("Brukes bare i anonym statistikk, aldri i matching."),
    )
    gender = SelectField(
        _l("Kjønn"),
        choices=choices(Gender),
        default=Gender.unknown.name,
        description=_l("Brukes bare i anonym statistikk, aldri i matching."),
    )
    phone = StringField(
        _l("Telefon"),
        validators=[
            Optional(),
            Regexp(r"^\+?[0-9 ]{8,15}$", message=_l("Skriv et telefonnummer med 8 siffer.")),
        ],
    )
    email = EmailField(
        _l("E-post"),
        validators=[
            Optional(),
            email_length(),
            Email(_l("Skriv en gyldig e-postadresse."), check_deliverability=False),
        ],
    )
    district = SelectField(
        _l("Bydel"),
        choices=[("", "–")] + [(d.name, d.value) for d in District],
        validators=[Optional()],
    )
    counsellor_id = SelectField(_l("Veileder"), coerce=str, validators=[Optional()])
    programme = SelectField(_l("Program"), choices=choices(Programme), validators=[DataRequired()])
    innsatsgruppe = SelectField(
        _l("Innsatsgruppe"), choices=choices(Innsatsgruppe), validators=[DataRequired()]
    )
    status = SelectField(
        _l("Status"), choices=choices(CandidateStatus), default=CandidateStatus.active.name
    )
    norwegian_oral = CefrField(_l("Norsk muntlig"), blank_label=_l("Ukjent"))
    norwegian_written = CefrField(_l("Norsk skriftlig"), blank_label=_l("Ukjent"))
    norwegian_source = SelectField(
        _l("Kilde for norsknivå"),
        choices=choices(NorwegianSource, blank="–"),
        validators=[Optional()],
    )
    norwegian_test_name = StringField(
        _l("Navn på prøve"),
        validators=[Optional(), Length(max=80)],
        description=_l("For eksempel Norskprøven, med delprøve."),
    )
    norwegian_test_date = DateField(_l("Dato for prøve"), validators=[Optional(), not_in_future])
    other_languages = StringField(
        _l("Andre språk"),
        validators=[Optional(), Length(max=300)],
        description=_l("Skill med komma, for eksempel: somali, arabisk, engelsk."),
    )
    education_level = SelectField(
        _l("Utdanning"), choices=choices(EducationLevel), default=EducationLevel.unknown.name
    )
    foreign_education = StringField(
        _l("Utdanning fra utlandet"),
        validators=[Optional(), Length(max=500)],
        description=_l("Medbrakt kompetanse: hva, og hvor lenge."),
    )
    foreign_education_recognised = SelectField(
        _l("Godkjent i Norge"),
        choices=[("", _l("Ukjent")), ("yes", _l("Ja")), ("no", _l("Nei"))],
        validators=[Optional()],
    )
    skills = TextAreaField(
        _l("Ferdigheter"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Skill med komma. Forslag kommer fra ferdighetslisten."),
        render_kw={"data-suggest": "skills", "rows": 3},
    )
    experience = TextAreaField(
        _l("Arbeidserfaring"),
        validators=[Optional(), Length(max=3000)],
        description=_l(
            "Én jobb per linje: tittel; antall år; «utland» hvis i utlandet. "
            "For eksempel: kokk; 3; utland"
        ),
        render_kw={"rows": 4},
    )
    desired_occupations = StringField(
        _l("Ønskede yrker"),
        validators=[Optional(), Length(max=500)],
        description=_l("Skill med komma."),
        render_kw={"data-suggest": "occupations"},
    )
    desired_districts = MultiCheckboxField(
        _l("Ønskede bydeler"), choices=[(d.value, d.value) for d in District]
    )
    driving_licences = MultiCheckboxField(
        _l("Førerkort"), choices=[(c, c) for c in DRIVING_LICENCES]
    )
    max_hours_per_week = NorwegianDecimalField(
        _l("Timer per uke, høyst"),
        places=1,
        validators=[Optional(), NumberRange(1, 60, _l("Skriv et antall timer mellom 1 og 60."))],
    )
    available_from = DateField(_l("Tilgjengelig fra"), validators=[Optional()])
    summary = TextAreaField(
        _l("Oppsummering"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Det en arbeidsgiver bør vite om erfaring og ønsker. Ikke helseopplysninger."
        ),
        render_kw={"rows": 3},
    )
    life_situation_note = TextAreaField(
        _l("Livssituasjon som har betydning for arbeid"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Kort, og bare det som betyr noe for arbeid (for eksempel barnehageplass, "
            "arbeidstid). Ikke diagnoser."
        ),
        render_kw={"rows": 2},
    )

    def validate_birth_year(self, field):
        # The service's rule (an adult, born 1930 or later), checked against today's date.
        errors = check_candidate({"birth_year": field.data}, date.today())
        if "birth_year" in errors:
            raise ValidationError(errors["birth_year"])

    def validate_norwegian_test_date(self, field):
        if field.data and not self.norwegian_test_name.data:
            raise ValidationError(_l("Skriv også navnet på prøven."))

    def validate_experience(self, field):
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            parts = [p.strip() for p in line.split(";")]
            if not parts[0]:
                continue
            if len(parts[0]) > 200:
                raise ValidationError(_l("Linje %(n)s: tittelen er for lang.", n=number))
            if len(parts) > 1 and parts[1]:
                try:
                    years = float(parts[1].replace(",", "."))
                except ValueError as exc:
                    raise ValidationError(
                        _l("Linje %(n)s: antall år må være et tall.", n=number)
                    ) from exc
                if not 0 <= years <= 60:
                    raise ValidationError(
                        _l("Linje %(n)s: antall år må være mellom 0 og 60.", n=number)
                    )


class ConsentForm(FlaskForm):
    scope = SelectField(
        _l("Samtykke"),
        choices=[
            ("pool_partners", _l("Dele anonymisert profil med de andre partnerne i poolen")),
            ("employers", _l("Dele profil uten navn med arbeidsgivere kandidaten foreslås for")),
            ("employers_identity", _l("Dele navn og kontaktinformasjon med slike arbeidsgivere")),
        ],
        validators=[DataRequired()],
    )
    action = SelectField(
        _l("Handling"),
        choices=[("give", _l("Registrer samtykke")), ("withdraw", _l("Trekk samtykke"))],
        validators=[DataRequired()],
    )
    note = StringField(_l("Merknad"), validators=[Optional(), Length(max=300)])
