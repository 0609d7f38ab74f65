"""A supervisor's morning: the dashboard, a click on "overdue", a unit found by typing part of
the customer's phone, and its history read, in Simplified Chinese and in English."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect

from depot.domain.workflow import Action
from depot.models import db
from depot.services import inspection, intake, repair, shipping, users
from depot.services.settings import DepotSettings
from depot.services.units import CustomerInput
from tests.conftest import NOW
from tests.e2e.conftest import log_in, new_context, page_errors, release_db, wedge_scan

pytestmark = pytest.mark.e2e

PASSWORD = "supervisor password 1"
KEY = CustomerInput("深圳市华强电子有限公司", "0755-83216789", "buy@hq.example.cn", "广东省深圳市")


@pytest.fixture
def floor(app, make_unit) -> dict[str, str]:
    """A unit repaired and shipped in September, back in late October (a repeat, now overdue),
    and another customer's unit received today (the server's clock: not overdue)."""
    staff = {role: users.create_user(db.session, f"{role}.zhou", role, now=NOW,
                                     password=PASSWORD if role == "supervisor" else None,
                                     display_name=name)[0]
             for role, name in (("clerk", "周文员"), ("technician", "吴师傅"),
                                ("logistics", "郑物流"), ("supervisor", "赵主管"))}
    make_unit("HQ-7001", customer=KEY).customer.key_account = True  # 大客户
    db.session.commit()
    first = intake.receive_unit(db.session, "HQ-7001", "不开机", [], actor=staff["clerk"],
                                now=NOW - timedelta(days=60))[0].number
    inspection.record_inspection(db.session, first, ["no_power"], notes="电源板烧毁",
                                 actor=staff["technician"], now=NOW - timedelta(days=59))
    for action in (Action.START_REPAIR, Action.FINISH_REPAIR, Action.PASS_QA):
        repair.apply_action(db.session, first, action, actor=staff["technician"],
                            now=NOW - timedelta(days=58))
    shipping.ship(db.session, first, carrier="SF", tracking_number="SF5566778899",
                  scanned=["HQ-7001", first], packed=[], missing=[],
                  settings=DepotSettings.from_config(app.config), actor=staff["logistics"],
                  now=NOW - timedelta(days=50))
    again = intake.receive_unit(db.session, "HQ-7001", "屏幕花屏", [], actor=staff["clerk"],
                                now=NOW - timedelta(days=20))[0].number
    make_unit("OTHER-01", customer=CustomerInput("李四", "13700000000", "", ""))
    other = intake.receive_unit(db.session, "OTHER-01", "", [], actor=staff["clerk"],
                                now=datetime.now(UTC))[0].number  # the pages' today
    release_db()
    return {"first": first, "again": again, "other": other}


@pytest.mark.parametrize(("locale", "words"), [
    ("zh-CN", {"overdue": "已超期", "history": "该设备的全部维修单", "repeat": "返修",
               "no_power": "不通电"}),
    ("en", {"overdue": "Overdue", "history": "Every RMA of this unit", "repeat": "Repeat",
            "no_power": "no power"}),
])
def test_dashboard_overdue_phone_search_history(browser: Browser, live_server: str, floor,
                                                locale, words, shots):
    context = new_context(browser, live_server, locale=locale)
    page = context.new_page()
    errors = page_errors(page)
    try:
        log_in(page, "supervisor.zhou", PASSWORD, lands_on="")  # supervisors: the dashboard
        overdue = page.locator("#fig-overdue")
        expect(overdue.locator("strong")).to_have_text("1")
        expect(overdue).to_contain_text(words["overdue"])
        expect(page.locator("#key-accounts")).to_contain_text(KEY.name)
        page.screenshot(path=str(shots / f"dashboard-{locale}.png"), full_page=True)

        overdue.click()
        expect(page).to_have_url(re.compile(r"/rmas\?overdue=true"))
        rows = page.locator("#rma-table tbody tr[data-number]")
        expect(rows).to_have_count(1)
        expect(rows.first).to_have_attribute("data-number", floor["again"])
        page.screenshot(path=str(shots / f"overdue-{locale}.png"), full_page=True)

        page.locator("#scan").click()
        wedge_scan(page, "83216")  # part of 0755-83216789, typed, then Enter
        expect(page).to_have_url(re.compile(r"/rmas\?scan=83216"))
        expect(rows).to_have_count(2)  # both visits of the unit, newest first
        expect(rows.nth(0)).to_have_attribute("data-number", floor["again"])
        expect(rows.nth(1)).to_have_attribute("data-number", floor["first"])
        expect(page.locator(f'tr[data-number="{floor["other"]}"]')).to_have_count(0)
        page.screenshot(path=str(shots / f"phone-search-{locale}.png"), full_page=True)

        rows.nth(0).locator("td").nth(1).locator("a").click()  # the serial: the unit's page
        expect(page).to_have_url(re.compile(r"/units/HQ-7001$"))
        history = page.locator("#unit-history")
        expect(history).to_contain_text(words["history"])
        visits = history.locator("tr.visit")
        expect(visits).to_have_count(2)
        expect(visits.nth(0)).to_have_attribute("data-repeat-of", floor["first"])
        expect(visits.nth(0).locator(".repeat")).to_contain_text(words["repeat"])
        expect(visits.nth(1).locator('[data-finding="no_power"]')).to_have_text(words["no_power"])
        expect(visits.nth(1)).to_contain_text("电源板烧毁")
        expect(visits.nth(1)).to_contain_text((NOW - timedelta(days=50)).date().isoformat())
        page.screenshot(path=str(shots / f"unit-history-{locale}.png"), full_page=True)
    finally:
        context.close()
    assert errors == []


@pytest.mark.parametrize(("locale", "words"), [
    ("zh-CN", {"unassigned": "未分配", "held": "维修单现由 吴师傅 负责。"}),
    ("en", {"unassigned": "Unassigned", "held": "吴师傅 holds the RMA now."}),
])
def test_a_supervisor_gives_unassigned_work_to_a_technician_by_keyboard(
        browser: Browser, live_server: str, floor, locale, words, shots):
    context = new_context(browser, live_server, locale=locale)
    page = context.new_page()
    errors = page_errors(page)
    try:
        log_in(page, "supervisor.zhou", PASSWORD, lands_on="")
        figure = page.locator("#fig-unassigned")
        expect(figure.locator("strong")).to_have_text("2")  # both received units: nobody's
        expect(figure).to_contain_text(words["unassigned"])
        figure.click()
        expect(page).to_have_url(re.compile(r"/rmas\?technician=none&status=received"))
        rows = page.locator("#rma-table tbody tr[data-number]")
        expect(rows).to_have_count(2)
        page.screenshot(path=str(shots / f"unassigned-{locale}.png"), full_page=True)

        page.goto(f"/rmas/{floor['again']}")
        expect(page.locator("#technician")).to_have_text(words["unassigned"].lower()
                                                         if locale == "en" else "未分配")
        page.locator("#assign-technician").focus()  # then only keys: pick, Tab, Enter
        page.keyboard.press("ArrowDown")
        expect(page.locator("#assign-technician")).to_have_value("technician.zhou")
        page.keyboard.press("Tab")
        expect(page.locator("#assign-button")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator(".alert.ok")).to_have_text(words["held"])
        expect(page.locator("#technician")).to_have_text("吴师傅")
        expect(page.locator('#history tr.event[data-action="assign"]')).to_contain_text(
            "technician.zhou")
        page.screenshot(path=str(shots / f"assigned-{locale}.png"), full_page=True)

        page.goto("/")
        expect(page.locator("#fig-unassigned strong")).to_have_text("1")
        expect(page.locator('#technician-load a[data-technician="technician.zhou"]')
               ).to_have_text("吴师傅")
    finally:
        context.close()
    assert errors == []
