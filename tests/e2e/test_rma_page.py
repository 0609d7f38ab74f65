"""The staff RMA page in real Chromium: a clerk prices a quote and sends it."""
from __future__ import annotations

import email
import io
from email import policy

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from depot.models import db
from depot.services import inspection, intake
from tests.conftest import NOW
from tests.e2e.conftest import log_in, release_db

pytestmark = pytest.mark.e2e


@pytest.fixture
def man_made(make_unit) -> str:
    make_unit("QUOTE0001")
    number = intake.receive_unit(db.session, "QUOTE0001", "摔坏", [], actor=None,
                                 now=NOW)[0].number
    inspection.record_inspection(db.session, number, ["impact_damage"], actor=None, now=NOW)
    release_db()
    return number


def test_send_sends_the_price_on_the_screen(page: Page, clerk, man_made, mail_app,
                                            deliver_outbox, shots):
    """Change the labour price, press send without saving: the total follows as it is typed,
    and the email and its PDF carry the new total."""
    log_in(page, *clerk)
    page.goto(f"/rmas/{man_made}")
    page.locator("#new-quote").click()
    total = page.locator("#draft-total")
    expect(total).to_have_text("100.00 CNY")  # labour 80.00 + return freight 20.00
    labour = page.locator('#draft-form input[name="unit_price"]').first
    expect(labour).to_have_value("80.00")
    labour.fill("120.00")
    expect(total).to_have_text("140.00 CNY")
    page.locator('#draft-form input[name="tax_rate"]').fill("0.13")
    expect(total).to_have_text("158.20 CNY")  # 140.00 + 18.20 tax
    # The draft alone: a full-page screenshot resizes the viewport, and Chromium then scrolls
    # the page when the price field loses focus, so a click that follows would miss.
    page.locator("#draft-form").screenshot(path=str(shots / "rma-draft-edited.png"))
    page.locator("#send-quote").click()
    expect(page.locator("#rma-status")).to_have_attribute("data-status", "awaiting_approval")
    expect(page.locator('tr[data-status="sent"]')).to_contain_text("158.20")

    assert deliver_outbox().sent == 1
    message = email.message_from_bytes(mail_app[1][-1][2], policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "158.20" in text and "100.00" not in text
    pdf = next(part for part in message.iter_attachments()).get_content()
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "158.20" in pdf_text and "120.00" in pdf_text
