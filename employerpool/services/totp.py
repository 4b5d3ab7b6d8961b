"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238) and recovery codes.

Staff in TWO_FACTOR_ROLES must use it when REQUIRE_2FA is on; anyone else may opt in. The
enrolment QR code is drawn on the server as inline SVG (segno), so no image service or script
sees the secret and the page's strict CSP holds. A code is accepted once: the time step it
belongs to is remembered. Recovery codes are stored as hashes and work once each.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import delete, select

from employerpool.extensions import db
from employerpool.models import RecoveryCode, User, now_utc

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
# Codes from the step before and after the current one count (clocks drift, people type).
VALID_WINDOW = 1
_NOT_DIGITS = re.compile(r"[\s-]")


def required_for(user: User) -> bool:
    """True when `user`'s role must use a second factor (REQUIRE_2FA on)."""
    config = current_app.config
    return bool(config.get("REQUIRE_2FA")) and user.role.name in config["TWO_FACTOR_ROLES"]


def needs_second_factor(user: User) -> bool:
    """True when signing in as `user` takes a second factor: enrolled, or required."""
    return user.has_totp or required_for(user)


def new_secret() -> str:
    """A fresh base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["TOTP_ISSUER"]
    )


def qr_svg(uri: str, label: str) -> Markup:
    """The QR code of `uri` as inline SVG markup with an accessible name."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    # segno writes only numbers and path data into the SVG; the label is escaped.
    named = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(named)  # noqa: S704


def _step(at: float) -> int:
    return int(at // 30)


def check_code(secret: str, code: str, last_step: int | None, at: float | None = None):
    """The time step `code` belongs to if it is valid and newer than `last_step`, else None."""
    code = _NOT_DIGITS.sub("", code or "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    now = time.time() if at is None else at
    totp = pyotp.TOTP(secret)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = _step(now) + offset
        if hmac.compare_digest(totp.at(step * 30), code) and (
            last_step is None or step > last_step
        ):
            return step
    return None


def verify(user: User, code: str) -> bool:
    """Check a TOTP code of an enrolled user and use it up. The caller commits."""
    if not user.has_totp:
        return False
    step = check_code(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def _hash_recovery(user_id: int, code: str) -> str:
    normalised = _NOT_DIGITS.sub("", code or "").lower()
    return hashlib.sha256(f"{user_id}:{normalised}".encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace `user`'s recovery codes; returns the new ones (shown once). The caller commits."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(user.id, code)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code of `user` once. The caller commits."""
    if not user.has_totp or len(code or "") > 40:
        return False
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery(user.id, code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = now_utc()
    return True


def remaining_recovery_codes(user: User) -> int:
    """How many unused recovery codes `user` has left."""
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def enable(user: User, secret: str, code: str) -> list[str] | None:
    """Confirm enrolment with a code from the app; returns the recovery codes, or None when
    the code is wrong. The caller commits."""
    step = check_code(secret, code, None)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_enabled_at = now_utc()
    user.totp_last_step = step
    return new_recovery_codes(user)


def disable(user: User) -> None:
    """Remove `user`'s second factor and recovery codes. The caller commits."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
