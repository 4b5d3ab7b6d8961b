"""Web and API give the same decision for the same action, for every role (issue 15).

Both doors read `services.access`; this walks every action that has a web route and an API
operation, sends both requests (from `access_rules.RULES`) as every role — another partner's
staff and another organisation's employer included — and compares the decisions: allowed, or
refused (a login redirect, 401, 403 and 404 are all "refused"). A refused request must change
nothing: every table's content (the audit trail and rate-limit counters aside) is the same
afterwards, so another partner's rows are untouched.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from tests.integration.access_rules import (
    ROLES,
    RULES,
    TOKEN,
    VOLATILE_TABLES,
    Rule,
)
from tests.integration.test_access import (  # noqa: F401  (world: the matrix's fixture)
    DENIALS,
    outcome,
    send,
    signed_in_client,
    world,
)

# action -> (web rule id, API rule id). Ids are `Rule.id`: "endpoint METHOD [variant]".
PAIRS: dict[str, tuple[str, str]] = {
    "read an employer": ("employers.detail GET", "api.get_employer GET"),
    "edit an employer": ("employers.edit POST", "api.update_employer PATCH"),
    "register an employer": ("registration.staff_register POST", "api.create_employer POST"),
    "list needs": ("vacancies.index GET", "api.list_vacancies GET"),
    "read a need": ("vacancies.detail GET", "api.get_vacancy GET"),
    "post a need": ("vacancies.create POST", "api.create_vacancy POST"),
    "edit a need": ("vacancies.edit POST", "api.update_vacancy PATCH"),
    "suggestions for a need": ("suggestions.for_vacancy GET", "api.vacancy_suggestions GET"),
    "read a match": ("matches.detail GET", "api.get_match GET"),
    "read another partner's match": (
        "matches.detail GET other partner's match",
        "api.get_match GET other partner's match",
    ),
    "list candidates": ("candidates.index GET", "api.list_candidates GET"),
    "register a candidate": ("candidates.new POST", "api.create_candidate POST"),
    "read a candidate": ("candidates.detail GET", "api.get_candidate GET"),
    "read another partner's candidate": (
        "candidates.detail GET other partner's candidate",
        "api.get_candidate GET other partner's candidate",
    ),
    "edit a candidate": ("candidates.edit POST", "api.update_candidate PATCH"),
    "read the contact log": ("contacts.index GET", "api.list_contacts GET"),
    "log a contact": ("contacts.new POST", "api.create_contact POST"),
    "correct a contact": ("contacts.edit POST", "api.update_contact PATCH"),
    "the employer-contact report": ("reports.contacts GET", "api.employer_contact_report GET"),
}
BY_ID = {rule.id: rule for rule in RULES}


def decision(result: str) -> str:
    """Allowed or refused: how a login redirect, 401, 403 or 404 differ is not a decision.

    As in the access matrix, a change that got past the access checks (a 400 or 422 for a
    bare body included) counts as allowed.
    """
    return "refused" if result in DENIALS else "allowed"


def contents() -> dict[str, list[tuple]]:
    """Every row of every table but the volatile ones: what "nothing changed" compares."""
    out = {}
    for table in db.metadata.sorted_tables:
        if table.name in VOLATILE_TABLES:
            continue
        rows = db.session.execute(select(table)).all()
        out[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return out


def test_every_pair_names_real_rules():
    missing = [rid for pair in PAIRS.values() for rid in pair if rid not in BY_ID]
    assert not missing, f"no such rule: {missing}"
    for web, api in PAIRS.values():
        assert BY_ID[web].auth != TOKEN and BY_ID[api].auth == TOKEN


@pytest.mark.parametrize("action", list(PAIRS))
def test_the_table_gives_web_and_api_the_same_decision(action):
    web, api = (BY_ID[rid] for rid in PAIRS[action])
    differ = {
        role: (web.expected[role], api.expected[role])
        for role in ROLES
        if decision(web.expected[role]) != decision(api.expected[role])
    }
    assert not differ, f"{action}: web and API disagree: {differ}"


def _refused_changes_nothing(app, world, role: str, rule: Rule) -> str:  # noqa: F811
    client = signed_in_client(app, world, role, rule.auth)
    db.session.expire_all()
    before = contents()
    response = send(client, world, role, rule)
    assert response.status_code < 500, f"{rule.id} as {role}: {response.status_code}"
    got = outcome(response)
    db.session.expire_all()
    if rule.method != "GET" and decision(got) == "refused":
        assert contents() == before, f"{rule.id} as {role}: refused, but rows changed"
    return got


@pytest.mark.parametrize("role", ROLES)
def test_web_and_api_decide_alike_for_every_role(app, world, role):  # noqa: F811
    """Both doors, as `role`, for every action: the same decision, and a refusal is a no-op.

    Allowed changes are made on the shared world one after another; that is fine here because
    each action's decision depends on roles and ownership, which no allowed change alters.
    """
    problems = []
    for action, (web_id, api_id) in PAIRS.items():
        web_got = _refused_changes_nothing(app, world, role, BY_ID[web_id])
        api_got = _refused_changes_nothing(app, world, role, BY_ID[api_id])
        if decision(web_got) != decision(api_got):
            problems.append(f"{action}: web {web_got}, API {api_got}")
    assert not problems, f"{role}:\n" + "\n".join(problems)
