"""Request and response models of the API. They validate requests and, through
`employerpool.api.openapi`, are the OpenAPI description: one definition, not two."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from stdnum.exceptions import ValidationError as OrgnrError
from stdnum.no import orgnr as orgnr_check

from employerpool.models.enums import (
    Agreement,
    ApprovalStatus,
    CandidateStatus,
    Cefr,
    ContactChannel,
    ContactResult,
    District,
    EducationLevel,
    Gender,
    Innsatsgruppe,
    MatchOutcome,
    MatchStatus,
    PlacementOutcome,
    PlacementType,
    Programme,
    SizeBand,
    VacancyStatus,
)
from employerpool.services.validation import (
    BIRTH_YEAR_MIN,
    DRIVING_LICENCES,
    EARLIEST,
    FOLLOW_UP_MAX_DAYS,
    LATEST,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    NACE_SECTIONS,
    NOTES_MAX,
    POSTCODE_PATTERN,
    PURPOSE_MAX,
)

T = TypeVar("T")


def names(enum_cls: type[Enum]):
    """A Literal of the enum's member names: the API speaks names, as the database stores."""
    return Literal[tuple(enum_cls.__members__)]  # type: ignore[valid-type]


def text(max_length: int, min_length: int = 0):
    """Text with surrounding whitespace stripped and bounded length."""
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)
    ]


Day = Annotated[date, Field(ge=EARLIEST, le=LATEST)]
# The database stores naive UTC; the API says so (RFC 3339 wants an offset: "...Z").
Timestamp = Annotated[datetime, AfterValidator(lambda d: d if d.tzinfo else d.replace(tzinfo=UTC))]
Tag = text(MAX_TAG_LENGTH, 1)
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS)]
CefrName = names(Cefr)


def _not_a_bool(value):
    """`true` is not an id (pydantic's lax mode would read it as 1)."""
    if isinstance(value, bool):
        raise ValueError("Må være et helt tall.")
    return value


# An id in a JSON body: a whole number (or its digits as text), never a boolean.
BodyId = Annotated[int, BeforeValidator(_not_a_bool), Field(ge=1, le=2**31 - 1)]


class Strict(BaseModel):
    """Input models refuse unknown fields, so that a typo is an error, not a silent loss."""

    model_config = ConfigDict(extra="forbid")


# --- lists -------------------------------------------------------------------------------


class PageQuery(Strict):
    page: int = Field(1, ge=1, le=10_000, description="Sidenummer, fra 1")
    per_page: int = Field(25, ge=1, le=100, description="Rader per side (høyst 100)")


class Page(BaseModel, Generic[T]):
    """One page of a list, with the total count of matching rows."""

    items: list[T]
    page: int
    per_page: int
    total: int


# --- shared parts ------------------------------------------------------------------------


class NorwegianLevels(Strict):
    """Minimum (needs) or assessed (candidates) Norwegian level, CEFR A1–C2."""

    oral: CefrName | None = None
    written: CefrName | None = None

    @field_validator("oral", "written", mode="before")
    @classmethod
    def upper(cls, value):
        return value.upper() if isinstance(value, str) else value


# --- employers ---------------------------------------------------------------------------


class EmployerQuery(PageQuery):
    q: text(100) | None = Field(None, description="Søk i navn eller organisasjonsnummer")
    district: names(District) | None = None
    approval: names(ApprovalStatus) | None = None


class EmployerOut(BaseModel):
    id: int
    orgnr: str
    name: str
    nace_section: str | None
    district: str | None
    address: str | None
    postcode: str | None
    city: str | None
    size_band: str | None
    agreement: str
    approval: str
    responsible_partner_id: int | None
    created_at: Timestamp


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
# At most 20 characters in all, the column's length.
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20, pattern=r"^\+?[0-9 ()-]{8,20}$")
]
Nace = Literal[tuple(NACE_SECTIONS)]  # type: ignore[valid-type]


class ContactPersonIn(Strict):
    name: text(120, 1)
    title: text(120) | None = None
    email: Email
    phone: Phone | None = None


class EmployerPatch(Strict):
    """Changes to an employer's own fields; absent fields stay as they are."""

    name: text(200, 1) | None = None
    nace_section: Nace | None = None
    district: names(District) | None = None
    address: text(200) | None = None
    postcode: Annotated[str, StringConstraints(pattern=POSTCODE_PATTERN)] | None = None
    city: text(80) | None = None
    size_band: names(SizeBand) | None = None


class EmployerIn(Strict):
    """A new employer, registered by staff (approved at once), with its first contact person."""

    orgnr: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = Field(
        description="Organisasjonsnummer, 9 siffer med kontrollsiffer"
    )
    name: text(200, 1)
    nace_section: Nace
    district: names(District)
    address: text(200) | None = None
    postcode: Annotated[str, StringConstraints(pattern=POSTCODE_PATTERN)] | None = None
    city: text(80) | None = None
    size_band: names(SizeBand)
    agreement: names(Agreement) = "none"
    responsible_partner_id: BodyId | None = None
    contact: ContactPersonIn

    @field_validator("orgnr")
    @classmethod
    def valid_orgnr(cls, value: str) -> str:
        try:
            return orgnr_check.validate("".join(value.split()))
        except OrgnrError:
            raise ValueError("Ugyldig organisasjonsnummer (9 siffer med kontrollsiffer).") from None


# --- placement needs ---------------------------------------------------------------------


class VacancyQuery(PageQuery):
    status: names(VacancyStatus) | None = None
    type: names(PlacementType) | None = None
    district: names(District) | None = None
    employer_id: int | None = Field(None, ge=1, le=2**31 - 1)


class VacancyOut(BaseModel):
    """A placement need: the matcher contract's fields plus employer, status and places."""

    id: int
    employer_id: int
    status: str
    places: int
    title: str
    type: str
    occupation: str | None
    styrk08: str | None
    description: str | None
    skills_required: list[str]
    skills_preferred: list[str]
    norwegian_min: NorwegianLevels
    district: str | None
    driving_licence: str | None
    hours_per_week: float | None
    start_date: date | None
    end_date: date | None
    deadline: date | None
    police_certificate: bool
    physical_demands: str | None
    created_at: Timestamp
    updated_at: Timestamp


class VacancyFields(Strict):
    """Every field of a need, all optional: the base of create and update."""

    title: text(200, 1) | None = None
    type: names(PlacementType) | None = None
    occupation: text(200) | None = None
    description: text(5000) | None = None
    places: int | None = Field(None, ge=1, le=100)
    skills_required: Tags | None = None
    skills_preferred: Tags | None = None
    norwegian_min: NorwegianLevels | None = None
    district: names(District) | None = None
    driving_licence: Literal[DRIVING_LICENCES] | None = None  # type: ignore[valid-type]
    hours_per_week: float | None = Field(None, ge=1, le=60)
    start_date: Day | None = None
    end_date: Day | None = None
    deadline: Day | None = None
    police_certificate: bool | None = None
    physical_demands: text(500) | None = None


class VacancyIn(VacancyFields):
    """A new need. Staff name the employer; an employer user posts for its own."""

    employer_id: BodyId | None = None
    title: text(200, 1)
    type: names(PlacementType)
    district: names(District)
    status: Literal["draft", "open"] = Field("draft", description="open publiserer med en gang")


class VacancyPatch(VacancyFields):
    """Changes to a need; `status` moves it (open, filled, closed) with a history event."""

    status: names(VacancyStatus) | None = None
    status_note: text(300) | None = None


# --- suggestions (the matcher contract's result format) ------------------------------------


class SuggestionsQuery(Strict):
    top: int = Field(25, ge=1, le=100, description="Hvor mange forslag (høyst 100)")


class RankedCandidate(BaseModel):
    candidate_id: str = Field(
        description="Id for egne kandidater; pseudonym for andre partneres (blind vurdering)"
    )
    score: float
    eligible: bool
    components: dict[str, float]
    reasons: list[str]
    own_partner: bool
    partner: str
    match_id: int | None


class Ranking(BaseModel):
    vacancy_id: str
    ranking: list[RankedCandidate]


# --- matches -----------------------------------------------------------------------------


class MatchIn(Strict):
    """Propose (or shortlist) one of your own partner's candidates for a need."""

    vacancy_id: BodyId
    candidate_id: BodyId
    status: Literal["shortlisted", "contacted", "proposed"] = "proposed"
    note: text(1000) | None = None


class MatchEventIn(Strict):
    """A pipeline change: a counsellor status or an outcome (as on the match page)."""

    to: Literal[tuple(MatchStatus.__members__) + tuple(MatchOutcome.__members__)]  # type: ignore[valid-type]
    reason: text(60) | None = None
    note: text(1000) | None = None
    on: Day | None = None
    contract_type: text(40) | None = None


class MatchEventOut(BaseModel):
    id: int
    at: Timestamp
    axis: str
    from_value: str | None
    to_value: str
    reason: str | None
    note: str | None


class MatchOut(BaseModel):
    """A match. Another partner's staff get `pseudonym` and no candidate id (blind review)."""

    id: int
    vacancy_id: int
    candidate_id: int | None = Field(description="null når kandidaten er en annen partners")
    pseudonym: str | None = Field(description="Pseudonymet for en annen partners kandidat")
    status: str
    outcome: str | None
    score: float | None
    events: list[MatchEventOut]


class ProposalOut(BaseModel):
    """A proposed candidate as the employer sees it: only what the candidate consented to."""

    match_id: int
    vacancy_id: int
    vacancy_title: str
    display_name: str
    identified: bool
    email: str | None
    phone: str | None
    norwegian: NorwegianLevels
    norwegian_tested: bool
    skills: list[str]
    experience: list[dict[str, str | float | None]]
    available_from: date | None
    max_hours_per_week: float | None
    driving_licences: list[str]
    reasons: list[str]
    outcome: str | None
    counsellor_name: str | None = Field(description="Veilederen som følger opp kandidaten")
    counsellor_email: str | None = Field(description="Veilederens e-post på jobb")


class ProposalQuery(PageQuery):
    vacancy_id: int | None = Field(None, ge=1, le=2**31 - 1)


# === people: candidates, placements, employer contacts, contact report (issue 7) ===========
# Ranges and vocabularies come from services/validation.py, as the web forms' do.

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Label = text(200, 1)
CandidatePhone = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ]{8,15}$")
]
# Contact dates: what the contact form's date field accepts.
ContactDay = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


class ExperienceItem(Strict):
    """Work experience, in Norway or abroad (medbrakt kompetanse)."""

    title: Label
    years: float | None = Field(None, ge=0, le=60)
    abroad: bool = False


class ConsentsIn(Strict):
    """Consents to give (true) or withdraw (false); absent or null keys stay as they are."""

    pool_partners: bool | None = None
    employers: bool | None = None
    employers_identity: bool | None = None


class ConsentsOut(BaseModel):
    """Active consents: pool sharing, sharing with employers, and identity to employers."""

    pool_partners: bool
    employers: bool
    employers_identity: bool


class CandidateQuery(PageQuery):
    status: names(CandidateStatus) | None = None
    programme: names(Programme) | None = None
    district: names(District) | None = None
    q: text(100) | None = Field(None, description="Søk i navn (fornavn, etternavn eller begge)")


class CandidateFields(Strict):
    """Every profile field, all optional: the base of create and update."""

    first_name: text(80, 1) | None = None
    last_name: text(80, 1) | None = None
    birth_year: int | None = Field(
        None,
        ge=BIRTH_YEAR_MIN,
        description="Fra 1930 til inneværende år minus 15. Bare til anonym statistikk, "
        "aldri i matching.",
    )
    gender: names(Gender) | None = Field(
        None, description="Bare til anonym statistikk, aldri i matching."
    )
    phone: CandidatePhone | None = None
    email: Email | None = None
    district: names(District) | None = None
    counsellor_id: BodyId | None = Field(
        None, description="En veileder eller koordinator hos din partner"
    )
    programme: names(Programme) | None = None
    innsatsgruppe: names(Innsatsgruppe) | None = None
    status: names(CandidateStatus) | None = None
    education_level: names(EducationLevel) | None = None
    norwegian: NorwegianLevels | None = None
    skills: Annotated[list[Label], Field(max_length=50)] | None = None
    summary: text(2000) | None = None
    experience: Annotated[list[ExperienceItem], Field(max_length=30)] | None = None
    desired_occupations: Annotated[list[Label], Field(max_length=20)] | None = None
    driving_licence: (
        Annotated[
            list[Literal[DRIVING_LICENCES]],  # type: ignore[valid-type]
            Field(max_length=len(DRIVING_LICENCES)),
        ]
        | None
    ) = Field(None, description="Førerkortklasser kandidaten har")
    max_hours_per_week: float | None = Field(None, ge=1, le=60)
    available_from: Day | None = None
    consents: ConsentsIn | None = None


class CandidateIn(CandidateFields):
    """A new candidate for your own partner; `counsellor_id` defaults to you."""

    first_name: text(80, 1)
    last_name: text(80, 1)
    programme: names(Programme)
    innsatsgruppe: names(Innsatsgruppe)


class CandidatePatch(CandidateFields):
    """Changes to a profile; absent fields stay as they are, null clears an optional one."""


class PlacementOut(BaseModel):
    """A placement in the history. Employer users get no candidate, note or reasons."""

    id: int
    candidate_id: int | None = Field(description="null for arbeidsgivere (ingen identitet)")
    employer_id: int | None
    employer_name: str | None
    vacancy_id: int | None
    match_id: int | None = Field(description="Satt når praksisen kom fra en match")
    type: str
    title: str
    occupation: str | None
    start_date: date
    end_date: date | None
    outcome: str
    contract_type: str | None
    abort_reason: str | None
    note: str | None
    created_at: Timestamp
    updated_at: Timestamp


class CandidateOut(BaseModel):
    """A full profile (own partner only): the matcher contract's fields and the kartlegging."""

    id: int
    partner_id: int
    counsellor_id: int | None
    first_name: str
    last_name: str
    birth_year: int | None
    gender: str
    phone: str | None
    email: str | None
    district: str | None
    programme: str
    innsatsgruppe: str
    status: str
    education_level: str
    norwegian: NorwegianLevels
    skills: list[str]
    summary: str | None
    experience: list[ExperienceItem]
    desired_occupations: list[str]
    driving_licence: list[str]
    max_hours_per_week: float | None
    available_from: date | None
    placements: list[PlacementOut]
    consents: ConsentsOut
    created_at: Timestamp
    updated_at: Timestamp


class PlacementQuery(PageQuery):
    candidate_id: Id | None = Field(None, description="Bare for veiledere og koordinatorer")
    employer_id: Id | None = None
    outcome: names(PlacementOutcome) | None = None
    type: names(PlacementType) | None = None


class PlacementIn(Strict):
    """A historical placement from a partner's records, for one of your own candidates."""

    candidate_id: BodyId
    employer_id: BodyId | None = None
    type: names(PlacementType)
    title: Label
    occupation: text(200) | None = None
    start_date: Day
    end_date: Day | None = None
    outcome: names(PlacementOutcome) = "ongoing"
    contract_type: text(40) | None = Field(None, description="Bare med utfall hired")
    abort_reason: text(300) | None = Field(None, description="Bare med utfall aborted/no_show")
    note: text(1000) | None = None


class PlacementPatch(Strict):
    """Close or correct a placement that does not belong to a match."""

    end_date: Day | None = None
    outcome: names(PlacementOutcome) | None = None
    note: text(1000) | None = None
    abort_reason: text(300) | None = None


class ContactQuery(PageQuery):
    employer_id: Id | None = None
    partner_id: Id | None = Field(None, description="Partneren som tok kontakt")
    date_from: ContactDay | None = Field(None, alias="from", description="Fra og med dato")
    to: ContactDay | None = Field(None, description="Til og med dato")
    channel: names(ContactChannel) | None = None
    result: names(ContactResult) | None = None


class ContactOut(BaseModel):
    id: int
    employer_id: int
    employer_name: str
    partner_id: int
    partner: str
    user_id: int | None
    user_name: str | None
    contact_date: date
    channel: str
    purpose: str | None
    result: str
    follow_up_date: date | None
    notes: str | None
    created_at: Timestamp
    updated_at: Timestamp


class ContactFields(Strict):
    """Every field of a contact, all optional: the base of create and update."""

    contact_date: ContactDay | None = Field(None, description="Ikke fram i tid")
    channel: names(ContactChannel) | None = None
    result: names(ContactResult) | None = None
    purpose: text(PURPOSE_MAX) | None = None
    follow_up_date: ContactDay | None = Field(
        None,
        description=f"Fra kontaktdatoen til {FOLLOW_UP_MAX_DAYS} dager etter; påkrevd med "
        "resultat follow_up_later",
    )
    notes: text(NOTES_MAX) | None = Field(
        None, description="Deles med alle ansatte i poolen. Ingen personopplysninger om kandidater."
    )


class ContactIn(ContactFields):
    """A contact with an employer, logged for your own partner."""

    employer_id: BodyId
    contact_date: ContactDay = Field(description="Ikke fram i tid")
    channel: names(ContactChannel)
    result: names(ContactResult)


class ContactPatch(ContactFields):
    """A correction of a logged contact; absent fields stay as they are."""


class RecentContact(BaseModel):
    """Another partner's contact with the same employer in the last 30 days."""

    contact_date: date
    partner: str
    channel: str


class ContactCreated(ContactOut):
    recent_contacts_by_other_partners: list[RecentContact] = Field(
        description="Andre partneres kontakter med arbeidsgiveren de siste 30 dagene"
    )


class ContactReportQuery(PageQuery):
    date_from: Day | None = Field(
        None, alias="from", description="Fra og med; uten from og to: denne måneden"
    )
    to: Day | None = Field(None, description="Til og med; perioden kan være høyst ti år")
    partner: Id | None = Field(None, description="Partneren som tok kontakt")
    format: Literal["json", "csv", "xlsx"] = Field(
        "json", description="csv og xlsx gir hele utvalget som fil (page og per_page gjelder json)"
    )


class ReportPeriod(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True)

    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    preset: str


class PartnerTotalOut(BaseModel):
    partner_id: int
    partner: str
    contacts: int
    employers: int


class MonthTotalOut(BaseModel):
    month: str = Field(description="ÅÅÅÅ-MM")
    contacts: int
    employers: int


class ContactTotalsOut(BaseModel):
    contacts: int
    employers: int = Field(description="Ulike arbeidsgivere")
    per_partner: list[PartnerTotalOut]
    per_month: list[MonthTotalOut]


class ContactReportRow(BaseModel):
    """One row of the report, as in the web export (no notes: free text stays in the log)."""

    id: int
    contact_date: date
    employer_id: int
    employer_name: str
    orgnr: str
    district: str | None
    sector: str | None
    partner: str
    user_name: str | None
    channel: str
    result: str
    purpose: str | None
    follow_up_date: date | None


class ContactReportOut(BaseModel):
    period: ReportPeriod
    partner_id: int | None
    totals: ContactTotalsOut
    rows: Page[ContactReportRow]
