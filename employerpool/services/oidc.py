"""Single sign-on through OpenID Connect (Authlib's Flask client).

Configured by OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (the provider's discovery
document at <issuer>/.well-known/openid-configuration gives the rest). The authorisation code
flow with PKCE (S256); Authlib keeps state, nonce and the code verifier in the session and
checks them, and checks the id_token's signature (JWKS), issuer, audience, expiry and nonce.

A sign-in maps to an existing user only (no self-provisioning of staff): by the subject bound
to the user before, or else by an e-mail address the provider says is verified, which binds
the subject for next time.
"""

from __future__ import annotations

import logging

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import JoseError
from requests import RequestException
from sqlalchemy import func, select

from employerpool.extensions import db
from employerpool.models import User

log = logging.getLogger(__name__)
_EXTENSION = "employerpool.oidc"
# What can go wrong in the exchange: a bad or replayed state, an error from the provider, a
# token that fails its checks (nonce, expiry, signature, audience), the provider unreachable.
FLOW_ERRORS = (OAuthError, JoseError, RequestException, ValueError, KeyError)


class SignInRefused(Exception):
    """The provider vouched for someone we cannot let in; `reason` is for the audit trail."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def init_app(app: Flask) -> None:
    """Register the provider as an Authlib client when OIDC_ISSUER is set."""
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        "oidc",
        client_id=app.config.get("OIDC_CLIENT_ID"),
        client_secret=app.config.get("OIDC_CLIENT_SECRET"),
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": app.config.get("OIDC_SCOPES") or "openid email profile",
            "code_challenge_method": "S256",
            "timeout": 10,
        },
    )
    app.extensions[_EXTENSION] = oauth


def enabled() -> bool:
    """True when single sign-on is configured."""
    return _EXTENSION in current_app.extensions


def client():
    """The registered Authlib client."""
    return current_app.extensions[_EXTENSION].oidc


def user_for_claims(claims: dict) -> User:
    """The existing user the verified id_token claims belong to; binds the subject on first
    use. Raises SignInRefused. The caller commits."""
    subject = str(claims.get("sub") or "")
    if not subject or len(subject) > 255:
        raise SignInRefused("no_subject")
    user = db.session.scalar(select(User).where(User.oidc_subject == subject))
    if user is None:
        email = claims.get("email")
        if not isinstance(email, str) or claims.get("email_verified") is not True:
            raise SignInRefused("unknown_subject")
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
        if user is None:
            raise SignInRefused("unknown_user")
        if user.oidc_subject is not None:
            # The address belongs to a user bound to another identity at the provider.
            raise SignInRefused("subject_mismatch")
        user.oidc_subject = subject
    if not user.active:
        raise SignInRefused("inactive")
    return user
