"""The shipping screen with a scanner: logistics packs and verifies a box and ships it; a wrong
unit is a loud error naming its RMA; labels print in a batch."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from depot.domain.workflow import Action
from depot.models import db
from depot.services import inspection, intake, repair, users
from tests.conftest import NOW
from tests.e2e.conftest import log_in, release_db, wedge_scan

pytestmark = pytest.mark.e2e

RECENT = date.today() - timedelta(days=40)
PASSWORD = "logistics password 1"



def ready_to_ship(make_unit, serial: str, accessories: list[str]) -> str:
    make_unit(serial, purchase_date=RECENT)
    number = intake.receive_unit(db.session, serial, "不开机", accessories, actor=None,
                                 now=NOW)[0].number
    inspection.record_inspection(db.session, number, ["no_power"], actor=None, now=NOW)
    for action in (Action.START_REPAIR, Action.FINISH_REPAIR, Action.PASS_QA):
        repair.apply_action(db.session, number, action, actor=None, now=NOW)
    return number


@pytest.fixture
def logistics(app) -> tuple[str, str]:
    users.create_user(db.session, "zhao.wl", "logistics", password=PASSWORD, now=NOW)
    return "zhao.wl", PASSWORD


def test_pack_verify_and_ship_by_scanner(page: Page, logistics, make_unit, shots):
    number = ready_to_ship(make_unit, "PACK0001", ["power_adapter", "battery"])
    other = ready_to_ship(make_unit, "PACK0002", [])
    release_db()
    log_in(page, *logistics, lands_on="shipping")
    expect(page.locator("#ship-list li")).to_have_count(2)
    expect(page.locator("#scan")).to_be_focused()

    wedge_scan(page, "PACK0001")
    expect(page.locator("#pack-number")).to_have_text(number)
    expect(page.locator("#check-serial")).to_have_attribute("data-ok", "true")
    wedge_scan(page, "PACK0002")  # another unit's serial: loud, names its RMA
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "error")
    expect(page.locator("#scan-status")).to_contain_text(other)
    expect(page.locator("#check-tag")).to_have_attribute("data-ok", "false")
    wedge_scan(page, number)  # the intake tag
    expect(page.locator("#check-tag")).to_have_attribute("data-ok", "true")

    # Focus has moved to the first accessory: Space packs it, the battery is missing.
    expect(page.locator('input[name="packed"][value="power_adapter"]')).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the adapter's reason field is disabled: Tab skips it
    page.keyboard.press("Tab")  # the battery's checkbox
    page.keyboard.press("Tab")  # the battery's reason
    page.keyboard.type("客户未寄电池")
    page.locator("#tracking").focus()
    wedge_scan(page, "SF9876543210")  # the courier waybill: its Enter must not ship
    expect(page.locator("#pack-card")).to_be_visible()
    page.screenshot(path=str(shots / "shipping-packing.png"), full_page=True)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#pack-card")).to_be_hidden()
    expect(page.locator("#scan-status")).to_contain_text("SF9876543210")
    expect(page.locator("#ship-list li")).to_have_count(1)

    rma = page.request.get(f"/api/v1/rmas/{number}").json()
    assert rma["status"] == "shipped"
    assert rma["shipment"]["accessories"] == ["power_adapter"]
    assert rma["shipment"]["missing"] == [{"code": "battery", "reason": "客户未寄电池"}]
    assert rma["shipment"]["tracking_number"] == "SF9876543210"


def test_a_box_missing_an_accessory_reason_is_refused(page: Page, logistics, make_unit):
    number = ready_to_ship(make_unit, "PACK0003", ["data_cable"])
    release_db()
    log_in(page, *logistics, lands_on="shipping")
    wedge_scan(page, number)
    wedge_scan(page, "PACK0003")
    page.locator("#tracking").fill("SF1111111111")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "error")
    expect(page.locator("#pack-card")).to_be_visible()
    assert page.request.get(f"/api/v1/rmas/{number}").json()["status"] == "ready_to_ship"


def test_batch_label_pdf(page: Page, logistics, make_unit):
    numbers = [ready_to_ship(make_unit, f"LBL0000{i}", []) for i in range(2)]
    release_db()
    log_in(page, *logistics, lands_on="shipping")
    for number in numbers:
        page.locator(f'input[name="rma"][value="{number}"]').check()
    with page.expect_popup() as popup:
        page.locator("#print-pdf").click()
    url = popup.value.url
    assert "labels.pdf" in url and all(n in url for n in numbers)
    response = page.request.get(url)
    assert response.ok and response.body().startswith(b"%PDF")
