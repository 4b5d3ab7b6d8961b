"""API bearer tokens: issue, look up, revoke. Only a SHA-256 hash of a secret is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from employerpool.extensions import db
from employerpool.models import ApiToken, User, now_utc

# "ep_" marks our tokens (secret scanners can look for it); 32 random bytes follow.
TOKEN_PREFIX = "ep_"  # noqa: S105 - a public marker, not a secret
# Refresh last_used_at at most this often, to avoid a write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    user: User,
    name: str,
    *,
    expires_days: int | None = None,
    created_by: User | None = None,
) -> tuple[ApiToken, str]:
    """Create a token acting as `user`; returns (token row, secret). The caller commits.

    The secret is shown once and never stored.
    """
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = now_utc()
    token = ApiToken(
        user=user,
        name=name[:80],
        prefix=secret[:10],
        token_hash=_hash(secret),
        created_at=now,
        created_by=created_by,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    db.session.add(token)
    return token, secret


def find_token(secret: str) -> ApiToken | None:
    """The usable token for `secret` (not revoked, not expired, active user), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == _hash(secret))
    )
    now = now_utc()
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token


def revoke(token: ApiToken) -> None:
    """Revoke `token` now (idempotent). The caller commits."""
    if token.revoked_at is None:
        token.revoked_at = now_utc()
