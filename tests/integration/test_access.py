"""The access-control matrix: every endpoint × method × role from `access_rules.RULES`, run
against a fixture world, and a check that no route in the URL map is without a rule."""

from __future__ import annotations

import ast
import pathlib
import re
from urllib.parse import urlsplit

import pytest
from flask import url_for
from werkzeug.exceptions import MethodNotAllowed, NotFound

from employerpool.extensions import db
from employerpool.models import AuditEvent
from employerpool.models.enums import AuditAction
from tests.conftest import REQUEST_COUNTS, IsolatedClient, _empty_all_tables, csrf_token, login
from tests.integration import access_rules
from tests.integration.access_rules import (
    ALLOW,
    LOGIN,
    ROLES,
    RULES,
    SESSION,
    TOKEN,
    Rule,
    World,
    build_world,
    row_counts,
)

SUITE = "access matrix"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
REDIRECTS = {301, 302, 303, 307, 308}
# Outcomes that mean "refused"; an allowed non-GET request must get none of them.
DENIALS = {LOGIN, "401", "403", "404", "405"}


class CountingClient(IsolatedClient):
    """Counts this suite's requests for the summary at the end of the run."""

    def open(self, *args, **kwargs):
        REQUEST_COUNTS[SUITE] += 1
        return super().open(*args, **kwargs)


@pytest.fixture
def world(app) -> World:
    world = build_world()
    if any(rule.auth == TOKEN for rule in RULES):
        access_rules.add_api_tokens(world)
    return world


def outcome(response) -> str:
    """Classify a response as one of the access_rules outcomes (or its status code)."""
    if response.status_code in REDIRECTS:
        path = urlsplit(response.headers["Location"]).path
        return LOGIN if path.rstrip("/") == "/login" else ALLOW
    if 200 <= response.status_code < 300:
        return ALLOW
    return str(response.status_code)


def signed_in_client(app, world: World, role: str, auth: str = SESSION) -> CountingClient:
    """A client for `role`: logged in through the form (session rows) or with no session."""
    client = CountingClient(app, app.response_class, use_cookies=True)
    if role != "anonymous" and auth != TOKEN:
        response = login(client, world.users[role].email)
        assert response.status_code in REDIRECTS, f"login as {role} failed"
    return client


def send(client, world: World, role: str, rule: Rule):
    """Make the rule's request as `role`, with a CSRF token (session) or bearer token (API)."""
    url = url_for(rule.endpoint, **world.url_values(rule))
    query = world.format(rule.query)
    headers = {}
    data = world.format(rule.data)
    if rule.auth == TOKEN:
        if role != "anonymous":
            headers["Authorization"] = f"Bearer {world.api_secrets[role]}"
    elif rule.method != "GET":
        form_page = "/login" if role == "anonymous" else url_for("main.home")
        data["csrf_token"] = csrf_token(client, form_page)
    # The API reads JSON bodies only: a form body would be refused (415) before any role check.
    body = {"json": data} if rule.auth == TOKEN and rule.method != "GET" else {"data": data or None}
    return client.open(
        url,
        method=rule.method,
        query_string=query,
        headers=headers,
        buffered=True,  # read and close file responses (static) at once
        **body,
    )


def check(rule: Rule, role: str, response) -> str | None:
    """None when the response is what the rule expects for `role`, else a description."""
    expected, got = rule.expected[role], outcome(response)
    if response.status_code >= 500 and got != expected:
        return f"{role}: {response.status_code}"
    allowed_change = expected == ALLOW and rule.method != "GET"
    if (got not in DENIALS) if allowed_change else (got == expected):
        return None
    location = response.headers.get("Location", "")
    return f"{role}: expected {expected}, got {got} ({response.status_code} {location})".strip()


GET_RULES = [r for r in RULES if r.method == "GET"]
CHANGE_RULES = [r for r in RULES if r.method != "GET"]


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(app, world, role):
    """Every GET row as one role, signed in once: a GET changes nothing that decides access."""
    clients = {auth: signed_in_client(app, world, role, auth) for auth in (SESSION, TOKEN)}
    problems = []
    for rule in GET_RULES:
        problem = check(rule, role, send(clients[rule.auth], world, role, rule))
        if problem:
            problems.append(f"{rule.id}: {problem}")
    assert not problems, "\n".join(problems)


def _fresh_world() -> World:
    """Empty every table and build the world again (the app and its schema stay)."""
    _empty_all_tables()
    db.session.expunge_all()  # the old world's rows are gone; so must their objects be
    world = build_world()
    if any(rule.auth == TOKEN for rule in RULES):
        access_rules.add_api_tokens(world)
    return world


@pytest.mark.parametrize("rule", CHANGE_RULES, ids=lambda r: r.id)
def test_change_matrix(app, world, rule):
    """The roles to be refused all try on one world and must change nothing at all; each role
    that may make the change gets a fresh world, so no cell sees another cell's change."""
    problems = []
    before = row_counts()
    for role in (r for r in ROLES if rule.expected[r] != ALLOW):
        client = signed_in_client(app, world, role, rule.auth)
        problem = check(rule, role, send(client, world, role, rule))
        if problem:
            problems.append(problem)
    after = row_counts()
    if after != before:
        changed = {t: (before[t], n) for t, n in after.items() if before.get(t) != n}
        problems.append(f"refused requests changed rows: {changed}")
    for i, role in enumerate(r for r in ROLES if rule.expected[r] == ALLOW):
        world = _fresh_world() if i else world
        client = signed_in_client(app, world, role, rule.auth)
        problem = check(rule, role, send(client, world, role, rule))
        if problem:
            problems.append(problem)
    assert not problems, f"{rule.id}: " + "; ".join(problems)


# --- every route has a rule -------------------------------------------------------------------


def _covered_elsewhere() -> set[str]:
    """Endpoints whose rules still live in other test modules (`COVERED_ENDPOINTS`).

    Kept so engineers can declare a new endpoint there while its row is written here; the
    table in access_rules.py is where the rules belong. Read from the source, not imported.
    """
    covered: set[str] = set()
    for path in sorted(pathlib.Path(__file__).parent.rglob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign):
                targets, value = [node.target], node.value
            else:
                continue
            named = any(getattr(t, "id", None) == "COVERED_ENDPOINTS" for t in targets)
            if named and value is not None and not isinstance(value, ast.Call):  # set(): none
                covered |= set(ast.literal_eval(value))
    return covered


def _routes(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) the app answers, GET included for every endpoint."""
    pairs = set()
    for url_rule in app.url_map.iter_rules():
        for method in (url_rule.methods or set()) - IGNORED_METHODS | {"GET"}:
            pairs.add((url_rule.endpoint, method))
    return pairs


ARGUMENT = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def _sample_path(url_rule) -> str:
    """A URL of `url_rule` with made-up arguments (1 for ints, the first choice of an any)."""
    values: dict[str, object] = {}
    for converter, args, name in ARGUMENT.findall(url_rule.rule):
        if converter == "int":
            values[name] = 1
        elif converter == "any":
            values[name] = args.split(",")[0].strip(" '\"")
        else:
            values[name] = "x"
    return url_for(url_rule.endpoint, **values)


def _required(app) -> set[tuple[str, str]]:
    """The (endpoint, method) pairs that need a rule: every method a route accepts, and GET
    where a GET to its URL is refused with 405 (not where it reaches another route, as a GET
    to the URL of an API "create" reaches the list)."""
    adapter = app.url_map.bind("localhost")
    pairs = set()
    for url_rule in app.url_map.iter_rules():
        methods = (url_rule.methods or set()) - IGNORED_METHODS
        pairs |= {(url_rule.endpoint, m) for m in methods}
        if "GET" not in methods:
            try:
                adapter.match(_sample_path(url_rule), method="GET")
            except MethodNotAllowed:
                pairs.add((url_rule.endpoint, "GET"))
            except NotFound:
                pass
    return pairs


def test_every_route_and_method_has_an_access_rule(app):
    """A new route (or a new method on one) without a row in access_rules.RULES fails here."""
    ruled = {(r.endpoint, r.method) for r in RULES}
    elsewhere = _covered_elsewhere()
    missing = sorted(
        f"{endpoint} {method}"
        for endpoint, method in _required(app) - ruled
        if endpoint not in elsewhere
    )
    assert not missing, f"routes without an access rule in access_rules.py: {missing}"


def test_every_rule_names_a_real_route(app):
    """A rule for a removed route or method is stale and fails too."""
    stale = sorted(r.id for r in RULES if (r.endpoint, r.method) not in _routes(app))
    assert not stale, f"rules for routes that do not exist: {stale}"


def test_csrf_is_required_for_a_matrix_post(app, world):
    """The matrix posts with a CSRF token; without one the same request is refused."""
    client = signed_in_client(app, world, "coordinator")
    response = client.post(url_for("auth.set_language"), data={"lang": "nb"})
    assert response.status_code == 400


# --- the visibility model in detail -----------------------------------------------------------


def test_counsellor_cannot_read_another_partners_candidate_and_the_refusal_is_audited(
    client, world
):
    counsellor = world.users["counsellor"]
    other = world.ids["other_candidate"]
    login(client, counsellor.email)
    response = client.get(f"/candidates/{other}")
    assert response.status_code == 404
    assert "Sahra" not in response.get_data(as_text=True)
    event = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.object_type == "candidate", AuditEvent.object_id == other
        )
    ).one()
    assert event.allowed is False and event.user_id == counsellor.id


def test_reading_an_own_candidate_writes_exactly_one_audit_event(client, world):
    own = world.ids["own_candidate"]
    login(client, world.users["counsellor"].email)
    response = client.get(f"/candidates/{own}")
    assert response.status_code == 200
    assert "Amina Testesen" in response.get_data(as_text=True)
    events = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.action == AuditAction.view, AuditEvent.object_type == "candidate"
        )
    ).all()
    assert [(e.object_id, e.allowed) for e in events] == [(own, True)]


def test_candidate_list_shows_only_own_partners_candidates(client, world):
    login(client, world.users["counsellor"].email)
    html = client.get("/candidates/").get_data(as_text=True)
    assert f"/candidates/{world.ids['own_candidate']}" in html
    assert f"/candidates/{world.ids['other_candidate']}" not in html


def test_employer_user_sees_only_its_own_needs(client, world):
    own, other = world.ids["own_vacancy"], world.ids["other_vacancy"]
    login(client, world.users["employer"].email)
    html = client.get("/vacancies/").get_data(as_text=True)
    assert f"/vacancies/{own}" in html
    assert f"/vacancies/{other}" not in html
    start = client.get("/start").get_data(as_text=True)
    assert f"/vacancies/{own}" in start
    assert f"/vacancies/{other}" not in start


def test_staff_share_every_employer_and_need(client, world):
    login(client, world.users["employer_contact"].email)
    html = client.get("/vacancies/?status=all").get_data(as_text=True)
    assert f"/vacancies/{world.ids['own_vacancy']}" in html
    assert f"/vacancies/{world.ids['other_vacancy']}" in html
    html = client.get("/employers/").get_data(as_text=True)
    assert f"/employers/{world.ids['own_employer']}" in html
    assert f"/employers/{world.ids['other_employer']}" in html
