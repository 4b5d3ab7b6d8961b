"""Schemathesis against the served OpenAPI document: every operation, with a valid token
per role, must never answer 5xx and never break its own documented schema."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import User
from employerpool.services.seed import seed_demo
from employerpool.services.tokens import create_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Tokens of these demo users: a counsellor and a coordinator reach every staff operation,
# the employer reaches its own side (proposals, own needs).
ROLES = {
    "counsellor": "veileder@demo.no",
    "coordinator": "koordinator@demo.no",
    "employer": "arbeidsgiver@demo.no",
}
REQUESTS: dict[str, int] = {}


@pytest.fixture
def api_schema(app):
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 1_000_000
    seed_demo(
        seed=5,
        candidates=60,
        employers=16,
        today=date(2026, 11, 26),
        password_method="pbkdf2:sha256:1000",
    )
    db.session.remove()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def tokens(app):
    out = {}
    for role, email in ROLES.items():
        user = db.session.scalar(select(User).where(User.email == email))
        _, secret = create_token(user, f"schemathesis {role}")
        out[role] = {"Authorization": f"Bearer {secret}"}
    db.session.commit()
    db.session.remove()
    return out


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi_document(case, tokens):
    for role, headers in tokens.items():
        case.call_and_validate(headers=headers, checks=CHECKS)
        REQUESTS[role] = REQUESTS.get(role, 0) + 1
