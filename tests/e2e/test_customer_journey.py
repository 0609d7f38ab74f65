"""The customer's whole after-sales journey on a phone (390 px), in real Chromium: the status
lookup with only the RMA number and the phone, the quote, a dispute of the verdict, the
goodwill quote that follows, its approval, and the survey once the unit is home. The staff's
side of each step runs through the services, as the staff pages would."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from depot.domain.workflow import Action
from depot.models import Complaint, Quote, Rma, Survey, User, db
from depot.services import (
    complaints,
    inspection,
    intake,
    payments,
    quote_mail,
    quoting,
    repair,
    shipping,
    surveys,
    users,
)
from depot.services.settings import DepotSettings
from tests.conftest import NOW
from tests.e2e.conftest import PHONE, csp_violations, page_errors, phone_context, release_db

pytestmark = pytest.mark.e2e

def test_a_customer_follows_the_unit_home_disputes_and_answers_the_survey(
        browser: Browser, app, make_unit, live_server, shots):
    app.config["DEPOT_PUBLIC_URL"] = live_server
    settings = DepotSettings.from_config(app.config)
    users.create_user(db.session, "wang.sup", "supervisor", now=NOW)
    make_unit("JOURNEY01")  # 张三, phone 13800000000
    number = intake.receive_unit(db.session, "JOURNEY01", "进水后不开机", [], actor=None,
                                 now=NOW, settings=settings)[0].number
    inspection.record_inspection(db.session, number, ["liquid_damage"], actor=None, now=NOW)
    first = quoting.create_quote(db.session, number, None, tax_rate=None,
                                 policy=settings.pricing, actor=None, now=NOW)
    quote_mail.send_quote(db.session, number, first.number, settings, actor=None,
                          now=datetime.now(UTC))
    first_id, first_total = first.id, first.total
    release_db()

    context = phone_context(browser, live_server)
    page = context.new_page()
    errors, blocked = page_errors(page), csp_violations(page)
    # 1. the status, from the RMA number and the last 4 digits of the phone
    page.goto("/status")
    page.locator("#number").focus()
    page.keyboard.type(number)
    page.keyboard.press("Tab")
    page.keyboard.type("0000")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/s/[^/]+$"))
    expect(page.locator("#status-card")).to_have_attribute("data-status", "awaiting_approval")
    expect(page.locator("body")).not_to_contain_text("有疑问请致电")  # the depot has no phone set
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "journey-1-status.png"), full_page=True)
    # 2. the quote it links to, and a dispute of the verdict
    page.locator("#quote-link").click()
    expect(page.locator("#reasons")).to_contain_text("进液")
    page.locator("#dispute-open-form").focus()
    page.keyboard.press("Enter")
    page.locator("textarea[name=dispute_comment]").focus()
    page.keyboard.type("设备没有进水，是屏幕自己坏的")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#dispute-open")).to_contain_text("正在复核")
    page.screenshot(path=str(shots / "journey-2-disputed.png"), full_page=True)

    # the supervisor's queue holds it; resolved with a goodwill discount of 30.00
    supervisor = db.session.scalar(select(User).where(User.username == "wang.sup"))
    complaint = db.session.scalar(select(Complaint))
    complaint_id, complaint_number = complaint.id, complaint.number
    assert (complaint.kind, complaint.team, complaint.channel) == (
        "damage_verdict", "supervisor", "web")
    assert [c.number for c in complaints.list_complaints(db.session, team="supervisor")] == [
        complaint_number]
    now = datetime.now(UTC)
    complaints.apply_action(db.session, complaint_number, "resolve", note="同意优惠 30 元",
                            outcome="goodwill", discount=Decimal("30.00"), settings=settings,
                            actor=supervisor, now=now)
    second = db.session.scalar(select(Quote).where(Quote.version == 2))
    second_id = second.id
    quote_mail.send_quote(db.session, number, second.number, settings, actor=supervisor,
                          now=now)
    second = db.session.get(Quote, second_id)
    second_url = quote_mail.approval_url(settings, second)
    total = second.total
    assert total == first_total - Decimal("30.00")
    assert db.session.get(Quote, first_id).status == "superseded"
    release_db()

    # 3. the new link (as emailed): the discount shown, and approved
    page.goto(second_url)
    expect(page.locator("#quote-total")).to_contain_text(f"{total:.2f}")
    expect(page.locator("body")).to_contain_text("-30.00")
    page.locator("#approve").tap()
    expect(page.locator("#answered")).to_have_attribute("data-status", "approved")
    page.screenshot(path=str(shots / "journey-3-approved.png"), full_page=True)

    # the depot is paid, repairs, ships; the survey goes out three days later
    supervisor = db.session.scalar(select(User).where(User.username == "wang.sup"))
    payments.record_payment(db.session, number, total, "bank_transfer", "ICBC 0001",
                            actor=supervisor, now=now)
    for action in (Action.START_REPAIR, Action.FINISH_REPAIR, Action.PASS_QA):
        repair.apply_action(db.session, number, action, actor=supervisor, now=now)
    shipping.ship(db.session, number, carrier="SF", tracking_number="SF5550001111",
                  scanned=["JOURNEY01"], packed=[], missing=[], settings=settings,
                  actor=supervisor, now=now)
    assert surveys.send_surveys(db.session, settings, now=now + timedelta(days=4)) == [number]
    survey = db.session.scalar(select(Survey))
    survey_link = surveys.survey_url(settings, number, survey.token_nonce)
    release_db()

    # 4. the status page now says it is on its way; the survey is answered
    page.goto("/status")
    page.locator("#number").fill(number)
    page.locator("#phone_last4").fill("0000")
    page.keyboard.press("Enter")
    expect(page.locator("#status-card")).to_have_attribute("data-status", "shipped")
    expect(page.locator("#tracking-number")).to_have_text("SF5550001111")
    page.goto(survey_link)
    page.locator("label[for=score-5]").tap()
    page.locator("#send-survey").tap()
    expect(page.locator("#survey-thanks")).to_have_attribute("data-score", "5")
    page.screenshot(path=str(shots / "journey-4-survey.png"), full_page=True)
    assert not errors and not blocked, (errors, blocked)
    context.close()

    rma = db.session.scalar(select(Rma).where(Rma.number == number))
    assert rma.status == "shipped" and rma.survey.score == 5
    assert db.session.get(Complaint, complaint_id).status == "resolved"
    kinds = [n.kind for n in rma.notifications]
    assert {"received", "quote_sent", "shipped", "survey"} <= set(kinds)
    release_db()
