"""User lifecycle (issue 17): list, search, change, deactivate, reactivate, new links."""

from __future__ import annotations

import re

from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import AuditEvent, User
from employerpool.models.enums import AuditAction, Role
from tests.conftest import PASSWORD, csrf_token, login, post_form
from tests.smtp import body, smtp_server  # noqa: F401 (fixture)


def _user_events(user_id: int) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "user", AuditEvent.object_id == user_id)
        .order_by(AuditEvent.id)
    ).all()


def test_admin_lists_searches_and_filters_every_user(client, make_user, make_partner):
    alna, stovner = make_partner(name="NAV Alna"), make_partner(name="NAV Stovner")
    admin = make_user(Role.admin, partner=alna)
    make_user(Role.counsellor, name="Kari Nordmann", partner=alna)
    make_user(Role.counsellor, name="Ola Stovner", partner=stovner)
    gone = make_user(Role.coordinator, name="Gunnar Gått", partner=stovner, active=False)
    login(client, admin.email)
    everyone = client.get("/users/").get_data(as_text=True)
    assert "Kari Nordmann" in everyone and "Ola Stovner" in everyone and "Gunnar Gått" in everyone
    found = client.get("/users/?q=nordmann").get_data(as_text=True)
    assert "Kari Nordmann" in found and "Ola Stovner" not in found
    by_partner = client.get(f"/users/?partner_id={stovner.id}").get_data(as_text=True)
    assert "Ola Stovner" in by_partner and "Kari Nordmann" not in by_partner
    inactive = client.get("/users/?status=inactive").get_data(as_text=True)
    assert gone.name in inactive and "Kari Nordmann" not in inactive
    counsellors = client.get("/users/?role=counsellor").get_data(as_text=True)
    assert "Kari Nordmann" in counsellors and "Gunnar Gått" not in counsellors
    bad = client.get("/users/?role=emperor")
    assert bad.status_code == 400 and "Ukjent valg" in bad.get_data(as_text=True)


def test_a_coordinator_sees_and_changes_only_its_own_partner(client, make_user, make_partner):
    alna, stovner = make_partner(name="NAV Alna"), make_partner(name="NAV Stovner")
    coordinator = make_user(Role.coordinator, partner=alna)
    own = make_user(Role.counsellor, name="Egen Veileder", partner=alna)
    admin = make_user(Role.admin, name="Admin Alna", partner=alna)
    other = make_user(Role.counsellor, name="Annen Veileder", partner=stovner)
    login(client, coordinator.email)
    listing = client.get("/users/").get_data(as_text=True)
    assert "Egen Veileder" in listing
    assert "Annen Veileder" not in listing and "Admin Alna" not in listing
    assert client.get(f"/users/{other.id}").status_code == 404
    assert client.get(f"/users/{admin.id}").status_code == 404
    token = csrf_token(client, f"/users/{own.id}")
    refused = client.post(f"/users/{other.id}/deactivate", data={"csrf_token": token})
    assert refused.status_code == 404
    assert db.session.get(User, other.id).active
    # The role list offers no admin, and a forged one is refused beside the field.
    page = client.get(f"/users/{own.id}").get_data(as_text=True)
    assert 'value="admin"' not in page
    forged = post_form(
        client, f"/users/{own.id}", {"name": own.name, "role": "admin", "partner_id": alna.id}
    )
    assert forged.status_code == 400
    assert "Du kan ikke gi denne rollen." in forged.get_data(as_text=True)
    assert db.session.get(User, own.id).role is Role.counsellor


def test_changes_are_audited_with_before_and_after(client, make_user, make_partner):
    alna, stovner = make_partner(name="NAV Alna"), make_partner(name="NAV Stovner")
    admin = make_user(Role.admin, partner=alna)
    user = make_user(Role.counsellor, name="Kari Nordmann", partner=alna)
    login(client, admin.email)
    response = post_form(
        client,
        f"/users/{user.id}",
        {"name": "Kari Nordmann-Hansen", "role": "coordinator", "partner_id": stovner.id},
    )
    assert response.status_code == 302
    user = db.session.get(User, user.id)
    assert (user.name, user.role, user.partner_id) == (
        "Kari Nordmann-Hansen",
        Role.coordinator,
        stovner.id,
    )
    event = [e for e in _user_events(user.id) if e.action is AuditAction.update][-1]
    assert event.user_id == admin.id
    assert event.detail["changes"] == {
        "name": ["Kari Nordmann", "Kari Nordmann-Hansen"],
        "role": ["counsellor", "coordinator"],
        "partner_id": [alna.id, stovner.id],
    }


def test_nobody_raises_their_own_role(client, make_user):
    coordinator = make_user(Role.coordinator)
    login(client, coordinator.email)
    response = post_form(
        client,
        f"/users/{coordinator.id}",
        {"name": coordinator.name, "role": "admin", "partner_id": coordinator.partner_id},
    )
    assert response.status_code == 400
    assert "Du kan ikke gi deg selv en høyere rolle." in response.get_data(as_text=True)
    assert db.session.get(User, coordinator.id).role is Role.coordinator


def test_the_last_active_admin_cannot_be_removed(client, make_user):
    admin = make_user(Role.admin)
    other = make_user(Role.admin, partner=admin.partner)
    login(client, admin.email)
    # With a second admin, the other one can be deactivated...
    token = csrf_token(client, f"/users/{other.id}")
    assert (
        client.post(f"/users/{other.id}/deactivate", data={"csrf_token": token}).status_code == 302
    )
    assert not db.session.get(User, other.id).active
    # ...but now the last one cannot give up the role, nor deactivate itself.
    demoted = post_form(
        client,
        f"/users/{admin.id}",
        {"name": admin.name, "role": "coordinator", "partner_id": admin.partner_id},
    )
    assert demoted.status_code == 400
    assert "siste aktive administratoren" in demoted.get_data(as_text=True)
    token = csrf_token(client, f"/users/{admin.id}")
    itself = client.post(f"/users/{admin.id}/deactivate", data={"csrf_token": token})
    assert itself.status_code == 400
    fresh = db.session.get(User, admin.id)
    assert fresh.active and fresh.role is Role.admin


def test_the_last_admin_check_holds_in_the_service_too(app, make_user):
    """Below the views: the only active admin cannot be demoted (an inactive one does not
    count)."""
    import pytest

    from employerpool.services import accounts

    admin = make_user(Role.admin)
    make_user(Role.admin, partner=admin.partner, active=False)
    with app.test_request_context(), pytest.raises(accounts.AccountError) as refused:
        accounts.update_user(
            admin, admin, name=admin.name, role=Role.counsellor, partner_id=admin.partner_id
        )
    assert refused.value.field == "role"
    db.session.rollback()
    assert db.session.get(User, admin.id).role is Role.admin


def test_a_deactivated_users_session_and_token_are_refused_on_the_next_request(
    app, client, make_user, bearer
):
    admin = make_user(Role.admin)
    leaver = make_user(Role.counsellor, name="Lars Slutter")
    headers = bearer(leaver)
    theirs = app.test_client()
    login(theirs, leaver.email)
    assert theirs.get("/start").status_code == 200
    assert theirs.get("/api/v1/vacancies", headers=headers).status_code == 200
    login(client, admin.email)
    token = csrf_token(client, f"/users/{leaver.id}")
    response = client.post(f"/users/{leaver.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    # The open session ends at its next request, and the token is refused.
    ended = theirs.get("/start")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/login")
    assert theirs.get("/start").headers["Location"].startswith("/login")
    assert theirs.get("/api/v1/vacancies", headers=headers).status_code == 401
    # Logging in again is refused; the history keeps the name.
    again = app.test_client()
    assert login(again, leaver.email).status_code == 400
    listing = client.get("/users/?status=inactive").get_data(as_text=True)
    assert "Lars Slutter" in listing
    changes = [e.detail for e in _user_events(leaver.id) if e.action is AuditAction.update]
    assert {"changes": {"active": [True, False]}, "tokens_revoked": 1} in changes
    # Reactivated, the user signs in again; the revoked token stays revoked.
    token = csrf_token(client, f"/users/{leaver.id}")
    client.post(f"/users/{leaver.id}/reactivate", data={"csrf_token": token})
    assert login(again, leaver.email).status_code == 302
    assert again.get("/api/v1/vacancies", headers=headers).status_code == 401


def test_a_new_link_is_mailed_once_and_replaces_the_old_one(
    app,
    client,
    make_user,
    smtp_server,  # noqa: F811
):
    admin = make_user(Role.admin)
    user = make_user(Role.counsellor, name="Nina Ny", email="nina@test.no")
    login(client, admin.email)
    token = csrf_token(client, f"/users/{user.id}")
    first = client.post(f"/users/{user.id}/send-link", data={"csrf_token": token})
    assert first.status_code == 200
    shown = re.search(r"http://localhost/set-password/[\w-]+", first.get_data(as_text=True))
    token = csrf_token(client, f"/users/{user.id}")
    client.post(f"/users/{user.id}/send-link", data={"csrf_token": token})
    mails = smtp_server.wait_for(2)
    assert [m["To"] for m in mails] == ["nina@test.no", "nina@test.no"]
    links = [re.search(r"http://localhost/set-password/[\w-]+", body(m)).group(0) for m in mails]
    assert shown.group(0) == links[0]
    # The first link stopped working when the second was sent; the second works once.
    assert app.test_client().get(links[0].removeprefix("http://localhost")).status_code == 404
    path = links[1].removeprefix("http://localhost")
    newcomer = app.test_client()
    done = post_form(
        newcomer, path, {"password": "en lang og god setning", "confirm": "en lang og god setning"}
    )
    assert done.status_code == 302
    assert newcomer.get(path).status_code == 404
    assert login(newcomer, "nina@test.no", "en lang og god setning").status_code == 302
    assert {"event": "link_sent"} in [e.detail for e in _user_events(user.id)]


def test_login_still_works_for_users_made_by_the_fixtures(client, make_user):
    user = make_user(Role.counsellor)
    assert login(client, user.email, PASSWORD).status_code == 302
