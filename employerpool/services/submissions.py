"""One-time submission tokens for create forms: a double click makes one record.

Each create form carries a random token (`new_token`, rendered as a hidden field). The request
that creates the record first claims the token with an INSERT the database referees (`claim`);
a second request with the same token finds it taken and is sent to what the first made. A form
posted without a token (an old page, a script) is not deduplicated.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from employerpool.extensions import db
from employerpool.models import FormSubmission, User

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_token() -> str:
    """A fresh token for a form about to be shown."""
    return secrets.token_urlsafe(24)


def claim(token: str | None, user: User | None) -> bool:
    """Claim `token` in the current transaction; False when another request claimed it.

    `INSERT … ON CONFLICT DO NOTHING`: on PostgreSQL a second insert of the same token waits
    for the first transaction and then inserts nothing; on SQLite writers take turns. A missing
    or malformed token is not deduplicated (True).
    """
    if not token or not TOKEN_RE.match(token):
        return True
    insert = (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert
    result = db.session.execute(
        insert(FormSubmission.__table__)
        .values(token=token, user_id=user.id if user is not None else None)
        .on_conflict_do_nothing(index_elements=["token"])
        .returning(FormSubmission.__table__.c.token)
    )
    return result.first() is not None


def record_result(token: str | None, path: str) -> None:
    """Remember where the record made with `token` is (for a second click); the caller commits."""
    if token and TOKEN_RE.match(token):
        db.session.execute(
            FormSubmission.__table__.update()
            .where(FormSubmission.token == token)
            .values(result_path=path[:300])
        )


def result_of(token: str, user: User | None) -> str | None:
    """Where the record made with `token` by `user` is, if it was made."""
    row = db.session.execute(
        select(FormSubmission.result_path, FormSubmission.user_id).where(
            FormSubmission.token == token
        )
    ).first()
    if row is None or row.user_id != (user.id if user is not None else None):
        return None
    return row.result_path
