"""Single sign-on through OpenID Connect (issue 17), end to end against a real provider that
the test starts on loopback (tests/oidc_provider.py, Authlib's server side): discovery, PKCE,
state and nonce, RS256 id_tokens checked against the provider's JWKS."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from employerpool import create_app
from employerpool.extensions import db
from employerpool.models import AuditEvent, User
from employerpool.models.enums import AuditAction, Role
from tests.conftest import IsolatedClient
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, start_provider

CALLBACK = "http://localhost/login/sso/callback"


@pytest.fixture
def provider(app):
    provider, stop = start_provider(CALLBACK)
    yield provider
    stop()


@pytest.fixture
def sso_app(app, provider):
    """The app configured for the provider, on the same test database as `app`."""
    configured = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SERVER_NAME": "localhost",
            "OIDC_ISSUER": provider.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        }
    )
    configured.test_client_class = IsolatedClient
    with configured.app_context():
        yield configured
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sso_client(sso_app):
    return sso_app.test_client()


def _sign_in(client, provider):
    """Start at our login, let the provider sign in `provider.account`, come back."""
    start = client.get("/login/sso?next=/employers/")
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    authorize = start.headers["Location"]
    assert authorize.startswith(provider.issuer + "/authorize?")
    answer = requests.get(authorize, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    callback = answer.headers["Location"]
    assert callback.startswith(CALLBACK + "?")
    return client.get(callback.removeprefix("http://localhost"))


def _signed_in(client) -> bool:
    return client.get("/start").status_code == 200


def _failed_reasons() -> list[str]:
    return [
        d.get("reason")
        for d in db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == AuditAction.login_failed)
        )
        if d
    ]


def test_the_login_page_offers_sso_only_when_configured(client, sso_client):
    assert "organisasjonskonto" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso").status_code == 404
    assert 'href="/login/sso"' in sso_client.get("/login").get_data(as_text=True)


def test_a_verified_email_signs_in_its_user_and_binds_the_subject(sso_client, provider, make_user):
    user = make_user(Role.counsellor, email="kari.nordmann@nav.no")
    provider.account = {
        "sub": "entra-0001",
        "email": "Kari.Nordmann@nav.no",
        "email_verified": True,
        "name": "Kari Nordmann",
    }
    done = _sign_in(sso_client, provider)
    assert done.status_code == 302 and done.headers["Location"] == "/employers/"
    assert _signed_in(sso_client)
    # PKCE with S256, a state and a nonce went to the provider.
    args = provider.last_authorize_args
    assert args["code_challenge_method"] == "S256" and len(args["code_challenge"]) >= 43
    assert args["state"] and args["nonce"]
    assert provider.token_requests == 1
    assert db.session.get(User, user.id).oidc_subject == "entra-0001"
    events = db.session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.action == AuditAction.login, AuditEvent.user_id == user.id
        )
    ).all()
    assert {"method": "oidc"} in events


def test_a_bound_subject_signs_in_even_if_the_address_changed(sso_app, provider, make_user):
    user = make_user(Role.coordinator, email="ny@bydel.oslo.kommune.no", oidc_subject="sub-42")
    provider.account = {"sub": "sub-42", "email": "gammel@oslo.kommune.no"}
    client = sso_app.test_client()
    _sign_in(client, provider)
    assert _signed_in(client)
    assert db.session.get(User, user.id).last_login_at is not None


def test_an_unknown_user_is_refused(sso_client, provider, make_user):
    make_user(Role.counsellor, email="kari@nav.no")
    provider.account = {"sub": "stranger", "email": "ukjent@nav.no", "email_verified": True}
    done = _sign_in(sso_client, provider)
    assert done.headers["Location"] == "/login"
    page = sso_client.get("/login").get_data(as_text=True)
    assert "ingen aktiv bruker her" in page
    assert not _signed_in(sso_client)
    assert "unknown_user" in _failed_reasons()
    # No staff user was created for the stranger.
    assert db.session.scalar(select(User).where(User.email == "ukjent@nav.no")) is None


def test_an_unverified_email_does_not_map_to_a_user(sso_client, provider, make_user):
    user = make_user(Role.counsellor, email="kari@nav.no")
    provider.account = {"sub": "someone", "email": "kari@nav.no", "email_verified": False}
    _sign_in(sso_client, provider)
    assert not _signed_in(sso_client)
    assert db.session.get(User, user.id).oidc_subject is None


def test_a_wrong_nonce_is_refused(sso_client, provider, make_user):
    make_user(Role.counsellor, email="kari@nav.no")
    provider.account = {"sub": "s1", "email": "kari@nav.no", "email_verified": True}
    provider.mode = "wrong_nonce"
    done = _sign_in(sso_client, provider)
    assert done.headers["Location"] == "/login"
    assert not _signed_in(sso_client)
    assert "InvalidClaimError" in _failed_reasons()


def test_an_expired_id_token_is_refused(sso_client, provider, make_user):
    make_user(Role.counsellor, email="kari@nav.no")
    provider.account = {"sub": "s1", "email": "kari@nav.no", "email_verified": True}
    provider.mode = "expired"
    done = _sign_in(sso_client, provider)
    assert done.headers["Location"] == "/login"
    assert not _signed_in(sso_client)
    assert "ExpiredTokenError" in _failed_reasons()


def test_a_forged_or_replayed_state_is_refused(sso_client, provider, make_user):
    make_user(Role.counsellor, email="kari@nav.no")
    provider.account = {"sub": "s1", "email": "kari@nav.no", "email_verified": True}
    start = sso_client.get("/login/sso")
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    forged = sso_client.get(f"/login/sso/callback?code={query['code'][0]}&state=forged")
    assert forged.headers["Location"] == "/login" and not _signed_in(sso_client)
    # Another browser cannot finish this browser's sign-in with the right state either.
    other = sso_client.application.test_client()
    callback = answer.headers["Location"].removeprefix("http://localhost")
    assert other.get(callback).headers["Location"] == "/login"
    assert not _signed_in(other)


def test_a_deactivated_user_is_refused(sso_client, provider, make_user):
    make_user(Role.counsellor, email="kari@nav.no", active=False)
    provider.account = {"sub": "s1", "email": "kari@nav.no", "email_verified": True}
    _sign_in(sso_client, provider)
    assert not _signed_in(sso_client)
    assert "inactive" in _failed_reasons()


def test_sso_works_for_a_partner_without_password_sign_in(
    sso_client, provider, make_user, make_partner
):
    partner = make_partner(name="Bydel Alna", password_login=False)
    make_user(Role.counsellor, email="kari@bal.oslo.kommune.no", partner=partner)
    provider.account = {"sub": "s9", "email": "kari@bal.oslo.kommune.no", "email_verified": True}
    _sign_in(sso_client, provider)
    assert _signed_in(sso_client)


def test_with_required_2fa_an_sso_sign_in_counts_unless_told_otherwise(
    sso_app, sso_client, provider, make_user
):
    sso_app.config["REQUIRE_2FA"] = True
    make_user(Role.counsellor, email="kari@nav.no")
    provider.account = {"sub": "s1", "email": "kari@nav.no", "email_verified": True}
    _sign_in(sso_client, provider)
    assert _signed_in(sso_client)
    sso_app.config["OIDC_COUNTS_AS_2FA"] = False
    other = sso_app.test_client()
    done = _sign_in(other, provider)
    assert done.headers["Location"] == "/account/two-factor"
    assert not _signed_in(other)
