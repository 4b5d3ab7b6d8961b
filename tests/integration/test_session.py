"""Sessions end when idle and after an absolute lifetime; login is limited per client address
as well as per account; `next` redirects stay local (issue 8)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import AuditEvent, RateLimitBucket
from employerpool.models.enums import AuditAction, ConsentScope, Role
from tests.conftest import PASSWORD, csrf_token, login

COVERED_ENDPOINTS: set[str] = set()  # no routes of its own
# The login form's hidden `next` (base.html's language switch has one too).
NEXT_FIELD = re.compile(r'<input id="next" name="next" type="hidden" value="([^"]*)"')


def _age(client, key: str, seconds: int) -> int:
    """Move a session clock `seconds` into the past (as if that time had passed)."""
    with client.session_transaction() as session:
        session[key] -= seconds
        return session[key]


def _login_target(response) -> tuple[str, str | None]:
    location = urlsplit(response.headers["Location"])
    return location.path, parse_qs(location.query).get("next", [None])[0]


def test_an_idle_session_ends_with_a_message_and_login_returns_to_the_page(app, client, make_user):
    user = make_user(Role.counsellor)
    login(client, user.email)
    assert client.get("/candidates/").status_code == 200
    _age(client, "seen_at", app.config["SESSION_IDLE_MINUTES"] * 60 + 1)

    response = client.get("/candidates/?programme=KVP")
    assert _login_target(response) == ("/login", "/candidates/?programme=KVP")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    minutes = app.config["SESSION_IDLE_MINUTES"]
    assert f"ikke har vært aktiv på {minutes} minutter" in page
    assert client.get("/start").status_code == 302  # really logged out

    next_value = html.unescape(NEXT_FIELD.search(page).group(1))
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "next": next_value, "csrf_token": token},
    )
    assert response.headers["Location"] == "/candidates/?programme=KVP"
    expired = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.logout)
    ).one()
    assert expired.user_id == user.id and expired.detail == {"expired": "idle"}


def test_a_busy_session_still_ends_after_the_absolute_lifetime(app, client, make_user):
    user = make_user(Role.counsellor)
    login(client, user.email)
    lifetime = int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    _age(client, "login_at", lifetime + 1)  # seen_at stays fresh: the user is active

    response = client.get("/vacancies/")
    assert _login_target(response) == ("/login", "/vacancies/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "en innlogging varer høyst 8 timer" in page


def test_activity_keeps_the_session_alive(app, client, make_user):
    user = make_user(Role.counsellor)
    login(client, user.email)
    almost = _age(client, "seen_at", app.config["SESSION_IDLE_MINUTES"] * 60 - 30)
    assert client.get("/vacancies/").status_code == 200
    with client.session_transaction() as session:
        assert session["seen_at"] > almost


def test_a_session_without_clocks_is_not_trusted(client, make_user):
    user = make_user(Role.counsellor)
    login(client, user.email)
    with client.session_transaction() as session:
        del session["login_at"]
    assert _login_target(client.get("/start")) == ("/login", "/start")


def test_a_form_posted_after_expiry_changes_nothing_and_returns_to_its_page(
    app, client, make_user, make_candidate
):
    user = make_user(Role.counsellor)
    candidate = make_candidate(partner=user.partner)
    login(client, user.email)
    page = f"/candidates/{candidate.id}"
    token = csrf_token(client, page)
    _age(client, "seen_at", app.config["SESSION_IDLE_MINUTES"] * 60 + 1)
    response = client.post(
        f"{page}/consents",
        data={"scope": "pool_partners", "action": "give", "note": "", "csrf_token": token},
        headers={"Referer": f"http://localhost{page}"},
    )
    assert _login_target(response) == ("/login", page)
    db.session.refresh(candidate)
    assert not candidate.has_consent(ConsentScope.pool_partners)


def test_a_foreign_referrer_is_not_a_return_address(app, client, make_user):
    user = make_user(Role.counsellor)
    login(client, user.email)
    token = csrf_token(client, "/start")
    _age(client, "seen_at", app.config["SESSION_IDLE_MINUTES"] * 60 + 1)
    response = client.post(
        "/language",
        data={"lang": "en", "csrf_token": token},
        headers={"Referer": "https://evil.example/start"},
    )
    assert _login_target(response) == ("/login", None)


# --- login rate limits ------------------------------------------------------------------------


def _attempt(client, email: str, password: str, address: str):
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_one_address_is_refused_after_many_failures_whatever_the_accounts(app, client, make_user):
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 3
    user = make_user(Role.counsellor)
    for n in range(3):  # guessing at different accounts never locks any of them
        response = _attempt(client, f"guess{n}@test.no", "wrong", "10.0.0.1")
        assert response.status_code == 400

    refused = _attempt(client, user.email, PASSWORD, "10.0.0.1")  # even the right password
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    text = refused.get_data(as_text=True)
    assert "For mange mislykkede innlogginger fra denne adressen" in text
    assert client.get("/start").status_code == 302

    other = app.test_client()
    response = _attempt(other, user.email, PASSWORD, "10.0.0.2")
    assert response.headers["Location"].endswith("/start")

    # The address is kept only as a keyed hash, and the refusal is audited without it.
    keys = db.session.scalars(select(RateLimitBucket.key)).all()
    assert keys and not any("10.0.0" in key for key in keys)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.detail.is_not(None), AuditEvent.user_id.is_(None))
    ).one()
    assert event.action is AuditAction.login_failed and event.allowed is False
    assert event.detail == {"reason": "address_limit"}


def test_the_account_lock_message_says_how_long_it_lasts(app, client, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, user.email, "wrong")
    response = login(client, user.email, PASSWORD)
    text = response.get_data(as_text=True)
    assert "midlertidig låst" in text
    assert f"Prøv igjen om {app.config['LOGIN_LOCK_MINUTES']} minutter" in text


@pytest.mark.parametrize(
    "next_url",
    ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\x00x", "/" + "a" * 3000],
)
def test_next_with_control_characters_or_too_long_is_not_followed(client, make_user, next_url):
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "next": next_url, "csrf_token": token},
    )
    assert response.headers["Location"] == "/start"
