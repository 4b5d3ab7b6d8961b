"""The answer to a create form sent twice (see services/submissions.py)."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from employerpool.extensions import db
from employerpool.services import submissions

FIELD = "submission_token"


def claim() -> bool:
    """Claim this request's form token; False when the form was already sent."""
    return submissions.claim(request.form.get(FIELD), current_user)


def done(path: str) -> None:
    """Remember where this request's record is; the caller commits."""
    submissions.record_result(request.form.get(FIELD), path)


def already_sent(fallback: str):
    """Redirect a second sending of a form to what the first made (or to `fallback`)."""
    db.session.rollback()
    token = request.form.get(FIELD) or ""
    target = submissions.result_of(token, current_user) or fallback
    flash(_("Skjemaet var allerede sendt, og det er bare lagret én gang."), "info")
    return redirect(target, 303)
