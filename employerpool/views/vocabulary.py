"""Suggestions from the occupation and skill vocabularies, as JSON (issue 4)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("vocabulary", __name__, url_prefix="/vocabulary")
