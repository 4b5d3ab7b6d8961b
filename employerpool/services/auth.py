"""Authentication: login, passwords, set-password links and safe redirects.

Who may do what to which record lives in `services.access`, not here.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import case, update
from werkzeug.security import check_password_hash, generate_password_hash

from employerpool.extensions import db
from employerpool.models import RateLimitBucket, SetPasswordToken, User, now_utc
from employerpool.models.enums import AuditAction
from employerpool.services import audit, ratelimit


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader."""
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))


def authenticate(email: str, password: str) -> tuple[User | None, str | None]:
    """Check credentials with a per-account lock after repeated failures.

    Returns (user, None) on success, else (None, reason) where reason is "locked" or
    "invalid". Neither the reason nor the time taken tells whether the address has an
    account: every attempt checks one password hash (a dummy one for an unknown address, a
    locked account or a user without a password), and an unknown address is "locked" after
    as many failures as a real account.
    """
    address = email.strip().lower()
    user = db.session.execute(db.select(User).where(User.email == address)).scalar_one_or_none()
    now = now_utc()
    if user is not None and user.password_hash:
        password_ok = user.check_password(password)
    else:
        password_ok = _check_dummy_password(password)
    if user is None:
        return None, _unknown_address_failure(address)
    if user.locked_until and user.locked_until > now:
        return None, "locked"
    if not user.active or not password_ok:
        locked_until = _count_failure(user, now)
        audit.record(AuditAction.login_failed, "user", user.id, allowed=False, user=user)
        db.session.commit()
        if locked_until and locked_until > now:
            return None, "locked"
        return None, "invalid"
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(AuditAction.login, "user", user.id, user=user)
    db.session.commit()
    return user, None


@functools.cache
def _dummy_hash(method: str | None) -> str:
    """A hash of a random password, made with the method real passwords use."""
    return generate_password_hash(secrets.token_hex(16), **({"method": method} if method else {}))


def _check_dummy_password(password: str) -> bool:
    """Spend the time of one password check (always False)."""
    check_password_hash(_dummy_hash(current_app.config.get("PASSWORD_HASH_METHOD")), password)
    return False


def _unknown_address_failure(address: str) -> str:
    """Count a failed login for an address without an account, as an account would count it:
    "locked" from the LOGIN_MAX_FAILURES-th failure within the lock period (a keyed hash of
    the address is the key; the address itself is never stored)."""
    config = current_app.config
    secret = config["SECRET_KEY"].encode()
    digest = hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()
    verdict = ratelimit.hit(
        f"login-unknown:{digest[:40]}",
        config["LOGIN_MAX_FAILURES"] - 1,
        config["LOGIN_LOCK_MINUTES"] * 60,
    )
    return "invalid" if verdict.allowed else "locked"


def _count_failure(user: User, now: datetime) -> datetime | None:
    """Count a failed login for `user` in one UPDATE, locking the account at the limit.

    The database does the arithmetic, so simultaneous failures are all counted (a read, an
    increment in Python and a write would lose some). Returns the account's lock end, if any.
    """
    config = current_app.config
    reaching = User.failed_logins + 1 >= config["LOGIN_MAX_FAILURES"]
    lock_end = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    locked_until = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(
            failed_logins=case((reaching, 0), else_=User.failed_logins + 1),
            locked_until=case((reaching, lock_end), else_=User.locked_until),
        )
        .returning(User.locked_until)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.expire(user, ["failed_logins", "locked_until"])
    return locked_until


def _address_key(address: str | None) -> str:
    """The rate-limit key of a client address: a keyed hash, never the address itself."""
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, (address or "unknown").encode(), hashlib.sha256).hexdigest()
    return f"login-address:{digest[:40]}"


def login_address_retry_after(address: str | None) -> int | None:
    """Seconds until `address` may try to log in again, or None when it may try now.

    Reads the current window of the failure counter that `record_login_failure` bumps.
    """
    config = current_app.config
    window_seconds = config["LOGIN_ADDRESS_WINDOW_SECONDS"]
    now = time.time()
    window = int(now // window_seconds) * window_seconds
    failures = db.session.scalar(
        db.select(RateLimitBucket.count).where(
            RateLimitBucket.key == _address_key(address), RateLimitBucket.window_start == window
        )
    )
    if failures is None or failures < config["LOGIN_ADDRESS_MAX_FAILURES"]:
        return None
    return max(1, window + window_seconds - int(now))


def record_login_failure(address: str | None) -> None:
    """Count a failed login from `address` (any account, known or not)."""
    config = current_app.config
    ratelimit.hit(
        _address_key(address),
        config["LOGIN_ADDRESS_MAX_FAILURES"],
        config["LOGIN_ADDRESS_WINDOW_SECONDS"],
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_set_password_token(user: User) -> str:
    """Create a one-time set-password token for `user` and return it (shown once)."""
    token = secrets.token_urlsafe(32)
    now = now_utc()
    db.session.add(
        SetPasswordToken(
            user=user,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + timedelta(hours=current_app.config["SET_PASSWORD_LINK_HOURS"]),
        )
    )
    return token


def find_set_password_token(token: str) -> SetPasswordToken | None:
    """The unused, unexpired token record for `token`, or None."""
    record = db.session.execute(
        db.select(SetPasswordToken).where(SetPasswordToken.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if record is None or record.used_at is not None or record.expires_at < now_utc():
        return None
    return record


def use_set_password_token(record: SetPasswordToken) -> bool:
    """Mark a set-password link used; True only for the one request that used it first.

    A conditional UPDATE, so that two requests with the same link cannot both pass.
    """
    result = db.session.execute(
        update(SetPasswordToken)
        .where(SetPasswordToken.id == record.id, SetPasswordToken.used_at.is_(None))
        .values(used_at=now_utc())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def set_password(user: User, password: str) -> None:
    """Hash and store a password with the configured method."""
    user.set_password(password, current_app.config.get("PASSWORD_HASH_METHOD"))


def is_safe_next(target: str | None) -> bool:
    """Only local paths are safe redirect targets (no scheme, no host, no `//`)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    # Browsers drop tabs and line breaks inside URLs ("/\t/evil" becomes "//evil").
    if len(target) > 2000 or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target
