"""Structured logs: one JSON object per line, a request id, and no personal data.

Every request gets an id (a proxy's `X-Request-ID` when it looks like one, else a fresh one),
echoed in the response and carried by every record logged during the request. Each request
ends with one access record: method, path without the query string, status, duration and the
user's id; never names, e-mail addresses, query strings or form data. A filter on the handler
scrubs e-mail addresses, Norwegian phone numbers and fødselsnummer-like digit runs from any
record that reaches it, including exception texts and other libraries' records, as a last
line of defence behind not logging such data in the first place.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import inspect as sa_inspect

ACCESS_LOGGER = "employerpool.access"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 11 digits, optionally as "ddmmyy nnnnn": a fødselsnummer or D-nummer.
FNR_RE = re.compile(r"(?<!\d)\d{6} ?\d{5}(?!\d)")
# 8 digits as Norwegians write them, optionally with +47 / 0047 in front.
PHONE_RE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)47[ -]?)?"
    r"(?:\d{8}|\d{3} \d{2} \d{3}|\d{2} \d{2} \d{2} \d{2}|\d{4} \d{4})(?!\d)"
)
# A request line as servers log it ("GET /path?query HTTP/1.1"): the query string goes.
QUERY_RE = re.compile(r"(\b[A-Z]{3,7} /[^\s?\"]*)\?[^\s\"]*")


def scrub(text: str) -> str:
    """`text` with e-mail addresses, phone numbers, fødselsnumre and query strings masked."""
    text = EMAIL_RE.sub("[email]", text)
    text = FNR_RE.sub("[fnr]", text)
    text = PHONE_RE.sub("[phone]", text)
    return QUERY_RE.sub(r"\1?[query]", text)


class PersonalDataFilter(logging.Filter):
    """Scrubs personal data from a record's message and exception text (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: keep the template only
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text, record.exc_info = scrub(text), None
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def _user_id(user) -> int | None:
    """The id of the user this request loaded, if any, read without touching the database.

    A log record can be written while the session is expired or its transaction has failed;
    the id comes from the object's identity, never from an attribute that could reload it.
    """
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    identity = state.identity if state is not None else None
    return identity[0] if identity else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id")
            entry["method"] = request.method
            entry["path"] = request.path  # never the query string
            entry["user_id"] = _user_id(g.get("_login_user"))
        for key in ("status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def _is_ours(handler: logging.Handler) -> bool:
    return getattr(handler, "_employerpool", False)


def app_handler() -> logging.Handler | None:
    """The handler `configure_logging` installed on the root logger, if any."""
    return next((h for h in logging.getLogger().handlers if _is_ours(h)), None)


def remove_handler() -> None:
    """Take our handler off the root logger again (tests)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if _is_ours(h)]:
        root.removeHandler(handler)


def configure_logging(log_format: str | None, level: str = "INFO") -> None:
    """Install one stderr handler on the root logger: "json" or "text"; None leaves logging be.

    Idempotent: building the app again replaces the handler instead of adding a second one.
    """
    if not log_format:
        return
    remove_handler()
    handler = logging.StreamHandler(sys.stderr)
    handler._employerpool = True  # type: ignore[attr-defined]
    handler.addFilter(PersonalDataFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic's env.py runs logging.config.fileConfig, which disables every logger that exists
    # by then (including ours) when migrations run in the same process as the app.
    for name, logger in logging.root.manager.loggerDict.items():
        if name.startswith("employerpool") and isinstance(logger, logging.Logger):
            logger.disabled = False


def register_logging(app: Flask) -> None:
    """Configure the handler and give every request an id and one access record."""
    configure_logging(app.config.get("LOG_FORMAT"), app.config.get("LOG_LEVEL", "INFO"))
    access = logging.getLogger(ACCESS_LOGGER)

    @app.before_request
    def start_request() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _REQUEST_ID_RE.fullmatch(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        started = g.get("request_started")
        if started is None:  # a request that failed before `start_request` ran
            g.request_id = uuid.uuid4().hex
            started = time.perf_counter()
        response.headers.setdefault(REQUEST_ID_HEADER, g.request_id)
        duration = round((time.perf_counter() - started) * 1000, 1)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        access.log(
            level, "request", extra={"status": response.status_code, "duration_ms": duration}
        )
        return response
