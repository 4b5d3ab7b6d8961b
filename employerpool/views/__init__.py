"""Blueprints, one per area, and the little they share."""

from __future__ import annotations

from flask import request

# Far past the last page of any list; a bigger ?page= would overflow the SQL OFFSET.
MAX_PAGE = 10_000


def page_number() -> int:
    """The list page asked for with ?page=: 1 when missing, not a number or below 1."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


# Ids are 32-bit integers in PostgreSQL; a bigger number names no row (and would overflow).
MAX_ID = 2**31 - 1


def parse_id(value: str | None) -> int | None:
    """A row id sent as text ("42"), or None for anything else: signs, "²", 0, overflow."""
    if not value or not (value.isascii() and value.isdigit()) or len(value) > 10:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None
