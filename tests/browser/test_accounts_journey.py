"""Accounts in the browser (issue 17), with two-step sign-in required as in production: an
admin adds a partner and a counsellor; the counsellor sets a password, sets up the
authenticator app, signs out and in with a code; the admin deactivates the counsellor, whose
open session ends at once."""

from __future__ import annotations

import time

import pyotp
import pytest

from tests.browser.helpers import DEMO_LOGINS, DEMO_PASSWORD, snap

pytestmark = pytest.mark.browser
NEW_PASSWORD = "tre grønne epler på bordet"


def _sign_in_with_password(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()


def _enrol(page, base: str, name: str) -> str:
    """Set up the authenticator app on the enrolment page; returns the secret."""
    page.wait_for_url(base + "/account/two-factor")
    assert page.locator("figure.qr svg[role=img]").is_visible()
    snap(page, f"{name}-enrol")
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Kode fra appen").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Slå på").click()
    assert page.get_by_role("heading", name="Innlogging i to trinn er slått på").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    snap(page, f"{name}-recovery-codes")
    page.get_by_role("link", name="Fortsett").click()
    page.wait_for_url(base + "/start")
    return secret


def test_admin_adds_partner_and_counsellor_who_signs_in_with_a_code_until_deactivated(
    live, page, browser
):
    base = live.url
    live.app.config["REQUIRE_2FA"] = True

    # The admin signs in and, as the role requires, sets up two-step sign-in first.
    _sign_in_with_password(page, base, DEMO_LOGINS["admin"], DEMO_PASSWORD)
    _enrol(page, base, "accounts-1-admin")

    # A new partner with its programmes.
    nav = page.get_by_role("navigation", name="Hovedmeny")
    nav.get_by_role("link", name="Partnere").click()
    page.get_by_label("Navn", exact=True).fill("Bydel Grorud Jobbsenter")
    page.get_by_label("Type").select_option(label="Bydel")
    page.get_by_label("Bydel (valgfritt)").select_option(label="Grorud")
    page.get_by_label("Introduksjonsprogrammet").check()
    page.get_by_label("Jobbsjansen").check()
    page.get_by_role("button", name="Legg til partner").click()
    assert "Partneren Bydel Grorud Jobbsenter er lagt til." in page.locator(".flashes").inner_text()
    row = page.locator("table tbody tr").filter(has_text="Bydel Grorud Jobbsenter")
    assert "Intro, Jobbsjansen" in row.inner_text()
    snap(page, "accounts-2-partner-added")

    # A counsellor at the new partner gets a one-time link.
    nav.get_by_role("link", name="Brukere").click()
    page.get_by_role("link", name="Ny bruker").click()
    page.get_by_label("Navn").fill("Tiril Totrinn")
    page.get_by_label("E-postadresse").fill("tiril.totrinn@demo.no")
    page.get_by_label("Rolle").select_option(label="Veileder")
    page.get_by_label("Partner").select_option(label="Bydel Grorud Jobbsenter")
    page.get_by_role("button", name="Opprett bruker").click()
    link = page.locator(".notice .link-to-copy").inner_text().strip()
    assert link.startswith(base + "/set-password/")

    # The counsellor sets a password (a common one is refused beside the field)...
    context = browser.new_context(locale="nb-NO")
    vera = context.new_page()
    vera.set_default_timeout(15_000)
    try:
        vera.goto(link)
        vera.get_by_label("Nytt passord").fill("passord1234")
        vera.get_by_label("Gjenta passordet").fill("passord1234")
        vera.get_by_role("button", name="Lagre passord").click()
        assert "mest brukte passordene" in vera.locator("#password-error").inner_text()
        vera.get_by_label("Nytt passord").fill(NEW_PASSWORD)
        vera.get_by_label("Gjenta passordet").fill(NEW_PASSWORD)
        vera.get_by_role("button", name="Lagre passord").click()
        vera.wait_for_url(base + "/login")

        # ...signs in, sets up the authenticator app, and signs out.
        _sign_in_with_password(vera, base, "tiril.totrinn@demo.no", NEW_PASSWORD)
        secret = _enrol(vera, base, "accounts-3-counsellor")
        assert "Hei, Tiril Totrinn" in vera.locator("main").inner_text()
        vera.get_by_role("button", name="Logg ut").click()
        vera.wait_for_url(base + "/login")

        # Signing in again takes the password and then a code from the app.
        _sign_in_with_password(vera, base, "tiril.totrinn@demo.no", NEW_PASSWORD)
        vera.wait_for_url(base + "/login/code")
        snap(vera, "accounts-4-code-step")
        vera.get_by_label("Engangskode").fill(pyotp.TOTP(secret).at(time.time() + 30))
        vera.get_by_role("button", name="Logg inn").click()
        vera.wait_for_url(base + "/start")
        assert "Hei, Tiril Totrinn" in vera.locator("main").inner_text()

        # The admin finds and deactivates the counsellor...
        nav.get_by_role("link", name="Brukere").click()
        page.get_by_label("Søk etter navn eller e-post").fill("tiril")
        page.get_by_role("button", name="Søk").click()
        page.get_by_role("link", name="Tiril Totrinn").click()
        assert "Slått på" in page.locator(".facts").inner_text()
        snap(page, "accounts-5-user-detail")
        page.get_by_role("button", name="Deaktiver brukeren").click()
        assert "deaktivert og logget ut overalt" in page.locator(".flashes").inner_text()
        snap(page, "accounts-6-deactivated")

        # ...whose open session ends at the next click.
        vera.get_by_role("navigation", name="Hovedmeny").get_by_role(
            "link", name="Kandidater"
        ).click()
        vera.wait_for_url(base + "/login")
        assert "Du er logget ut" in vera.locator(".flashes").inner_text()
        snap(vera, "accounts-7-session-ended")
        _sign_in_with_password(vera, base, "tiril.totrinn@demo.no", NEW_PASSWORD)
        assert "Feil e-postadresse eller passord" in vera.locator("main").inner_text()
    finally:
        context.close()
