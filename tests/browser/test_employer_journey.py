"""The employer's journey in Chromium: register, get approved by a coordinator (second browser
context), post a språkpraksis need, see a proposal arrive and answer it; and the need form with
the keyboard alone."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import Candidate, ConsentRecord, MatchEvent, Skill, User, Vacancy
from employerpool.models.enums import (
    Cefr,
    ConsentScope,
    Innsatsgruppe,
    MatchStatus,
    Programme,
    VacancyStatus,
)
from employerpool.services import matches
from employerpool.services.proposals import pseudonym_code
from tests.browser.helpers import snap
from tests.integration.test_registration import valid_orgnr

pytestmark = pytest.mark.browser

UNLABELLED_JS = """() => Array.from(
    document.querySelectorAll('main input, main select, main textarea'))
  .filter(el => !['hidden', 'submit', 'button'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id)"""


DEMO_PASSWORD = "demo"


def log_in(page, url, email, password=DEMO_PASSWORD):
    page.goto(url + "/login")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(url + "/start")


def propose_candidate(app, vacancy_title: str) -> int:
    """Test setup through the service layer: a consenting candidate proposed by a counsellor."""
    with app.app_context():
        vacancy = db.session.scalars(select(Vacancy).where(Vacancy.title == vacancy_title)).one()
        counsellor = db.session.scalars(select(User).where(User.email == "veileder@demo.no")).one()
        candidate = Candidate(
            first_name="Journey",
            last_name="Kandidatsen",
            birth_year=1990,
            programme=Programme.Intro,
            innsatsgruppe=Innsatsgruppe.situasjonsbestemt,
            partner_id=counsellor.partner_id,
            counsellor_id=counsellor.id,
            norwegian_oral=Cefr.A2,
            norwegian_written=Cefr.A1,
        )
        candidate.consents.append(ConsentRecord(scope=ConsentScope.employers))
        candidate.skills.append(
            db.session.scalars(select(Skill).where(Skill.label == "truckførerbevis")).one()
        )
        db.session.add(candidate)
        db.session.commit()
        match = matches.create(
            vacancy.id, candidate.id, counsellor, reasons=["Muntlig A2 – krav A2 oppfylt"]
        )
        matches.change(match, MatchStatus.proposed, counsellor, note="Motivert for lagerarbeid")
        db.session.commit()
        match_id = match.id
        db.session.remove()
    return match_id


def test_employer_registers_is_approved_posts_a_need_and_answers_a_proposal(live, page, browser):
    url = live.url
    # 1. The employer registers from the login page.
    page.goto(url + "/login")
    page.get_by_role("link", name="Registrer virksomheten").click()
    page.get_by_label("Organisasjonsnummer").fill(valid_orgnr(4242))
    page.get_by_label("Navn på virksomheten").fill("Journey Lager AS")
    page.get_by_label("Bransje").select_option("H")
    page.get_by_label("Antall ansatte").select_option("small")
    page.get_by_label("Bydel").select_option("Stovner")
    page.get_by_label("Gateadresse").fill("Stovner senter 1")
    page.get_by_label("Postnummer").fill("0985")
    page.get_by_label("Poststed").fill("Oslo")
    page.get_by_label("Navn", exact=True).fill("Jorunn Journey")
    page.get_by_label("Stilling").fill("driftsleder")
    page.get_by_label("E-postadresse").fill("jorunn@journey.no")
    page.get_by_label("Telefon").fill("22 11 22 11")
    page.get_by_label("Velg passord").fill("et langt nok passord")
    page.get_by_label("Gjenta passordet").fill("et langt nok passord")
    page.get_by_label("Jeg har lov til å registrere virksomheten").check()
    page.get_by_role("button", name="Send registreringen").click()
    page.wait_for_url(url + "/start")
    assert page.get_by_role("heading", name="Registreringen venter på godkjenning").is_visible()
    snap(page, "employer-1-registered")
    assert page.get_by_role("link", name="Meld inn nytt behov").count() == 0

    # 2. A coordinator approves it in a second browser context.
    coordinator_context = browser.new_context(locale="nb-NO")
    try:
        staff = coordinator_context.new_page()
        log_in(staff, url, "koordinator@demo.no")
        staff.goto(url + "/employers/?approval=pending")
        staff.get_by_role("link", name="Journey Lager AS").click()
        staff.get_by_role("button", name="Godkjenn").click()
        assert "Journey Lager AS er godkjent" in staff.locator(".flashes").inner_text()
    finally:
        coordinator_context.close()

    # 3. The employer posts a språkpraksis need with a Norwegian floor and two required skills.
    page.reload()
    page.get_by_role("link", name="Meld inn nytt behov").first.click()
    page.get_by_label("Type plass").select_option("sprakpraksis")
    assert page.locator("#fieldset-practical").is_hidden()
    assert page.locator("#fieldset-application").is_hidden()
    assert page.locator("#fieldset-duration").is_visible()
    page.get_by_label("Tittel").fill("Språkpraksis på lageret")
    page.get_by_label("Yrke").fill("lagermedarbeider")
    skills = page.get_by_label("Påkrevde ferdigheter")
    skills.fill("truckførerbevis")
    skills.press("Enter")
    skills.fill("plukking")
    skills.press("Enter")
    assert page.get_by_role("button", name="Fjern truckførerbevis").is_visible()
    page.get_by_label("Norsk muntlig, minst").select_option("A2")
    # CEFR levels are explained in words in the choices themselves, not only as codes.
    levels = page.get_by_label("Norsk muntlig, minst").locator("option").all_inner_texts()
    assert len(levels) == 7 and all(" – " in text for text in levels[1:]), levels
    page.get_by_label("Antall plasser").fill("2")
    page.get_by_label("Oppstart").fill("2027-03-01")
    page.get_by_label("Sluttdato").fill("2027-05-24")
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.get_by_role("heading", level=1).scroll_into_view_if_needed()
    snap(page, "employer-need-form", docs=True)
    page.get_by_role("button", name="Publiser").click()
    page.wait_for_url(re.compile(r".*/vacancies/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Språkpraksis på lageret"
    lead = page.locator(".lead").inner_text()
    assert "Språkpraksis" in lead and "Åpen" in lead
    tags = page.locator(".tag").all_inner_texts()
    assert "truckførerbevis" in tags and "plukking" in tags
    assert "A2 – klarer enkle samtaler" in page.locator(".facts").inner_text()
    snap(page, "employer-2-need-published")
    with live.app.app_context():
        vacancy = db.session.scalars(
            select(Vacancy).where(Vacancy.title == "Språkpraksis på lageret")
        ).one()
        assert vacancy.status is VacancyStatus.open
        assert vacancy.norwegian_oral_min is Cefr.A2
        assert sorted(s.label for s in vacancy.required_skills) == ["plukking", "truckførerbevis"]
        db.session.remove()

    # 4. A proposal arrives (created through the service layer) and shows on the start page.
    match_id = propose_candidate(live.app, "Språkpraksis på lageret")
    name = f"Kandidat {pseudonym_code(match_id)}"
    page.goto(url + "/start")
    assert page.get_by_role("link", name=name).is_visible()
    assert "Kandidatsen" not in page.locator("main").inner_text()
    assert "A2 – klarer enkle samtaler" in page.locator(".proposal-card").inner_text()
    snap(page, "employer-3-proposal-arrived")
    page.get_by_role("link", name=name).click()
    assert page.get_by_role("heading", level=1).inner_text() == name

    # 5. The employer answers; each answer shows in the match's event history.
    def answer(choice: str, expected_event: str, **fields):
        page.get_by_label(choice).check()
        for label, value in fields.items():
            page.get_by_label(label).fill(value)
        page.get_by_role("button", name="Send svaret").click()
        assert "Svaret ditt er lagret" in page.locator(".flashes").inner_text()
        assert expected_event in page.locator("#events").inner_text()

    answer(
        "Inviter til intervju",
        "Invitert til intervju",
        **{"Kommentar til veilederen (valgfritt)": "Velkommen tirsdag kl. 10"},
    )
    answer("Interessert", "Arbeidsgiver interessert")
    answer("Praksisen eller jobben har startet", "Praksis startet", Startdato="2026-11-20")
    events = page.locator("#events").inner_text()
    assert "Presentert for arbeidsgiver" in events and "Velkommen tirsdag kl. 10" in events
    assert page.get_by_role("button", name="Send svaret").count() == 0
    snap(page, "employer-4-answered", full_page=True)
    with live.app.app_context():
        rows = db.session.scalars(
            select(MatchEvent)
            .where(MatchEvent.match_id == match_id, MatchEvent.axis == "outcome")
            .order_by(MatchEvent.id)
        ).all()
        assert [e.to_value for e in rows] == ["interview", "interested", "started"]
        employer_user = db.session.scalars(
            select(User).where(User.email == "jorunn@journey.no")
        ).one()
        assert {e.actor_id for e in rows} == {employer_user.id}
        db.session.remove()


def test_need_form_has_labels_and_works_with_the_keyboard_alone(live, page):
    url = live.url
    log_in(page, url, "arbeidsgiver@demo.no")
    page.goto(url + "/vacancies/new")
    assert page.evaluate(UNLABELLED_JS) == []
    typed = {
        "title": "Tastaturbehov",
        "occupation_label": "kokk",
        "description": "Kjøkkenarbeid",
        "hours_per_week": "20",
        "duration_weeks": "8",
    }
    tags = {"required_skills": ["oppvask", "matlaging"]}
    submitted = False
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => ({id: document.activeElement.id, name: document.activeElement.name || '',"
            " tag: document.activeElement.tagName, text: document.activeElement.textContent})"
        )
        # Every focused control is visible (hidden fieldsets leave the tab order).
        assert page.evaluate("() => document.activeElement.offsetParent !== null")
        if focused["id"] == "type":
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
            assert page.locator("#type").input_value() == "sprakpraksis"
        elif focused["id"] == "places":
            page.keyboard.press("Control+A")
            page.keyboard.type("2")
        elif focused["id"] in typed:
            page.keyboard.type(typed.pop(focused["id"]))
        elif focused["id"] in tags:
            for tag in tags.pop(focused["id"]):
                page.keyboard.type(tag)
                page.keyboard.press("Enter")
        elif focused["id"] == "norwegian_oral_min":
            page.keyboard.press("ArrowDown")
        elif focused["tag"] == "BUTTON" and focused["text"].strip() == "Publiser":
            page.keyboard.press("Enter")
            submitted = True
            break
    assert submitted, "never reached the Publiser button with Tab"
    page.wait_for_url(re.compile(r".*/vacancies/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Tastaturbehov"
    assert not typed and not tags
    body = page.locator("main").inner_text()
    assert "oppvask" in body and "matlaging" in body and "A1" in body
    with live.app.app_context():
        vacancy = db.session.scalars(select(Vacancy).where(Vacancy.title == "Tastaturbehov")).one()
        assert vacancy.places == 2 and vacancy.duration_weeks == 8
        assert vacancy.status is VacancyStatus.open and vacancy.norwegian_oral_min is Cefr.A1
        db.session.remove()


def test_without_javascript_every_fieldset_shows_with_its_hint(live, browser):
    context = browser.new_context(locale="nb-NO", java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live.url, "arbeidsgiver@demo.no")
        page.goto(live.url + "/vacancies/new")
        for key in (
            "basics",
            "skills",
            "requirements",
            "time",
            "duration",
            "application",
            "practical",
        ):
            assert page.locator(f"#fieldset-{key}").is_visible()
        assert page.get_by_text("Gjelder for: Lønnstilskudd, Ordinær jobb, Lærling.").is_visible()
        page.get_by_label("Type plass").select_option("sprakpraksis")
        page.get_by_label("Tittel").fill("Uten skript")
        page.get_by_label("Påkrevde ferdigheter").fill("oppvask, matlaging")
        page.get_by_role("button", name="Lagre som utkast").click()
        page.wait_for_url(re.compile(r".*/vacancies/\d+$"))
        tags = page.locator(".tag").all_inner_texts()
        assert "oppvask" in tags and "matlaging" in tags
    finally:
        context.close()
