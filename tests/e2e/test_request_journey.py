"""The whole path of a request before shipping, in the browser: a customer asks for an RMA on a
phone and gets the packing slip; the clerk scans the slip's code at intake and receives that
RMA (no second one); the dead-on-arrival unit is exchanged on its RMA page; logistics ships the
replacement, verified by scanning it."""
from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from pyzbar import pyzbar

from depot.models import db
from depot.services import inspection, users
from tests.conftest import NOW
from tests.e2e.conftest import log_in, phone_context, release_db, wedge_scan

pytestmark = pytest.mark.e2e
PASSWORD = "journey password 1"


@pytest.fixture
def staff(app, make_unit):
    app.config.update(DEPOT_PUBLIC_URL="http://depot.test", DEPOT_NAME="测试维修中心",
                      DEPOT_ADDRESS="四川省成都市高新区天府大道1号")
    for name, role in (("clerk.li", "clerk"), ("wang.tech", "technician"),
                       ("zhao.wl", "logistics")):
        users.create_user(db.session, name, role, password=PASSWORD, now=NOW)
    # Bought five days ago: a quality fault now is dead on arrival (DEPOT_DOA_DAYS 15).
    make_unit("JRN-0001", purchase_date=date.today() - timedelta(days=5))
    release_db()


def slip_code(pdf: bytes, tmp_path) -> set[tuple[str, str]]:
    path = tmp_path / "slip.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "slip")], check=True)
    image = Image.open(next(tmp_path.glob("slip*.png")))
    return {(c.type, c.data.decode()) for c in pyzbar.decode(image)}


def test_request_slip_intake_exchange_and_ship(browser: Browser, live_server: str, page: Page,
                                               staff, shots, tmp_path):
    # 1. The customer, on a phone, Chinese first.
    phone = phone_context(browser, live_server)
    customer = phone.new_page()
    customer.goto("/request")
    assert customer.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways
    customer.locator("#serial").fill("JRN-0001")
    customer.locator("#fault_description").fill("新机开机后黑屏，无法进入系统")
    customer.locator("#name").fill("陈静")
    customer.locator("#phone").fill("13912345678")
    customer.locator("#email").fill("cj@example.com")
    customer.locator("#address").fill("浙江省杭州市西湖区文三路90号")
    expect(customer.locator("#website")).not_to_be_in_viewport()  # the honeypot is unseen
    customer.locator("#request-submit").click()
    expect(customer.locator("#requested")).to_be_visible()
    number = customer.locator("#request-number").inner_text()
    expect(customer.locator("#request-warranty")).to_contain_text("保修")
    customer.screenshot(path=str(shots / "request-phone.png"), full_page=True)
    slip = customer.request.get(customer.locator("#slip-link").get_attribute("href"))
    assert slip.ok and slip.headers["content-type"] == "application/pdf"
    codes = slip_code(slip.body(), tmp_path)
    assert {("CODE128", number), ("QRCODE", number)} <= codes
    phone.close()

    # 2. The box arrives: the clerk scans the slip's code, the request's fault is filled in.
    log_in(page, "clerk.li", PASSWORD)
    wedge_scan(page, number)
    expect(page.locator("#open-rma")).to_contain_text(number)
    expect(page.locator("#rma-panel")).to_be_visible()
    expect(page.locator("#fault")).to_have_value("新机开机后黑屏，无法进入系统")
    expect(page.locator("#fault")).to_be_focused()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#rma-number")).to_have_text(number)
    expect(page.locator("#scan-status")).to_contain_text(number)
    page.screenshot(path=str(shots / "request-intake.png"), full_page=True)
    shown = page.request.get(f"/api/v1/rmas/{number}").json()
    assert shown["status"] == "received" and shown["received_on"] == date.today().isoformat()
    rmas = page.request.get("/api/v1/rmas?q=JRN-0001").json()["rmas"]
    assert [r["number"] for r in rmas] == [number]  # no second RMA
    page.context.clear_cookies()

    # 3. Inspection finds a quality fault within the DOA days; the technician exchanges.
    inspection.record_inspection(db.session, number, ["no_power"], actor=None,
                                 now=datetime.now(UTC))
    release_db()
    log_in(page, "wang.tech", PASSWORD, lands_on="bench")
    page.goto(f"/rmas/{number}")
    expect(page.locator("#doa-note")).to_be_visible()
    expect(page.locator("#exchange-serial")).to_be_focused()
    wedge_scan(page, "JRN-0001-R")  # the scan's Enter moves on, it does not send
    expect(page.locator("#exchange-reason")).to_be_focused()
    page.keyboard.type("开箱即坏，换新机")
    page.keyboard.press("Enter")
    expect(page.locator("#rma-status, [data-status='ready_to_ship']").first).to_be_visible()
    after = page.request.get(f"/api/v1/rmas/{number}").json()
    assert after["status"] == "ready_to_ship"
    page.context.clear_cookies()

    # 4. Logistics ships the replacement: the original's serial is refused, the new one passes.
    log_in(page, "zhao.wl", PASSWORD, lands_on="shipping")
    wedge_scan(page, number)
    expect(page.locator("#pack-number")).to_have_text(number)
    wedge_scan(page, "JRN-0001")
    expect(page.locator("#check-serial")).not_to_have_attribute("data-ok", "true")
    wedge_scan(page, "JRN-0001-R")
    expect(page.locator("#check-serial")).to_have_attribute("data-ok", "true")
    page.locator("#tracking").fill("SF1357924680")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#pack-card")).to_be_hidden()
    page.screenshot(path=str(shots / "request-shipped.png"), full_page=True)
    final = page.request.get(f"/api/v1/rmas/{number}").json()
    assert final["status"] == "shipped"
