"""The JSON API, /api/v1: bearer tokens acting as a user, JSON errors, rate limits per token.

Requests authenticate only with `Authorization: Bearer <token>`; session cookies are ignored,
which is why the blueprint is exempt from CSRF (no ambient credentials to forge).
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request
from werkzeug.exceptions import HTTPException

from employerpool.api import reference
from employerpool.api.errors import ApiError
from employerpool.api.openapi import ERROR_TEXT, Registry, json_response
from employerpool.extensions import csrf, db
from employerpool.services import ratelimit, tokens

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)
api = Registry(bp, PREFIX, "Arbeidsgiverpool Groruddalen API", "1.0.0")
PUBLIC_ENDPOINTS = {"api.openapi_document", "api.docs"}


@bp.before_request
def authenticate():
    """Bound the body, then find the token, then count the request against its limit."""
    request.max_content_length = current_app.config["API_MAX_CONTENT_LENGTH"]
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    token = tokens.find_token(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        error = ApiError(401, ERROR_TEXT[401])
        response = json_response(error.body(), 401)
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    limit = current_app.config["API_RATE_LIMIT_PER_MINUTE"]
    verdict = ratelimit.hit(f"token:{token.id}", limit, 60)
    g.rate_limit = verdict
    if not verdict.allowed:
        response = json_response(ApiError(429, ERROR_TEXT[429]).body(), 429)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    # Flask-Login's current_user reads g._login_user: the request acts as the token's user,
    # and nothing is written to the session.
    g._login_user = token.user
    g.api_token = token
    return None


@bp.after_request
def rate_limit_headers(response):
    verdict = g.get("rate_limit")
    if verdict is not None:
        response.headers["X-RateLimit-Limit"] = str(verdict.limit)
        response.headers["X-RateLimit-Remaining"] = str(verdict.remaining)
    return response


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    db.session.rollback()
    return json_response(error.body(), error.status)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Aborts inside API views (404 from a loader, 403 from a role check) answer as JSON."""
    db.session.rollback()
    code = error.code or 500
    return json_response({"error": ERROR_TEXT.get(code, error.name), "fields": {}}, code)


@api.operation(
    "GET", "/openapi.json", summary="Dette dokumentet (OpenAPI 3.1)", tag="meta", public=True
)
def openapi_document():
    return json_response(api.document())


@bp.get("/docs")
def docs():
    """The browsable reference, rendered from the OpenAPI document (no scripts, no CDN)."""
    groups, schemas = reference.build(api.document())
    return render_template(
        "api/docs.html",
        groups=groups,
        schemas=schemas,
        schema_names={s.name for s in schemas},
        error_codes=sorted(ERROR_TEXT.items()),
    )


# One module per resource, like views/; importing them registers their operations.
from employerpool.api import (  # noqa: E402,F401
    candidates,
    contacts,
    employers,
    matches,
    placements,
    proposals,
    reports,
    vacancies,
)
