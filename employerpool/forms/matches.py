"""Forms for the suggestion list, the match pipeline and placement follow-up."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from employerpool.labels import (
    ABORT_REASON_LABELS,
    CONTRACT_TYPE_LABELS,
    DECLINE_REASON_LABELS,
    WITHDRAW_REASON_LABELS,
    choices,
)
from employerpool.models.enums import District, Programme

REASON_LABELS = {**WITHDRAW_REASON_LABELS, **DECLINE_REASON_LABELS, **ABORT_REASON_LABELS}
CONTRACT_TYPES = list(CONTRACT_TYPE_LABELS.items())


class SuggestionFilterForm(FlaskForm):
    """GET filters: every value comes from an allowlist."""

    class Meta:
        csrf = False

    district = SelectField(
        _l("Bydel"),
        choices=[("", _l("Alle"))] + [(d.name, d.value) for d in District],
        validators=[Optional()],
    )
    programme = SelectField(
        _l("Program"), choices=choices(Programme, blank=_l("Alle")), validators=[Optional()]
    )
    only_eligible = BooleanField(_l("Bare de som oppfyller kravene"))
    not_proposed_elsewhere = BooleanField(_l("Bare de som ikke er foreslått andre steder"))


class ChangeForm(FlaskForm):
    """One step in the pipeline; the target and the reasons come from allowlists."""

    to = StringField(validators=[DataRequired(), Length(max=20)])
    reason = SelectField(
        _l("Grunn"),
        choices=[("", "–")] + list(REASON_LABELS.items()),
        validators=[Optional()],
    )
    contract_type = SelectField(
        _l("Type ansettelse"), choices=[("", "–")] + CONTRACT_TYPES, validators=[Optional()]
    )
    on = DateField(_l("Dato"), validators=[Optional()])
    note = TextAreaField(_l("Merknad"), validators=[Optional(), Length(max=1000)])


class RequestForm(FlaskForm):
    note = TextAreaField(
        _l("Melding til kandidatens veileder"),
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 2},
    )


class DecideRequestForm(FlaskForm):
    decision = SelectField(
        _l("Svar"),
        choices=[("accepted", _l("Godta")), ("declined", _l("Avslå"))],
        validators=[DataRequired()],
    )
    note = StringField(_l("Merknad"), validators=[Optional(), Length(max=500)])


class FollowUpForm(FlaskForm):
    due_date = DateField(_l("Dato for oppfølging"), validators=[DataRequired(_l("Velg en dato."))])
    supervisor = StringField(
        _l("Veileder hos arbeidsgiver"),
        validators=[Optional(), Length(max=120)],
        description=_l("Navn på kontaktperson eller fadder på arbeidsplassen."),
    )
    note = TextAreaField(_l("Plan eller merknad"), validators=[Optional(), Length(max=1000)])


class FollowUpDoneForm(FlaskForm):
    note = TextAreaField(
        _l("Hva kom fram i oppfølgingen?"), validators=[Optional(), Length(max=1000)]
    )


class AllocationForm(FlaskForm):
    class Meta:
        csrf = False

    district = SelectField(
        _l("Bydel"),
        choices=[("", _l("Alle"))] + [(d.name, d.value) for d in District],
        validators=[Optional()],
    )
