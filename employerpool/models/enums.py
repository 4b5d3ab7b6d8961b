"""Domain vocabularies (DESIGN §3) as Python enums, stored by name."""

from __future__ import annotations

import enum


class Role(enum.Enum):
    """What a user may do."""

    admin = "admin"
    coordinator = "coordinator"
    counsellor = "counsellor"
    employer_contact = "employer_contact"
    employer = "employer"

    @property
    def is_staff(self) -> bool:
        """Staff users belong to a partner; employer users to an employer."""
        return self is not Role.employer


class PartnerKind(enum.Enum):
    nav = "nav"
    district = "district"
    imdi = "imdi"
    adult_education = "adult_education"


class District(enum.Enum):
    """The four Groruddalen districts, and elsewhere in Oslo."""

    Alna = "Alna"
    Bjerke = "Bjerke"
    Grorud = "Grorud"
    Stovner = "Stovner"
    other_oslo = "Oslo ellers"


GRORUDDALEN = (District.Alna, District.Bjerke, District.Grorud, District.Stovner)


class Cefr(enum.Enum):
    """CEFR levels, ordered."""

    A1 = 1
    A2 = 2
    B1 = 3
    B2 = 4
    C1 = 5
    C2 = 6

    def __lt__(self, other: Cefr) -> bool:
        return self.value < other.value

    def __le__(self, other: Cefr) -> bool:
        return self.value <= other.value


class NorwegianSource(enum.Enum):
    """Where a candidate's Norwegian level comes from."""

    norskprove = "norskprove"
    counsellor = "counsellor"
    self_reported = "self_reported"


class PlacementType(enum.Enum):
    arbeidspraksis = "arbeidspraksis"
    sprakpraksis = "sprakpraksis"
    lonnstilskudd = "lonnstilskudd"
    ordinar = "ordinar"
    laerling = "laerling"
    mentor = "mentor"


class VacancyStatus(enum.Enum):
    draft = "draft"
    open = "open"
    filled = "filled"
    closed = "closed"


class SizeBand(enum.Enum):
    micro = "1-4"
    small = "5-19"
    medium = "20-99"
    large = "100-499"
    very_large = "500+"


class Agreement(enum.Enum):
    none = "none"
    samarbeidsavtale = "samarbeidsavtale"
    ia_avtale = "ia_avtale"


class ApprovalStatus(enum.Enum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class Programme(enum.Enum):
    KVP = "KVP"
    Intro = "Intro"
    Jobbsjansen = "Jobbsjansen"
    YNO = "YNO"
    AMO = "AMO"
    other = "other"


class Innsatsgruppe(enum.Enum):
    standard = "standard"
    situasjonsbestemt = "situasjonsbestemt"
    spesielt_tilpasset = "spesielt_tilpasset"
    varig_tilpasset = "varig_tilpasset"


class Gender(enum.Enum):
    """Kept for the fairness report only; never a matching feature."""

    female = "female"
    male = "male"
    other = "other"
    unknown = "unknown"


class EducationLevel(enum.Enum):
    none = "none"
    primary = "primary"
    lower_secondary = "lower_secondary"
    upper_secondary = "upper_secondary"
    vocational = "vocational"
    higher = "higher"
    unknown = "unknown"


class CandidateStatus(enum.Enum):
    active = "active"
    in_placement = "in_placement"
    employed = "employed"
    education = "education"
    inactive = "inactive"


class ConsentScope(enum.Enum):
    """Who a candidate lets see the profile beyond the own partner.

    pool_partners: other partners' staff see a pseudonymised profile in suggestions.
    employers: an employer sees a proposed candidate's profile, without name or contact details.
    employers_identity: the employer also sees the name and contact details.
    """

    pool_partners = "pool_partners"
    employers = "employers"
    employers_identity = "employers_identity"


class PlacementOutcome(enum.Enum):
    ongoing = "ongoing"
    completed = "completed"
    hired = "hired"
    aborted = "aborted"
    no_show = "no_show"


class MatchStatus(enum.Enum):
    """The counsellor's axis of a match."""

    suggested = "suggested"
    shortlisted = "shortlisted"
    contacted = "contacted"
    proposed = "proposed"
    withdrawn = "withdrawn"


class MatchOutcome(enum.Enum):
    """The employer's and the placement's axis of a match."""

    interested = "interested"
    interview = "interview"
    declined = "declined"
    started = "started"
    hired = "hired"
    completed = "completed"
    aborted = "aborted"


class RequestStatus(enum.Enum):
    """A request to propose another partner's candidate, answered by that candidate's partner."""

    pending = "pending"
    accepted = "accepted"
    declined = "declined"


class ContactChannel(enum.Enum):
    phone = "phone"
    meeting = "meeting"
    visit = "visit"
    email = "email"
    event = "event"


class ContactResult(enum.Enum):
    no_answer = "no_answer"
    conversation = "conversation"
    meeting_booked = "meeting_booked"
    agreement = "agreement"
    need_received = "need_received"
    not_interested = "not_interested"
    follow_up_later = "follow_up_later"


class AuditAction(enum.Enum):
    view = "view"
    list = "list"
    create = "create"
    update = "update"
    delete = "delete"
    export = "export"
    login = "login"
    logout = "logout"
    login_failed = "login_failed"
    # Data subject rights and retention (issue 8).
    erase = "erase"
    consent_withdrawn = "consent_withdrawn"
