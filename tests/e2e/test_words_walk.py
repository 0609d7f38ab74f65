"""A screenshot walk of a depot's day in 简体, 繁體 and English: intake, bench, the RMA page,
shipping, admin and the customer's pages, as Chromium draws them (scripts included). On a
Chinese page no English word or raw code may be left where a word belongs."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from depot.models import db
from depot.services import findings, users
from tests.conftest import NOW
from tests.e2e.conftest import new_context, page_errors, release_db, wedge_scan
from tests.journey import english_left, journey, raw_codes

pytestmark = pytest.mark.e2e

PASSWORD = "admin password 12"
LOCALES = {"zh_CN": "zh-CN", "zh_TW": "zh-TW", "en": "en-US"}


def _ready_to_ship(api, tokens, make_unit) -> str:
    make_unit("WALK0001", purchase_date=date.today() - timedelta(days=40))
    number = api.as_(tokens["clerk"]).post("/rmas", {
        "serial": "WALK0001", "accessories": ["power_adapter", "battery"]}).get_json()["number"]
    tech = api.as_(tokens["technician"])
    tech.post(f"/rmas/{number}/inspection", {"findings": ["no_power"]})
    for action in ("start_repair", "finish_repair", "pass_qa"):
        assert tech.post(f"/rmas/{number}/actions", {"action": action}).status_code == 200
    return number


@pytest.fixture
def walk(app, api, tokens, client, make_unit, mail_app):
    day = journey(api, tokens, client, app, make_unit)
    ready = _ready_to_ship(api, tokens, make_unit)
    users.create_user(db.session, "boss", "admin", password=PASSWORD, display_name="陈主管",
                      now=NOW)
    catalogue = findings.catalogue(db.session)
    # Finding codes are typed and scanned; their English labels are the catalogue's own column.
    codes = (*catalogue, *(f.label_en for f in catalogue.values()))
    release_db()
    return day, ready, codes


def _look(page: Page, shots, name: str, lang: str, data: tuple[str, ...]) -> list[str]:
    """Screenshot the page; on a Chinese page, what is left in English or as a raw code."""
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / f"{lang}-{name}.png"), full_page=True)
    text = page.locator("body").inner_text()
    text += " " + " ".join(page.locator("[placeholder]").evaluate_all(
        "els => els.map((e) => e.placeholder)"))
    if lang == "en":
        return []
    codes = [] if name == "admin-findings" else raw_codes(text)  # its code column: codes
    return [f"{name}: {w}" for w in english_left(text, data) + codes]


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW", "en"])
def test_every_page_in_every_language(browser: Browser, live_server, walk, shots, lang):
    day, ready, codes = walk
    context = new_context(browser, live_server, locale=LOCALES[lang])
    page = context.new_page()
    errors = page_errors(page)
    data = (*codes, *day.serials, day.received, day.waiting, day.shipped, ready, "WALK0001",
            "AT-100", "Model AT-100", "YD4300012345678", "4200001234202611", "front.jpg",
            "crack.jpg", "zs@example.com", "boss", "clerk", "technician", "supervisor",
            "logistics", "admin",  # users' names (the technician pickers name them)
            "Asia/Shanghai", "127.0.0.1", "Alt", "Shift", "EMS", "ZK-F18", "POS-X",
            "F18[A-Z][0-9]{7}", "printer-1.local", "pack-1", "rust",
            # label sizes, and the proposed quote lines' descriptions (bilingual, editable data)
            " in", " mm", "Labour", "Return shipping")
    left: list[str] = []

    page.goto("/login")
    left += _look(page, shots, "login", lang, data)
    page.locator("#username").fill("boss")
    page.locator("#password").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))  # an admin lands on the dashboard
    left += _look(page, shots, "dashboard", lang, data)
    page.goto(f"/lang/{lang}")

    page.goto("/intake")
    page.wait_for_function("() => window.depotIntake !== undefined")
    wedge_scan(page, "WORD0001")  # a unit with an open RMA: said in words
    page.wait_for_timeout(300)
    left += _look(page, shots, "intake", lang, data)

    page.goto("/bench")
    page.wait_for_function("() => window.depotBench !== undefined && window.depotBench.ready")
    left += _look(page, shots, "bench-queue", lang, data)
    for number in (day.received, day.waiting):
        item = page.locator(f'.queue-item[data-number="{number}"]')
        if item.count():
            item.click()
            expect(page.locator("#rma-number")).to_have_text(number)
            left += _look(page, shots, f"bench-{number}", lang, data)

    for name, number in (("rma-received", day.received), ("rma-waiting", day.waiting),
                         ("rma-shipped", day.shipped)):
        page.goto(f"/rmas/{number}")
        left += _look(page, shots, name, lang, data)
    page.goto("/rmas")
    left += _look(page, shots, "rmas", lang, data)

    page.goto("/shipping")
    page.wait_for_function(
        "() => window.depotShipping !== undefined && window.depotShipping.ready")
    wedge_scan(page, "WALK0001")
    expect(page.locator("#pack-number")).to_have_text(ready)
    left += _look(page, shots, "shipping", lang, data)

    for path in ("/admin/models", "/admin/findings", "/admin/parts", "/admin/printers",
                 "/admin/calendar"):
        page.goto(path)
        left += _look(page, shots, path.strip("/").replace("/", "-"), lang, data)
    page.goto("/no/such/page")
    left += _look(page, shots, "not-found", lang, data)

    customer = new_context(browser, live_server, locale=LOCALES[lang])
    public = customer.new_page()
    public_errors = page_errors(public)
    for name, path in (("customer-quote", day.quote_link),
                       ("customer-answered", day.answered_link),
                       ("customer-bad-link", "/q/not-a-valid-link")):
        public.goto(path)
        left += _look(public, shots, name, lang, data)
    if public.request.get("/status").status == 200:
        public.goto("/status")
        left += _look(public, shots, "customer-status", lang, data)
    customer.close()
    context.close()
    assert not errors and not public_errors, (errors, public_errors)
    assert left == [], sorted(set(left))
