"""Norwegian (translatable) labels for enum values, and the navigation per role."""

from __future__ import annotations

import enum

from flask import url_for
from flask_babel import lazy_gettext as _l

from employerpool.models.enums import (
    Agreement,
    ApprovalStatus,
    CandidateStatus,
    ConsentScope,
    ContactChannel,
    ContactResult,
    EducationLevel,
    Gender,
    Innsatsgruppe,
    MatchOutcome,
    MatchStatus,
    PlacementOutcome,
    PlacementType,
    Programme,
    Role,
    SizeBand,
    VacancyStatus,
)

LABELS: dict[enum.Enum, object] = {
    Role.admin: _l("Administrator"),
    Role.coordinator: _l("Koordinator"),
    Role.counsellor: _l("Veileder"),
    Role.employer_contact: _l("Markedskontakt"),
    Role.employer: _l("Arbeidsgiver"),
    PlacementType.arbeidspraksis: _l("Arbeidspraksis"),
    PlacementType.sprakpraksis: _l("Språkpraksis"),
    PlacementType.lonnstilskudd: _l("Lønnstilskudd"),
    PlacementType.ordinar: _l("Ordinær jobb"),
    PlacementType.laerling: _l("Lærling"),
    PlacementType.mentor: _l("Mentorplass"),
    VacancyStatus.draft: _l("Utkast"),
    VacancyStatus.open: _l("Åpen"),
    VacancyStatus.filled: _l("Besatt"),
    VacancyStatus.closed: _l("Lukket"),
    SizeBand.micro: _l("1–4 ansatte"),
    SizeBand.small: _l("5–19 ansatte"),
    SizeBand.medium: _l("20–99 ansatte"),
    SizeBand.large: _l("100–499 ansatte"),
    SizeBand.very_large: _l("500 eller flere ansatte"),
    Agreement.none: _l("Ingen avtale"),
    Agreement.samarbeidsavtale: _l("Samarbeidsavtale"),
    Agreement.ia_avtale: _l("IA-avtale"),
    ApprovalStatus.pending: _l("Venter på godkjenning"),
    ApprovalStatus.approved: _l("Godkjent"),
    ApprovalStatus.rejected: _l("Avvist"),
    Programme.KVP: _l("Kvalifiseringsprogrammet (KVP)"),
    Programme.Intro: _l("Introduksjonsprogrammet"),
    Programme.Jobbsjansen: _l("Jobbsjansen"),
    Programme.YNO: _l("Yrkesrettet norskopplæring (YNO)"),
    Programme.AMO: _l("AMO-kurs"),
    Programme.other: _l("Annet"),
    Innsatsgruppe.standard: _l("Standard innsats"),
    Innsatsgruppe.situasjonsbestemt: _l("Situasjonsbestemt innsats"),
    Innsatsgruppe.spesielt_tilpasset: _l("Spesielt tilpasset innsats"),
    Innsatsgruppe.varig_tilpasset: _l("Varig tilpasset innsats"),
    Gender.female: _l("Kvinne"),
    Gender.male: _l("Mann"),
    Gender.other: _l("Annet"),
    Gender.unknown: _l("Ikke oppgitt"),
    EducationLevel.none: _l("Ingen skolegang"),
    EducationLevel.primary: _l("Barneskole"),
    EducationLevel.lower_secondary: _l("Ungdomsskole"),
    EducationLevel.upper_secondary: _l("Videregående skole"),
    EducationLevel.vocational: _l("Fagbrev / yrkesutdanning"),
    EducationLevel.higher: _l("Høyere utdanning"),
    EducationLevel.unknown: _l("Ukjent"),
    CandidateStatus.active: _l("Aktiv"),
    CandidateStatus.in_placement: _l("I praksis"),
    CandidateStatus.employed: _l("I arbeid"),
    CandidateStatus.education: _l("I utdanning"),
    CandidateStatus.inactive: _l("Inaktiv"),
    PlacementOutcome.ongoing: _l("Pågår"),
    PlacementOutcome.completed: _l("Fullført"),
    PlacementOutcome.hired: _l("Ansatt"),
    PlacementOutcome.aborted: _l("Avbrutt"),
    PlacementOutcome.no_show: _l("Møtte ikke"),
    MatchStatus.suggested: _l("Foreslått av matcher"),
    MatchStatus.shortlisted: _l("På kortliste"),
    MatchStatus.contacted: _l("Kandidat kontaktet"),
    MatchStatus.proposed: _l("Presentert for arbeidsgiver"),
    MatchStatus.withdrawn: _l("Trukket"),
    MatchOutcome.interested: _l("Arbeidsgiver interessert"),
    MatchOutcome.interview: _l("Invitert til intervju"),
    MatchOutcome.declined: _l("Arbeidsgiver takket nei"),
    MatchOutcome.started: _l("Praksis startet"),
    MatchOutcome.hired: _l("Ansatt"),
    MatchOutcome.completed: _l("Fullført"),
    MatchOutcome.aborted: _l("Avbrutt"),
    ContactChannel.phone: _l("Telefon"),
    ContactChannel.meeting: _l("Møte"),
    ContactChannel.visit: _l("Besøk"),
    ContactChannel.email: _l("E-post"),
    ContactChannel.event: _l("Arrangement"),
    ContactResult.no_answer: _l("Ikke svar"),
    ContactResult.conversation: _l("Samtale"),
    ContactResult.meeting_booked: _l("Møte avtalt"),
    ContactResult.agreement: _l("Avtale inngått"),
    ContactResult.need_received: _l("Behov mottatt"),
    ContactResult.not_interested: _l("Ikke interessert"),
    ContactResult.follow_up_later: _l("Følg opp senere"),
    ConsentScope.pool_partners: _l("Deling med partnerne i poolen (anonymisert)"),
    ConsentScope.employers: _l("Deling med arbeidsgivere (uten navn)"),
    ConsentScope.employers_identity: _l("Navn og kontaktinformasjon til arbeidsgivere"),
}


# Reasons on the match pipeline, keyed as in services/matches.py.
WITHDRAW_REASON_LABELS = {
    "candidate_declined": _l("Kandidaten ønsker ikke"),
    "not_available": _l("Kandidaten er ikke tilgjengelig"),
    "other_placement": _l("Kandidaten har fått annen plass"),
    "poor_fit": _l("Passer likevel ikke"),
    "other": _l("Annet"),
}
DECLINE_REASON_LABELS = {
    "language": _l("Norskkunnskapene er for svake for jobben"),
    "skills": _l("Mangler ferdigheter vi trenger"),
    "experience": _l("Mangler erfaring vi trenger"),
    "timing": _l("Tidspunktet passer ikke"),
    "filled": _l("Plassen er allerede besatt"),
    "other": _l("Annet"),
}
ABORT_REASON_LABELS = {
    "health": _l("Helse"),
    "language": _l("Språk"),
    "tasks": _l("Arbeidsoppgavene passet ikke"),
    "moved": _l("Flyttet"),
    "other_job": _l("Fikk annen jobb"),
    "no_show": _l("Møtte ikke"),
    "other": _l("Annet"),
}
CONTRACT_TYPE_LABELS = {
    "fast": _l("Fast stilling"),
    "midlertidig": _l("Midlertidig stilling"),
    "vikariat": _l("Vikariat"),
    "laerekontrakt": _l("Lærekontrakt"),
}


def label(value) -> str:
    """The display label for an enum value (or the value itself, or a dash for None)."""
    if value is None:
        return "–"
    if isinstance(value, enum.Enum):
        return str(LABELS.get(value, value.value if isinstance(value.value, str) else value.name))
    return str(value)


def event_label(event) -> str:
    """A match event's new value as a label ("status" or "outcome" axis)."""
    enum_cls = MatchStatus if event.axis == "status" else MatchOutcome
    member = enum_cls.__members__.get(event.to_value)
    return label(member) if member is not None else event.to_value


def choices(enum_cls: type[enum.Enum], blank: str | None = None) -> list[tuple[str, str]]:
    """(name, label) pairs for a select field."""
    items = [(m.name, LABELS.get(m, m.value)) for m in enum_cls]
    return ([("", blank)] if blank is not None else []) + items


def nav_items(role: Role) -> list[tuple[str, object]]:
    """Navigation links for a role: (url, label)."""
    # Each link shows for the roles services.access lets through the page it opens.
    from employerpool.services.access import allows

    items: list[tuple[str, object]] = [(url_for("main.home"), _l("Start"))]
    if role is Role.employer:
        items.append((url_for("vacancies.index"), _l("Våre behov")))
        return items
    links = (
        ("employers.list", "employers.index", _l("Arbeidsgivere")),
        ("needs.list", "vacancies.index", _l("Praksisplasser og stillinger")),
        ("competence.list", "competence.index", _l("Kompetansebehov")),
        ("candidates.read", "candidates.index", _l("Kandidater")),
        ("allocation", "suggestions.allocation", _l("Fordeling")),
        ("contacts.read", "contacts.index", _l("Kontakter")),
        ("reports.contacts", "reports.index", _l("Rapporter")),
        ("users.manage", "users.index", _l("Brukere")),
        ("admin", "partners.index", _l("Partnere")),
        ("admin", "admin.audit_log", _l("Logg")),
        ("admin", "tokens.index", _l("API-tokens")),
    )
    items.extend(
        (url_for(endpoint), text) for action, endpoint, text in links if allows(role, action)
    )
    return items
