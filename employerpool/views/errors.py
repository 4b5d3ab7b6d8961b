"""Error pages in Norwegian; the 500 handler rolls back the session."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from employerpool.extensions import db, login_manager

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)


@bp.before_app_request
def refuse_nul_characters():
    """No text we take means a NUL character, and PostgreSQL cannot store one: 400 up front.

    Checks the query string everywhere, and form bodies outside the API (the API reads JSON
    and bounds its own bodies, so its body is not read here).
    """
    pairs = list(request.args.items(multi=True))
    if request.blueprint != "api":
        pairs += request.form.items(multi=True)
    # `next` is only ever a redirect target, and a bad one is ignored (is_safe_next).
    if any("\x00" in key + value for key, value in pairs if key != "next"):
        abort(400)


def _page(code: int, template: str):
    if request.path.startswith("/api/"):
        # Routing errors under the API (no such operation, wrong method) answer as JSON too.
        from employerpool.api.openapi import ERROR_TEXT, json_response

        text = ERROR_TEXT.get(code, "Ikke tillatt metode" if code == 405 else "Serverfeil")
        return json_response({"error": text, "fields": {}}, code), code
    return render_template(template, code=code), code


@bp.app_errorhandler(400)
def bad_request(error):
    return _page(400, "errors/400.html")


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return render_template("errors/csrf.html", code=400), 400


@bp.app_errorhandler(403)
def forbidden(error):
    return _page(403, "errors/403.html")


@bp.app_errorhandler(404)
def not_found(error):
    return _page(404, "errors/404.html")


@bp.app_errorhandler(405)
def method_not_allowed(error):
    response, code = _page(405, "errors/400.html")
    return response, code, {"Allow": ", ".join(getattr(error, "valid_methods", None) or ())}


@bp.app_errorhandler(413)
def too_large(error):
    return _page(413, "errors/413.html")


# Seconds a client is asked to wait when the database does not answer.
RETRY_AFTER_SECONDS = 30


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(InterfaceError)
@bp.app_errorhandler(PoolTimeoutError)
def database_unavailable(error):
    """The database is down or unreachable: 503 with Retry-After, a page or JSON.

    Rendered without the database: the request goes on as an anonymous user (the page must not
    load the signed-in user again), and the broken transaction is dropped, so that the
    connection pool reconnects on its own once the database is back (no restart).
    """
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it
        log.debug("rollback after a database error failed")
    # The exception text can hold the database URL or SQL parameters: its class only.
    log.error("database unavailable: %s", type(error).__name__)
    g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        from employerpool.api.openapi import json_response

        body = {
            "error": "Tjenesten er midlertidig utilgjengelig. Prøv igjen om litt.",
            "fields": {},
        }
        return json_response(body, 503), 503, headers
    return render_template("errors/503.html", code=503), 503, headers


@bp.app_errorhandler(500)
def server_error(error):
    db.session.rollback()
    log.error("unhandled error: %s", type(getattr(error, "original_exception", error)).__name__)
    return _page(500, "errors/500.html")
