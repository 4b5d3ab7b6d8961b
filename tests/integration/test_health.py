"""Health and readiness: open without login, JSON, no personal data; readiness checks the
database and that its schema is at the migrations' head."""

from __future__ import annotations

import os
import uuid

import pytest
from flask_migrate import stamp, upgrade
from sqlalchemy import create_engine, text

from employerpool import create_app
from employerpool.config import normalise_database_url
from employerpool.extensions import db
from tests.conftest import _with_search_path, login

COVERED_ENDPOINTS = {"health.healthz", "health.readyz"}


@pytest.fixture
def migrated_app(tmp_path):
    """An app on a fresh database built by the migrations (not by create_all)."""
    base = os.environ.get("TEST_DATABASE_URL")
    admin = schema = None
    if base:
        base = normalise_database_url(base)
        schema = f"health_{uuid.uuid4().hex[:12]}"
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _with_search_path(base, schema)
    else:
        url = "sqlite:///" + str(tmp_path / "health.sqlite3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_healthz_answers_without_login_and_without_a_database():
    # Nothing listens on port 9: the check must not need the database.
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:9/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_with_json_when_the_database_is_down():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:9/none"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "not_ready",
        "checks": {"database": "unavailable", "migrations": "unavailable"},
    }
    with app.app_context():
        db.engine.dispose()


def test_readyz_is_ready_on_a_migrated_database(migrated_app):
    response = migrated_app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok"},
    }


def test_readyz_is_503_while_migrations_are_behind(migrated_app):
    stamp(revision="0001")  # as if a new app version runs before `flask db upgrade`
    response = migrated_app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "not_at_head"}


def test_readyz_is_503_on_a_schema_never_migrated(client):
    # The test schema comes from create_all: no alembic_version, so not at head.
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"] == "not_at_head"


def test_health_endpoints_need_no_login_and_show_no_personal_data(client, make_user):
    user = make_user(name="Hodan Warsame", email="hodan@test.no")
    for path in ("/healthz", "/readyz"):
        anonymous = client.get(path)
        assert anonymous.status_code in (200, 503)  # never a redirect to the login page
        assert anonymous.is_json
    login(client, user.email)
    for path in ("/healthz", "/readyz"):
        body = client.get(path).get_data(as_text=True)
        assert "Hodan" not in body and "hodan@test.no" not in body and str(user.id) not in body
