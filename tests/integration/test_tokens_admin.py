"""API tokens: the admin page and the `flask tokens` commands."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import ApiToken
from employerpool.models.enums import Role
from tests.conftest import login, post_form

COVERED_ENDPOINTS = {"tokens.index", "tokens.revoke_token", "tokens.mine", "tokens.revoke_mine"}


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.admin])
def test_only_admins_reach_the_token_page(client, make_user, role):
    login(client, make_user(role).email)
    assert client.get("/admin/tokens/").status_code == 403
    assert client.post("/admin/tokens/1/revoke").status_code in (400, 403)


def test_a_user_creates_a_token_that_works_once_shown_and_an_admin_revokes_it(client, make_user):
    admin, coordinator = make_user(Role.admin), make_user(Role.coordinator)
    login(client, coordinator.email)
    page = post_form(client, "/account/api-tokens", {"name": "Fagsystem", "expires_days": "30"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    secret = re.search(r"ep_[A-Za-z0-9_-]{20,}", html).group(0)
    token = db.session.scalar(select(ApiToken))
    assert token.user_id == coordinator.id and token.created_by_id == coordinator.id
    assert token.expires_at is not None and secret not in token.token_hash
    api = client.application.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/vacancies", headers=headers).status_code == 200
    # The lists show the prefix, never the secret again.
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert token.prefix in listing and secret not in listing
    admin_client = client.application.test_client()
    login(admin_client, admin.email)
    listing = admin_client.get("/admin/tokens/").get_data(as_text=True)
    assert token.prefix in listing and secret not in listing
    revoked = post_form(
        admin_client, f"/admin/tokens/{token.id}/revoke", {}, form_url="/admin/tokens/"
    )
    assert revoked.status_code == 303
    assert api.get("/api/v1/vacancies", headers=headers).status_code == 401


def test_a_user_revokes_only_their_own_tokens(client, make_user):
    from employerpool.services.tokens import create_token

    owner, other = make_user(Role.counsellor), make_user(Role.counsellor)
    token, _secret = create_token(owner, "x")
    db.session.commit()
    login(client, other.email)
    response = post_form(
        client, f"/account/api-tokens/{token.id}/revoke", {}, form_url="/account/api-tokens"
    )
    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_token_form_errors_sit_beside_the_fields(client, make_user):
    login(client, make_user(Role.admin).email)
    page = post_form(client, "/account/api-tokens", {"name": "", "expires_days": "0"})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "Skriv hva tokenet skal brukes til." in html
    assert "Skriv et tall mellom 1 og 3650." in html
    assert db.session.scalar(select(ApiToken)) is None


def test_cli_creates_lists_and_revokes(app, make_user):
    user = make_user(Role.counsellor)
    runner = app.test_cli_runner()
    created = runner.invoke(args=["tokens", "create", "--email", user.email, "--expires-days", "7"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip()
    assert secret.startswith("ep_")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/vacancies", headers=headers).status_code == 200
    listed = runner.invoke(args=["tokens", "list"])
    assert (
        secret[:10] in listed.output and "active" in listed.output and secret not in listed.output
    )
    revoked = runner.invoke(args=["tokens", "revoke", secret[:10]])
    assert revoked.exit_code == 0, revoked.output
    db.session.expire_all()
    assert client.get("/api/v1/vacancies", headers=headers).status_code == 401
    unknown = runner.invoke(args=["tokens", "create", "--email", "nobody@example.no"])
    assert unknown.exit_code != 0 and "no active user" in unknown.output
