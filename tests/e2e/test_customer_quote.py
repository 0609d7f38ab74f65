"""The customer opens the quote link on a phone and approves it, in real Chromium."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from depot.models import Quote, db
from depot.services import inspection, intake, quote_mail, quoting
from depot.services.settings import DepotSettings
from tests.conftest import NOW
from tests.e2e.conftest import PHONE, csp_violations, phone_context, release_db

pytestmark = pytest.mark.e2e

@pytest.fixture
def sent_quote(app, make_unit, live_server):
    app.config["DEPOT_PUBLIC_URL"] = live_server
    make_unit("PHONE0001")
    number = intake.receive_unit(db.session, "PHONE0001", "", [], actor=None, now=NOW)[0].number
    inspection.record_inspection(db.session, number, ["liquid_damage"], actor=None, now=NOW)
    settings = DepotSettings.from_config(app.config)
    quote = quoting.create_quote(db.session, number, None, tax_rate=None,
                                 policy=settings.pricing, actor=None, now=NOW)
    from datetime import UTC, datetime

    quote_mail.send_quote(db.session, number, quote.number, settings, actor=None,
                          now=datetime.now(UTC))
    url = quote_mail.approval_url(settings, db.session.get(Quote, quote.id))
    release_db()
    return number, url


def test_customer_approves_on_a_phone(browser: Browser, sent_quote, shots):
    number, url = sent_quote
    context = phone_context(browser)
    page = context.new_page()
    blocked = csp_violations(page)
    page.goto(url)
    expect(page.locator("h1")).to_have_text("非保修产品维修报价单")
    expect(page.locator("#quote-total")).to_contain_text("CNY")
    approve = page.locator("#approve")
    expect(approve).to_be_visible()
    box = approve.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 44  # a thumb can hit it
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator("#reasons")).to_contain_text("进液：人为损坏，不在保修范围")
    pdf = page.request.get(page.url.rstrip("/") + "/quote.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.screenshot(path=str(shots / "phone-quote.png"), full_page=True)
    page.locator("textarea[name=comment]").fill("请尽快修好")
    approve.tap()
    expect(page.locator("#answered")).to_have_attribute("data-status", "approved")
    page.screenshot(path=str(shots / "phone-approved.png"), full_page=True)
    page.goto(url)
    expect(page.locator("#refusal")).to_have_attribute("data-code", "quote_answered")
    expect(page.locator("#approve")).to_have_count(0)
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
    context.close()


def test_customer_disputes_the_verdict_on_a_phone_with_the_keyboard(browser: Browser,
                                                                   sent_quote, shots):
    number, url = sent_quote
    context = phone_context(browser)
    page = context.new_page()
    blocked = csp_violations(page)
    page.goto(url)
    opener = page.locator("#dispute-open-form")
    expect(opener).to_have_text("对检测结论有异议")
    expect(page.locator("#dispute-form")).to_be_hidden()  # closed until asked for
    opener.focus()
    page.keyboard.press("Enter")
    comment = page.locator("textarea[name=dispute_comment]")
    expect(comment).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    comment.focus()
    page.keyboard.type("不是进液，是说明书要求的清洁方式 <b>")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#dispute-open")).to_contain_text("正在复核")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "phone-disputed.png"), full_page=True)
    page.goto(url)
    expect(page.locator("#dispute-open")).to_be_visible()
    expect(page.locator("#approve")).to_be_visible()  # the customer may still answer
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"
    context.close()
