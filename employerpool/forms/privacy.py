"""Forms for a candidate's data subject rights: erasure and withdrawal of every consent."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired, ValidationError

from employerpool.services.privacy import ERASE_REASONS

# Reasons a coordinator may give; "retention" is the retention run's own.
ERASE_CHOICES = [("", _l("Velg grunn"))] + [
    (key, text) for key, text in ERASE_REASONS.items() if key != "retention"
]


class EraseCandidateForm(FlaskForm):
    """Confirm an erasure that cannot be undone."""

    reason = SelectField(
        _l("Grunn til slettingen"),
        choices=ERASE_CHOICES,
        validate_choice=False,  # validate_reason answers in Norwegian
        validators=[DataRequired(_l("Velg hvorfor kandidaten slettes."))],
    )
    confirm = BooleanField(
        _l("Jeg forstår at navn, kontaktinformasjon og fritekst om kandidaten slettes for godt"),
        validators=[DataRequired(_l("Kryss av for å bekrefte slettingen."))],
    )

    def validate_reason(self, field):
        if field.data not in ERASE_REASONS or field.data == "retention":
            raise ValidationError(_l("Ukjent valg. Velg fra listen."))


class WithdrawConsentsForm(FlaskForm):
    """Only the CSRF token: the button withdraws every consent the candidate has given."""
