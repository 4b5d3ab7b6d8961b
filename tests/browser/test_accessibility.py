"""WCAG 2.1 A and AA on every page, as every role, in Chromium with axe-core.

The page list comes from the app's URL map: every GET rule is opened as each role (anonymous
included) with its URL parameters filled from seeded data that role may see. A page that answers
403 or 404, or redirects elsewhere (an anonymous visitor sent to the login page), is not checked
for that role. Every GET endpoint must be checked for at least one role or be in EXCLUDED with a
reason, so a page added later is checked without touching this file, or fails loudly.

Each checked page also has to keep `lang="nb"` and to reflow without sideways scrolling at
320 CSS px (WCAG 1.4.10; also what a 1280 px window shows at 400 % zoom) and at 640 CSS px
(a 1280 px window at 200 % zoom).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

import pytest
from flask import url_for
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import (
    ARTIFACTS,
    DEMO_LOGINS,
    OVERFLOW_JS,
    WIDE_ELEMENTS_JS,
    add_page_data,
    axe_summary_key,
    axe_violations,
    log_in,
)

pytestmark = pytest.mark.browser

ROLES = ("anonymous", "admin", "coordinator", "counsellor", "employer_contact", "employer")
DESKTOP = {"width": 1280, "height": 800}
REFLOW_WIDTHS = (320, 640)

# GET endpoints that no role can check as a page, and why. Keep this list short: everything
# else is checked, and a new endpoint that is neither checked nor listed here fails the suite.
EXCLUDED = {
    "static": "stylesheets and scripts, not pages",
    "main.index": "only redirects: to /login, or to /start when logged in",
    "vocabulary.occupations": "JSON for the need form's autocomplete",
    "vocabulary.skills": "JSON for the need form's autocomplete",
    "reports.contacts_export": "CSV/XLSX download",
    "reports.outcomes_export": "CSV/XLSX download",
    "reports.fairness_export": "CSV/XLSX download",
    "admin.candidate_audit_export": "CSV download of one candidate's audit trail",
    "candidates.innsyn_json": "JSON download of a candidate's data (the HTML innsyn is checked)",
    "health.healthz": "JSON for load balancers",
    "health.readyz": "JSON for load balancers",
    "account.oidc_login": "redirects to the identity provider (single sign-on is off here)",
    "account.oidc_callback": "the identity provider's redirect back (single sign-on is off here)",
    "account.second_factor": "only between the two sign-in steps: see test_two_step_sign_in_pages",
}


def is_excluded(endpoint: str, rule: str) -> bool:
    """EXCLUDED, plus the JSON API (blueprint "api") apart from its HTML docs page."""
    if endpoint in EXCLUDED:
        return True
    return endpoint.startswith("api.") and not rule.rstrip("/").endswith("/docs")


# Pages checked in more than one state: each entry gives the query arguments of every state.
VARIANTS = {
    # The employer search, its results, and the form for one employer with the
    # double-contact warning (another partner called the employer last week).
    "contacts.new": lambda p: [{}, {"q": "AS"}, {"employer_id": p["employer_id"]}],
    "contacts.index": lambda p: [{}, {"employer_id": p["employer_id"]}],
    "employers.index": lambda p: [{}, {"approval": "pending"}],
    "admin.audit_log": lambda p: [{}, {"object_type": "candidate", "object_id": p["candidate_id"]}],
    "users.index": lambda p: [{}, {"q": "ny", "status": "active"}],
}

# Pages checked in a state other than 200: the error pages themselves must be accessible.
ERROR_PAGES = [
    ("anonymous", "/finnes-ikke", 404),
    ("employer", "/admin/users", 403),
]


@dataclass
class PageResult:
    """One page opened as one role."""

    role: str
    endpoint: str
    path: str
    outcome: str  # checked | refused (403/404) | redirected | unfillable | HTTP <status>
    status: int | None = None
    lang: str | None = None
    violations: list[dict] = field(default_factory=list)
    overflow: dict[int, list[str]] = field(default_factory=dict)


def _params(app) -> dict[str, dict[str, object]]:
    """URL parameter values per role: the seeded pages plus own employer contacts."""
    data = add_page_data(app)
    contacts = data.pop("contact_ids")
    return {
        role: {**data, "contact_id": contacts.get(role, contacts["counsellor"])} for role in ROLES
    }


def get_rules(app) -> list[tuple[str, str, frozenset[str]]]:
    """Every GET rule as (endpoint, rule, argument names), sorted by rule."""
    return sorted(
        (r.endpoint, r.rule, frozenset(r.arguments))
        for r in app.url_map.iter_rules()
        if "GET" in (r.methods or ())
    )


def _check(page, result: PageResult) -> None:
    """Run axe and the reflow check on the page that is open."""
    if page.evaluate("() => document.scripts.length"):
        # A page with scripts may still be building its content (the API docs fetch their
        # OpenAPI document); check what the user gets once the network is quiet.
        page.wait_for_load_state("networkidle")
    result.lang = page.evaluate("() => document.documentElement.lang")
    result.violations = axe_violations(page)
    for width in REFLOW_WIDTHS:
        page.set_viewport_size({"width": width, "height": 640})
        if page.evaluate(OVERFLOW_JS):
            result.overflow[width] = page.evaluate(WIDE_ELEMENTS_JS)
    page.set_viewport_size(DESKTOP)


def _sweep_role(browser, base: str, app, role: str, params: dict) -> list[PageResult]:
    # bypass_csp: our strict CSP would block the injected axe script; only this context has it.
    context = browser.new_context(locale="nb-NO", bypass_csp=True, viewport=DESKTOP)
    results = []
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        if role != "anonymous":
            log_in(page, base, DEMO_LOGINS[role])
        for endpoint, rule, arguments in get_rules(app):
            if is_excluded(endpoint, rule):
                continue
            missing = sorted(a for a in arguments if a not in params)
            if missing:
                results.append(PageResult(role, endpoint, rule, f"unfillable: {missing}"))
                continue
            for query in VARIANTS.get(endpoint, lambda p: [{}])(params):
                with app.test_request_context():
                    path = url_for(endpoint, **{a: params[a] for a in arguments}, **query)
                try:
                    response = page.goto(base + path)
                except PlaywrightError as exc:  # a download, say: not a page to check
                    results.append(PageResult(role, endpoint, path, f"not a page: {exc}"[:120]))
                    continue
                result = PageResult(role, endpoint, path, "checked", status=response.status)
                content_type = response.headers.get("content-type", "")
                if response.status in (403, 404):
                    result.outcome = "refused"
                elif response.status >= 400:
                    result.outcome = f"HTTP {response.status}"  # fails below: a broken page
                elif page.url != base + path:
                    result.outcome = "redirected"
                elif not content_type.startswith("text/html"):
                    result.outcome = f"not HTML ({content_type})"
                else:
                    _check(page, result)
                results.append(result)
        for error_role, path, status in ERROR_PAGES:
            if error_role != role:
                continue
            response = page.goto(base + path)
            result = PageResult(role, f"error {status}", path, "checked", status=response.status)
            if response.status != status:
                result.outcome = f"expected {status}"
            else:
                _check(page, result)
            results.append(result)
    finally:
        context.close()
    return results


@pytest.fixture(scope="module")
def sweep(module_live, browser, request) -> dict[str, list[PageResult]]:
    """Open every page as every role once; the tests below read the results."""
    params = _params(module_live.app)
    results = {
        role: _sweep_role(browser, module_live.url, module_live.app, role, params[role])
        for role in ROLES
    }
    checked = [r for rs in results.values() for r in rs if r.outcome == "checked"]
    endpoints = {r.endpoint for r in checked}
    summary = (
        f"axe-core WCAG 2.1 A/AA: {len(checked)} pages checked "
        f"({len(endpoints)} distinct pages, {len(ROLES)} roles)"
    )
    request.config.stash[axe_summary_key] = summary
    os.makedirs(os.path.join(ARTIFACTS, "accessibility"), exist_ok=True)
    with open(os.path.join(ARTIFACTS, "accessibility", "axe-report.json"), "w") as fh:
        json.dump({role: [asdict(r) for r in rs] for role, rs in results.items()}, fh, indent=1)
    return results


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_or_critical_wcag_violations(sweep, role):
    failures = [
        f"{r.path}: {v['id']} ({v['impact']}) {v['help']} at {v['nodes']}"
        for r in sweep[role]
        for v in r.violations
    ]
    failures += [f"{r.path}: {r.outcome}" for r in sweep[role] if r.outcome.startswith("HTTP")]
    assert not failures, "\n".join(failures)
    assert any(r.outcome == "checked" for r in sweep[role])


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reflows_at_320_and_640_css_px_and_is_bokmal(sweep, role):
    wide = [f"{r.path} at {w}px: {els}" for r in sweep[role] for w, els in r.overflow.items()]
    assert not wide, "\n".join(wide)
    wrong_lang = [f"{r.path}: lang={r.lang!r}" for r in sweep[role] if r.outcome == "checked"]
    wrong_lang = [line for line in wrong_lang if not line.endswith("lang='nb'")]
    assert not wrong_lang, "\n".join(wrong_lang)


def test_every_get_endpoint_is_checked_or_excluded(sweep, module_live):
    rules = get_rules(module_live.app)
    checked = {r.endpoint for rs in sweep.values() for r in rs if r.outcome == "checked"}
    unchecked = [
        f"{endpoint} {rule}: "
        + "; ".join(
            f"{r.role}={r.outcome}" for rs in sweep.values() for r in rs if r.endpoint == endpoint
        )
        for endpoint, rule, _ in rules
        if not is_excluded(endpoint, rule) and endpoint not in checked
    ]
    assert not unchecked, "neither checked as any role nor excluded:\n" + "\n".join(unchecked)
    known = {endpoint for endpoint, _, _ in rules}
    assert not set(EXCLUDED) - known, f"stale exclusions: {set(EXCLUDED) - known}"
    # The error pages were checked too.
    assert checked >= {"error 403", "error 404"}


def test_the_check_finds_a_planted_violation(module_live, browser):
    """The harness can fail: a field whose label is removed is reported as critical."""
    context = browser.new_context(locale="nb-NO", bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(module_live.url + "/login")
        assert axe_violations(page) == []
        page.evaluate("() => document.querySelector('label[for=email]').remove()")
        found = {v["id"]: v["impact"] for v in axe_violations(page)}
        assert found.get("label") == "critical", found
    finally:
        context.close()


def test_two_step_sign_in_pages(live, browser):
    """The pages of two-step sign-in, which the sweep cannot reach: enrolment (QR code),
    recovery codes, the code step and its error, with REQUIRE_2FA on as in production."""
    import pyotp

    base = live.url
    live.app.config["REQUIRE_2FA"] = True
    context = browser.new_context(locale="nb-NO", bypass_csp=True, viewport=DESKTOP)
    try:
        page = context.new_page()
        checked = []

        def check(name: str) -> None:
            result = PageResult("counsellor", name, page.url, "checked", status=200)
            _check(page, result)
            assert not result.violations, f"{name}: {result.violations}"
            assert not result.overflow, f"{name}: {result.overflow}"
            assert result.lang == "nb"
            checked.append(name)

        def password_step() -> None:
            page.goto(base + "/login")
            page.get_by_label("E-postadresse").fill(DEMO_LOGINS["counsellor"])
            page.get_by_label("Passord").fill("demo")
            page.get_by_role("button", name="Logg inn").click()

        password_step()
        page.wait_for_url(base + "/account/two-factor")
        check("account.two_factor")
        page.get_by_role("button", name="Slå på").click()
        assert page.locator("#code-error").is_visible()
        check("account.two_factor with an error")
        secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
        page.get_by_label("Kode fra appen").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Slå på").click()
        check("recovery codes")
        page.get_by_role("link", name="Fortsett").click()
        page.get_by_role("button", name="Logg ut").click()
        password_step()
        page.wait_for_url(base + "/login/code")
        check("account.second_factor")
        page.get_by_label("Engangskode").fill("000000")
        page.get_by_role("button", name="Logg inn").click()
        assert page.locator("#code-error").is_visible()
        check("account.second_factor with an error")
        page.goto(base + "/forgot-password")
        page.get_by_role("button", name="Send lenke").click()
        check("account.forgot_password with an error")
        assert len(checked) == 6
    finally:
        context.close()
