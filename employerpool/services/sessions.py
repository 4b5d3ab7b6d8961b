"""Server-side session versions: end every browser session of a user at once.

Each user has a `session_version`; a login stamps the current version into the (signed) session
cookie, and a request whose session carries an older version, or whose user has been
deactivated, is logged out (`views/account.py` checks before every request). Bumping the version
ends every session of the user on its next request: deactivation, a password reset, an admin's
reset of the second factor. API tokens are checked on their own (`ApiToken.is_usable`).
"""

from __future__ import annotations

from flask import session
from flask_login import user_logged_in

SESSION_KEY = "session_version"


def end_all_sessions(user) -> None:
    """End every session of `user` on its next request; the caller commits."""
    user.session_version = (user.session_version or 0) + 1


def stamp(user) -> None:
    """Remember in this session the version it belongs to (done on every login)."""
    session[SESSION_KEY] = user.session_version or 0


def is_current(user) -> bool:
    """True when this session may go on acting as `user` (active, not ended since login).

    A session from before versions existed counts as version 0.
    """
    return bool(user.active) and session.get(SESSION_KEY, 0) == (user.session_version or 0)


@user_logged_in.connect
def _stamp_on_login(sender, user, **extra) -> None:
    stamp(user)
