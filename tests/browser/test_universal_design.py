"""Keyboard, focus, error summaries and print in Chromium (issue 9).

Every journey works without a mouse: the skip link is the first tab stop, focus is always
visible, the suggestion list can be filtered and used with Tab, Space and Enter, and a form with
errors starts with a summary whose links take the keyboard to the fields. The candidate card and
the reports print without navigation, forms or buttons.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.helpers import ARTIFACTS, add_page_data, axe_violations

pytestmark = pytest.mark.browser

FOCUSED_JS = r"""() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName, id: el.id, name: el.getAttribute('name') || '',
    text: (el.innerText || el.value || '').replace(/\s+/g, ' ').trim(),
    href: el.getAttribute('href') || '',
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== 'none',
    visible: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
      && r.left < innerWidth && r.top < innerHeight,
  };
}"""


@pytest.fixture(scope="module")
def data(module_live):
    """A proposed candidate, a competence need and recent contacts on top of the seed."""
    return add_page_data(module_live.app)


def tab(page) -> dict:
    """Press Tab; describe the element that has focus, and check its focus is visible.

    Past the last stop focus leaves the document (BODY); that is returned unchecked.
    """
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED_JS)
    if focused["tag"] == "BODY":
        return focused
    assert focused["visible"], f"focus went to something off screen: {focused}"
    assert focused["outline"] or focused["shadow"], f"no visible focus indicator: {focused}"
    return focused


def test_skip_link_is_the_first_tab_stop_and_moves_to_the_main_content(module_live, role_page):
    for role, path in ((None, "/login"), ("counsellor", "/vacancies/")):
        page = role_page(role)
        page.goto(module_live.url + path)
        first = tab(page)
        assert first["text"] == "Hopp til hovedinnhold" and first["href"] == "#main"
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main"
        # The next stop is inside the main content, past the header and navigation.
        after = tab(page)
        inside = page.evaluate(
            "() => document.getElementById('main').contains(document.activeElement)"
        )
        assert inside, after


def test_every_tab_stop_on_a_staff_page_shows_its_focus(module_live, role_page):
    page = role_page("coordinator")
    page.goto(module_live.url + "/start")
    seen = []
    for _ in range(40):
        focused = tab(page)  # asserts a visible indicator for each stop
        seen.append(focused["text"])
        if focused["tag"] == "BODY":
            break
    assert "Logg ut" in seen and "Rapporter" in seen, seen


def test_suggestion_list_with_the_keyboard_alone(module_live, role_page, data):
    page = role_page("counsellor")
    page.goto(f"{module_live.url}/suggestions/vacancies/{data['vacancy_id']}")
    order = []
    # Tab to the "only those who meet the requirements" filter, tick it with Space, submit.
    for _ in range(40):
        focused = tab(page)
        order.append(focused["name"] or focused["text"])
        if focused["name"] == "only_eligible":
            page.keyboard.press("Space")
        if focused["tag"] == "BUTTON" and focused["text"] == "Vis":
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail(f"never reached the filter button: {order}")
    page.wait_for_url(re.compile(r".*only_eligible=y.*"))
    assert page.locator("#only_eligible").is_checked()
    assert page.locator("li.suggestion.ineligible").count() == 0
    # Tab on through the list: each suggestion's button is reachable, in rank order.
    buttons = []
    for _ in range(60):
        focused = tab(page)
        if focused["text"].startswith("Sett på kortliste"):
            buttons.append(focused["text"])
            if len(buttons) == 2:
                break
    assert len(buttons) == 2, buttons
    first_button = page.locator("li.suggestion").filter(has=page.locator("form")).first
    first_pseudonym = first_button.locator("h2").inner_text().split(". ", 1)[1]
    assert buttons[0] == f"Sett på kortliste {first_pseudonym}"
    # Shift+Tab back to the first suggestion's button and shortlist with Enter.
    while page.evaluate(FOCUSED_JS)["text"] != buttons[0]:
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/matches/\d+$"))
    assert "På kortliste" in page.locator("main").inner_text()


@pytest.mark.parametrize(
    ("role", "path", "button"),
    [
        ("employer", "/vacancies/new", "Publiser"),
        (None, "/register", "Send registreringen"),
        ("employer_contact", "/contacts/new?employer_id={employer_id}", "Logg kontakten"),
        ("employer", "/vacancies/{vacancy_id}/proposals/{match_id}", "Send svaret"),
    ],
)
def test_error_summary_comes_first_and_its_links_take_focus_to_the_fields(
    module_live, role_page, data, role, path, button
):
    page = role_page(role, bypass_csp=True)  # bypass_csp: axe is injected below
    page.goto(module_live.url + path.format(**data))
    if role == "employer_contact":
        page.get_by_label("Dato for kontakten").fill("")
    page.get_by_role("button", name=button).click()
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.get_by_role("heading", name="Noe må rettes").is_visible()
    # The summary comes before the form's first field.
    before = page.evaluate(
        "() => !!(document.querySelector('.error-summary').compareDocumentPosition("
        "document.querySelector('main form input:not([type=hidden]), main form select'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    assert before
    links = summary.locator("a")
    assert links.count() >= 1
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href").removeprefix("#")
        # The field, or for a radio group its fieldset, is marked and described by its error.
        marked = page.evaluate(
            """(id) => {
                 const field = document.getElementById(id);
                 const group = field.type === 'radio' ? field.closest('fieldset') : field;
                 return {invalid: field.getAttribute('aria-invalid') === 'true'
                           || group.classList.contains('field-error'),
                         describedby: group.getAttribute('aria-describedby') || ''};
               }""",
            target,
        )
        assert marked["invalid"], target
        error_id = re.sub(r"-0$", "", target) + "-error"
        assert error_id in marked["describedby"].split(), (target, marked)
    # With the keyboard: focus the first link, press Enter, and the field has focus.
    first_target = links.first.get_attribute("href").removeprefix("#")
    links.first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == first_target
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    ("role", "path", "name", "content"),
    [
        ("employer", "/vacancies/{vacancy_id}/proposals/{match_id}", "proposal", ".facts"),
        ("counsellor", "/candidates/{candidate_id}", "candidate-card", ".facts"),
        ("coordinator", "/reports/dashboard", "report-dashboard", ".figures"),
        ("coordinator", "/reports/contacts", "report-contacts", "table"),
    ],
)
def test_candidate_card_and_reports_print_without_navigation_forms_or_buttons(
    module_live, role_page, data, role, path, name, content
):
    page = role_page(role)
    page.goto(module_live.url + path.format(**data))
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => Array.from(document.querySelectorAll(
             '.site-header, .main-nav, .site-footer, main form, main .button'))
           .filter(el => el.getClientRects().length > 0)
           .map(el => el.outerHTML.slice(0, 80))"""
    )
    assert hidden == [], hidden
    assert page.locator("h1").is_visible()
    assert page.locator(content).first.is_visible()
    directory = os.path.join(ARTIFACTS, "print")
    os.makedirs(directory, exist_ok=True)
    pdf = page.pdf(path=os.path.join(directory, f"{name}.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")
