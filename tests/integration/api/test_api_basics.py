"""The API's ground rules: bearer tokens only, JSON errors, rate limits, bounded bodies."""

from __future__ import annotations

from datetime import timedelta

from employerpool.extensions import db
from employerpool.models import now_utc
from employerpool.models.enums import Role
from employerpool.services.tokens import create_token, revoke
from tests.conftest import login

COVERED_ENDPOINTS = {"api.openapi_document", "api.docs"}


def test_no_token_gives_401_json_with_challenge(client):
    response = client.get("/api/v1/vacancies")
    assert response.status_code == 401
    assert response.is_json
    assert response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_logged_in_session_is_not_an_api_credential(client, make_user):
    user = make_user(Role.coordinator)
    login(client, user.email)
    assert client.get("/api/v1/vacancies").status_code == 401


def test_revoked_expired_and_unknown_tokens_are_refused(client, make_user):
    user = make_user(Role.coordinator)
    token, secret = create_token(user, "revoked")
    expired, expired_secret = create_token(user, "expired", expires_days=1)
    expired.expires_at = now_utc() - timedelta(minutes=1)
    db.session.commit()
    ok = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/vacancies", headers=ok).status_code == 200
    revoke(token)
    db.session.commit()
    assert client.get("/api/v1/vacancies", headers=ok).status_code == 401
    headers = {"Authorization": f"Bearer {expired_secret}"}
    assert client.get("/api/v1/vacancies", headers=headers).status_code == 401
    headers = {"Authorization": "Bearer ep_not-a-real-token"}
    assert client.get("/api/v1/vacancies", headers=headers).status_code == 401


def test_deactivated_user_token_stops_working(client, make_user, bearer):
    user = make_user(Role.coordinator)
    headers = bearer(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/vacancies", headers=headers).status_code == 401


def test_tokens_are_stored_hashed(make_user):
    token, secret = create_token(make_user(Role.counsellor), "x")
    db.session.commit()
    assert secret not in (token.token_hash, token.prefix)
    assert len(token.token_hash) == 64 and secret.startswith(token.prefix)


def test_rate_limit_per_token_answers_429_with_retry_after(app, client, make_user, bearer):
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 3
    user = make_user(Role.coordinator)
    first, second = bearer(user), bearer(user)
    codes = [client.get("/api/v1/vacancies", headers=first).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/vacancies", headers=first)
    assert limited.get_json()["error"] and int(limited.headers["Retry-After"]) >= 1
    # The limit is per token: another token of the same user is not affected.
    assert client.get("/api/v1/vacancies", headers=second).status_code == 200


def test_unknown_route_and_wrong_method_answer_json(client, make_user, bearer):
    headers = bearer(make_user(Role.coordinator))
    missing = client.get("/api/v1/nothing-here", headers=headers)
    assert missing.status_code == 404 and missing.is_json
    wrong = client.delete("/api/v1/vacancies", headers=headers)
    assert wrong.status_code == 405 and wrong.is_json


def test_body_must_be_a_json_object_and_bounded(app, client, make_user, bearer):
    headers = bearer(make_user(Role.coordinator))
    as_form = client.post("/api/v1/vacancies", headers=headers, data={"title": "x"})
    assert as_form.status_code == 415 and as_form.is_json
    broken = client.post(
        "/api/v1/vacancies", headers=headers, data=b"{not json", content_type="application/json"
    )
    assert broken.status_code == 400 and broken.is_json
    a_list = client.post("/api/v1/vacancies", headers=headers, json=[1, 2])
    assert a_list.status_code == 422 and "body" in a_list.get_json()["fields"]
    big = "x" * (app.config["API_MAX_CONTENT_LENGTH"] + 1)
    too_big = client.post("/api/v1/vacancies", headers=headers, json={"title": big})
    assert too_big.status_code == 413 and too_big.is_json


def test_openapi_document_is_public_and_describes_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.docs":
            path = rule.rule.replace("<int:", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, path) in documented, (method, path)


def test_docs_page_documents_every_operation_without_external_assets(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert f'id="{op["operationId"]}"' in html
            assert f"{method.upper()} {path}" in html
    for name in doc["components"]["schemas"]:
        assert f'id="schema-{name}"' in html
    assert "http://" not in html and "https://" not in html  # nothing from a CDN


def test_nul_characters_are_refused_naming_the_field(client, make_user, make_employer, bearer):
    headers = bearer(make_user(Role.coordinator))
    body = {"employer_id": make_employer().id, "title": "Lager\x00", "type": "ordinar"}
    response = client.post("/api/v1/vacancies", headers=headers, json=body)
    assert response.status_code == 422
    assert "title" in response.get_json()["fields"]
    nested = client.post(
        "/api/v1/vacancies",
        headers=headers,
        json={**body, "title": "Lager", "skills_required": ["ok", "tr\x00uck"]},
    )
    assert nested.status_code == 422 and "skills_required.1" in nested.get_json()["fields"]
