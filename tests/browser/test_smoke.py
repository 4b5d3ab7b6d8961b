"""Each demo role logs in through the real login page in Chromium and lands on its start page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

START_PAGES = {
    "admin@demo.no": ("Hei, Ada Admin", "Brukere"),
    "koordinator@demo.no": ("Hei, Kari Koordinator", "Kandidater"),
    "veileder@demo.no": ("Hei, Vera Veileder", "Kandidater"),
    "markedskontakt@demo.no": ("Hei, Mats Markedskontakt", "Arbeidsgivere"),
    "arbeidsgiver@demo.no": ("Her ser du behovene dere har meldt inn", "Våre behov"),
}


@pytest.mark.parametrize("email", sorted(START_PAGES))
def test_each_demo_role_logs_in_and_sees_its_start_page(live_server, page, email):
    heading_text, nav_text = START_PAGES[email]
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "Logg inn"
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill("demo")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(live_server + "/start")
    assert heading_text in page.content()
    nav = page.get_by_role("navigation", name="Hovedmeny")
    assert nav.get_by_role("link", name=nav_text).is_visible()
    assert page.locator("html").get_attribute("lang") == "nb"
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(live_server + "/login")
    assert "Du er logget ut." in page.content()


def test_wrong_password_shows_the_error_beside_the_form(live_server, page):
    page.goto(live_server + "/login")
    page.get_by_label("E-postadresse").fill("veileder@demo.no")
    page.get_by_label("Passord").fill("feil")
    page.get_by_role("button", name="Logg inn").click()
    assert page.get_by_role("alert").inner_text().strip() == "Feil e-postadresse eller passord."
