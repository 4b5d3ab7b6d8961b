"""API tokens and rate-limit counters: security state kept in the database, so that every
app process agrees on it (no per-process memory)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from employerpool.models.base import Base, now_utc


class ApiToken(Base):
    """A bearer token acting as one user. Only a SHA-256 hash of the secret is stored;
    `prefix` (the first characters) lets people tell tokens apart in lists."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    def is_usable(self, at: datetime) -> bool:
        """Not revoked, not expired, and its user still active."""
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > at)
            and self.user.active
        )

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}>"


class RateLimitBucket(Base):
    """Requests counted per key (a token, a login address) in a fixed time window."""

    __tablename__ = "rate_limit_bucket"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class FormSubmission(Base):
    """A create form's one-time submission token: the first request that sends it claims it,
    so that a double click (or a resent form) makes one record. `result_path` is where the
    record it made can be seen."""

    __tablename__ = "form_submission"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    result_path: Mapped[str | None] = mapped_column(String(300))
