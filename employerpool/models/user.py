"""Users (staff and employer contact persons) and their one-time set-password links."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from employerpool.models.base import Base, TimestampMixin, enum_column, now_utc
from employerpool.models.enums import Role


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # Bumped to end every session of the user at once (logout everywhere, password change,
    # deactivation): a session remembers the version it started with (services/sessions.py).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    deactivated_at: Mapped[datetime | None]
    # Two-factor sign-in (TOTP, RFC 6238): the base32 secret once enrolment is confirmed, and
    # the last time step used, so that a code cannot be replayed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    # The OpenID Connect subject ("sub") this user signs in as, bound on first use.
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)

    partner = relationship("Partner")
    employer = relationship("Employer", foreign_keys=[employer_id])

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def has_totp(self) -> bool:
        """True when the user has enrolled a second factor."""
        return self.totp_enabled_at is not None and bool(self.totp_secret)

    def set_password(self, password: str, method: str | None = None) -> None:
        """Hash and store a new password."""
        self.password_hash = generate_password_hash(
            password, **({"method": method} if method else {})
        )

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.name}>"


class SetPasswordToken(Base):
    """A one-time link to set a password; only a hash of the token is stored.

    `purpose` is "invite" (a new user, or an admin's new link) or "reset" (Glemt passord?).
    """

    __tablename__ = "set_password_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(16), default="invite", server_default="invite")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user = relationship("User")


class RecoveryCode(Base):
    """A one-time recovery code for two-factor sign-in; only a hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    used_at: Mapped[datetime | None]
