"""Shared fixtures: a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL), the app
per test from `create_app({...})`, factory fixtures and a CSRF-aware login helper."""

from __future__ import annotations

import contextvars
import os
import re
import uuid
from collections import Counter
from urllib.parse import quote

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from employerpool import create_app
from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    ConsentRecord,
    Employer,
    Partner,
    User,
    Vacancy,
)
from employerpool.models.enums import (
    ConsentScope,
    District,
    Innsatsgruppe,
    PartnerKind,
    PlacementType,
    Programme,
    Role,
    VacancyStatus,
)

PASSWORD = "correct horse battery"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# HTTP requests made by the suites that count them (access matrix, hostile input), by suite.
REQUEST_COUNTS: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter) -> None:
    """Print how many HTTP requests the counting suites made."""
    for suite, count in sorted(REQUEST_COUNTS.items()):
        terminalreporter.write_line(f"{suite}: {count} HTTP requests")


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote('-csearch_path=' + schema)}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh, empty database for this run: a PostgreSQL schema or an SQLite file."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    from employerpool.config import normalise_database_url

    base = normalise_database_url(base)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _with_search_path(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def _schema(database_url):
    """Create the tables once per run."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own context, as in a real server.

    The test itself holds an app context (for factories and queries); without this, each
    request would share that context's `g` and database session with the test.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        # What the request committed must be what the test reads next.
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture
def app(_schema):
    """The app, built for this test; every table is emptied afterwards."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": _schema, "SERVER_NAME": "localhost"})
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, url: str) -> str:
    """Read the CSRF token from the form at `url`, as a browser would."""
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client, email: str, password: str = PASSWORD):
    """Log in through the real login form."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def post_form(client, url: str, data: dict, form_url: str | None = None):
    """POST `data` to `url` with the CSRF token read from `form_url` (default: `url`)."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token})


@pytest.fixture
def make_partner(app):
    counter = iter(range(1, 10_000))

    def make(**overrides) -> Partner:
        n = next(counter)
        values = {"name": f"Partner {n}", "kind": PartnerKind.nav, "district": District.Alna}
        values.update(overrides)
        partner = Partner(**values)
        db.session.add(partner)
        db.session.commit()
        return partner

    return make


@pytest.fixture
def make_employer(app):
    from stdnum.no import orgnr

    counter = iter(range(1, 10_000))

    def make(**overrides) -> Employer:
        n = next(counter)
        number = next(
            f"9{m:07d}{d}"
            for m in range(n * 10, n * 10 + 10)
            for d in range(10)
            if orgnr.is_valid(f"9{m:07d}{d}")
        )
        values = {
            "orgnr": number,
            "name": f"Testbedrift {n} AS",
            "district": District.Grorud,
        }
        values.update(overrides)
        employer = Employer(**values)
        db.session.add(employer)
        db.session.commit()
        return employer

    return make


@pytest.fixture
def make_user(app, make_partner, make_employer):
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.counsellor, password: str = PASSWORD, **overrides) -> User:
        n = next(counter)
        values = {"email": f"user{n}@test.no", "name": f"Bruker {n}", "role": role}
        if role.is_staff and "partner" not in overrides and "partner_id" not in overrides:
            values["partner"] = make_partner()
        if role is Role.employer and "employer" not in overrides:
            values["employer"] = make_employer()
        values.update(overrides)
        user = User(**values)
        user.set_password(password, "pbkdf2:sha256:1000")
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_vacancy(app, make_employer):
    def make(**overrides) -> Vacancy:
        values = {
            "title": "Lagermedarbeider",
            "type": PlacementType.arbeidspraksis,
            "status": VacancyStatus.open,
            "district": District.Grorud,
        }
        values.update(overrides)
        if "employer" not in values and "employer_id" not in values:
            values["employer"] = make_employer()
        vacancy = Vacancy(**values)
        db.session.add(vacancy)
        db.session.commit()
        return vacancy

    return make


@pytest.fixture
def make_candidate(app, make_partner):
    def make(consents: tuple[ConsentScope, ...] = (), **overrides) -> Candidate:
        values = {
            "first_name": "Amina",
            "last_name": "Testesen",
            "birth_year": 1990,
            "programme": Programme.KVP,
            "innsatsgruppe": Innsatsgruppe.situasjonsbestemt,
            "district": District.Stovner,
        }
        values.update(overrides)
        if "partner" not in values and "partner_id" not in values:
            values["partner"] = make_partner()
        candidate = Candidate(**values)
        for scope in consents:
            candidate.consents.append(ConsentRecord(scope=scope))
        db.session.add(candidate)
        db.session.commit()
        return candidate

    return make


@pytest.fixture
def bearer(app):
    """`bearer(user)` → request headers with a new API token acting as `user`."""
    from employerpool.services.tokens import create_token

    def make(user: User, **kwargs) -> dict[str, str]:
        _, secret = create_token(user, "test", **kwargs)
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return make
