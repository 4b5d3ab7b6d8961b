"""Helpers shared by the API's resource modules: paging, names of enum values, field errors."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import func, select

from employerpool.api.errors import ApiError
from employerpool.api.schemas import Page, PageQuery
from employerpool.extensions import db

INVALID = "Ugyldige felt"
NOT_CLEARABLE = "Feltet kan ikke tømmes."


def invalid(errors: dict[str, str]) -> None:
    """A 422 naming each field in `errors` (nothing when it is empty)."""
    if errors:
        raise ApiError(422, INVALID, errors)


def like(q: str) -> str:
    """A LIKE pattern that matches `q` literally (% and _ are not wildcards)."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def name_of(value) -> str | None:
    """An enum value's name, or None."""
    return value.name if value is not None else None


def page_of(stmt, query: PageQuery, convert, out_model) -> Page:
    """Run `stmt` for one page (converted with `convert`), counting all matching rows."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(
        stmt.limit(query.per_page).offset((query.page - 1) * query.per_page)
    ).all()
    return Page[out_model](
        items=[convert(row) for row in rows], page=query.page, per_page=query.per_page, total=total
    )


def render_errors(errors: dict, rename: dict[str, str] | None = None) -> dict[str, str]:
    """Field errors from `services.validation` as the API states them: in bokmål, under the
    API's field names (`rename` maps a model field to its API name)."""
    rename = rename or {}
    with force_locale("nb"):
        return {rename.get(name, name): str(message) for name, message in errors.items()}


def check(errors: dict, rename: dict[str, str] | None = None) -> None:
    """A 422 for the service's field errors, if any."""
    invalid(render_errors(errors, rename))
