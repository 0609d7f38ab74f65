"""Real-browser tests: the `app` fixture's app served over HTTP, driven by headless Chromium.

The server runs in a background thread of the test process, so tests can seed the database with
the ordinary fixtures (`make_unit`, services) and then drive the page. Two rules follow:

* Call `release_db()` after seeding and before the browser acts. On SQLite every transaction
  starts with BEGIN IMMEDIATE (see depot._tune_sqlite), so a test-thread session that has merely
  *read* something (even refreshing an expired attribute after a commit) holds the write lock and
  the server would wait for it. Keep plain strings (serials, numbers), not ORM objects.
* The browser is Debian's Chromium (`playwright install` cannot download here), launched with
  the flags that stop it calling home.

Screenshots go to $DEPOT_E2E_SCREENSHOTS if set (to look at them), else to the test's tmp dir.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from werkzeug.serving import make_server

from depot.models import db
from depot.services import users
from tests.conftest import NOW

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
    # The browser's own language fixes the segment order of <input type=date> (the context's
    # locale does not): en-US is month/day/year, which the keyboard tests type.
    "--lang=en-US",
]
TIMEOUT_MS = 10_000  # generous for a loaded CI box; a passing run waits far less
CLERK_PASSWORD = "correct horse battery"

expect.set_options(timeout=TIMEOUT_MS)


def launch_chromium(playwright: Playwright, *extra_args: str) -> Browser:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM,
                                      args=[*CHROMIUM_ARGS, *extra_args])


def release_db() -> None:
    """End the test thread's transaction so the server's requests get the database."""
    db.session.remove()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = launch_chromium(playwright)
    yield browser
    browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app on 127.0.0.1 (a secure context for getUserMedia) at a free port."""
    release_db()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        release_db()


@pytest.fixture
def clerk(app: Flask) -> tuple[str, str]:
    """A clerk who logs in with a password: (username, password)."""
    users.create_user(db.session, "clerk.li", "clerk", password=CLERK_PASSWORD,
                      display_name="李文员", now=NOW)
    release_db()
    return "clerk.li", CLERK_PASSWORD


def new_context(browser: Browser, base_url: str, locale: str = "zh-CN") -> BrowserContext:
    context = browser.new_context(base_url=base_url, locale=locale,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser, live_server: str) -> Iterator[BrowserContext]:
    context = new_context(browser, live_server)
    yield context
    context.close()


def page_errors(page: Page) -> list[str]:
    """Uncaught script errors of the page, collected as they happen."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def csp_violations(page: Page) -> list[str]:
    """What the Content-Security-Policy blocked (Chromium reports each on the console)."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    return violations


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    errors = page_errors(page)
    blocked = csp_violations(page)
    yield page
    assert not errors, f"uncaught errors in the page: {errors}"
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"


PHONE = {"width": 390, "height": 844}


def phone_context(browser, base_url: str | None = None, locale: str = "zh-CN"):
    """A customer's phone: 390 px wide, touch, a 2× screen, Chinese first."""
    extra = {"base_url": base_url} if base_url else {}
    return browser.new_context(viewport=PHONE, locale=locale, is_mobile=True, has_touch=True,
                               device_scale_factor=2, **extra)


def log_in(page: Page, username: str, password: str, lands_on: str = "intake") -> None:
    """Through the real login form (CSRF token and all); a clerk lands on /intake, a technician
    on /bench, a supervisor or an admin on the dashboard (lands_on="")."""
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{lands_on}$"))
    if lands_on == "intake":
        wait_for_intake(page)
    elif lands_on == "":
        page.wait_for_load_state("load")
    else:
        ready = {"bench": "depotBench", "shipping": "depotShipping"}[lands_on]
        page.wait_for_load_state("load")
        page.wait_for_function(f"() => window.{ready} !== undefined && window.{ready}.ready")


def wedge_scan(page: Page, text: str) -> None:
    """What a keyboard-wedge scanner does: type the code quickly, then Enter."""
    page.keyboard.type(text, delay=1)
    page.keyboard.press("Enter")


def wait_for_intake(page: Page) -> None:
    """The intake script has run (it ends by setting window.depotIntake): before that, a click
    or a scan would go nowhere. The URL changes long before the script is parsed."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.depotIntake !== undefined")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go."""
    chosen = os.environ.get("DEPOT_E2E_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
