"""The shared employer-contact log (issue 6)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contacts", __name__, url_prefix="/contacts")
