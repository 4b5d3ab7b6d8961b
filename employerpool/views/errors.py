"""Error pages in Norwegian; the 500 handler rolls back the session."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template
from flask_wtf.csrf import CSRFError

from employerpool.extensions import db

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)


def _page(code: int, template: str):
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
    return _page(405, "errors/400.html")


@bp.app_errorhandler(413)
def too_large(error):
    return _page(413, "errors/413.html")


@bp.app_errorhandler(500)
def server_error(error):
    db.session.rollback()
    log.error("unhandled error: %s", type(getattr(error, "original_exception", error)).__name__)
    return _page(500, "errors/500.html")
