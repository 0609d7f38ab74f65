"""The customer looks up their repair on a phone (390 px), with the keyboard only, in real
Chromium: the form, then the status page with the carrier's tracking link."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from depot.domain.workflow import Action
from depot.models import db
from depot.services import inspection, intake, repair, shipping
from depot.services.settings import DepotSettings
from tests.conftest import NOW
from tests.e2e.conftest import PHONE, csp_violations, page_errors, phone_context, release_db

pytestmark = pytest.mark.e2e

@pytest.fixture
def shipped(app, make_unit, live_server):
    app.config.update(DEPOT_PUBLIC_URL=live_server, DEPOT_ADDRESS="四川省成都市高新区天府大道1号",
                      DEPOT_PHONE="028-88888888")
    settings = DepotSettings.from_config(app.config)
    make_unit("PHONE0100")  # 张三, 13800000000, Shanghai: 5 days in the post
    number = intake.receive_unit(db.session, "PHONE0100", "不开机", ["power_adapter"],
                                 actor=None, now=NOW, settings=settings)[0].number
    inspection.record_inspection(db.session, number, ["no_power"], actor=None, now=NOW)
    for action in (Action.START_REPAIR, Action.FINISH_REPAIR, Action.PASS_QA):
        repair.apply_action(db.session, number, action, actor=None, now=NOW, settings=settings)
    shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                  scanned=["PHONE0100"], packed=["power_adapter"], missing=[],
                  settings=settings, actor=None, now=NOW)
    release_db()
    return number


def test_customer_looks_up_the_repair_on_a_phone(browser: Browser, shipped, live_server,
                                                 shots):
    context = phone_context(browser, live_server)
    page = context.new_page()
    errors, blocked = page_errors(page), csp_violations(page)
    page.goto("/status")
    expect(page.locator("h1")).to_have_text("查询维修进度")
    page.locator("#number").focus()
    page.keyboard.type(shipped.lower())  # as a customer types it
    page.keyboard.press("Tab")
    page.keyboard.type("1111")  # a wrong phone first
    page.keyboard.press("Enter")
    expect(page.locator("#lookup-error")).to_have_attribute("data-code", "not_found")
    expect(page.locator("#lookup-error")).to_have_text("找不到与此返修单号和电话号码相符的维修记录")
    page.screenshot(path=str(shots / "phone-status-miss.png"), full_page=True)
    page.locator("#phone_last4").fill("")
    page.locator("#phone_last4").focus()
    page.keyboard.type("0000")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/s/[^/]+$"))
    expect(page.locator("#status-card")).to_have_attribute("data-status", "shipped")
    expect(page.locator("#status-text")).to_contain_text("设备已寄出，正在送回您手中。")
    expect(page.locator("#carrier")).to_have_text("顺丰速运")
    expect(page.locator("#tracking-number")).to_have_text("SF1234567890")
    expect(page.locator("#expected-back-on")).to_contain_text("2026-11-25")  # shipped 20th + 5
    link = page.locator("#tracking-link")
    assert link.get_attribute("href").startswith("https://www.sf-express.com/")
    box = link.bounding_box()
    assert box["height"] >= 40 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#status-text'))"
                         ".fontSize)")
    assert font >= 15  # readable without zooming
    page.screenshot(path=str(shots / "phone-status.png"), full_page=True)
    assert not errors and not blocked
    context.close()
