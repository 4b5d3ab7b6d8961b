"""Structured logs: one JSON object per request with the agreed fields, and no personal data
(names, e-mail addresses, phone numbers, fødselsnumre, query strings, form data) in the output,
whatever the request carried."""

from __future__ import annotations

import io
import json
import logging

import pytest

from employerpool import create_app
from employerpool.extensions import db
from employerpool.logging_setup import app_handler, remove_handler, scrub
from tests.conftest import _empty_all_tables, csrf_token, login

EMAIL = "amina.hassan@example.no"
PHONE = "412 34 567"
FNR = "01019012345"


@pytest.fixture
def json_app(_schema):
    """The app with JSON logs, its handler writing to a buffer the test reads."""
    root = logging.getLogger()
    level = root.level
    app = create_app({"SQLALCHEMY_DATABASE_URI": _schema, "LOG_FORMAT": "json"})
    buffer = io.StringIO()
    app_handler().setStream(buffer)
    app.config["LOG_BUFFER"] = buffer
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()
    remove_handler()
    root.setLevel(level)


def _records(app) -> list[dict]:
    lines = app.config["LOG_BUFFER"].getvalue().splitlines()
    return [json.loads(line) for line in lines]  # every line is one JSON object


def test_requests_are_logged_as_json_without_personal_data(json_app, make_user):
    user = make_user(name="Hodan Warsame", email="hodan.warsame@test.no")
    client = json_app.test_client()
    # A failed login with an e-mail address, a phone number and a fødselsnummer in the form.
    token = csrf_token(client, "/login")
    failed = client.post(
        "/login", data={"email": EMAIL, "password": f"{PHONE} {FNR}", "csrf_token": token}
    )
    assert failed.status_code == 400
    # A staff user's request with personal data in the query string.
    login(client, user.email)
    client.get(f"/employers/?q={EMAIL}&phone={PHONE}&fnr={FNR}&name=Hodan")
    client.get("/employers/?q=Warsame", headers={"X-Request-ID": "lb-abc123"})
    # Code that logs personal data by mistake is scrubbed too.
    with json_app.test_request_context("/"):
        logging.getLogger("employerpool.test").warning(
            "could not reach %s on %s or +47 98765432 (fnr %s)", EMAIL, PHONE, FNR
        )

    output = json_app.config["LOG_BUFFER"].getvalue()
    for secret in (EMAIL, "hodan.warsame", "Hodan", "Warsame", "412 34 567", "98765432", FNR):
        assert secret not in output
    assert "?" not in output and "q=" not in output

    records = _records(json_app)
    access = [r for r in records if r["logger"] == "employerpool.access"]
    assert {"time", "level", "logger", "message", "request_id", "method", "path"} <= set(access[0])
    assert {"status", "duration_ms", "user_id"} <= set(access[0])
    posts = [r for r in access if r["method"] == "POST" and r["path"] == "/login"]
    assert posts[0]["status"] == 400 and posts[0]["user_id"] is None
    searches = [r for r in access if r["path"] == "/employers/"]
    assert len(searches) == 2
    assert all(r["status"] == 200 and r["user_id"] == user.id for r in searches)
    assert searches[1]["request_id"] == "lb-abc123"
    assert len({r["request_id"] for r in access}) == len(access)
    (mistake,) = [r for r in records if r["logger"] == "employerpool.test"]
    assert mistake["message"] == "could not reach [email] on [phone] or [phone] (fnr [fnr])"


def test_the_request_id_is_echoed_and_made_up_when_missing_or_odd(json_app):
    client = json_app.test_client()
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == (
        "abc-123"
    )
    for header in ({}, {"X-Request-ID": "bad id; drop"}):
        generated = client.get("/healthz", headers=header).headers["X-Request-ID"]
        assert len(generated) == 32 and generated.isalnum()


def test_exception_texts_are_scrubbed(json_app):
    try:
        raise ValueError(f"no user {EMAIL} with phone {PHONE}")
    except ValueError:
        logging.getLogger("employerpool.test").exception("lookup failed")
    (record,) = [r for r in _records(json_app) if r["logger"] == "employerpool.test"]
    assert "ValueError" in record["exception"]
    assert EMAIL not in record["exception"] and PHONE not in record["exception"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ola.nordmann+x@nav.no", "[email]"),
        ("ola%40nav.no", "[email]"),
        ("41234567", "[phone]"),
        ("+47 412 34 567", "[phone]"),
        ("0047 41 23 45 67", "[phone]"),
        ("010190 12345", "[fnr]"),
        ('"GET /employers/?q=x HTTP/1.1" 200', '"GET /employers/?[query] HTTP/1.1" 200'),
        # Not personal data: kept as they are.
        ("orgnr 912345678", "orgnr 912345678"),
        ("took 2025-01-15 12:00", "took 2025-01-15 12:00"),
        ("candidate 1234", "candidate 1234"),
    ],
)
def test_scrub(text, expected):
    assert scrub(text) == expected


def test_logging_is_left_alone_unless_configured(app):
    assert app.config["LOG_FORMAT"] is None
    assert app_handler() is None


def test_production_logs_json(monkeypatch, _schema):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", _schema)
    level = logging.getLogger().level
    try:
        app = create_app({"ENV_NAME": "production"})
        assert app.config["LOG_FORMAT"] == "json"
        assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
        assert app_handler() is not None
    finally:
        remove_handler()
        logging.getLogger().setLevel(level)


def test_the_user_id_is_read_without_touching_the_database(json_app, make_user):
    """A record written while the session's transaction has failed must not reload the user."""
    from flask import g
    from sqlalchemy import event

    user = make_user()
    statements = []

    def count(*args):
        statements.append(args[2])

    with json_app.test_request_context("/"):
        g._login_user = db.session.get(type(user), user.id)
        db.session.expire(g._login_user)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            logging.getLogger("employerpool.test").warning("while the session is expired")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert statements == []
    (record,) = [r for r in _records(json_app) if r["logger"] == "employerpool.test"]
    assert record["user_id"] == user.id
