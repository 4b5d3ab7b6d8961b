"""Helpers shared by the browser tests: logging in, screenshots, layout checks."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from employerpool.extensions import db
from employerpool.models import (
    Candidate,
    CompetenceNeed,
    ConsentRecord,
    EmployerContact,
    Partner,
    Skill,
    User,
    Vacancy,
)
from employerpool.models.enums import (
    Cefr,
    ConsentScope,
    ContactChannel,
    ContactResult,
    District,
    Innsatsgruppe,
    MatchStatus,
    Programme,
    Role,
    VacancyStatus,
)
from employerpool.services import matches
from employerpool.services.auth import issue_set_password_token
from employerpool.services.contacts import local_today

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ARTIFACTS = os.path.join(ROOT, "test-artifacts")
DOCS_SCREENSHOTS = os.path.join(ROOT, "docs", "screenshots")
DEMO_PASSWORD = "demo"
# Where the accessibility sweep leaves its one-line summary for the terminal report.
axe_summary_key = pytest.StashKey[str]()

DEMO_LOGINS = {
    "admin": "admin@demo.no",
    "coordinator": "koordinator@demo.no",
    "counsellor": "veileder@demo.no",
    "employer_contact": "markedskontakt@demo.no",
    "employer": "arbeidsgiver@demo.no",
}

AXE_JS = os.path.join(ROOT, "tests", "fixtures", "axe", "axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
AXE_RUN_JS = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
  }));
}"""


# True when the page body scrolls sideways: WCAG 1.4.10 (reflow) wants none at 320 CSS px.
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  return Math.max(root.scrollWidth, document.body.scrollWidth) > root.clientWidth;
}"""

# The innermost elements that stick out to the right (their box, or their text, as a long word
# does), for a useful failure message.
WIDE_ELEMENTS_JS = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const sticksOut = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 1) return false;  // visually hidden text is clipped, not shown
    const text = getComputedStyle(el).overflowX === 'visible'
      && el.scrollWidth > el.clientWidth + 1;
    return r.right > limit || (text && r.left + el.scrollWidth > limit);
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (sticksOut(el) && !Array.from(el.children).some(sticksOut)) {
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
        + ': ' + (el.textContent || '').trim().slice(0, 30));
    }
  }
  return out.slice(0, 8);
}"""


def axe_violations(page) -> list[dict]:
    """Inject the vendored axe-core into the open page; its serious and critical WCAG findings."""
    page.add_script_tag(path=AXE_JS)
    found = page.evaluate(AXE_RUN_JS, WCAG_TAGS)
    return [v for v in found if v["impact"] in BLOCKING_IMPACTS]


def log_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real login form and wait for the start page."""
    page.goto(base_url + "/login")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(base_url + "/start")


def snap(page, name: str, *, docs: bool = False, full_page: bool = False) -> str:
    """Save a screenshot to test-artifacts/journeys/<name>.png and return its path.

    With docs=True and UPDATE_SCREENSHOTS=1 in the environment, the picture is also copied to
    docs/screenshots/ (the README's pictures); otherwise the committed copies stay as they are.
    """
    directory = os.path.join(ARTIFACTS, "journeys")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{name}.png")
    page.screenshot(path=path, full_page=full_page)
    if docs and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        os.makedirs(DOCS_SCREENSHOTS, exist_ok=True)
        shutil.copyfile(path, os.path.join(DOCS_SCREENSHOTS, f"{name}.png"))
    return path


def add_page_data(app) -> dict[str, object]:
    """Add what the seed lacks for a tour of every page: a proposed candidate, a competence
    need, a recent contact by each demo staff role that logs contacts, a set-password link.

    Returns URL parameter values by name; `contact_ids` maps a role to its own contact.
    """
    with app.app_context(), app.test_request_context():
        users = {
            role: db.session.scalars(select(User).where(User.email == email)).one()
            for role, email in DEMO_LOGINS.items()
        }
        counsellor = users["counsellor"]
        employer_id = users["employer"].employer_id
        vacancy = db.session.scalars(
            select(Vacancy)
            .where(Vacancy.employer_id == employer_id)
            .order_by((Vacancy.status == VacancyStatus.open).desc(), Vacancy.id)
        ).first()
        candidate = Candidate(
            first_name="Aksel",
            last_name="Tilgjengelig",
            birth_year=1985,
            programme=Programme.KVP,
            innsatsgruppe=Innsatsgruppe.situasjonsbestemt,
            partner_id=counsellor.partner_id,
            counsellor_id=counsellor.id,
            district=District.Alna,
            norwegian_oral=Cefr.B1,
            norwegian_written=Cefr.A2,
        )
        candidate.consents.append(ConsentRecord(scope=ConsentScope.employers))
        candidate.consents.append(ConsentRecord(scope=ConsentScope.pool_partners))
        candidate.skills.extend(db.session.scalars(select(Skill).order_by(Skill.id).limit(3)))
        db.session.add(candidate)
        db.session.flush()
        match = matches.create(
            vacancy.id, candidate.id, counsellor, reasons=["Muntlig B1 – krav A2 oppfylt"]
        )
        matches.change(match, MatchStatus.shortlisted, counsellor)
        matches.change(match, MatchStatus.proposed, counsellor, note="Motivert og stabil")
        need = CompetenceNeed(
            employer_id=employer_id,
            occupation_label="lagermedarbeider",
            season="hver vår",
            volume=3,
            description="Vi trenger folk til varetelling og plukk.",
        )
        db.session.add(need)
        today = local_today()
        contact_ids = {}
        for role in ("counsellor", "coordinator", "employer_contact"):
            contact = EmployerContact(
                employer_id=employer_id,
                partner_id=users[role].partner_id,
                user_id=users[role].id,
                contact_date=today - timedelta(days=3),
                channel=ContactChannel.phone,
                purpose="Kartlegge behov",
                result=ContactResult.follow_up_later,
                follow_up_date=today + timedelta(days=7),
            )
            db.session.add(contact)
            db.session.flush()
            contact_ids[role] = contact.id
        newcomer = User(
            email="ny.veileder@demo.no",
            name="Nora Ny",
            role=Role.counsellor,
            partner_id=db.session.scalars(select(Partner.id).order_by(Partner.id)).first(),
        )
        db.session.add(newcomer)
        db.session.flush()
        token = issue_set_password_token(newcomer)
        db.session.commit()
        data = {
            "employer_id": employer_id,
            "vacancy_id": vacancy.id,
            "match_id": match.id,
            "candidate_id": candidate.id,
            "need_id": need.id,
            "token": token,
            "contact_ids": contact_ids,
            "user_id": newcomer.id,
            "partner_id": newcomer.partner_id,
        }
        db.session.remove()
    return data
