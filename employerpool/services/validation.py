"""Input rules, one home per area: the web forms and the API's models both adapt to these.

Each `check_*` takes parsed values (keyed by model field names) and returns field errors
`{field: message}` with Norwegian (translatable) messages; an empty dict means valid. The
WTForms classes attach the errors to their fields; the API renders them in bokmål and
answers 422 with the API's field names. Vocabularies that both doors offer (driving-licence
classes, NACE sections, CEFR descriptions, tag limits, date ranges, reason codes) live here.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from employerpool.labels import (
    ABORT_REASON_LABELS,
    CONTRACT_TYPE_LABELS,
    DECLINE_REASON_LABELS,
    WITHDRAW_REASON_LABELS,
    label,
)
from employerpool.models.enums import (
    Cefr,
    ContactResult,
    MatchOutcome,
    MatchStatus,
    PlacementType,
    VacancyStatus,
)

Errors = dict[str, object]

# --- shared vocabularies --------------------------------------------------------------------

# Dates any form or API field accepts at all.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
# Tags (skills on needs and profiles).
MAX_TAGS = 20
MAX_TAG_LENGTH = 100
# Norwegian driving-licence classes (førerkortklasser). One list: a need can only require a
# class a candidate can hold.
DRIVING_LICENCES = ("AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D", "T")
CEFR_DESCRIPTIONS = {
    Cefr.A1: _l("A1 – forstår og bruker enkle, dagligdagse uttrykk"),
    Cefr.A2: _l("A2 – klarer enkle samtaler om kjente emner og arbeidsoppgaver"),
    Cefr.B1: _l("B1 – klarer seg i de fleste situasjoner på jobb, kan forklare og spørre"),
    Cefr.B2: _l("B2 – snakker og skriver ganske lett om faglige emner"),
    Cefr.C1: _l("C1 – uttrykker seg flytende og presist, også skriftlig"),
    Cefr.C2: _l("C2 – behersker norsk nesten som morsmål"),
}
# NACE Rev. 2 sections with SSB's Norwegian names (Standard for næringsgruppering, SN2007).
NACE_SECTIONS: dict[str, object] = {
    "A": _l("Jordbruk, skogbruk og fiske"),
    "B": _l("Bergverksdrift og utvinning"),
    "C": _l("Industri"),
    "D": _l("Elektrisitets-, gass-, damp- og varmtvannsforsyning"),
    "E": _l("Vannforsyning, avløps- og renovasjonsvirksomhet"),
    "F": _l("Bygge- og anleggsvirksomhet"),
    "G": _l("Varehandel, reparasjon av motorvogner"),
    "H": _l("Transport og lagring"),
    "I": _l("Overnattings- og serveringsvirksomhet"),
    "J": _l("Informasjon og kommunikasjon"),
    "K": _l("Finansierings- og forsikringsvirksomhet"),
    "L": _l("Omsetning og drift av fast eiendom"),
    "M": _l("Faglig, vitenskapelig og teknisk tjenesteyting"),
    "N": _l("Forretningsmessig tjenesteyting"),
    "O": _l("Offentlig administrasjon og forsvar, trygdeordninger"),
    "P": _l("Undervisning"),
    "Q": _l("Helse- og sosialtjenester"),
    "R": _l("Kulturell virksomhet, underholdning og fritidsaktiviteter"),
    "S": _l("Annen tjenesteyting"),
    "T": _l("Lønnet arbeid i private husholdninger"),
    "U": _l("Internasjonale organisasjoner og organer"),
}
POSTCODE_PATTERN = r"^\d{4}$"


def normalise_tags(terms) -> list[str]:
    """Terms with inner whitespace collapsed, blanks dropped and case-insensitive duplicates
    removed (first spelling wins)."""
    seen: set[str] = set()
    out = []
    for term in terms or ():
        term = " ".join(str(term).split())
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            out.append(term)
    return out


def check_tags(name: str, terms, what=None) -> Errors:
    """At most MAX_TAGS terms of at most MAX_TAG_LENGTH characters."""
    terms = terms or []
    if len(terms) > MAX_TAGS:
        return {name: _l("Skriv høyst %(n)d ferdigheter.", n=MAX_TAGS)}
    if any(len(t) > MAX_TAG_LENGTH for t in terms):
        return {
            name: _l(
                "Hver ferdighet kan ha høyst %(n)d tegn. Skill dem med komma.", n=MAX_TAG_LENGTH
            )
        }
    return {}


# --- placement needs ------------------------------------------------------------------------

PT = PlacementType
ALL_TYPES = tuple(PT)
# fieldset key -> (the types it applies to, its fields). The form adds legends to it.
NEED_FIELD_GROUPS: dict[str, tuple[tuple[PlacementType, ...], tuple[str, ...]]] = {
    "basics": (
        ALL_TYPES,
        ("type", "title", "occupation_label", "description", "places", "district"),
    ),
    "skills": (ALL_TYPES, ("required_skills", "preferred_skills")),
    "requirements": (
        ALL_TYPES,
        ("norwegian_oral_min", "norwegian_written_min", "police_certificate"),
    ),
    "time": (ALL_TYPES, ("start_date", "hours_per_week")),
    # An ordinary job is open-ended; a temporary one says so in the description.
    "duration": (
        (PT.arbeidspraksis, PT.sprakpraksis, PT.lonnstilskudd, PT.laerling, PT.mentor),
        ("end_date", "duration_weeks"),
    ),
    # Practice and mentor places are arranged by the counsellor; jobs have an application date.
    "application": ((PT.lonnstilskudd, PT.ordinar, PT.laerling), ("deadline",)),
    # Språkpraksis is about learning Norwegian at work; licence and physical demands do not apply.
    "practical": (
        (PT.arbeidspraksis, PT.lonnstilskudd, PT.ordinar, PT.laerling, PT.mentor),
        ("driving_licence", "physical_demands"),
    ),
}
# Fields a type needs beyond the always-required ones.
REQUIRED_BY_TYPE: dict[PlacementType, tuple[str, ...]] = {
    PT.laerling: ("occupation_label",),
    PT.ordinar: ("hours_per_week",),
    PT.lonnstilskudd: ("hours_per_week",),
}
MAX_DURATION_DAYS = 260 * 7


def fields_for(vtype: PlacementType) -> set[str]:
    """The names of every field that applies to `vtype`."""
    return {name for types, names in NEED_FIELD_GROUPS.values() if vtype in types for name in names}


def conditional_fields() -> set[str]:
    """Fields that apply to some types only."""
    return {
        name for types, names in NEED_FIELD_GROUPS.values() if types != ALL_TYPES for name in names
    }


def not_applicable(values: dict, vtype: PlacementType) -> set[str]:
    """Fields that do not apply to `vtype` but hold a value."""
    return {
        name
        for name in conditional_fields() - fields_for(vtype)
        if values.get(name) not in (None, False, "", [])
    }


def check_need(values: dict, vtype: PlacementType) -> Errors:
    """A need's cross-field rules: fields its type needs, dates in order, skills in one list."""
    errors: Errors = {}
    type_label = label(vtype).lower()
    for name in REQUIRED_BY_TYPE.get(vtype, ()):
        if values.get(name) in (None, ""):
            errors[name] = _l("Fyll ut dette for %(type)s.", type=type_label)
    start, end, deadline = values.get("start_date"), values.get("end_date"), values.get("deadline")
    if end and not start:
        errors["start_date"] = _l("Fyll ut oppstart når du oppgir sluttdato.")
    if start and end and end <= start:
        errors["end_date"] = _l("Sluttdatoen må være etter oppstart.")
    elif start and end and (end - start).days > MAX_DURATION_DAYS:
        errors["end_date"] = _l("Varigheten kan være høyst 5 år.")
    if start and deadline and deadline > start:
        errors["deadline"] = _l("Søknadsfristen må være før eller samme dag som oppstart.")
    for name in ("required_skills", "preferred_skills"):
        errors.update(check_tags(name, values.get(name)))
    required = {t.casefold() for t in values.get("required_skills") or []}
    both = [t for t in values.get("preferred_skills") or [] if t.casefold() in required]
    if both:
        errors.setdefault(
            "preferred_skills",
            _l("«%(skill)s» står også som påkrevd. Fjern den fra en av listene.", skill=both[0]),
        )
    if values.get("driving_licence") not in (None, "", *DRIVING_LICENCES):
        errors["driving_licence"] = _l("Velg en førerkortklasse fra listen.")
    return errors


def duration_weeks(start: date | None, end: date | None) -> int | None:
    """Whole weeks from start to end (rounded up), when both are given."""
    if start and end:
        return max(1, -(-(end - start).days // 7))
    return None


# --- competence needs -----------------------------------------------------------------------

COMPETENCE_VOLUME_MAX = 1000


def check_competence_need(values: dict) -> Errors:
    """A competence need: skills within the tag limits, a yearly volume from 1 to 1000."""
    errors: Errors = check_tags("skills", values.get("skills"))
    volume = values.get("volume")
    if volume is not None and not 1 <= volume <= COMPETENCE_VOLUME_MAX:
        errors["volume"] = _l("Skriv et tall mellom 1 og 1000.")
    return errors


# --- employer contacts ----------------------------------------------------------------------

NOTES_MAX = 2000
PURPOSE_MAX = 200
FOLLOW_UP_MAX_DAYS = 366


def check_contact(values: dict, today: date) -> Errors:
    """A logged contact: not in the future; a follow-up within a year after it, and one
    whenever the result is "follow up later"."""
    errors: Errors = {}
    day, follow_up = values.get("contact_date"), values.get("follow_up_date")
    if day is not None and day > today:
        errors["contact_date"] = _l(
            "Datoen kan ikke være i fremtiden. Logg kontakten når den har skjedd."
        )
    if follow_up is None:
        if values.get("result") in (ContactResult.follow_up_later, "follow_up_later"):
            errors["follow_up_date"] = _l("Velg når dere skal følge opp.")
    elif day is not None and follow_up < day:
        errors["follow_up_date"] = _l("Oppfølgingsdatoen kan ikke være før datoen for kontakten.")
    elif day is not None and (follow_up - day).days > FOLLOW_UP_MAX_DAYS:
        errors["follow_up_date"] = _l("Oppfølgingsdatoen kan være høyst ett år etter kontakten.")
    return errors


# --- reports --------------------------------------------------------------------------------

MAX_PERIOD_DAYS = 3653  # ten years: month tables and charts stay readable


# --- candidate profiles ---------------------------------------------------------------------

BIRTH_YEAR_MIN = 1930
YOUNGEST_AGE = 15


def check_candidate(values: dict, today: date) -> Errors:
    """Profile rules both doors share: an adult birth year, known licence classes."""
    errors: Errors = {}
    year = values.get("birth_year")
    latest = today.year - YOUNGEST_AGE
    if year is not None and not BIRTH_YEAR_MIN <= year <= latest:
        errors["birth_year"] = _l(
            "Skriv et fødselsår mellom %(min)s og %(max)s.", min=BIRTH_YEAR_MIN, max=latest
        )
    unknown = [c for c in values.get("driving_licences") or [] if c not in DRIVING_LICENCES]
    if unknown:
        errors["driving_licences"] = _l("Velg en førerkortklasse fra listen.")
    return errors


# --- the match pipeline ---------------------------------------------------------------------

REASONS_FOR = {
    MatchStatus.withdrawn: tuple(WITHDRAW_REASON_LABELS),
    MatchOutcome.declined: tuple(DECLINE_REASON_LABELS),
    MatchOutcome.aborted: tuple(ABORT_REASON_LABELS),
}
CONTRACT_TYPES = tuple(CONTRACT_TYPE_LABELS)
# A start or end date of a placement lies within a year either side of today.
EVENT_DATE_WINDOW_DAYS = 366


def check_match_event(
    to: MatchStatus | MatchOutcome,
    today: date,
    *,
    reason: str | None = None,
    on: date | None = None,
    contract_type: str | None = None,
    by_employer: bool = False,
) -> Errors:
    """A pipeline step: a reason code from the list for its step (never free text), a date
    near today (an employer's start date not in the future), and a contract type from the
    list."""
    errors: Errors = {}
    codes = REASONS_FOR.get(to, ())
    if reason and reason not in codes:
        errors["reason"] = (
            _l("Velg en grunn fra listen.") if codes else _l("Dette steget har ingen grunn.")
        )
    if on is not None and abs((on - today).days) > EVENT_DATE_WINDOW_DAYS:
        errors["on"] = _l("Datoen må være innen ett år fra i dag.")
    elif by_employer and to is MatchOutcome.started and on is not None and on > today:
        errors["on"] = _l("Startdatoen kan ikke være fram i tid.")
    if contract_type and contract_type not in CONTRACT_TYPES:
        errors["contract_type"] = _l("Velg en type ansettelse fra listen.")
    return errors


def check_vacancy_takes_candidates(status: VacancyStatus) -> Errors:
    """Candidates are shortlisted and proposed only for an open need."""
    if status is not VacancyStatus.open:
        return {
            "vacancy_id": _l("Behovet er ikke åpent for forslag (utkast, lukket eller besatt).")
        }
    return {}
