"""Employer-contact, outcome and fairness reports, exports and dashboard (issue 6)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
