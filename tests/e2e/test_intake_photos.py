"""Issue 10 item 4 in the browser: a photo the server cannot read leaves no RMA behind; the clerk
sees the error, fixes the photos and saves again, and a new scan never says "已有未完成的维修单"."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in, release_db, wedge_scan

pytestmark = pytest.mark.e2e

RMA_NUMBER = re.compile(r"^RMA-\d{4}-\d{6}$")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (20, 160, 90)).save(out, format="JPEG")
    return out.getvalue()


def test_a_broken_photo_leaves_no_rma_and_saving_again_works(page: Page, clerk, make_unit,
                                                            shots):
    serial = "PHOTOE2E01"
    make_unit(serial, purchase_date=date.today() - timedelta(days=40))
    release_db()
    log_in(page, *clerk)
    wedge_scan(page, serial)
    expect(page.locator("#rma-panel")).to_be_visible()
    page.locator("#fault").fill("屏幕碎裂")
    page.locator("#photos").set_input_files([
        {"name": "good.jpg", "mimeType": "image/jpeg", "buffer": jpeg()},
        {"name": "broken.jpg", "mimeType": "image/jpeg", "buffer": b"this is no jpeg"}])
    page.locator("#save-button").click()
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "error")
    expect(page.locator("#rma-result")).to_be_hidden()
    page.screenshot(path=shots / "intake-photo-refused.png", full_page=True)
    units = page.request.get(f"/api/v1/units/{serial}").json()
    assert units["rmas"] == []  # nothing was created behind the error

    # Esc and a new scan: the unit has no open RMA, the form is offered again.
    page.keyboard.press("Escape")
    wedge_scan(page, serial)
    expect(page.locator("#rma-panel")).to_be_visible()
    expect(page.locator("#open-rma")).to_be_hidden()
    page.locator("#photos").set_input_files([
        {"name": "good.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.locator("#save-button").click()
    expect(page.locator("#rma-result")).to_be_visible()
    expect(page.locator("#rma-number")).to_have_text(RMA_NUMBER)
    number = page.locator("#rma-number").inner_text()
    rma = page.request.get(f"/api/v1/rmas/{number}").json()
    assert [p["filename"] for p in rma["photos"]] == ["good.jpg"]
