"""All models, imported here so that metadata and migrations see every table."""

from employerpool.models.audit import AuditEvent
from employerpool.models.base import Base, now_utc
from employerpool.models.candidate import (
    Candidate,
    CandidateEvent,
    CandidateLanguage,
    ConsentRecord,
    DesiredOccupation,
    Experience,
    candidate_skill,
)
from employerpool.models.contact import EmployerContact
from employerpool.models.employer import ContactPerson, Employer
from employerpool.models.match import AppendOnlyError, Match, MatchEvent, ProposalRequest
from employerpool.models.partner import Partner, PartnerProgramme
from employerpool.models.placement import FollowUp, Placement
from employerpool.models.security import ApiToken, FormSubmission, RateLimitBucket
from employerpool.models.user import RecoveryCode, SetPasswordToken, User
from employerpool.models.vacancy import (
    CompetenceNeed,
    Vacancy,
    VacancyEvent,
    VacancySkill,
    competence_need_skill,
)
from employerpool.models.vocabulary import Occupation, Skill

__all__ = [
    "ApiToken",
    "AppendOnlyError",
    "AuditEvent",
    "Base",
    "Candidate",
    "CandidateEvent",
    "CandidateLanguage",
    "CompetenceNeed",
    "ConsentRecord",
    "ContactPerson",
    "DesiredOccupation",
    "Employer",
    "EmployerContact",
    "Experience",
    "FollowUp",
    "FormSubmission",
    "Match",
    "MatchEvent",
    "Occupation",
    "Partner",
    "PartnerProgramme",
    "Placement",
    "ProposalRequest",
    "RateLimitBucket",
    "RecoveryCode",
    "SetPasswordToken",
    "Skill",
    "User",
    "Vacancy",
    "VacancyEvent",
    "VacancySkill",
    "candidate_skill",
    "competence_need_skill",
    "now_utc",
]
