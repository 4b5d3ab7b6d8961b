"""A day's work for the employer contact, the coordinator and the admin, start to end in Chromium.

(The employer's and the counsellor's journeys are in their own modules.) Each step is done as a
user would: through the navigation, forms and links, with screenshots in
test-artifacts/journeys/ (and the dashboard in docs/screenshots/ with UPDATE_SCREENSHOTS=1).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import Employer, EmployerContact, Partner, User
from employerpool.models.enums import ContactChannel, ContactResult
from employerpool.services.contacts import local_today
from tests.browser.helpers import log_in, snap

pytestmark = pytest.mark.browser


def choose(select, text: str) -> None:
    """Select the option whose label contains `text` (user options also show role or e-mail)."""
    select.select_option(label=select.locator("option", has_text=text).first.inner_text())


def nav(page, name: str) -> None:
    """Follow a link in the main navigation."""
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=name).click()


@pytest.fixture
def contacted_by_another_partner(module_live):
    """An employer that NAV Stovner phoned four days ago: (name, orgnr, caller's name)."""
    app = module_live.app
    with app.app_context():
        employer = db.session.scalars(select(Employer).order_by(Employer.id).offset(5)).first()
        stovner = db.session.scalars(select(Partner).where(Partner.name == "NAV Stovner")).one()
        caller = db.session.scalars(
            select(User).where(User.partner_id == stovner.id).order_by(User.id)
        ).first()
        db.session.add(
            EmployerContact(
                employer_id=employer.id,
                partner_id=stovner.id,
                user_id=caller.id,
                contact_date=local_today() - timedelta(days=4),
                channel=ContactChannel.phone,
                purpose="Presentere programmet",
                result=ContactResult.conversation,
            )
        )
        db.session.commit()
        found = (employer.name, employer.orgnr, caller.name)
        db.session.remove()
    return found


def test_employer_contact_logs_a_contact_and_is_warned_of_double_contact(
    module_live, role_page, contacted_by_another_partner
):
    name, orgnr, caller = contacted_by_another_partner
    page = role_page("employer_contact")
    nav(page, "Kontakter")
    page.get_by_role("link", name="Logg ny kontakt").click()
    page.get_by_label("Navn eller organisasjonsnummer").fill(orgnr)
    page.get_by_role("button", name="Søk").click()
    page.get_by_role("link", name=f"Logg kontakt med {name}").click()

    # Before the call: the warning names the other partner, who and when.
    warning = page.get_by_role(
        "region", name="Andre partnere har kontaktet denne arbeidsgiveren de siste 30 dagene"
    )
    assert warning.is_visible()
    text = warning.inner_text()
    assert "NAV Stovner" in text and caller in text and "Presentere programmet" in text
    snap(page, "employer-contact-1-double-contact-warning")

    follow_up = (local_today() + timedelta(days=14)).isoformat()
    page.get_by_label("Kanal").select_option(label="Telefon")
    page.get_by_label("Formål").fill("Kartlegge behov")
    page.get_by_label("Resultat").select_option(label="Følg opp senere")
    page.get_by_label("Oppfølgingsdato").fill(follow_up)
    page.get_by_label("Notater").fill("Avtalt å ringe igjen om praksisplasser til våren.")
    page.get_by_role("button", name="Logg kontakten").click()
    page.wait_for_url(re.compile(r".*/contacts/\?employer_id=\d+$"))
    assert f"Kontakten med {name} er logget." in page.locator(".flashes").inner_text()
    rows = page.locator("table tbody tr").filter(has_text="Bydel Alna")
    assert rows.count() == 1 and "Kartlegge behov" in rows.inner_text()
    assert page.get_by_role("region", name=re.compile("^Andre partnere har kontaktet")).count()
    snap(page, "employer-contact-2-logged", full_page=True)

    # The follow-up shows in the own list.
    nav(page, "Kontakter")
    page.get_by_role("link", name="Mine oppfølginger").click()
    assert page.locator("table").get_by_role("link", name=name, exact=True).is_visible()


def test_coordinator_reads_the_reports_exports_and_sees_dashboard_and_fairness(
    module_live, role_page
):
    page = role_page("coordinator", accept_downloads=True)
    nav(page, "Rapporter")
    page.get_by_role("link", name="Arbeidsgiverkontakter").click()
    page.get_by_label("Periode").select_option(label="I år")
    page.get_by_role("button", name="Vis rapporten").click()
    page.wait_for_url(re.compile(r".*period=this_year.*"))
    assert "kontakter" in page.get_by_role("status").first.inner_text()
    assert page.get_by_role("heading", name="Per partner").is_visible()
    snap(page, "coordinator-1-contact-report")

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned CSV – kontaktene").click()
    header, *rows = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert header.startswith("Dato,Arbeidsgiver,Organisasjonsnummer") or header.startswith(
        "Dato;Arbeidsgiver;Organisasjonsnummer"
    ), header
    assert rows, "the export of this year's contacts is empty"
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned Excel – kontaktene").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert download.value.path().read_bytes()[:2] == b"PK"  # a zip: an Excel workbook

    nav(page, "Rapporter")
    page.get_by_role("link", name="Oversikt").click()
    assert page.get_by_role("heading", level=1, name="Oversikt").is_visible()
    assert page.locator(".figures li").count() >= 3
    assert page.locator("figure.chart-figure svg").count() >= 1
    page.set_viewport_size({"width": 1280, "height": 1000})
    snap(page, "coordinator-dashboard", docs=True)

    nav(page, "Rapporter")
    page.get_by_role("link", name="Resultater").click()
    outcomes = page.locator("main").inner_text()
    assert "Kvalifiseringsprogrammet" in outcomes and "47 %" in outcomes  # the study's baseline
    snap(page, "coordinator-2-outcomes")

    nav(page, "Rapporter")
    page.get_by_role("link", name="Rettferdighet").click()
    assert page.get_by_role("heading", name="Store forskjeller").is_visible()
    assert page.locator("table").count() >= 1
    snap(page, "coordinator-3-fairness", full_page=True)


def test_admin_creates_a_user_reads_the_audit_trail_and_manages_tokens(module_live, role_page):
    base = module_live.url
    admin = role_page("admin")

    # Users: a new counsellor gets a one-time link and sets a password with it.
    nav(admin, "Brukere")
    admin.get_by_role("link", name="Ny bruker").click()
    admin.get_by_label("Navn").fill("Tora Tastatur")
    admin.get_by_label("E-postadresse").fill("tora.tastatur@demo.no")
    admin.get_by_label("Rolle").select_option(label="Veileder")
    admin.get_by_label("Partner").select_option(label="NAV Grorud")
    admin.get_by_role("button", name="Opprett bruker").click()
    link = admin.locator(".notice .link-to-copy").inner_text().strip()
    assert link.startswith(base + "/set-password/")
    assert "tora.tastatur@demo.no" in admin.locator("table").inner_text()
    snap(admin, "admin-1-user-created")

    newcomer = role_page()
    newcomer.goto(link)
    newcomer.get_by_label("Nytt passord").fill("en lang og god setning")
    newcomer.get_by_label("Gjenta passordet").fill("en lang og god setning")
    newcomer.get_by_role("button", name="Lagre passord").click()
    newcomer.wait_for_url(base + "/login")
    log_in(newcomer, base, "tora.tastatur@demo.no", "en lang og god setning")
    assert "Hei, Tora Tastatur" in newcomer.locator("main").inner_text()

    # Audit search: the creation of the user, and the newcomer's login.
    nav(admin, "Logg")
    admin.get_by_label("Handling").select_option(label="Opprettet")
    admin.get_by_label("Gjelder").select_option(label="Bruker")
    admin.get_by_role("button", name="Søk").click()
    created = admin.locator("table tbody tr").first.inner_text()
    assert "Ada Admin" in created and "Opprettet" in created
    admin.get_by_label("Handling").select_option(label="Innlogging")
    admin.get_by_label("Gjelder").select_option(label="Alle")
    choose(admin.get_by_label("Bruker", exact=True), "Tora Tastatur")
    admin.get_by_role("button", name="Søk").click()
    assert "Tora Tastatur" in admin.locator("table tbody tr").first.inner_text()
    snap(admin, "admin-2-audit-search")

    # API tokens: the newcomer makes their own (admins mint none for others) and uses it;
    # the admin sees it, revokes it, and it stops working.
    newcomer.goto(base + "/account")
    newcomer.get_by_role("link", name="Dine API-tokens").click()
    newcomer.get_by_label("Hva tokenet brukes til").fill("Fagsystem NAV Grorud")
    newcomer.get_by_role("button", name="Opprett token").click()
    secret = newcomer.locator(".notice .link-to-copy").inner_text().strip()
    api = newcomer.context.request
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get(base + "/api/v1/vacancies", headers=headers).status == 200
    nav(admin, "API-tokens")
    row = admin.locator("table tbody tr").filter(has_text="Fagsystem NAV Grorud")
    assert "Gyldig" in row.inner_text()
    snap(admin, "admin-3-token-created")
    row.get_by_role("button", name=re.compile("^Trekk tilbake")).click()
    assert "Tokenet er trukket tilbake." in admin.locator(".flashes").inner_text()
    row = admin.locator("table tbody tr").filter(has_text="Fagsystem NAV Grorud")
    assert "Trukket tilbake" in row.inner_text()
    assert api.get(base + "/api/v1/vacancies", headers=headers).status == 401
