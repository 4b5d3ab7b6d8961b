"""Health (`/healthz`) and readiness (`/readyz`) for load balancers and orchestrators.

Both are open without login and say nothing about people or data: a load balancer or
Kubernetes probe sends no cookies. `/healthz` answers from the process alone (it is up and
serving); `/readyz` also checks that the database answers and that its schema is at the
migrations' head, so that a new app version is not sent traffic before `flask db upgrade`.

Neither loads the signed-in user nor renews the session (the request hooks skip the "health"
blueprint), so that during a database outage `/healthz` still answers 200: the process is
alive and must not be restarted for the database's sake.
"""

from __future__ import annotations

import functools
import logging

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from employerpool.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@functools.cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revisions of the migration scripts (fixed for the life of the process)."""
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz():
    checks = {"database": "ok", "migrations": "ok"}
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = set()
            if inspect(conn).has_table("alembic_version"):
                current = set(conn.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError as exc:
        # The exception text can hold the database URL; its class name is enough here.
        log.warning("readiness: database unavailable (%s)", type(exc).__name__)
        checks["database"] = checks["migrations"] = "unavailable"
    else:
        heads = migration_heads(current_app.extensions["migrate"].directory)
        if current != heads:
            checks["migrations"] = "not_at_head"
    ready = all(value == "ok" for value in checks.values())
    response = jsonify(status="ready" if ready else "not_ready", checks=checks)
    response.status_code = 200 if ready else 503
    return _no_store(response)
