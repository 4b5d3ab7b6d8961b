"""Employer forms: self-registration, staff registration, editing, approval, contact persons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from employerpool.forms.fields import (
    OrgNumberField,
    confirm_password_field,
    email_length,
    new_password_field,
)
from employerpool.labels import choices
from employerpool.models.enums import Agreement, District, SizeBand
from employerpool.services.validation import NACE_SECTIONS, POSTCODE_PATTERN


def nace_choices(blank: str) -> list[tuple[str, object]]:
    return [("", blank)] + [(k, f"{k} – {v}") for k, v in NACE_SECTIONS.items()]


def district_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(d.name, d.value) for d in District]


# At most 20 characters in all, the column's length (a "+" and 20 digits would not fit).
PHONE = Regexp(
    r"^(?=.{8,20}$)\+?[0-9 ()-]+$",
    message=_l("Skriv telefonnummeret med siffer, for eksempel 22 33 44 55."),
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class OrganisationFields(FlaskForm):
    """The organisation itself; shared by every employer form."""

    name = StringField(
        _l("Navn på virksomheten"),
        validators=[DataRequired(_l("Skriv inn navnet på virksomheten.")), Length(max=200)],
        filters=[_strip],
        render_kw={"maxlength": 200, "autocomplete": "organization"},
    )
    nace_section = SelectField(
        _l("Bransje"),
        choices=nace_choices(_l("Velg bransje")),
        validators=[DataRequired(_l("Velg bransjen virksomheten hører til."))],
        description=_l("Bransjen slik den står i Enhetsregisteret."),
    )
    district = SelectField(
        _l("Bydel"),
        choices=district_choices(_l("Velg bydel")),
        validators=[DataRequired(_l("Velg bydelen der arbeidsplassen ligger."))],
    )
    address = StringField(
        _l("Gateadresse"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
        render_kw={"maxlength": 200, "autocomplete": "street-address"},
    )
    postcode = StringField(
        _l("Postnummer"),
        validators=[
            Optional(),
            Regexp(POSTCODE_PATTERN, message=_l("Postnummeret har fire siffer.")),
        ],
        filters=[_strip],
        render_kw={"maxlength": 4, "inputmode": "numeric", "autocomplete": "postal-code"},
    )
    city = StringField(
        _l("Poststed"),
        validators=[Optional(), Length(max=80)],
        filters=[_strip],
        render_kw={"maxlength": 80},
    )
    size_band = SelectField(
        _l("Antall ansatte"),
        choices=choices(SizeBand, blank=_l("Velg antall ansatte")),
        validators=[DataRequired(_l("Velg omtrent hvor mange som jobber hos dere."))],
    )


class ContactPersonFields(FlaskForm):
    """One contact person at the employer."""

    contact_name = StringField(
        _l("Navn"),
        validators=[DataRequired(_l("Skriv inn navnet på kontaktpersonen.")), Length(max=120)],
        filters=[_strip],
        render_kw={"maxlength": 120, "autocomplete": "name"},
    )
    contact_title = StringField(
        _l("Stilling"),
        validators=[Optional(), Length(max=120)],
        filters=[_strip],
        description=_l("For eksempel daglig leder eller HR-rådgiver."),
        render_kw={"maxlength": 120, "autocomplete": "organization-title"},
    )
    contact_email = EmailField(
        _l("E-postadresse"),
        validators=[
            DataRequired(_l("Skriv inn e-postadressen.")),
            email_length(),
            Email(_l("Skriv en gyldig e-postadresse."), check_deliverability=False),
        ],
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        render_kw={"maxlength": 254, "autocomplete": "email"},
    )
    contact_phone = StringField(
        _l("Telefon"),
        validators=[Optional(), PHONE],
        filters=[_strip],
        render_kw={"maxlength": 20, "autocomplete": "tel", "inputmode": "tel"},
    )


class RegistrationForm(OrganisationFields, ContactPersonFields):
    """An employer registers itself; the contact person becomes its first user."""

    orgnr = OrgNumberField(
        _l("Organisasjonsnummer"),
        validators=[DataRequired(_l("Skriv inn organisasjonsnummeret (9 siffer)."))],
        description=_l("Ni siffer. Du finner det i Brønnøysundregistrene."),
        render_kw={"maxlength": 11, "inputmode": "numeric", "autocomplete": "off"},
    )
    password = new_password_field(_l("Velg passord"))
    confirm = confirm_password_field()
    accept = BooleanField(
        _l("Jeg har lov til å registrere virksomheten, og opplysningene er riktige."),
        validators=[DataRequired(_l("Bekreft at du kan registrere virksomheten."))],
    )
    # A honeypot: hidden from people by CSS, filled in by naive bots.
    website = StringField(_l("La dette feltet stå tomt"), render_kw={"autocomplete": "off"})


class StaffEmployerForm(OrganisationFields, ContactPersonFields):
    """Staff register an employer and, if they wish, invite its contact person."""

    orgnr = OrgNumberField(
        _l("Organisasjonsnummer"),
        validators=[DataRequired(_l("Skriv inn organisasjonsnummeret (9 siffer)."))],
        render_kw={"maxlength": 11, "inputmode": "numeric", "autocomplete": "off"},
    )
    agreement = SelectField(_l("Avtale"), choices=choices(Agreement))
    responsible_partner_id = SelectField(
        _l("Ansvarlig partner"),
        validators=[DataRequired(_l("Velg ansvarlig partner."))],
        description=_l("Partneren som har ansvaret for samarbeidet med arbeidsgiveren."),
    )
    invite = BooleanField(
        _l("Lag brukerkonto til kontaktpersonen og vis en engangslenke for å velge passord")
    )


class EmployerEditForm(OrganisationFields):
    """Edit an employer's details (the employer itself or staff)."""


class ResponsiblePartnerForm(FlaskForm):
    responsible_partner_id = SelectField(
        _l("Ansvarlig partner"),
        validators=[DataRequired(_l("Velg ansvarlig partner."))],
    )
    agreement = SelectField(_l("Avtale"), choices=choices(Agreement))


class ApprovalForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired()])

    def validate_decision(self, field):
        if field.data not in ("approve", "reject"):
            raise ValidationError(_l("Ukjent valg."))


class ContactPersonForm(ContactPersonFields):
    """Add a contact person to an employer."""


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""
