"""The access-control table: every endpoint × method × role → the expected outcome.

This is the one place access rules live. `test_access.py` runs every row against a fixture world
(`build_world`) and fails for any (endpoint, method) in the app's URL map without a row, so a
new route cannot ship without a rule (a module's `COVERED_ENDPOINTS` set still stands in for a
row while one is being written). GET is required for every route, so that a POST-only route
states its 405, except where a GET to its URL reaches another route (an API "create" and its
list). `test_hostile_input.py` uses the same rows to find the pages each role may open.

Outcomes, as the test classifies a response:
- ALLOW: 2xx, or a redirect anywhere but the login page. For a non-GET row this is checked as
  "not denied": not a login redirect, not 401/403/404/405 and not 5xx (a 400 for a bare body
  still proves the request got past the access checks).
- LOGIN: a redirect to the login page (anonymous users of a page that needs a login).
- UNAUTHORIZED (401, API without a token), FORBIDDEN (403), NOT_FOUND (404: someone else's
  object, never revealed), NOT_ALLOWED (405: a method the route does not accept),
  UNAVAILABLE (503: only /readyz, on a schema the migrations did not build).

Roles: the five `Role`s of the own partner / own employer, "anonymous" (no session, no token)
and "other_employer" (an employer user of another organisation).

URL parameters, query strings and bodies name objects of the world by key: `{"employer_id":
"own_employer"}` fills the URL parameter with the id of the world's `own_employer`; values in
`query` and `data` are format strings over the same keys (`"{own_candidate}"`).

API rows (`auth=TOKEN`) send `Authorization: Bearer <secret>` of a token for the role's user
(anonymous: no header) and no session or CSRF token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sqlalchemy import func, literal, select, union_all

from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    CompetenceNeed,
    ConsentRecord,
    ContactPerson,
    Employer,
    EmployerContact,
    FollowUp,
    Match,
    MatchEvent,
    Partner,
    Placement,
    ProposalRequest,
    User,
    Vacancy,
)
from employerpool.models.enums import (
    ApprovalStatus,
    ConsentScope,
    ContactChannel,
    ContactResult,
    District,
    Innsatsgruppe,
    MatchOutcome,
    MatchStatus,
    PartnerKind,
    PlacementOutcome,
    PlacementType,
    Programme,
    Role,
    VacancyStatus,
)

ALLOW = "allow"
LOGIN = "login"
UNAUTHORIZED = "401"
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
# /readyz answers 503 on the test schema (built by create_all, not by the migrations).
UNAVAILABLE = "503"
OUTCOMES = (ALLOW, LOGIN, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, UNAVAILABLE)

SESSION = "session"
TOKEN = "token"

ROLES = (
    "anonymous",
    "admin",
    "coordinator",
    "counsellor",
    "employer_contact",
    "employer",
    "other_employer",
)
STAFF = ("admin", "coordinator", "counsellor", "employer_contact")
CANDIDATE_READERS = ("coordinator", "counsellor")
CONTACT_LOGGERS = ("coordinator", "counsellor", "employer_contact")
EMPLOYER_MANAGERS = ("coordinator", "employer_contact")
EMPLOYER_EDITORS = (*EMPLOYER_MANAGERS, "employer")
CONTACT_REPORT_ROLES = ("admin", "coordinator", "employer_contact")
MANAGEMENT = ("admin", "coordinator")
SIGNED_IN = ROLES[1:]
OWN_EMPLOYER_SIDE = (*STAFF, "employer")  # staff, and the user of the object's own employer


def expect(
    allowed: Iterable[str], *, others: str = FORBIDDEN, anonymous: str = LOGIN, **exceptions: str
) -> Mapping[str, str]:
    """Expected outcome per role: `allowed` roles ALLOW, other signed-in roles `others`."""
    allowed = set(allowed)
    table = {"anonymous": anonymous}
    for role in SIGNED_IN:
        table[role] = ALLOW if role in allowed else others
    for role, outcome in exceptions.items():
        assert role in ROLES, role
        table[role] = outcome
    return MappingProxyType(table)


def everyone(outcome: str) -> Mapping[str, str]:
    """The same outcome for every role, anonymous included."""
    return MappingProxyType(dict.fromkeys(ROLES, outcome))


@dataclass(frozen=True)
class Rule:
    """One row: a request to `endpoint` with `method`, and the outcome for every role."""

    endpoint: str
    method: str
    expected: Mapping[str, str]
    params: Mapping[str, str] = field(default_factory=dict)  # URL parameter -> world key
    query: Mapping[str, str] = field(default_factory=dict)
    data: Mapping[str, str] = field(default_factory=dict)
    auth: str = SESSION
    variant: str = ""  # tells extra rows of one endpoint and method apart

    def __post_init__(self) -> None:
        assert set(self.expected) == set(ROLES), f"{self.id}: a rule needs every role"
        assert set(self.expected.values()) <= set(OUTCOMES), self.id
        assert self.auth in (SESSION, TOKEN), self.id

    @property
    def id(self) -> str:
        """A readable test id, e.g. `employers.detail GET` or `candidates.detail GET other`."""
        return " ".join(p for p in (self.endpoint, self.method, self.variant) if p)


def get_and_post(endpoint: str, expected: Mapping[str, str], **kwargs) -> list[Rule]:
    """A form page: the same rule for showing (GET) and submitting (POST)."""
    return [Rule(endpoint, "GET", expected, **kwargs), Rule(endpoint, "POST", expected, **kwargs)]


def post_only(endpoint: str, expected: Mapping[str, str], **kwargs) -> list[Rule]:
    """A POST-only route: the POST rule, and GET refused with 405 for everyone."""
    return [
        Rule(endpoint, "GET", everyone(NOT_ALLOWED), params=kwargs.get("params", {})),
        Rule(endpoint, "POST", expected, **kwargs),
    ]


EMPLOYER = {"employer_id": "own_employer"}
VACANCY = {"vacancy_id": "own_vacancy"}
CANDIDATE = {"candidate_id": "own_candidate"}
STAFF_ONLY = expect(STAFF)
READERS_ONLY = expect(CANDIDATE_READERS)

RULES: list[Rule] = [
    # --- public pages, login, language ------------------------------------------------------
    Rule("static", "GET", everyone(ALLOW), params={"filename": "css_file"}),
    # Probes for load balancers: no login, nothing about people or data.
    Rule("health.healthz", "GET", everyone(ALLOW)),
    Rule("health.readyz", "GET", everyone(UNAVAILABLE)),
    Rule("main.index", "GET", expect(SIGNED_IN)),
    Rule("main.home", "GET", expect(SIGNED_IN)),
    *get_and_post("auth.login", everyone(ALLOW)),
    # Logging out ends on the login page, like an anonymous request does.
    *post_only("auth.logout", everyone(LOGIN)),
    *post_only("auth.set_language", everyone(ALLOW), data={"lang": "nb"}),
    *get_and_post("auth.set_password_view", everyone(ALLOW), params={"token": "password_token"}),
    *get_and_post("registration.register", everyone(ALLOW)),
    # --- administration ---------------------------------------------------------------------
    *get_and_post("admin.users", expect(["admin"])),
    Rule("admin.audit_log", "GET", expect(["admin"])),
    Rule("admin.candidate_audit_export", "GET", expect(["admin"]), params=CANDIDATE),
    # Admins list and revoke every token but mint none for others; everyone makes their own.
    Rule("tokens.index", "GET", expect(["admin"])),
    *get_and_post("tokens.mine", expect(SIGNED_IN), data={"name": "Eget verktøy"}),
    *post_only(
        "tokens.revoke_mine",
        expect(["employer_contact"], others=NOT_FOUND),
        params={"token_id": "api_token"},
    ),
    # Accounts (issue 17): user administration for admins and coordinators (own partner).
    Rule("users.index", "GET", expect(MANAGEMENT)),
    *get_and_post("users.detail", expect(MANAGEMENT), params={"user_id": "invited_user"}),
    Rule(
        "users.detail",
        "GET",
        expect(["admin"], coordinator=NOT_FOUND),
        params={"user_id": "other_counsellor"},
        variant="other partner",
    ),
    *post_only("users.deactivate", expect(MANAGEMENT), params={"user_id": "invited_user"}),
    *post_only("users.reactivate", expect(MANAGEMENT), params={"user_id": "invited_user"}),
    *post_only("users.send_link", expect(MANAGEMENT), params={"user_id": "invited_user"}),
    *post_only("users.reset_two_factor", expect(["admin"]), params={"user_id": "invited_user"}),
    *get_and_post("partners.index", expect(["admin"])),
    *get_and_post("partners.edit", expect(["admin"]), params={"partner_id": "other_partner"}),
    *post_only("partners.set_active", expect(["admin"]), params={"partner_id": "other_partner"}),
    # The second sign-in step needs a password step just before: everyone else is sent back.
    *get_and_post("account.second_factor", everyone(LOGIN)),
    *get_and_post("account.two_factor", expect(SIGNED_IN)),
    Rule("account.index", "GET", expect(SIGNED_IN)),
    *post_only("account.disable_two_factor", expect([])),
    *get_and_post("account.forgot_password", everyone(ALLOW)),
    # Single sign-on is off unless OIDC_ISSUER is set (tests/integration/test_oidc.py).
    Rule("account.oidc_login", "GET", everyone(NOT_FOUND)),
    Rule("account.oidc_callback", "GET", everyone(NOT_FOUND)),
    *post_only("tokens.revoke_token", expect(["admin"]), params={"token_id": "api_token"}),
    # --- employers --------------------------------------------------------------------------
    Rule("employers.index", "GET", STAFF_ONLY),
    *get_and_post("registration.staff_register", STAFF_ONLY),
    Rule(
        "employers.detail",
        "GET",
        expect(OWN_EMPLOYER_SIDE, others=NOT_FOUND),
        params=EMPLOYER,
    ),
    # Who edits an employer: its managers and its own users (the web and the API agree).
    *get_and_post(
        "employers.edit",
        expect(EMPLOYER_EDITORS, other_employer=NOT_FOUND),
        params=EMPLOYER,
    ),
    *post_only(
        "employers.approval",
        expect(EMPLOYER_MANAGERS),
        params={"employer_id": "pending_employer"},
        data={"decision": "approve"},
    ),
    *post_only(
        "employers.responsible",
        expect(EMPLOYER_MANAGERS),
        params=EMPLOYER,
        data={"responsible_partner_id": "{own_partner}", "agreement": "none"},
    ),
    # Contact persons: the responsible partner's employer managers and the employer's users.
    *get_and_post(
        "employers.add_contact_person",
        expect(EMPLOYER_EDITORS, other_employer=NOT_FOUND),
        params=EMPLOYER,
    ),
    *post_only(
        "employers.delete_contact_person",
        expect(EMPLOYER_EDITORS, other_employer=NOT_FOUND),
        params={**EMPLOYER, "person_id": "second_contact_person"},
    ),
    *post_only(
        "registration.invite_contact",
        expect(EMPLOYER_EDITORS, other_employer=NOT_FOUND),
        params={**EMPLOYER, "person_id": "own_contact_person"},
    ),
    # --- placement needs --------------------------------------------------------------------
    Rule("vacancies.index", "GET", expect(SIGNED_IN)),
    *get_and_post("vacancies.create", expect(SIGNED_IN)),
    Rule("vacancies.detail", "GET", expect(OWN_EMPLOYER_SIDE, others=NOT_FOUND), params=VACANCY),
    Rule(
        "vacancies.detail",
        "GET",
        expect(STAFF, others=NOT_FOUND, other_employer=ALLOW),
        params={"vacancy_id": "other_vacancy"},
        variant="other employer's need",
    ),
    *get_and_post("vacancies.edit", expect(OWN_EMPLOYER_SIDE, others=NOT_FOUND), params=VACANCY),
    *post_only(
        "vacancies.change_status",
        expect(OWN_EMPLOYER_SIDE, others=NOT_FOUND),
        params=VACANCY,
        data={"action": "close", "note": ""},
    ),
    *get_and_post(
        "vacancies.proposal",
        expect(["employer"], other_employer=NOT_FOUND),
        params={**VACANCY, "match_id": "proposed_match"},
    ),
    # --- competence needs -------------------------------------------------------------------
    Rule("competence.index", "GET", STAFF_ONLY),
    *get_and_post("competence.create", expect(SIGNED_IN)),
    *get_and_post(
        "competence.edit",
        expect(OWN_EMPLOYER_SIDE, others=NOT_FOUND),
        params={"need_id": "own_competence_need"},
    ),
    *post_only(
        "competence.set_active",
        expect(OWN_EMPLOYER_SIDE, others=NOT_FOUND),
        params={"need_id": "own_competence_need"},
        data={"active": "0"},
    ),
    Rule("vocabulary.occupations", "GET", expect(SIGNED_IN), query={"q": "lager"}),
    Rule("vocabulary.skills", "GET", expect(SIGNED_IN), query={"q": "truck"}),
    # --- candidates: own partner's counsellors and coordinators only ------------------------
    Rule("candidates.index", "GET", READERS_ONLY),
    *get_and_post("candidates.new", READERS_ONLY),
    Rule("candidates.detail", "GET", READERS_ONLY, params=CANDIDATE),
    Rule(
        "candidates.detail",
        "GET",
        expect([], **dict.fromkeys(CANDIDATE_READERS, NOT_FOUND)),
        params={"candidate_id": "other_candidate"},
        variant="other partner's candidate",
    ),
    *get_and_post("candidates.edit", READERS_ONLY, params=CANDIDATE),
    *post_only(
        "candidates.consent",
        READERS_ONLY,
        params=CANDIDATE,
        data={"scope": "employers_identity", "action": "give", "note": ""},
    ),
    # Data subject rights (issue 8): innsyn and withdrawal for the own partner's counsellors and
    # coordinators; erasure, which cannot be undone, for its coordinators only.
    Rule("candidates.innsyn", "GET", READERS_ONLY, params=CANDIDATE),
    Rule(
        "candidates.innsyn",
        "GET",
        expect([], **dict.fromkeys(CANDIDATE_READERS, NOT_FOUND)),
        params={"candidate_id": "other_candidate"},
        variant="other partner's candidate",
    ),
    Rule("candidates.innsyn_json", "GET", READERS_ONLY, params=CANDIDATE),
    *post_only("candidates.withdraw_consents", READERS_ONLY, params=CANDIDATE),
    *get_and_post(
        "candidates.erase",
        expect(["coordinator"]),
        params=CANDIDATE,
        data={"reason": "request", "confirm": "y"},
    ),
    Rule(
        "candidates.erase",
        "GET",
        expect([], coordinator=NOT_FOUND),
        params={"candidate_id": "other_candidate"},
        variant="other partner's candidate",
    ),
    # --- suggestions and the match pipeline -------------------------------------------------
    Rule("suggestions.for_vacancy", "GET", READERS_ONLY, params=VACANCY),
    *post_only(
        "suggestions.shortlist",
        READERS_ONLY,
        params=VACANCY,
        data={"candidate_id": "{own_candidate}"},
    ),
    Rule("suggestions.for_candidate", "GET", READERS_ONLY, params=CANDIDATE),
    Rule(
        "suggestions.for_candidate",
        "GET",
        expect([], **dict.fromkeys(CANDIDATE_READERS, NOT_FOUND)),
        params={"candidate_id": "other_candidate"},
        variant="other partner's candidate",
    ),
    Rule("suggestions.allocation", "GET", expect(["coordinator"])),
    *post_only(
        "suggestions.accept_allocation",
        expect(["coordinator"]),
        data={"vacancy_id": "{own_vacancy}", "candidate_id": "{own_candidate}"},
    ),
    Rule("matches.detail", "GET", READERS_ONLY, params={"match_id": "proposed_match"}),
    Rule(
        "matches.detail",
        "GET",
        expect([], **dict.fromkeys(CANDIDATE_READERS, NOT_FOUND)),
        params={"match_id": "other_match"},
        variant="other partner's match",
    ),
    *post_only(
        "matches.change",
        READERS_ONLY,
        params={"match_id": "proposed_match"},
        data={"to": "interested"},
    ),
    # A pool candidate of the other partner, found by our counsellor: we may ask to propose.
    *post_only(
        "matches.ask",
        READERS_ONLY,
        params={"match_id": "pool_match"},
        data={"note": "Kan vi foreslå kandidaten?"},
    ),
    *post_only(
        "matches.decide",
        READERS_ONLY,
        params={"request_id": "incoming_request"},
        data={"decision": "accepted", "note": ""},
    ),
    *post_only(
        "matches.add_follow_up",
        READERS_ONLY,
        params={"match_id": "started_match"},
        data={"due_date": "2030-01-15", "note": "Samtale med veileder"},
    ),
    *post_only("matches.follow_up_done", READERS_ONLY, params={"follow_up_id": "follow_up"}),
    # --- employer contacts ------------------------------------------------------------------
    Rule("contacts.index", "GET", STAFF_ONLY),
    *get_and_post("contacts.new", expect(CONTACT_LOGGERS), query={"employer_id": "{own_employer}"}),
    # The one who logged a contact and a coordinator of the same partner may correct it.
    *get_and_post(
        "contacts.edit",
        expect(["employer_contact", "coordinator"]),
        params={"contact_id": "own_contact"},
    ),
    Rule("contacts.follow_ups", "GET", expect(CONTACT_LOGGERS)),
    # --- reports ----------------------------------------------------------------------------
    Rule("reports.index", "GET", expect(CONTACT_REPORT_ROLES)),
    Rule("reports.contacts", "GET", expect(CONTACT_REPORT_ROLES)),
    Rule("reports.contacts_export", "GET", expect(CONTACT_REPORT_ROLES), params={"fmt": "csv"}),
    Rule("reports.outcomes", "GET", expect(MANAGEMENT)),
    Rule("reports.outcomes_export", "GET", expect(MANAGEMENT), params={"fmt": "xlsx"}),
    Rule("reports.dashboard", "GET", expect(MANAGEMENT)),
    Rule("reports.fairness", "GET", expect(MANAGEMENT)),
    Rule("reports.fairness_export", "GET", expect(MANAGEMENT), params={"fmt": "csv"}),
    # --- the JSON API (/api/v1, bearer tokens) ----------------------------------------------
    # API_RULES below; rows use auth=TOKEN.
]

# The JSON API under /api/v1. Anonymous = no Authorization header = 401.
API_RULES: list[Rule] = []


def api_rule(endpoint: str, method: str, allowed: Iterable[str], **kwargs) -> Rule:
    """An API row: roles outside `allowed` get 403 unless told otherwise, anonymous 401."""
    others = kwargs.pop("others", FORBIDDEN)
    exceptions = kwargs.pop("exceptions", {})
    expected = expect(allowed, others=others, anonymous=UNAUTHORIZED, **exceptions)
    return Rule(endpoint, method, expected, auth=TOKEN, **kwargs)


# People (api/people.py): candidates, placements, employer contacts, the contact report.
# A GET to a POST or PATCH endpoint's URL reaches the list or the single-object operation.
EMPLOYER_USERS = ("employer", "other_employer")
OTHER_CANDIDATE = {"candidate_id": "other_candidate"}
NEW_CANDIDATE = {
    "first_name": "Test",
    "last_name": "Person",
    "programme": "KVP",
    "innsatsgruppe": "standard",
}
NEW_PLACEMENT = {
    "candidate_id": "{own_candidate}",
    "type": "arbeidspraksis",
    "title": "Renholder",
    "start_date": "2024-01-08",
    "outcome": "completed",
}
NEW_CONTACT = {
    "employer_id": "{own_employer}",
    "contact_date": "2026-01-15",
    "channel": "phone",
    "result": "conversation",
}
OTHER_READERS_404 = {"exceptions": dict.fromkeys(CANDIDATE_READERS, NOT_FOUND)}
API_RULES += [
    api_rule("api.list_candidates", "GET", CANDIDATE_READERS),
    api_rule("api.create_candidate", "GET", CANDIDATE_READERS),
    api_rule("api.create_candidate", "POST", CANDIDATE_READERS, data=NEW_CANDIDATE),
    api_rule("api.get_candidate", "GET", CANDIDATE_READERS, params=CANDIDATE),
    api_rule(
        "api.get_candidate",
        "GET",
        [],
        params=OTHER_CANDIDATE,
        variant="other partner's candidate",
        **OTHER_READERS_404,
    ),
    api_rule("api.update_candidate", "GET", CANDIDATE_READERS, params=CANDIDATE),
    api_rule(
        "api.update_candidate", "PATCH", CANDIDATE_READERS, params=CANDIDATE, data={"summary": "X"}
    ),
    api_rule(
        "api.update_candidate",
        "PATCH",
        [],
        params=OTHER_CANDIDATE,
        data={"summary": "X"},
        variant="other partner's candidate",
        **OTHER_READERS_404,
    ),
    # Employer users read their own employer's placements, without the candidate.
    api_rule("api.list_placements", "GET", (*CANDIDATE_READERS, *EMPLOYER_USERS)),
    api_rule("api.create_placement", "GET", (*CANDIDATE_READERS, *EMPLOYER_USERS)),
    api_rule("api.create_placement", "POST", CANDIDATE_READERS, data=NEW_PLACEMENT),
    # The world's placement is the own candidate's, at the other employer.
    api_rule(
        "api.get_placement",
        "GET",
        (*CANDIDATE_READERS, "other_employer"),
        params={"placement_id": "placement"},
        exceptions={"employer": NOT_FOUND},
    ),
    api_rule(
        "api.update_placement",
        "GET",
        (*CANDIDATE_READERS, "other_employer"),
        params={"placement_id": "placement"},
        exceptions={"employer": NOT_FOUND},
    ),
    # Allowed roles get 409 here (the placement belongs to a match): past the access checks.
    api_rule(
        "api.update_placement",
        "PATCH",
        CANDIDATE_READERS,
        params={"placement_id": "placement"},
        data={"note": "X"},
    ),
    api_rule("api.list_contacts", "GET", STAFF),
    api_rule("api.create_contact", "GET", STAFF),
    api_rule("api.create_contact", "POST", CONTACT_LOGGERS, data=NEW_CONTACT),
    api_rule("api.get_contact", "GET", STAFF, params={"contact_id": "own_contact"}),
    api_rule("api.update_contact", "GET", STAFF, params={"contact_id": "own_contact"}),
    # The one who logged the contact, and a coordinator of the same partner.
    api_rule(
        "api.update_contact",
        "PATCH",
        ("employer_contact", "coordinator"),
        params={"contact_id": "own_contact"},
        data={"purpose": "X"},
    ),
    api_rule(
        "api.employer_contact_report",
        "GET",
        CONTACT_REPORT_ROLES,
        query={"from": "2026-01-01", "to": "2026-01-31"},
    ),
    api_rule(
        "api.employer_contact_report",
        "GET",
        CONTACT_REPORT_ROLES,
        query={"from": "2026-01-01", "to": "2026-01-31", "format": "csv"},
        variant="csv",
    ),
]
# Employers, needs, matches and proposals (api/views.py).
NEW_EMPLOYER = {
    "orgnr": "{new_orgnr}",
    "name": "Ny Bedrift AS",
    "nace_section": "H",
    "district": "Alna",
    "size_band": "small",
    "contact": {"name": "Nina Ny", "email": "nina@nybedrift.no"},
}
NEW_VACANCY = {
    "title": "Lagerarbeider",
    "type": "arbeidspraksis",
    "district": "Alna",
    "employer_id": "{own_employer}",
}
OWN_VACANCY = {"vacancy_id": "own_vacancy"}
API_RULES += [
    # The description of the API is public: no token needed.
    Rule("api.openapi_document", "GET", everyone(ALLOW), auth=TOKEN),
    Rule("api.docs", "GET", everyone(ALLOW), auth=TOKEN),
    api_rule("api.list_employers", "GET", SIGNED_IN),
    api_rule("api.get_employer", "GET", OWN_EMPLOYER_SIDE, others=NOT_FOUND, params=EMPLOYER),
    api_rule("api.create_employer", "POST", STAFF, data=NEW_EMPLOYER),
    # Employer managers and the employer itself edit; other staff may read, not edit.
    api_rule(
        "api.update_employer",
        "PATCH",
        (*EMPLOYER_MANAGERS, "employer"),
        params=EMPLOYER,
        data={"city": "Oslo"},
        exceptions={"other_employer": NOT_FOUND},
    ),
    api_rule("api.list_vacancies", "GET", SIGNED_IN),
    api_rule("api.get_vacancy", "GET", OWN_EMPLOYER_SIDE, others=NOT_FOUND, params=OWN_VACANCY),
    # Every employer user may post needs (the other one gets a field error for our employer).
    api_rule("api.create_vacancy", "POST", SIGNED_IN, data=NEW_VACANCY),
    api_rule(
        "api.update_vacancy",
        "PATCH",
        OWN_EMPLOYER_SIDE,
        others=NOT_FOUND,
        params=OWN_VACANCY,
        data={"description": "Oppdatert beskrivelse"},
    ),
    api_rule("api.vacancy_suggestions", "GET", CANDIDATE_READERS, params=OWN_VACANCY),
    api_rule(
        "api.create_match",
        "POST",
        CANDIDATE_READERS,
        data={
            "vacancy_id": "{own_vacancy}",
            "candidate_id": "{second_candidate}",
            "status": "shortlisted",
        },
    ),
    api_rule("api.get_match", "GET", CANDIDATE_READERS, params={"match_id": "proposed_match"}),
    api_rule(
        "api.get_match",
        "GET",
        [],
        params={"match_id": "other_match"},
        variant="other partner's match",
        **OTHER_READERS_404,
    ),
    # Counsellors move the pipeline; the employer answers its own proposals.
    api_rule(
        "api.add_match_event",
        "POST",
        (*CANDIDATE_READERS, "employer"),
        params={"match_id": "proposed_match"},
        data={"to": "interested"},
        exceptions={"other_employer": NOT_FOUND},
    ),
    api_rule("api.list_proposals", "GET", EMPLOYER_USERS),
]
RULES.extend(API_RULES)

# URL parameters that are not object ids, and the literal value they take.
LITERAL_PARAMS = {"css_file": "css/app.css", "csv": "csv", "xlsx": "xlsx"}


@dataclass
class World:
    """Two partners, two employers and what hangs off them; `ids` names objects by key."""

    ids: dict[str, int | str]
    users: dict[str, object]  # role -> User (no entry for anonymous)
    password_token: str
    api_secrets: dict[str, str] = field(default_factory=dict)  # role -> bearer secret

    def value(self, key: str) -> int | str:
        """The id (or literal) a rule's parameter names."""
        if key in LITERAL_PARAMS:
            return LITERAL_PARAMS[key]
        if key == "password_token":
            return self.password_token
        return self.ids[key]

    def url_values(self, rule: Rule) -> dict[str, int | str]:
        """URL parameters for `url_for`."""
        return {name: self.value(key) for name, key in rule.params.items()}

    def format(self, values: Mapping[str, object]) -> dict:
        """A rule's query or body with world ids filled in (in nested JSON bodies too)."""

        def fill(value):
            if isinstance(value, str):
                return value.format(**self.ids)
            if isinstance(value, Mapping):
                return {k: fill(v) for k, v in value.items()}
            if isinstance(value, list):
                return [fill(v) for v in value]
            return value

        return fill(values)


def valid_orgnrs(first: int = 97_000_000) -> Iterator[str]:
    """Valid organisasjonsnumre (mod-11 check digit) from `first` (8 digits) upwards."""
    from stdnum.no import orgnr

    for n in range(first, 100_000_000):
        for check in range(10):
            if orgnr.is_valid(f"{n}{check}"):
                yield f"{n}{check}"


def build_world() -> World:
    """Build the fixture world the rules name (see the module docstring), in one transaction."""
    from flask import current_app

    from employerpool.services.auth import issue_set_password_token
    from employerpool.services.tokens import create_token
    from tests.conftest import PASSWORD

    numbers = valid_orgnrs()
    method = current_app.config["PASSWORD_HASH_METHOD"]

    def add(row):
        db.session.add(row)
        db.session.flush()
        return row

    def user(role: Role, name: str, **kw) -> User:
        row = User(email=f"{name.lower()}@test.no", name=name.title(), role=role, **kw)
        row.set_password(PASSWORD, method)
        return add(row)

    def employer(name: str, district: District, **kw) -> Employer:
        return add(Employer(orgnr=next(numbers), name=name, district=district, **kw))

    def vacancy(owner: Employer, title: str) -> Vacancy:
        return add(
            Vacancy(
                employer_id=owner.id,
                title=title,
                type=PlacementType.arbeidspraksis,
                status=VacancyStatus.open,
                district=owner.district,
            )
        )

    def candidate(partner: Partner, first_name: str, consents: tuple[ConsentScope, ...]):
        row = Candidate(
            partner_id=partner.id,
            first_name=first_name,
            last_name="Testesen",
            birth_year=1990,
            programme=Programme.KVP,
            innsatsgruppe=Innsatsgruppe.situasjonsbestemt,
            district=District.Stovner,
        )
        row.consents = [ConsentRecord(scope=scope) for scope in consents]
        return add(row)

    def match(vacancy, candidate, creator, status, outcome=None) -> Match:
        row = add(
            Match(
                vacancy_id=vacancy.id,
                candidate_id=candidate.id,
                status=status,
                outcome=outcome,
                created_by_id=creator.id,
            )
        )
        # The history the pipeline would have written (an employer sees a proposal only
        # within its retention period, counted from the "proposed" event).
        for axis, value in (("status", status), ("outcome", outcome)):
            if value is not None:
                add(
                    MatchEvent(match_id=row.id, actor_id=creator.id, axis=axis, to_value=value.name)
                )
        return row

    own_partner = add(Partner(name="NAV Alna", kind=PartnerKind.nav, district=District.Alna))
    other_partner = add(
        Partner(name="NAV Stovner", kind=PartnerKind.nav, district=District.Stovner)
    )
    own_employer = employer("Alna Lager AS", District.Alna, responsible_partner_id=own_partner.id)
    other_employer = employer("Stovner Renhold AS", District.Stovner)
    pending_employer = employer("Venter AS", District.Grorud, approval=ApprovalStatus.pending)
    own_employer.contact_persons = [
        ContactPerson(name="Kari Kontakt", email="kari@alnalager.no", phone="22334455"),
        ContactPerson(name="Per Nummer To", email="per@alnalager.no"),
    ]
    other_employer.contact_persons = [ContactPerson(name="Siri Stovner", email="siri@renhold.no")]
    users = {
        role.name: user(role, role.name, partner_id=own_partner.id)
        for role in Role
        if role.is_staff
    }
    users["employer"] = user(Role.employer, "employer", employer_id=own_employer.id)
    users["other_employer"] = user(Role.employer, "other_employer", employer_id=other_employer.id)
    other_counsellor = user(Role.counsellor, "other_counsellor", partner_id=other_partner.id)
    invited = user(Role.counsellor, "invited", partner_id=own_partner.id)
    own_vacancy = vacancy(own_employer, "Lagermedarbeider")
    other_vacancy = vacancy(other_employer, "Renholder")
    pool = (ConsentScope.pool_partners,)
    own_candidate = candidate(own_partner, "Amina", (ConsentScope.employers, *pool))
    second_candidate = candidate(own_partner, "Bashir", pool)
    other_candidate = candidate(other_partner, "Sahra", pool)
    hidden_candidate = candidate(other_partner, "Hidaya", ())  # no consent to pool sharing
    counsellor = users["counsellor"]
    proposed = match(own_vacancy, own_candidate, counsellor, MatchStatus.proposed)
    started = match(
        other_vacancy, own_candidate, counsellor, MatchStatus.proposed, MatchOutcome.started
    )
    placement = add(
        Placement(
            candidate_id=own_candidate.id,
            employer_id=other_employer.id,
            vacancy_id=other_vacancy.id,
            match_id=started.id,
            type=PlacementType.arbeidspraksis,
            title="Renholder",
            start_date=dt.date(2026, 1, 5),
            outcome=PlacementOutcome.ongoing,
        )
    )
    follow_up = add(FollowUp(placement_id=placement.id, due_date=dt.date(2026, 2, 1)))
    pool_match = match(own_vacancy, other_candidate, counsellor, MatchStatus.suggested)
    other_match = match(other_vacancy, other_candidate, other_counsellor, MatchStatus.shortlisted)
    asked = match(other_vacancy, second_candidate, other_counsellor, MatchStatus.suggested)
    request = add(
        ProposalRequest(
            match_id=asked.id,
            requested_by_id=other_counsellor.id,
            requesting_partner_id=other_partner.id,
            candidate_partner_id=own_partner.id,
            note="Vi har en plass som passer.",
        )
    )
    need = add(CompetenceNeed(employer_id=own_employer.id, occupation_label="truckfører", volume=4))
    contact = add(
        EmployerContact(
            employer_id=own_employer.id,
            partner_id=own_partner.id,
            user_id=users["employer_contact"].id,
            contact_date=dt.date(2026, 1, 10),
            channel=ContactChannel.phone,
            result=ContactResult.follow_up_later,
            follow_up_date=dt.date(2026, 2, 10),
            purpose="Kartlegge behov",
        )
    )
    password_token = issue_set_password_token(invited)
    api_token, _secret = create_token(users["employer_contact"], "integrasjon")
    db.session.commit()
    ids = {
        "own_partner": own_partner.id,
        "other_partner": other_partner.id,
        "own_employer": own_employer.id,
        "other_employer": other_employer.id,
        "pending_employer": pending_employer.id,
        "own_contact_person": own_employer.contact_persons[0].id,
        "second_contact_person": own_employer.contact_persons[1].id,
        "other_contact_person": other_employer.contact_persons[0].id,
        "own_vacancy": own_vacancy.id,
        "other_vacancy": other_vacancy.id,
        "own_candidate": own_candidate.id,
        "second_candidate": second_candidate.id,
        "other_candidate": other_candidate.id,
        "hidden_candidate": hidden_candidate.id,
        "proposed_match": proposed.id,
        "started_match": started.id,
        "pool_match": pool_match.id,
        "other_match": other_match.id,
        "asked_match": asked.id,
        "incoming_request": request.id,
        "placement": placement.id,
        "follow_up": follow_up.id,
        "own_competence_need": need.id,
        "own_contact": contact.id,
        "api_token": api_token.id,
        "new_orgnr": next(numbers),  # valid, and no employer has it
        "other_counsellor": other_counsellor.id,
        "invited_user": invited.id,
    }
    return World(ids=ids, users=users, password_token=password_token)


# Tables a request may write to without changing anything: the audit trail (reads and
# refusals are audited) and rate-limit counters.
VOLATILE_TABLES = {"audit_event", "rate_limit_bucket"}


def row_counts() -> dict[str, int]:
    """Rows per table (one query), except VOLATILE_TABLES: what "nothing was saved" compares."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in VOLATILE_TABLES]
    stmt = union_all(
        *(
            select(literal(t.name).label("name"), func.count().label("n")).select_from(t)
            for t in tables
        )
    )
    with db.engine.connect() as conn:
        return {name: n for name, n in conn.execute(stmt)}


def add_api_tokens(world: World) -> None:
    """Give every signed-in role a bearer token (for API rows)."""
    from employerpool.services.tokens import create_token

    for role, user in world.users.items():
        _token, world.api_secrets[role] = create_token(user, f"matrix {role}")
    db.session.commit()


def rules_for(method: str | None = None) -> list[Rule]:
    """Rows of one method (all rows without `method`)."""
    return [r for r in RULES if method is None or r.method == method]


def allowed_roles(rule: Rule) -> list[str]:
    """Roles the rule allows, in ROLES order."""
    return [role for role in ROLES if rule.expected[role] == ALLOW]
