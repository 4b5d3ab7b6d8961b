"""Report filters: GET forms whose every value is checked against an allowlist.

An unknown value gives a message beside its field (and the page answers 400), never an error
page. The forms are read from the query string, so they carry no CSRF token (nothing changes).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectField
from wtforms.validators import ValidationError as FormError

from employerpool.extensions import db
from employerpool.forms.contacts import IsoDateField
from employerpool.labels import choices
from employerpool.models import Employer, Partner
from employerpool.models.enums import ContactChannel, ContactResult, District, Programme
from employerpool.services import reports
from employerpool.services.contacts import local_today
from employerpool.services.validation import MAX_PERIOD_DAYS, NACE_SECTIONS

ALL = _l("Alle")
EMPLOYER_CHOICES_MAX = 1000  # beyond this, the employer filter takes the employer by id only


class AllowlistSelectField(SelectField):
    """A select whose value must be one of its choices, with a Norwegian message."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = (valuelist[0] or "").strip()[:40]

    def pre_validate(self, form):
        allowed = {str(value) for value, _label in self.choices}
        if (self.data or "") not in allowed:
            raise FormError(_l("Ukjent valg. Velg fra listen."))


class ReportForm(FlaskForm):
    """Period fields shared by every report."""

    class Meta:
        csrf = False

    period = AllowlistSelectField(
        _l("Periode"), choices=[(k, v) for k, v in reports.PRESET_LABELS.items()]
    )
    date_from = IsoDateField(_l("Fra og med"), description=_l("Brukes med egendefinert periode."))
    date_to = IsoDateField(_l("Til og med"), description=_l("Brukes med egendefinert periode."))
    default_period = "this_month"

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        if not formdata.get("period"):
            has_dates = formdata.get("date_from") or formdata.get("date_to")
            self.period.data = "custom" if has_dates else self.default_period

    def validate_date_from(self, field):
        if self.period.data == "custom" and field.data is None and not field.errors:
            raise FormError(_l("Velg startdato for perioden."))

    def validate_date_to(self, field):
        if self.period.data != "custom":
            return
        if field.data is None:
            if not field.errors:
                raise FormError(_l("Velg sluttdato for perioden."))
            return
        if self.date_from.data and self.date_from.data > field.data:
            raise FormError(_l("Sluttdatoen kan ikke være før startdatoen."))
        if self.date_from.data and (field.data - self.date_from.data).days > MAX_PERIOD_DAYS:
            raise FormError(_l("Perioden kan være høyst ti år."))

    def get_period(self, today: date | None = None) -> reports.Period:
        """The chosen period (call after validate())."""
        return reports.period_for(
            self.period.data, today or local_today(), self.date_from.data, self.date_to.data
        )

    def query_args(self) -> dict:
        """The validated filter as query arguments (for export and pagination links)."""
        args = {}
        for name, field in self._fields.items():
            if field.data in (None, ""):
                continue
            args[name] = field.data.isoformat() if isinstance(field.data, date) else field.data
        if self.period.data != "custom":
            args.pop("date_from", None)
            args.pop("date_to", None)
        return args


def _partner_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Partner.id, Partner.name).order_by(Partner.name)).all()
    return [("", ALL)] + [(str(i), n) for i, n in rows]


def _optional_int(value: str) -> int | None:
    return int(value) if value else None


def _optional_enum(enum_cls, value: str):
    return enum_cls[value] if value else None


class ContactReportForm(ReportForm):
    partner = AllowlistSelectField(_l("Partner"), description=_l("Partneren som tok kontakt."))
    district = AllowlistSelectField(
        _l("Bydel"), choices=[("", ALL)] + [(d.name, d.value) for d in District]
    )
    sector = AllowlistSelectField(
        _l("Næring"),
        choices=[("", ALL)] + [(k, f"{k} – {v}") for k, v in NACE_SECTIONS.items()],
    )
    employer = AllowlistSelectField(_l("Arbeidsgiver"))
    channel = AllowlistSelectField(_l("Kanal"), choices=choices(ContactChannel, blank=ALL))
    result = AllowlistSelectField(_l("Resultat"), choices=choices(ContactResult, blank=ALL))
    sort = AllowlistSelectField(
        _l("Sorter etter"), choices=[(k, v) for k, v in reports.SORT_LABELS.items()]
    )

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.partner.choices = _partner_choices()
        stmt = select(Employer.id, Employer.name).order_by(Employer.name, Employer.id)
        if db.session.scalar(select(func.count()).select_from(Employer)) > EMPLOYER_CHOICES_MAX:
            # A select of every employer is unusable at national scale and costs a query and
            # half a megabyte of HTML per page: offer only the employer asked for (by id).
            chosen = str((formdata or {}).get("employer") or "").strip()
            known = chosen.isdigit() and len(chosen) <= 9  # within the id column's range
            stmt = stmt.where(Employer.id == (int(chosen) if known else None))
        employers = db.session.execute(stmt).all()
        self.employer.choices = [("", ALL)] + [(str(i), n) for i, n in employers]
        if not self.sort.data:
            self.sort.data = "date_desc"

    def to_filter(self, today: date | None = None) -> reports.ContactFilter:
        return reports.ContactFilter(
            period=self.get_period(today),
            partner_id=_optional_int(self.partner.data),
            district=_optional_enum(District, self.district.data),
            sector=self.sector.data or None,
            employer_id=_optional_int(self.employer.data),
            channel=_optional_enum(ContactChannel, self.channel.data),
            result=_optional_enum(ContactResult, self.result.data),
        )


class OutcomeReportForm(ReportForm):
    default_period = "this_year"
    programme = AllowlistSelectField(_l("Program"), choices=choices(Programme, blank=ALL))
    district = AllowlistSelectField(
        _l("Bydel"),
        choices=[("", ALL)] + [(d.name, d.value) for d in District],
        description=_l("Kandidatens bydel."),
    )
    partner = AllowlistSelectField(_l("Partner"), description=_l("Kandidatens partner."))
    group = AllowlistSelectField(
        _l("Grupper etter"), choices=[(k, v) for k, v in reports.GROUPING_LABELS.items()]
    )

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.partner.choices = _partner_choices()
        if not self.group.data:
            self.group.data = "programme"

    def to_filter(self, today: date | None = None) -> reports.OutcomeFilter:
        return reports.OutcomeFilter(
            period=self.get_period(today),
            programme=_optional_enum(Programme, self.programme.data),
            district=_optional_enum(District, self.district.data),
            partner_id=_optional_int(self.partner.data),
        )


class DashboardForm(ReportForm):
    default_period = "this_year"


class FairnessReportForm(ReportForm):
    default_period = "this_year"
    partner = AllowlistSelectField(_l("Partner"), description=_l("Kandidatens partner."))

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.partner.choices = _partner_choices()

    def to_filter(self, today: date | None = None) -> reports.FairnessFilter:
        return reports.FairnessFilter(
            period=self.get_period(today), partner_id=_optional_int(self.partner.data)
        )
