"""Hardening: security headers on every page, bounded requests, production settings, and
allowlisted list filters (issue 8)."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from werkzeug.routing.converters import AnyConverter, NumberConverter

from employerpool import create_app
from employerpool.config import ConfigError
from employerpool.extensions import db
from employerpool.models.enums import Role
from tests.conftest import IsolatedClient, csrf_token, login
from tests.integration import access_rules
from tests.integration.access_rules import ALLOW, RULES, TOKEN, World, build_world

COVERED_ENDPOINTS: set[str] = set()  # no routes of its own
IGNORED_METHODS = {"HEAD", "OPTIONS"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def _get_endpoints(app) -> list[str]:
    """Every endpoint in the URL map that answers GET."""
    return sorted(
        {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    )


def _page_for(endpoint: str):
    """The access rule to open `endpoint` with, and one role allowed to (signed-in first)."""
    for rule in RULES:
        if rule.endpoint != endpoint or rule.method != "GET":
            continue
        allowed = [role for role, outcome in rule.expected.items() if outcome == ALLOW]
        signed_in = [role for role in allowed if role != "anonymous"]
        if allowed:
            return rule, (signed_in or allowed)[0]
    return None, None


def _placeholder_url(app, endpoint: str) -> str:
    """A URL for an endpoint without an access rule yet: 1 for numbers, else the first choice."""
    rule = next(r for r in app.url_map.iter_rules(endpoint) if "GET" in (r.methods or ()))
    values: dict[str, object] = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, NumberConverter):
            values[name] = 1
        elif isinstance(converter, AnyConverter):
            values[name] = converter.regex.strip("()").split("|")[0].replace("\\", "")
        else:
            values[name] = "x"
    return url_for(endpoint, **values)


@pytest.fixture
def pages(app):
    """(endpoint, role, response over HTTP, response over HTTPS) for every GET endpoint.

    An endpoint is opened as the first signed-in role its access rule allows (anonymous for
    public pages). Endpoints whose rule is still missing (test_access fails for them) are
    opened anonymously with placeholder ids: their answer, whatever it is, needs the headers.
    """
    world: World = build_world()
    if any(rule.auth == TOKEN for rule in RULES):
        access_rules.add_api_tokens(world)
    clients: dict[tuple[str, str], IsolatedClient] = {}
    out = []
    for endpoint in _get_endpoints(app):
        rule, role = _page_for(endpoint)
        if rule is None:
            url = _placeholder_url(app, endpoint)
            plain = app.test_client().get(url, buffered=True)
            secure = app.test_client().get(url, base_url="https://localhost", buffered=True)
            out.append((endpoint, None, plain, secure))
            continue
        key = (role, rule.auth)
        if key not in clients:
            client = app.test_client()
            if role != "anonymous" and rule.auth != TOKEN:
                login(client, world.users[role].email)
            clients[key] = client
        client = clients[key]
        headers = {}
        if rule.auth == TOKEN and role != "anonymous":
            headers["Authorization"] = f"Bearer {world.api_secrets[role]}"
        url = url_for(endpoint, **world.url_values(rule))
        query = world.format(rule.query)
        plain = client.get(url, query_string=query, headers=headers, buffered=True)
        secure = client.get(
            url, query_string=query, headers=headers, base_url="https://localhost", buffered=True
        )
        out.append((endpoint, role, plain, secure))
    return out


def _directives(csp: str) -> dict[str, str]:
    parts = (p.strip().split(None, 1) for p in csp.split(";") if p.strip())
    return {p[0].lower(): (p[1] if len(p) > 1 else "") for p in parts}


def test_every_page_sends_the_security_headers(pages):
    """Every GET route, opened as a role allowed to: CSP without inline scripts, no framing,
    nosniff, a referrer policy, and HSTS only over HTTPS."""
    problems = []
    html_pages = 0
    for endpoint, role, plain, secure in pages:
        if role is not None and plain.status_code >= 400:
            problems.append(f"{endpoint} as {role}: {plain.status_code}")
            continue
        csp = _directives(plain.headers.get("Content-Security-Policy", ""))
        script_src = csp.get("script-src", csp.get("default-src", ""))
        checks = {
            "CSP": bool(csp),
            "script-src without unsafe-inline": script_src and "unsafe-inline" not in script_src,
            "no unsafe-eval": "unsafe-eval" not in script_src,
            "frame-ancestors 'none'": csp.get("frame-ancestors") == "'none'",
            "nosniff": plain.headers.get("X-Content-Type-Options") == "nosniff",
            "Referrer-Policy": bool(plain.headers.get("Referrer-Policy")),
            "no HSTS over HTTP": "Strict-Transport-Security" not in plain.headers,
            "HSTS over HTTPS": "max-age=" in secure.headers.get("Strict-Transport-Security", ""),
        }
        problems += [f"{endpoint} as {role}: {name}" for name, ok in checks.items() if not ok]
        if plain.mimetype == "text/html":
            html_pages += 1
            html = plain.get_data(as_text=True)
            if INLINE_SCRIPT.search(html):
                problems.append(f"{endpoint}: inline <script>")
            if INLINE_STYLE.search(html):
                problems.append(f"{endpoint}: inline style attribute")
    assert not problems, problems
    assert html_pages >= 40  # the page list really is the app's pages


def test_error_pages_send_the_headers_too(client):
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_oversized_request_body_is_refused_with_a_norwegian_413(client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": "x" * (3 * 1024 * 1024), "password": "x", "csrf_token": token}
    )
    assert response.status_code == 413
    assert "<html" in response.get_data(as_text=True)


def test_a_multipart_body_with_too_many_parts_is_refused(client):
    token = csrf_token(client, "/login")
    data = {f"f{i}": "x" for i in range(2000)} | {"csrf_token": token}
    response = client.post("/login", data=data, content_type="multipart/form-data")
    assert response.status_code == 413


# --- production settings ---------------------------------------------------------------------


def _production_app(_schema, monkeypatch, **extra):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", _schema)
    return create_app({"ENV_NAME": "production", "SERVER_NAME": "localhost", **extra})


def test_production_refuses_debug_mode(_schema, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="debug"):
        _production_app(_schema, monkeypatch)


def test_production_session_cookie_is_secure_host_only_and_http_only(
    app, _schema, monkeypatch, make_user
):
    user = make_user(Role.counsellor)
    prod = _production_app(_schema, monkeypatch)
    assert prod.debug is False
    prod.test_client_class = IsolatedClient
    client = prod.test_client()
    token = csrf_token(client, "https://localhost/login")
    response = client.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # Flask-WTF checks it over HTTPS
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain=" not in cookie
    with prod.app_context():
        db.session.remove()  # return the connection before the pool goes
        db.engine.dispose()


# --- list filters come from allowlists --------------------------------------------------------

JUNK = "x' OR 1=1 --<script>"
LIST_VIEWS = [
    ("employers.index", "employer_contact", ("q", "district", "sector", "approval", "sort")),
    ("vacancies.index", "counsellor", ("status", "district", "type")),
    ("competence.index", "counsellor", ("q", "district", "show")),
    ("candidates.index", "counsellor", ("programme", "mine")),
    ("contacts.index", "employer_contact", ("scope", "employer_id")),
    ("reports.contacts", "coordinator", ("period", "partner", "district", "channel", "sort")),
    ("reports.outcomes", "coordinator", ("period", "group", "programme", "district")),
    ("reports.fairness", "coordinator", ("period", "partner")),
    ("admin.audit_log", "admin", ("user_id", "action", "object_type", "object_id", "allowed")),
]


@pytest.mark.parametrize(("endpoint", "role", "params"), LIST_VIEWS, ids=lambda v: str(v))
def test_unknown_filter_values_fall_back_or_give_a_field_error(
    client, make_user, endpoint, role, params
):
    """Junk in any filter, sort or page parameter never reaches SQL or the page as a choice:
    the list falls back to its default (200) or names the field (400), never a 500."""
    user = make_user(Role[role])
    login(client, user.email)
    query = dict.fromkeys(params, JUNK) | {"page": "-1", "per_page": "100000"}
    response = client.get(url_for(endpoint), query_string=query)
    html = response.get_data(as_text=True)
    # contacts.index's employer_id names an object: an unknown one is a 404, as for any object.
    allowed = (200, 400, 404) if endpoint == "contacts.index" else (200, 400)
    assert response.status_code in allowed, response.status_code
    if response.status_code == 400:
        assert "Ukjent valg" in html or "error-message" in html
    assert "<script>" not in html
    assert "selected>x&#39; OR" not in html
    assert f'value="{JUNK}" selected' not in html
    # Unicode digits pass str.isdigit() but not int(): they must not crash an id filter either.
    response = client.get(url_for(endpoint), query_string=dict.fromkeys(params, "²"))
    assert response.status_code in allowed
