"""Employers' standing competence needs (issue 4)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("competence", __name__, url_prefix="/competence-needs")
