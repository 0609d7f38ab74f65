"""The bench screen with a scanner and no mouse: a technician takes a covered unit from received
to ready_to_ship, and a man-made one to `inspected`, waiting for a quote."""
from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from depot.models import db
from depot.services import intake, users
from tests.conftest import NOW
from tests.e2e.conftest import log_in, release_db, wedge_scan

pytestmark = pytest.mark.e2e

RECENT = date.today() - timedelta(days=40)
PASSWORD = "bench password 1"



@pytest.fixture
def technician(app) -> tuple[str, str]:
    users.create_user(db.session, "wang.tech", "technician", password=PASSWORD, now=NOW)
    return "wang.tech", PASSWORD


def received(make_unit, serial: str, purchase: date = RECENT) -> str:
    make_unit(serial, purchase_date=purchase)
    return intake.receive_unit(db.session, serial, "不开机", ["power_adapter"], actor=None,
                               now=NOW)[0].number


def rma_of(page: Page, number: str) -> dict:
    response = page.request.get(f"/api/v1/rmas/{number}")
    assert response.ok, response.text()
    return response.json()


def test_covered_repair_from_scan_to_ready_to_ship(page: Page, technician, make_unit, shots):
    number = received(make_unit, "BENCH0001")
    release_db()
    log_in(page, *technician, lands_on="bench")
    expect(page.locator("#scan")).to_be_focused()
    expect(page.locator("#queue-list button")).to_have_count(1)

    started = time.perf_counter()
    wedge_scan(page, number)  # the intake tag
    expect(page.locator("#rma-number")).to_have_text(number)
    print(f"\nbench: tag scan to RMA shown in {(time.perf_counter() - started) * 1000:.0f} ms")
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "ok")

    wedge_scan(page, "F:no_power")  # from the printed finding sheet
    expect(page.locator('input[name="finding"][value="no_power"]')).to_be_checked()
    wedge_scan(page, "F:no_power")  # a second scan never unticks it
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "duplicate")
    expect(page.locator('input[name="finding"][value="no_power"]')).to_be_checked()
    page.keyboard.press("Alt+i")
    expect(page.locator("#covered")).to_have_attribute("data-status", "in_warranty")
    expect(page.locator("#rma-status")).to_have_attribute("data-status", "inspected")

    for action, status in (("start_repair", "in_repair"), ("finish_repair", "repaired"),
                           ("pass_qa", "ready_to_ship")):
        button = page.locator(f'#actions button[data-action="{action}"]')
        key = button.get_attribute("data-key")
        page.keyboard.press(f"Alt+{key}")
        expect(page.locator("#rma-status")).to_have_attribute("data-status", status)
        expect(page.locator("#scan")).to_be_focused()
    page.screenshot(path=str(shots / "bench-ready.png"), full_page=True)

    rma = rma_of(page, number)
    assert rma["status"] == "ready_to_ship"
    assert [e["action"] for e in rma["events"]] == [
        "receive", "inspect", "start_repair", "finish_repair", "pass_qa"]
    assert {e["actor"] for e in rma["events"][1:]} == {"wang.tech"}
    expect(page.locator("#queue-list button")).to_have_count(0)


def test_man_made_damage_stops_at_inspected_for_a_quote(page: Page, technician, make_unit):
    number = received(make_unit, "BENCH0002")
    release_db()
    log_in(page, *technician, lands_on="bench")
    wedge_scan(page, "BENCH0002")  # the serial works as well as the tag
    expect(page.locator("#rma-number")).to_have_text(number)
    wedge_scan(page, "F:shell_damage")
    wedge_scan(page, "F:display_fault")
    page.keyboard.press("Alt+i")
    expect(page.locator("#damage-class")).to_have_attribute("data-status", "man_made")
    expect(page.locator("#covered")).to_have_attribute("data-status", "out_of_warranty")
    expect(page.locator('#actions button[data-action="start_repair"]')).to_have_count(0)
    expect(page.locator("#rma-reasons")).to_contain_text("外壳破裂：人为损坏，不在保修范围")
    rma = rma_of(page, number)
    assert (rma["status"], rma["damage_class"], rma["covered"]) == ("inspected", "man_made",
                                                                    False)
    assert rma["findings"] == ["shell_damage", "display_fault"]


def test_fail_qa_asks_for_a_reason_by_keyboard(page: Page, technician, make_unit):
    number = received(make_unit, "BENCH0003")
    release_db()
    log_in(page, *technician, lands_on="bench")
    wedge_scan(page, number)
    wedge_scan(page, "F:keypad_fault")
    page.keyboard.press("Alt+i")
    expect(page.locator("#rma-status")).to_have_attribute("data-status", "inspected")
    for action in ("start_repair", "finish_repair", "fail_qa"):
        key = page.locator(f'#actions button[data-action="{action}"]').get_attribute("data-key")
        page.keyboard.press(f"Alt+{key}")
        if action != "fail_qa":
            expect(page.locator('#actions button[data-action="start_repair"]')).to_have_count(0)
    expect(page.locator("#reason-input")).to_be_focused()
    page.keyboard.type("按键仍然失灵")
    page.keyboard.press("Enter")
    expect(page.locator("#rma-status")).to_have_attribute("data-status", "in_repair")
    events = rma_of(page, number)["events"]
    assert (events[-1]["action"], events[-1]["reason"]) == ("fail_qa", "按键仍然失灵")


def test_unknown_codes_sound_different(page: Page, technician, make_unit):
    make_unit("BENCH0004", purchase_date=RECENT)  # a unit with no open RMA
    release_db()
    log_in(page, *technician, lands_on="bench")
    wedge_scan(page, "NO-SUCH-CODE")
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "unknown")
    wedge_scan(page, "BENCH0004")
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "unknown")
    wedge_scan(page, "F:no_power")  # no RMA open: a finding cannot be recorded
    expect(page.locator("#scan-status")).to_have_attribute("data-state", "error")


def test_a_dead_on_arrival_unit_is_exchanged_from_the_bench_by_keyboard(page: Page, technician,
                                                                        make_unit):
    """Bought days ago, a quality fault: the exchange is the first action (Alt+1); the scanner
    types the replacement serial, its Enter moves to the reason; Enter then exchanges."""
    from depot.services import inspection

    number = received(make_unit, "BENCH-DOA1", purchase=NOW.date() - timedelta(days=3))
    inspection.record_inspection(db.session, number, ["no_power"], actor=None, now=NOW)
    release_db()
    log_in(page, *technician, lands_on="bench")
    wedge_scan(page, number)
    first = page.locator("#actions button").first
    expect(first).to_have_attribute("data-action", "exchange")
    page.keyboard.press(f"Alt+{first.get_attribute('data-key')}")
    expect(page.locator("#replacement-input")).to_be_focused()
    wedge_scan(page, "BENCH-DOA1-NEW")
    expect(page.locator("#reason-input")).to_be_focused()
    expect(page.locator("#rma-status")).to_have_attribute("data-status", "inspected")
    page.keyboard.type("开箱即坏")
    page.keyboard.press("Enter")
    expect(page.locator("#rma-status")).to_have_attribute("data-status", "ready_to_ship")
    rma = rma_of(page, number)
    assert rma["replacement_serial"] == "BENCH-DOA1-NEW"
    assert rma["events"][-1]["action"] == "exchange"
    assert rma["events"][-1]["reason"] == "BENCH-DOA1-NEW: 开箱即坏"  # the event names the unit
