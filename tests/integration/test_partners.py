"""Partner organisations (issue 17): `flask partners`, the admin page, deactivation and the
per-partner switch that turns password sign-in off."""

from __future__ import annotations

from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import AuditEvent, Partner, User
from employerpool.models.enums import AuditAction, PartnerKind, Programme, Role
from tests.conftest import login, post_form


def test_cli_creates_and_lists_partners_with_programmes(app):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "partners", "create", "--name", "NAV Alna", "--kind", "nav", "--district", "Alna",
            "--programme", "KVP", "--programme", "Jobbsjansen",
        ]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "NAV Alna" in created.output
    runner.invoke(
        args=["partners", "create", "--name", "Oslo VO", "--kind", "adult_education", "--sso-only"]
    )
    partner = db.session.scalar(select(Partner).where(Partner.name == "NAV Alna"))
    assert partner.kind is PartnerKind.nav and partner.active and partner.password_login
    assert set(partner.programmes) == {Programme.KVP, Programme.Jobbsjansen}
    listed = runner.invoke(args=["partners", "list"])
    assert "NAV Alna" in listed.output and "Jobbsjansen,KVP" in listed.output
    assert "sso-only" in listed.output
    again = runner.invoke(args=["partners", "create", "--name", "nav alna", "--kind", "nav"])
    assert again.exit_code != 0 and "finnes allerede" in again.output
    bad = runner.invoke(args=["partners", "create", "--name", "X", "--kind", "bank"])
    assert bad.exit_code != 0


def test_admin_adds_renames_and_deactivates_a_partner(app, client, make_user):
    admin = make_user(Role.admin)
    login(client, admin.email)
    added = post_form(
        client,
        "/admin/partners/",
        {
            "name": "Bydel Grorud",
            "kind": "district",
            "district": "Grorud",
            "programmes": ["Intro", "YNO"],
            "password_login": "y",
        },
    )
    assert added.status_code == 302
    partner = db.session.scalar(select(Partner).where(Partner.name == "Bydel Grorud"))
    assert set(partner.programmes) == {Programme.Intro, Programme.YNO}
    member = make_user(Role.counsellor, partner=partner)
    theirs = app.test_client()
    login(theirs, member.email)
    renamed = post_form(
        client,
        f"/admin/partners/{partner.id}",
        {"name": "Bydel Grorud (NAV-samarbeid)", "kind": "district", "district": "Grorud",
         "programmes": ["Intro"], "password_login": "y"},
    )  # fmt: skip
    assert renamed.status_code == 302
    partner = db.session.get(Partner, partner.id)
    assert partner.name == "Bydel Grorud (NAV-samarbeid)" and partner.programmes == [
        Programme.Intro
    ]
    deactivated = post_form(
        client,
        f"/admin/partners/{partner.id}/active",
        {"active": "0"},
        f"/admin/partners/{partner.id}",
    )
    assert deactivated.status_code == 302
    assert not db.session.get(Partner, partner.id).active
    assert not db.session.get(User, member.id).active
    assert theirs.get("/start").headers["Location"].startswith("/login")
    # Audited with before and after.
    details = db.session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.object_type == "partner", AuditEvent.action == AuditAction.update
        )
    ).all()
    assert {"changes": {"name": ["Bydel Grorud", "Bydel Grorud (NAV-samarbeid)"],
                        "programmes": [["Intro", "YNO"], ["Intro"]]}} in details  # fmt: skip
    assert any(d["changes"].get("active") == [True, False] for d in details)


def test_partner_form_errors_sit_beside_the_fields(client, make_user, make_partner):
    make_partner(name="NAV Alna")
    login(client, make_user(Role.admin).email)
    response = post_form(client, "/admin/partners/", {"name": "nav  alna", "kind": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="kind-error"' in html and "Velg hva slags partner det er." in html
    response = post_form(client, "/admin/partners/", {"name": "NAV  Alna", "kind": "nav"})
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert "finnes allerede" in response.get_data(as_text=True)


def test_the_partner_of_the_last_admins_cannot_be_deactivated(client, make_user):
    admin = make_user(Role.admin)
    login(client, admin.email)
    url = f"/admin/partners/{admin.partner_id}"
    response = post_form(client, f"{url}/active", {"active": "0"}, url)
    assert response.status_code == 302
    assert db.session.get(Partner, admin.partner_id).active
    assert db.session.get(User, admin.id).active


def test_password_sign_in_can_be_turned_off_per_partner(client, make_user, make_partner):
    sso = make_partner(name="Bydel Alna", password_login=False)
    user = make_user(Role.counsellor, partner=sso)
    response = login(client, user.email)
    assert response.status_code == 400
    assert "organisasjonskonto" in response.get_data(as_text=True)
    assert client.get("/start").headers["Location"].startswith("/login")
    # A wrong password gets the usual answer: the switch is told only to the right person.
    wrong = login(client, user.email, "feil passord her")
    assert "organisasjonskonto" not in wrong.get_data(as_text=True)
    other = make_user(Role.counsellor)
    assert login(client, other.email).status_code == 302


def test_a_deactivated_partner_gets_no_new_users(app, client, make_user, make_partner):
    make_partner(name="Nedlagt kontor", active=False)
    make_partner(name="NAV Grorud")
    login(client, make_user(Role.admin).email)
    form = client.get("/admin/users").get_data(as_text=True)
    assert "NAV Grorud" in form and "Nedlagt kontor" not in form
    created = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "ny@test.no", "--name", "Ny", "--role", "counsellor",
              "--partner", "Nedlagt kontor"]
    )  # fmt: skip
    assert created.exit_code != 0 and "deactivated partner" in created.output
