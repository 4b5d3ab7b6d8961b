"""Live server on a free port with a file database, and Debian's Chromium via Playwright.

Browser tests skip when Chromium is missing, unless REQUIRE_BROWSER=1 (CI), where a missing
browser is an error: CI must prove the journeys, not skip them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from werkzeug.serving import make_server

from employerpool import create_app
from employerpool.extensions import db
from employerpool.services.seed import seed_demo

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts")


@dataclass
class Live:
    """A running server: its base URL and the app behind it (for setup through services)."""

    url: str
    app: object


@pytest.fixture
def live_server(live):
    """The base URL of a live, seeded server."""
    return live.url


@pytest.fixture
def live(tmp_path):
    """Serve a freshly created, seeded app on 127.0.0.1:<free port>; yields a Live."""
    yield from serve_seeded_app(tmp_path)


@pytest.fixture(scope="module")
def module_live(tmp_path_factory):
    """Like `live`, but one server for a whole module (read-mostly sweeps stay fast)."""
    yield from serve_seeded_app(tmp_path_factory.mktemp("live"))


def serve_seeded_app(directory) -> Iterator[Live]:
    """Seed a file database in `directory`, serve it on a free port, yield a Live, stop."""
    url = "sqlite:///" + str(directory / "live.sqlite3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_SSL_STRICT": False})
    with app.app_context():
        db.create_all()
        seed_demo(
            seed=5,
            candidates=60,
            employers=16,
            today=date(2026, 11, 26),
            password_method="pbkdf2:sha256:1000",
        )
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}, and REQUIRE_BROWSER=1")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    if request.node.rep_call_failed if hasattr(request.node, "rep_call_failed") else False:
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=os.path.join(ARTIFACTS, f"{request.node.name}.png"))
    context.close()


@pytest.fixture
def role_page(browser, module_live, request):
    """Open pages, each in a fresh browser context, logged in as a demo role (None: not logged
    in); closed after the test, with a screenshot of each in test-artifacts/ if it failed."""
    from tests.browser.helpers import DEMO_LOGINS, log_in

    contexts = []

    def open_page(role: str | None = None, **options):
        context = browser.new_context(locale="nb-NO", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        if role is not None:
            log_in(page, module_live.url, DEMO_LOGINS[role])
        return page

    yield open_page
    failed = getattr(request.node, "rep_call_failed", False)
    for i, context in enumerate(contexts):
        if failed:
            os.makedirs(ARTIFACTS, exist_ok=True)
            for j, page in enumerate(context.pages):
                page.screenshot(path=os.path.join(ARTIFACTS, f"{request.node.name}-{i}-{j}.png"))
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print how many pages the accessibility sweep checked, when it ran."""
    from tests.browser.helpers import axe_summary_key

    if axe_summary_key in config.stash:
        terminalreporter.write_line(config.stash[axe_summary_key])
