"""Standing competence needs: occupation, skills, season and volume."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from employerpool.forms.vacancies import IntField, TagField
from employerpool.services.validation import COMPETENCE_VOLUME_MAX, check_competence_need

SEASONS = {
    "hele_aret": _l("Hele året"),
    "var": _l("Vår"),
    "sommer": _l("Sommer"),
    "host": _l("Høst"),
    "vinter": _l("Vinter"),
    "jul": _l("Jul og nyttår"),
}


class CompetenceNeedForm(FlaskForm):
    employer_id = SelectField(
        _l("Arbeidsgiver"),
        validators=[DataRequired(_l("Velg arbeidsgiveren behovet gjelder."))],
    )
    occupation_label = StringField(
        _l("Yrke eller rolle"),
        validators=[
            DataRequired(_l("Skriv hvilket yrke dere trenger folk til.")),
            Length(max=200, message=_l("Yrket kan ha høyst 200 tegn.")),
        ],
        description=_l("For eksempel truckfører eller renholder."),
        render_kw={"maxlength": 200, "autocomplete": "off", "data-autocomplete": "occupations"},
    )
    skills = TagField(
        _l("Ferdigheter"),
        description=_l("Skill med komma."),
        render_kw={"data-tags": "skills", "autocomplete": "off"},
    )
    season = SelectField(
        _l("Når trenger dere folk?"),
        choices=[("", _l("Velg"))] + list(SEASONS.items()),
        validators=[Optional()],
    )
    volume = IntField(
        _l("Omtrent hvor mange personer per år"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric", "min": 1, "max": COMPETENCE_VOLUME_MAX},
    )
    description = TextAreaField(
        _l("Beskrivelse"),
        validators=[Optional(), Length(max=2000, message=_l("Skriv høyst 2000 tegn."))],
        render_kw={"maxlength": 2000, "rows": 4},
    )

    def validate_volume(self, field):
        # The service's rule for a competence need (tag limits sit in TagField).
        errors = check_competence_need({"volume": field.data})
        if "volume" in errors:
            raise ValidationError(errors["volume"])
