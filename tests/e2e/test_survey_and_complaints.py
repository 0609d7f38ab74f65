"""The customer answers the survey on a phone with the keyboard alone; a clerk registers a
phone complaint and starts it without touching the mouse. Real Chromium."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect

from depot.domain.workflow import Action
from depot.models import Complaint, Survey, db
from depot.services import inspection, intake, repair, shipping, surveys
from depot.services.settings import DepotSettings
from tests.conftest import NOW
from tests.e2e.conftest import PHONE, csp_violations, log_in, phone_context, release_db

pytestmark = pytest.mark.e2e

@pytest.fixture
def survey_url(app, make_unit, live_server):
    app.config["DEPOT_PUBLIC_URL"] = live_server
    settings = DepotSettings.from_config(app.config)
    make_unit("SURVEYE2E")
    number = intake.receive_unit(db.session, "SURVEYE2E", "", [], actor=None, now=NOW)[0].number
    inspection.record_inspection(db.session, number, ["no_power"], actor=None, now=NOW)
    for action in (Action.START_REPAIR, Action.FINISH_REPAIR, Action.PASS_QA):
        repair.apply_action(db.session, number, action, actor=None, now=NOW)
    shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                  scanned=["SURVEYE2E"], packed=[], missing=[], settings=settings, actor=None,
                  now=NOW)
    assert surveys.send_surveys(db.session, settings, after_days=3,
                                now=datetime.now(UTC)) == [number]
    survey = db.session.scalar(db.select(Survey))
    url = surveys.survey_url(settings, number, survey.token_nonce)
    release_db()
    return url


def test_the_survey_by_keyboard_on_a_phone(browser: Browser, survey_url, shots):
    context = phone_context(browser)
    page = context.new_page()
    blocked = csp_violations(page)
    page.goto(survey_url)
    expect(page.locator("h1")).to_have_text("您对本次维修满意吗？")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    star = page.locator("label[for=score-5]").bounding_box()
    assert star["height"] >= 40 and star["width"] >= 250  # a thumb's target
    page.keyboard.press("Tab")  # the language links come first
    while page.evaluate("document.activeElement.name") != "score":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")  # 1 star
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # … 4 stars
    expect(page.locator("#score-4")).to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "issue"
    page.keyboard.press("Tab")
    page.keyboard.type("师傅很专业 <b>赞</b>")
    page.screenshot(path=str(shots / "phone-survey.png"), full_page=True)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "send-survey"
    page.keyboard.press("Enter")
    expect(page.locator("#survey-thanks")).to_have_attribute("data-score", "4")
    page.goto(survey_url)
    expect(page.locator("#survey-answered")).to_be_visible()
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
    context.close()
    survey = db.session.scalar(db.select(Survey))
    assert (survey.score, survey.comment) == (4, "师傅很专业 <b>赞</b>")
    release_db()


def test_a_phone_complaint_by_keyboard(page: Page, clerk):
    log_in(page, *clerk)
    page.goto("/complaints/new")
    expect(page.locator("#kind")).to_be_focused()
    page.keyboard.press("ArrowDown")  # product quality -> packaging or transport
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "description"
    page.keyboard.type("纸箱破损，屏幕有划痕")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    for _ in range(3):
        page.keyboard.press("Tab")  # name, phone, email
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "register-button"
    page.keyboard.press("Enter")
    expect(page.locator("#complaint-team")).to_have_attribute("data-team", "logistics")
    page.locator("#action-start").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#complaint-status")).to_have_attribute("data-status", "in_progress")
    expect(page.locator("#complaint-holder")).to_have_text("李文员")
    page.goto("/complaints?team=logistics")
    expect(page.locator(".complaint-row")).to_have_count(1)
    release_db()
    assert db.session.scalar(db.select(Complaint.kind)) == "packaging_transport"
    release_db()
