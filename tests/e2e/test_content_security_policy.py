"""The policy is really enforced by the browser, and the check that watches for it works: an
injected inline script is refused and reported, the page's own scripts run."""
from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext

from tests.e2e.conftest import csp_violations, log_in

pytestmark = pytest.mark.e2e


def test_an_injected_inline_script_is_refused(context: BrowserContext, clerk):
    page = context.new_page()
    blocked = csp_violations(page)
    log_in(page, *clerk)  # the intake script (a file) ran: log_in waits for it
    assert blocked == []
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.injected = true';
        document.body.appendChild(s);
        const d = document.createElement('div');
        d.setAttribute('onclick', 'window.clicked = true');
        document.body.appendChild(d);
        d.click();
    }""")
    for _ in range(100):  # console messages arrive asynchronously
        if len(blocked) >= 2:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.injected === undefined && window.clicked === undefined")
    assert len(blocked) >= 2 and all("Content Security Policy" in text for text in blocked)
    page.close()
