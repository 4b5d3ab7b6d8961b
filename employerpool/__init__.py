"""Arbeidsgiverpool Groruddalen: the Flask application factory."""

from __future__ import annotations

import logging
import os

from flask import Flask, request, session
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from employerpool.config import load_config
from employerpool.extensions import babel, csrf, db, login_manager, migrate
from employerpool.logging_setup import register_logging

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI, error pages."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, test_config)
    register_logging(app)
    register_proxy_fix(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_cli(app)
    logging.getLogger(__name__).debug("app created (%s)", app.config["ENV_NAME"])
    return app


def register_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto/-Host from TRUSTED_PROXIES proxies in front (0: none)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def get_locale() -> str:
    """The user's chosen language, else the session's, else bokmål."""
    languages = ("nb", "en")
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    lang = session.get("lang")
    if lang in languages:
        return lang
    return "nb"


def register_extensions(app: Flask) -> None:
    from employerpool import models  # noqa: F401  (every table on the metadata)
    from employerpool.services.auth import load_user

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=get_locale,
        default_translation_directories=os.path.join(app.root_path, "translations"),
    )
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    from employerpool.services import mail, oidc  # noqa: F401  (mail: after-commit sending)

    oidc.init_app(app)


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` for 32-bit database ids: a bigger number becomes 0, an id no row has, so
    the page answers 404 as for any unknown id instead of overflowing in PostgreSQL."""

    MAX_ID = 2**31 - 1

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= self.MAX_ID else 0


def register_blueprints(app: Flask) -> None:
    from employerpool import api

    app.url_map.converters["int"] = BoundedIntConverter
    from employerpool.views import (
        account,
        admin,
        auth,
        candidates,
        competence,
        contacts,
        employers,
        errors,
        health,
        main,
        matches,
        partners,
        registration,
        reports,
        suggestions,
        tokens,
        users,
        vacancies,
        vocabulary,
    )

    for module in (
        auth,
        account,
        main,
        registration,
        employers,
        vacancies,
        competence,
        vocabulary,
        candidates,
        suggestions,
        matches,
        contacts,
        reports,
        admin,
        users,
        partners,
        tokens,
        errors,
        api,
        health,
    ):
        app.register_blueprint(module.bp)


def register_template_helpers(app: Flask) -> None:
    from employerpool import labels
    from employerpool.models.enums import District
    from employerpool.services import submissions

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["label"] = labels.label
    app.jinja_env.globals["label_value"] = labels.event_label
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["nav_items"] = labels.nav_items
    # A one-time token for each create form shown (services/submissions.py).
    app.jinja_env.globals["submission_token"] = submissions.new_token
    app.jinja_env.globals["district_options"] = [(d.name, d.value) for d in District]
    from employerpool.services import oidc

    app.jinja_env.globals["sso_enabled"] = oidc.enabled


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        # Health probes answer without loading the user (no database during an outage).
        if request.blueprint != "health" and current_user and current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def register_cli(app: Flask) -> None:
    from employerpool import cli

    cli.register(app)
