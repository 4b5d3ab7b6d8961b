"""The audit-trail search: a GET form whose every value comes from an allowlist.

Unknown values give a message beside the field and a 400, never a query with them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from employerpool.forms.contacts import IsoDateField
from employerpool.forms.reports import ALL, AllowlistSelectField
from employerpool.models.enums import AuditAction

ACTION_LABELS = {
    AuditAction.view: _l("Lest"),
    AuditAction.list: _l("Liste vist"),
    AuditAction.create: _l("Opprettet"),
    AuditAction.update: _l("Endret"),
    AuditAction.delete: _l("Slettet"),
    AuditAction.export: _l("Eksport"),
    AuditAction.login: _l("Innlogging"),
    AuditAction.logout: _l("Utlogging"),
    AuditAction.login_failed: _l("Mislykket innlogging"),
    AuditAction.erase: _l("Personopplysninger slettet"),
    AuditAction.consent_withdrawn: _l("Samtykke trukket"),
}
# What an event can be about (the `object_type` values the code records).
OBJECT_TYPE_LABELS = {
    "candidate": _l("Kandidat"),
    "match": _l("Forslag"),
    "suggestions": _l("Forslagsliste"),
    "proposals": _l("Forslag vist til arbeidsgiver"),
    "allocation": _l("Fordeling"),
    "proposal_request": _l("Forespørsel mellom partnere"),
    "vacancy": _l("Behov"),
    "employer": _l("Arbeidsgiver"),
    "competence_need": _l("Kompetansebehov"),
    "employer_contact": _l("Arbeidsgiverkontakt"),
    "user": _l("Bruker"),
    "partner": _l("Partner"),
    "api_token": _l("API-nøkkel"),
    "employer_contact_report": _l("Kontaktrapport"),
    "outcome_report": _l("Resultatrapport"),
    "fairness_report": _l("Rettferdighetsrapport"),
    "audit": _l("Logg"),
}
ALLOWED_CHOICES = [("", ALL), ("yes", _l("Tillatt")), ("no", _l("Avvist"))]
MAX_OBJECT_ID = 2**31 - 1


class AuditSearchForm(FlaskForm):
    """Filters on the audit trail; the view fills the user choices from the database."""

    class Meta:
        csrf = False

    user_id = AllowlistSelectField(_l("Bruker"))
    action = AllowlistSelectField(
        _l("Handling"), choices=[("", ALL)] + [(a.name, t) for a, t in ACTION_LABELS.items()]
    )
    object_type = AllowlistSelectField(
        _l("Gjelder"), choices=[("", ALL)] + list(OBJECT_TYPE_LABELS.items())
    )
    object_id = StringField(
        _l("Id"), description=_l("Nummeret på kandidaten, behovet, forslaget eller brukeren.")
    )
    date_from = IsoDateField(_l("Fra og med"))
    date_to = IsoDateField(_l("Til og med"))
    allowed = AllowlistSelectField(_l("Utfall"), choices=ALLOWED_CHOICES)

    def validate_object_id(self, field):
        raw = (field.data or "").strip()
        # isascii: "²" is a digit to str.isdigit() but not to int().
        valid = len(raw) <= 10 and raw.isascii() and raw.isdigit()
        if raw and not (valid and 1 <= int(raw) <= MAX_OBJECT_ID):
            raise ValidationError(_l("Skriv et helt tall, for eksempel 42."))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Til-datoen kan ikke være før fra-datoen."))

    def object_id_value(self) -> int | None:
        """The validated id, or None."""
        raw = (self.object_id.data or "").strip()
        return int(raw) if raw else None
