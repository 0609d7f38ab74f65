"""The intake screen with a keyboard-wedge scanner: a clerk receives units without the mouse.

A wedge scanner is a keyboard that types the code fast and presses Enter, so that is what these
tests do, in real headless Chromium against the real app over HTTP.
"""
from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from depot.models import Rma, db
from depot.services import intake
from tests.conftest import NOW
from tests.e2e.conftest import log_in, release_db, wedge_scan

pytestmark = pytest.mark.e2e

RMA_NUMBER = re.compile(r"^RMA-\d{4}-\d{6}$")
RECENT = date.today() - timedelta(days=40)  # the server judges warranty on the real today

# Times, in the page's own clock, from the Enter keydown to the unit panel being shown.
ROUND_TRIP_PROBE = """() => {
  window.__rt = {};
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") window.__rt.enter = performance.now();
  }, { capture: true });
  const panel = document.getElementById("unit-panel");
  new MutationObserver(() => {
    if (!panel.hidden && window.__rt.enter !== undefined && window.__rt.shown === undefined)
      window.__rt.shown = performance.now();
  }).observe(panel, { attributes: true, attributeFilter: ["hidden"] });
}"""



def open_intake(page: Page, clerk: tuple[str, str]) -> None:
    log_in(page, *clerk)
    expect(page.locator("#scan")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "scan"


def rmas_of(page: Page, serial: str) -> list[dict]:
    """The unit's RMAs, asked of the API with the browser's own session."""
    response = page.request.get(f"/api/v1/units/{serial}")
    assert response.ok, response.text()
    return response.json()["rmas"]


def test_scan_record_and_print_without_the_mouse(page: Page, clerk, make_unit, shots):
    serial = "F18A0012345"
    make_unit(serial, purchase_date=RECENT)
    release_db()
    rma_posts: list[str] = []
    page.on("request", lambda r: rma_posts.append(r.url)
            if r.method == "POST" and r.url.endswith("/api/v1/rmas") else None)
    open_intake(page, clerk)
    page.evaluate(ROUND_TRIP_PROBE)

    started = time.perf_counter()
    wedge_scan(page, serial)
    expect(page.locator("#unit-panel")).to_be_visible()
    wall_ms = (time.perf_counter() - started) * 1000
    expect(page.locator("#unit-serial")).to_have_text(serial)
    in_page = page.evaluate("window.__rt")
    print(f"\nwedge scan round trip (Enter -> unit panel): "
          f"{in_page['shown'] - in_page['enter']:.0f} ms in the page, "
          f"{wall_ms:.0f} ms seen from the test (includes typing the Enter and polling)")

    expect(page.locator("#scan-status")).to_have_attribute("data-state", "ok")
    expect(page.locator("#warranty-status")).to_have_attribute("data-status", "in_warranty")
    reasons = page.locator("#warranty-reasons li")
    expect(reasons.first).to_be_visible()
    assert reasons.count() >= 1 and reasons.first.inner_text().strip()
    expect(page.locator("#rma-panel")).to_be_visible()
    page.screenshot(path=shots / "intake-unit-found.png", full_page=True)

    # The fault field has the focus: the clerk types, tabs to the accessories, ticks with Space.
    expect(page.locator("#fault")).to_be_focused()
    page.keyboard.type("开机无显示 / no display after power on", delay=1)
    page.keyboard.press("Tab")
    expect(page.locator('input[name=accessories][value="power_adapter"]')).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.locator('input[name=accessories][value="data_cable"]')).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator('input[name=accessories][value="power_adapter"]')).to_be_checked()
    expect(page.locator('input[name=accessories][value="data_cable"]')).to_be_checked()
    expect(page.locator('input[name=accessories][value="battery"]')).not_to_be_checked()

    page.keyboard.press("Control+Enter")
    result = page.locator("#rma-result")
    expect(result).to_be_visible()
    expect(page.locator("#rma-number")).to_have_text(RMA_NUMBER)
    number = page.locator("#rma-number").inner_text()
    assert RMA_NUMBER.match(number)
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "ok")
    expect(page.locator("#rma-panel")).to_be_hidden()
    expect(result).to_have_attribute("data-fresh", "true")
    expect(page.locator("#print-tag")).to_be_focused()
    page.screenshot(path=shots / "intake-rma-saved.png", full_page=True)

    # Exactly one RMA, with what was typed and ticked (Ctrl+Enter must not save twice).
    assert len(rma_posts) == 1, rma_posts
    [brief] = rmas_of(page, serial)
    assert brief["number"] == number
    rma = page.request.get(f"/api/v1/rmas/{number}").json()
    assert rma["fault_description"] == "开机无显示 / no display after power on"
    assert sorted(rma["accessories"]) == ["data_cable", "power_adapter"]

    for link in ("#print-tag", "#print-receipt"):
        href = page.locator(link).get_attribute("href")
        assert href and href.endswith(".pdf") and number in href
        response = page.request.get(href)
        assert response.status == 200, (link, response.status, response.text()[:200])
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")

    # Esc starts over, ready for the next unit.
    page.keyboard.press("Escape")
    expect(page.locator("#rma-result")).to_be_hidden()
    expect(page.locator("#unit-panel")).to_be_hidden()
    expect(page.locator("#scan")).to_be_focused()
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "idle")


def test_unknown_serial_opens_quick_registration(page: Page, clerk, make_model, shots):
    make_model("AT-100", "考勤机 AT-100", 12)
    make_model("ZK-F18", "指纹考勤机 F18", 12)
    release_db()
    serial = "NEW0009876"
    open_intake(page, clerk)

    wedge_scan(page, serial)
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "unknown")
    expect(page.locator("#register-panel")).to_be_visible()
    expect(page.locator("#unit-panel")).to_be_hidden()
    expect(page.locator("#reg-serial")).to_have_value(serial)
    expect(page.locator("#reg-model")).to_be_focused()
    page.screenshot(path=shots / "intake-register.png", full_page=True)

    # Model by keyboard (the second one), Enter moves on; the date typed into the date field's
    # segments (month/day/year: the browser runs with --lang=en-US); Enter; the customer's
    # name; Ctrl+Enter registers.
    page.keyboard.press("ArrowDown")
    expect(page.locator("#reg-model")).to_have_value("ZK-F18")
    page.keyboard.press("Enter")
    expect(page.locator("#reg-purchase")).to_be_focused()
    page.keyboard.type(RECENT.strftime("%m%d%Y"), delay=10)
    expect(page.locator("#reg-purchase")).to_have_value(RECENT.isoformat())
    page.keyboard.press("Enter")
    expect(page.locator("#reg-name")).to_be_focused()
    page.keyboard.type("王五", delay=1)
    # The Enter that confirms a pinyin input method's composition stays in the field.
    page.locator("#reg-name").dispatch_event(
        "keydown", {"key": "Enter", "keyCode": 229, "isComposing": True, "bubbles": True})
    expect(page.locator("#reg-name")).to_be_focused()
    page.keyboard.press("Control+Enter")

    expect(page.locator("#unit-panel")).to_be_visible()
    expect(page.locator("#unit-serial")).to_have_text(serial)
    expect(page.locator("#unit-model")).to_contain_text("ZK-F18")
    expect(page.locator("#unit-customer")).to_contain_text("王五")
    expect(page.locator("#unit-purchase")).to_have_text(RECENT.isoformat())
    expect(page.locator("#warranty-status")).to_have_attribute("data-status", "in_warranty")
    expect(page.locator("#register-panel")).to_be_hidden()
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "ok")
    expect(page.locator("#fault")).to_be_focused()

    unit = page.request.get(f"/api/v1/units/{serial}").json()
    assert unit["model"] == "ZK-F18" and unit["purchase_date"] == RECENT.isoformat()
    assert unit["customer"]["name"] == "王五"


def test_unit_with_an_open_rma_is_flagged_as_duplicate(page: Page, clerk, make_unit, shots):
    serial = "DUP0000123"
    make_unit(serial, purchase_date=RECENT)
    rma, _ = intake.receive_unit(db.session, serial, "no power", [], actor=None, now=NOW)
    number = rma.number
    release_db()
    open_intake(page, clerk)

    wedge_scan(page, serial)
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "duplicate")
    expect(page.locator("#scan-status")).to_contain_text(number)
    expect(page.locator("#open-rma")).to_be_visible()
    expect(page.locator("#open-rma")).to_contain_text(number)
    expect(page.locator("#rma-result")).to_be_visible()
    expect(page.locator("#rma-number")).to_have_text(number)
    expect(page.locator("#rma-result")).to_have_attribute("data-fresh", "false")
    expect(page.locator("#rma-panel")).to_be_hidden()
    expect(page.locator("#scan")).to_be_focused()  # ready for the next unit
    page.screenshot(path=shots / "intake-duplicate.png", full_page=True)

    # Ctrl+Enter has nothing to save: still the one RMA.
    page.keyboard.press("Control+Enter")
    assert [r["number"] for r in rmas_of(page, serial)] == [number]


def test_enter_in_a_form_field_never_sends_a_half_filled_form(page: Page, clerk, make_unit):
    serial = "HALF000042"
    make_unit(serial, purchase_date=RECENT)
    release_db()
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    open_intake(page, clerk)

    wedge_scan(page, serial)
    expect(page.locator("#fault")).to_be_focused()
    page.keyboard.type("half", delay=1)
    page.keyboard.press("Enter")  # a new line in the fault text, not a submit
    expect(page.locator("#fault")).to_have_value("half\n")
    page.keyboard.press("Tab")
    first_box = page.locator('input[name=accessories][value="power_adapter"]')
    expect(first_box).to_be_focused()
    page.keyboard.press("Enter")  # moves on to the next field
    expect(page.locator('input[name=accessories][value="data_cable"]')).to_be_focused()
    page.locator("#reported-on").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#save-button")).to_be_focused()
    # A second scan-like burst into a form field (wrong field focused) must not save either.
    page.locator("#fault").focus()
    wedge_scan(page, "X")

    page.wait_for_timeout(500)  # a submit, had one been sent, would have started by now
    assert not [u for u in posts if u.endswith("/api/v1/rmas")], posts
    expect(page.locator("#rma-result")).to_be_hidden()
    expect(page.locator("#rma-panel")).to_be_visible()
    assert rmas_of(page, serial) == []
    count = db.session.scalar(db.select(db.func.count()).select_from(Rma))
    release_db()
    assert count == 0
