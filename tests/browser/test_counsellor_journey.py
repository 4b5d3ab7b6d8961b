"""The counsellor's journey in Chromium, with the employer answering in another context:
profile (kartlegging) → suggestions with reasons → shortlist two → propose one → employer
interested → placement started → follow-up → hired; the placement history shows it and the next
ranking rises."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import Candidate, ConsentRecord, Skill, User, Vacancy, VacancySkill
from employerpool.models.enums import (
    Cefr,
    ConsentScope,
    District,
    Gender,
    Innsatsgruppe,
    PlacementType,
    Programme,
    VacancyStatus,
)
from employerpool.services.suggestions import pseudonym, score_for
from tests.browser.helpers import snap

pytestmark = pytest.mark.browser


def _need(employer_id: int, title: str, skills: list[Skill]) -> Vacancy:
    vacancy = Vacancy(
        employer_id=employer_id,
        type=PlacementType.arbeidspraksis,
        title=title,
        occupation_label="lagermedarbeider",
        status=VacancyStatus.open,
        norwegian_oral_min=Cefr.A2,
        district=District.Alna,
        places=1,
        start_date=date.today() + timedelta(days=30),
        hours_per_week=37.5,
    )
    for i, skill in enumerate(skills):
        vacancy.skill_links.append(VacancySkill(skill=skill, required=i < 2))
    db.session.add(vacancy)
    return vacancy


@pytest.fixture
def setup(live):
    """A warehouse need at the demo employer, a similar need elsewhere, two fitting candidates."""
    with live.app.app_context(), live.app.test_request_context():
        counsellor = db.session.scalar(select(User).where(User.email == "veileder@demo.no"))
        employer_user = db.session.scalar(select(User).where(User.email == "arbeidsgiver@demo.no"))
        skills = [
            db.session.scalar(select(Skill).where(Skill.label == label))
            for label in ("bruke truck", "plukke ordre")
        ]
        assert all(skills)
        need = _need(employer_user.employer_id, "Lagermedarbeider i Alna", skills)
        other_employer = employer_user.employer_id + 1
        similar = _need(other_employer, "Lagerarbeider", skills)
        people = []
        for first in ("Amina", "Bashir"):
            c = Candidate(
                first_name=first,
                last_name="Journey",
                birth_year=1988,
                gender=Gender.female,
                partner_id=counsellor.partner_id,
                counsellor_id=counsellor.id,
                programme=Programme.KVP,
                innsatsgruppe=Innsatsgruppe.situasjonsbestemt,
                district=District.Alna,
                norwegian_oral=Cefr.B1,
                norwegian_written=Cefr.A2,
                driving_licences=[],
                desired_districts=["Alna"],
            )
            c.skills = skills
            c.consents = [ConsentRecord(scope=ConsentScope.employers)]
            db.session.add(c)
            people.append(c)
        db.session.commit()
        ids = {"need": need.id, "similar": similar.id, "a": people[0].id, "b": people[1].id}
        ids["pa"], ids["pb"] = pseudonym(ids["a"]), pseudonym(ids["b"])
        ids["score_before"] = score_for(db.session.get(Vacancy, similar.id), people[0])
        return ids


def _login(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill("demo")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(base + "/start")


def _card(page, pseudo):
    return page.locator("li.suggestion").filter(has_text=pseudo)


def test_counsellor_journey_from_suggestion_to_hire(live, browser, setup):
    base, ids = live.url, setup
    counsellor = browser.new_context(locale="nb-NO").new_page()
    counsellor.set_default_timeout(20_000)
    _login(counsellor, base, "veileder@demo.no")

    # The profile: find the candidate in the list, add what the kartlegging found.
    counsellor.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Kandidater"
    ).click()
    counsellor.get_by_label("Bare mine kandidater").check()
    counsellor.get_by_label("Program").select_option("KVP")
    counsellor.get_by_role("button", name="Vis").click()
    counsellor.get_by_role("link", name="Journey, Amina").click()
    counsellor.get_by_role("link", name="Endre profil").click()
    counsellor.get_by_label("Andre språk").fill("somali, arabisk")
    counsellor.get_by_label("Navn på prøve").fill("Norskprøven, muntlig")
    counsellor.get_by_role("button", name=re.compile("^Lagre")).click()
    counsellor.wait_for_url(f"{base}/candidates/{ids['a']}")
    assert "Profilen er lagret." in counsellor.locator(".flashes").inner_text()
    facts = counsellor.locator(".facts").inner_text()
    assert "somali" in facts and "Norskprøven, muntlig" in facts
    snap(counsellor, "counsellor-1-profile")

    # An open need, its ranked suggestions with reasons, no names.
    counsellor.goto(f"{base}/vacancies/{ids['need']}")
    counsellor.get_by_role("link", name="Se kandidatforslag").click()
    counsellor.wait_for_url(re.compile(r".*/suggestions/vacancies/\d+"))
    card_a = _card(counsellor, ids["pa"])
    assert card_a.count() == 1 and _card(counsellor, ids["pb"]).count() == 1
    assert "Muntlig B1 – krav A2 oppfylt" in card_a.inner_text()
    assert "Amina" not in counsellor.content() and "Bashir" not in counsellor.content()
    counsellor.set_viewport_size({"width": 1280, "height": 1000})
    snap(counsellor, "counsellor-suggestions", docs=True)

    # Shortlist two.
    _card(counsellor, ids["pb"]).get_by_role("button", name=re.compile("Sett på kortliste")).click()
    counsellor.wait_for_url(re.compile(r".*/matches/\d+"))
    assert "På kortliste" in counsellor.content()
    counsellor.goto(f"{base}/suggestions/vacancies/{ids['need']}")
    _card(counsellor, ids["pa"]).get_by_role("button", name=re.compile("Sett på kortliste")).click()
    counsellor.wait_for_url(re.compile(r".*/matches/\d+"))
    match_url = counsellor.url

    # Propose one to the employer.
    counsellor.get_by_label("Presentert for arbeidsgiver").check()
    counsellor.get_by_role("button", name="Lagre endring").click()
    counsellor.wait_for_load_state()
    assert "Endringen er lagret." in counsellor.content()
    snap(counsellor, "counsellor-2-proposed")

    # The employer, in another browser context, answers "interested".
    employer = browser.new_context(locale="nb-NO").new_page()
    employer.set_default_timeout(20_000)
    _login(employer, base, "arbeidsgiver@demo.no")
    employer.locator(".proposal-card a").first.click()
    employer.wait_for_url(re.compile(r".*/proposals/\d+"))
    employer.get_by_label("Interessert").check()
    employer.get_by_role("button", name="Send svaret").click()
    employer.wait_for_load_state()
    assert "Svaret ditt er lagret" in employer.content()
    employer.context.close()

    # The counsellor sees the answer, starts the placement, plans a follow-up, records a hire.
    counsellor.goto(match_url)
    assert "Arbeidsgiver interessert" in counsellor.content()
    counsellor.get_by_label("Praksis startet").check()
    counsellor.get_by_label("Dato", exact=True).fill(
        (date.today() - timedelta(days=60)).isoformat()
    )
    counsellor.get_by_role("button", name="Lagre endring").click()
    counsellor.wait_for_load_state()
    counsellor.get_by_label("Dato for oppfølging").fill(date.today().isoformat())
    counsellor.get_by_label("Veileder hos arbeidsgiver").fill("Per Lagersjef")
    counsellor.get_by_role("button", name="Planlegg oppfølging").click()
    counsellor.wait_for_load_state()
    assert "Oppfølgingen er planlagt." in counsellor.content()
    snap(counsellor, "counsellor-3-follow-up")
    counsellor.goto(base + "/start")
    assert "Amina Journey" in counsellor.locator("main").inner_text()  # due this week
    counsellor.goto(match_url)
    counsellor.get_by_label("Ansatt", exact=True).check()
    counsellor.get_by_label("Type ansettelse").select_option("fast")
    counsellor.get_by_role("button", name="Lagre endring").click()
    counsellor.wait_for_load_state()
    history = counsellor.locator("ol.history").inner_text()
    for step in (
        "På kortliste",
        "Presentert for arbeidsgiver",
        "Arbeidsgiver interessert",
        "Praksis startet",
        "Ansatt",
    ):
        assert step in history
    snap(counsellor, "counsellor-4-hired", full_page=True)

    # The placement history shows it, and the next ranking for a similar need rises.
    counsellor.goto(f"{base}/candidates/{ids['a']}")
    history_table = counsellor.locator(
        "table", has=counsellor.locator("caption", has_text="Praksis- og arbeidshistorikk")
    )
    row = history_table.locator("tr", has_text="Lagermedarbeider i Alna")
    assert row.count() == 1 and "Ansatt" in row.inner_text()
    counsellor.context.close()
    with live.app.app_context():
        after = score_for(
            db.session.get(Vacancy, ids["similar"]), db.session.get(Candidate, ids["a"])
        )
    assert after > ids["score_before"], (ids["score_before"], after)
