"""Carton mode of the intake screen (整箱收货): a clerk receives a box of 20 units with the
keyboard and a wedge scanner only — F2, the waybill, then serial, fault, accessories, Enter, unit
after unit; F4 finishes the carton and its one receipt lists every unit."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import log_in, release_db, wedge_scan

pytestmark = pytest.mark.e2e

RECENT = date.today() - timedelta(days=40)
WAYBILL = "SF1402938847561"
UNITS = 20
UNKNOWN = {5, 13}  # these two serials are new: registered from the carton form


def serial_of(i: int) -> str:
    return f"CTN-E2E-{i:03d}"


def test_a_clerk_receives_a_carton_of_20_units_with_the_keyboard_only(page: Page, clerk,
                                                                     make_unit, shots):
    for i in range(UNITS):
        if i not in UNKNOWN:
            make_unit(serial_of(i), purchase_date=RECENT)
    release_db()
    log_in(page, *clerk)
    expect(page.locator("#scan")).to_be_focused()

    page.keyboard.press("F2")
    expect(page.locator("#carton-mode")).to_be_visible()
    expect(page.locator("#scan")).to_be_hidden()
    expect(page.locator("#carton-waybill")).to_be_focused()
    # who sent the box: Tab to it, Enter moves field to field and back to the waybill
    page.keyboard.press("Tab")
    page.keyboard.type("SF")
    page.keyboard.press("Tab")
    page.keyboard.type("深圳市星河科技有限公司")
    for value in ("0755-86668888", "", "广东省深圳市南山区科技园"):
        page.keyboard.press("Enter")
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    expect(page.locator("#carton-waybill")).to_be_focused()
    wedge_scan(page, "AB1")  # a misread: refused, said so, and the next scan replaces it
    expect(page.locator("#carton-open-status")).to_have_attribute("data-state", "error")
    expect(page.locator("#carton-waybill")).to_be_focused()
    wedge_scan(page, WAYBILL)

    expect(page.locator("#carton-units")).to_be_visible()
    number = page.locator("#carton-number").inner_text()
    assert re.fullmatch(r"CTN-\d{4}-000001", number), number  # the misread took no number
    expect(page.locator("#carton-serial")).to_be_focused()
    # the fault's pick list is the finding catalogue, in the page's language
    faults = page.locator("#carton-faults option")
    expect(faults).to_have_count(15)
    assert "无法开机" in [faults.nth(i).get_attribute("value") for i in range(15)]

    for i in range(UNITS):
        wedge_scan(page, serial_of(i))
        if i in UNKNOWN:
            expect(page.locator("#carton-status")).to_have_attribute("data-state", "unknown")
            expect(page.locator("#carton-model")).to_be_focused()
            page.keyboard.press("Enter")
            expect(page.locator("#carton-purchase")).to_be_focused()
            page.keyboard.press("Enter")
        expect(page.locator("#carton-fault")).to_be_focused()
        page.keyboard.type("无法开机" if i % 2 else f"屏幕闪烁 {i}")
        page.keyboard.press("Enter")
        expect(page.locator("#carton-accessories input").first).to_be_focused()
        if i % 3 == 0:
            page.keyboard.press("Space")  # power adapter
            page.keyboard.press("Tab")
            page.keyboard.press("Space")  # data cable
        page.keyboard.press("Enter")
        expect(page.locator("#carton-count")).to_have_text(str(i + 1))
        expect(page.locator("#carton-serial")).to_be_focused()

    rows = page.locator("#carton-list tbody tr")
    expect(rows).to_have_count(UNITS)
    listed = page.locator("#carton-list tbody").inner_text()
    assert all(serial_of(i) in listed for i in range(UNITS))
    page.screenshot(path=shots / "intake-carton-20.png", full_page=True)

    page.keyboard.press("F4")
    expect(page.locator("#carton-done")).to_be_visible()
    expect(page.locator("#carton-done-count")).to_have_text(str(UNITS))
    receipt = page.locator("#carton-receipt")
    expect(receipt).to_be_focused()
    href = receipt.get_attribute("href")
    assert href == f"/api/v1/cartons/{number}/receipt.pdf"

    pdf = page.request.get(href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    carton = page.request.get(f"/api/v1/cartons/{number}").json()
    assert carton["unit_count"] == UNITS and carton["tracking_number"] == WAYBILL
    assert carton["carrier"] == "SF" and carton["customer"]["name"] == "深圳市星河科技有限公司"
    for rma in carton["rmas"]:
        assert rma["number"] in text and rma["serial"] in text
    assert "整箱收货回执" in text and "深圳市星河科技有限公司" in text
    by_serial = {r["serial"]: r for r in carton["rmas"]}
    assert by_serial[serial_of(0)]["accessories"] == ["power_adapter", "data_cable"]
    assert by_serial[serial_of(1)]["accessories"] == []
    assert by_serial[serial_of(1)]["fault_description"] == "无法开机"
    # the new units were registered for the carton's sender
    new_unit = page.request.get(f"/api/v1/units/{serial_of(5)}").json()
    assert new_unit["customer"]["name"] == "深圳市星河科技有限公司"
    tag = page.request.get(f"/api/v1/rmas/{by_serial[serial_of(5)]['number']}/tag.pdf")
    assert number in PdfReader(io.BytesIO(tag.body())).pages[0].extract_text()

    # Esc: the next carton; the same waybill again carries on with this one
    page.keyboard.press("Escape")
    expect(page.locator("#carton-waybill")).to_be_focused()
    wedge_scan(page, WAYBILL)
    expect(page.locator("#carton-number")).to_have_text(number)
    expect(rows).to_have_count(UNITS)
    # F2: back to single units
    page.keyboard.press("F2")
    expect(page.locator("#scan")).to_be_focused()
