"""Employer self-registration and staff invitations (issue 4)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("registration", __name__)
