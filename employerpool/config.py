"""Configuration classes, chosen by EMPLOYERPOOL_ENV (development, test, production)."""

from __future__ import annotations

import os
from datetime import timedelta

from flask.helpers import get_debug_flag


class ConfigError(RuntimeError):
    """Raised at start-up when a required setting is missing."""


def normalise_database_url(url: str) -> str:
    """Make `postgresql://` URLs use psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class BaseConfig:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    BABEL_DEFAULT_LOCALE = "nb"
    BABEL_DEFAULT_TIMEZONE = "Europe/Oslo"
    LANGUAGES = ("nb", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # A set-password link is valid this long.
    SET_PASSWORD_LINK_HOURS = 72
    # Login rate limiting: failures before a temporary lock, and the lock's length.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    # Failed logins from one client address per window, whatever the account (counted in the
    # database, so every process agrees); generous, since an office may share one address.
    LOGIN_ADDRESS_MAX_FAILURES = 20
    LOGIN_ADDRESS_WINDOW_SECONDS = 15 * 60
    # A session ends after this much inactivity, and PERMANENT_SESSION_LIFETIME after the login
    # however active (the cookie's own expiry moves on with every request).
    SESSION_IDLE_MINUTES = 60
    # Form bodies held in memory and the number of form fields (Werkzeug's limits, explicit).
    MAX_FORM_MEMORY_SIZE = 500_000
    MAX_FORM_PARTS = 1000
    # Retention (`flask retention run`): candidates without any activity this long are erased;
    # proposals shown to an employer this long ago that led to no placement are hidden from the
    # employer, and their employer-side notes erased.
    RETENTION_INACTIVE_DAYS = 3 * 365
    PROPOSAL_RETENTION_DAYS = 183
    DEMO_MODE = False
    # The JSON API: requests per token and minute (counted in the database), and body size.
    API_RATE_LIMIT_PER_MINUTE = 600
    API_MAX_CONTENT_LENGTH = 256 * 1024
    # Logs: "json" (one object per line), "text", or None to leave logging to the server.
    LOG_FORMAT: str | None = None
    LOG_LEVEL = "INFO"
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    TRUSTED_PROXIES = 0
    # E-mail (services/mail.py): SMTP when MAIL_SERVER is set, else .eml files in MAIL_OUTBOX
    # (development: instance/outbox/). Sent on a background thread after the commit.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Arbeidsgiverpool Groruddalen <ikke-svar@localhost>"
    MAIL_OUTBOX: str | None = None
    MAIL_ASYNC = True
    # "Glemt passord?": the link's lifetime; requests per e-mail address (known or not) and per
    # client address within the window; every answer takes at least MIN_SECONDS, so that its
    # timing does not tell whether the address has an account.
    PASSWORD_RESET_MINUTES = 30
    PASSWORD_RESET_PER_EMAIL = 3
    PASSWORD_RESET_PER_CLIENT = 20
    PASSWORD_RESET_WINDOW_SECONDS = 3600
    PASSWORD_RESET_MIN_SECONDS = 0.4
    # Two-factor sign-in (TOTP): required for these roles when REQUIRE_2FA is on; anyone else
    # may opt in. A half-finished sign-in (password given, code not yet) lasts this long.
    REQUIRE_2FA = False
    TWO_FACTOR_ROLES = ("admin", "coordinator", "counsellor")
    TWO_FACTOR_PENDING_SECONDS = 300
    TOTP_ISSUER = "Arbeidsgiverpool Groruddalen"
    # Single sign-on through OpenID Connect (off while OIDC_ISSUER is unset). The identity
    # provider of NAV and Oslo kommune (Entra ID) enforces its own multi-factor sign-in, so an
    # OIDC login counts as two-factor unless OIDC_COUNTS_AS_2FA is off.
    OIDC_ISSUER: str | None = None
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    OIDC_SCOPES = "openid email profile"
    OIDC_COUNTS_AS_2FA = True

    @classmethod
    def from_environment(cls, instance_path: str) -> dict:
        """Return the settings that come from the environment."""
        default_db = "sqlite:///" + os.path.join(instance_path, "employerpool.sqlite3")
        return {
            "SECRET_KEY": os.environ.get("SECRET_KEY"),
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(
                os.environ.get("DATABASE_URL", default_db)
            ),
            "LOG_FORMAT": os.environ.get("LOG_FORMAT"),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL"),
            "TRUSTED_PROXIES": (
                int(os.environ["TRUSTED_PROXIES"]) if os.environ.get("TRUSTED_PROXIES") else None
            ),
            **{name: _whole_number_env(name) for name in ENV_NUMBERS},
            **{name: os.environ.get(name) for name in ENV_TEXTS},
            **{name: _flag_env(name) for name in ENV_FLAGS},
        }


# Periods operators set per deployment (days, minutes), and the mail server's port.
ENV_NUMBERS = (
    "RETENTION_INACTIVE_DAYS",
    "PROPOSAL_RETENTION_DAYS",
    "SESSION_IDLE_MINUTES",
    "MAIL_PORT",
)
# Mail and single sign-on settings taken from the environment as they are.
ENV_TEXTS = (
    "MAIL_SERVER",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "MAIL_OUTBOX",
    "OIDC_ISSUER",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_SCOPES",
)
# On/off settings: 1/true/yes/on or 0/false/no/off.
ENV_FLAGS = ("MAIL_USE_TLS", "MAIL_USE_SSL", "REQUIRE_2FA", "OIDC_COUNTS_AS_2FA")


def _flag_env(name: str) -> bool | None:
    """An optional on/off setting from the environment (None when unset)."""
    raw = os.environ.get(name)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be on or off (1/0, true/false), not {raw!r}")


def _whole_number_env(name: str) -> int | None:
    """An optional positive whole number from the environment (None when unset)."""
    raw = os.environ.get(name)
    if raw is None:
        return None
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)


class DevelopmentConfig(BaseConfig):
    """A laptop demo: SQLite in the instance folder, demo data allowed."""

    ENV_NAME = "development"
    DEMO_MODE = True
    DEV_SECRET_KEY = "development-only-not-secret"  # noqa: S105 - never used outside development


class TestConfig(BaseConfig):
    """The test suite; the tests pass the database URL themselves."""

    ENV_NAME = "test"
    TESTING = True
    DEMO_MODE = True
    DEV_SECRET_KEY = "test-only-not-secret"  # noqa: S105
    # Password hashing cost is not what the tests are about.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a hash method, not a secret


class ProductionConfig(BaseConfig):
    """Production: SECRET_KEY and DATABASE_URL must come from the environment."""

    ENV_NAME = "production"
    DEBUG = False
    # Staff read sensitive personal data: a password alone is not enough (REQUIRE_2FA=0 to
    # turn off, e.g. where every partner signs in through single sign-on).
    REQUIRE_2FA = True
    SESSION_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for this host
    # only and for every path (no subdomain can set or shadow it).
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    LOG_FORMAT = "json"
    # Keep SQL parameters (names, e-mail addresses) out of database error messages and logs.
    SQLALCHEMY_ENGINE_OPTIONS = {**BaseConfig.SQLALCHEMY_ENGINE_OPTIONS, "hide_parameters": True}


CONFIGS = {c.ENV_NAME: c for c in (DevelopmentConfig, TestConfig, ProductionConfig)}


def load_config(app, test_config: dict | None) -> None:
    """Fill `app.config` from the environment's class, the environment and `test_config`."""
    env = (test_config or {}).get("ENV_NAME") or os.environ.get("EMPLOYERPOOL_ENV")
    if env is None:
        env = "test" if test_config else "development"
    if env not in CONFIGS:
        raise ConfigError(f"EMPLOYERPOOL_ENV must be one of {', '.join(CONFIGS)}, not {env!r}")
    cls = CONFIGS[env]
    app.config.from_object(cls)
    for key, value in cls.from_environment(app.instance_path).items():
        if value is not None:
            app.config[key] = value
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if env == "development" and not app.config.get("MAIL_OUTBOX"):
        app.config["MAIL_OUTBOX"] = os.path.join(app.instance_path, "outbox")
    if not app.config.get("SECRET_KEY"):
        if env == "production":
            raise ConfigError("SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = cls.DEV_SECRET_KEY
    if env == "production" and "DATABASE_URL" not in os.environ and not test_config:
        raise ConfigError("DATABASE_URL must be set in production")
    # Werkzeug's debugger runs code for whoever can see it: never outside development.
    if env == "production" and (get_debug_flag() or app.config.get("DEBUG")):
        raise ConfigError("debug mode (FLASK_DEBUG) is refused in production")
