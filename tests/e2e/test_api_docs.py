"""/api/docs in a real browser: Swagger UI renders the operations from local files, the POST
/api/v1/rmas example is the Chinese depot's, with no console errors and no CSP violations."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_the_api_docs_render_with_the_chinese_examples(page: Page):
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    page.goto("/api/docs")
    operation = post_rmas(page)
    operation.locator(".opblock-summary").click()
    body = operation.locator(".opblock-body")
    body.get_by_text("SN-A7K2-0093125").first.wait_for()
    assert "开机后屏幕闪烁" in body.inner_text()
    page.get_by_role("button", name="繁體 (zh_TW)").click()
    operation = post_rmas(page)
    operation.locator(".opblock-summary").click()
    example = operation.get_by_text("SN-B3T9-0041877").first
    example.wait_for()
    example.scroll_into_view_if_needed()
    assert page.get_by_text("rma.status_changed").count() > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
    assert console_errors == []
    assert outside == []


def post_rmas(page: Page):
    return page.locator(".opblock-post").filter(
        has=page.locator('.opblock-summary-path[data-path="/api/v1/rmas"]')).first


def operation(page: Page, method: str, path: str):
    return page.locator(f".opblock-{method}").filter(
        has=page.locator(f'.opblock-summary-path[data-path="{path}"]')).first


def test_the_zh_tw_button_shows_the_taiwan_depot_s_examples(page: Page):
    """Beyond POST /rmas: the shipment's request and answer are the Taiwan depot's (a Taiwan
    customer, address, phone and tracking number) once zh_TW is chosen, the mainland's before."""
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto("/api/docs")
    shipment = operation(page, "post", "/api/v1/rmas/{number}/shipment")
    shipment.locator(".opblock-summary").click()
    shipment.get_by_text("SF1402938847561").first.wait_for()
    assert "张伟" in shipment.locator(".opblock-body").inner_text()
    page.get_by_role("button", name="繁體 (zh_TW)").click()
    expect_pressed = page.get_by_role("button", name="繁體 (zh_TW)")
    assert expect_pressed.get_attribute("aria-pressed") == "true"
    shipment = operation(page, "post", "/api/v1/rmas/{number}/shipment")
    shipment.locator(".opblock-summary").click()
    shipment.get_by_text("EE204918736TW").first.wait_for()
    text = shipment.locator(".opblock-body").inner_text()
    for expected in ("陳志明", "臺北市信義區松仁路100號8樓", "0912345678", "SN-B3T9-0041877",
                     "電池膨脹，更換電池後充電正常"):
        assert expected in text, expected
    assert "张伟" not in text and "SF1402938847561" not in text
    shipment.locator(".responses-wrapper").get_by_text("陳志明").first.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs-zh-tw.png"), full_page=False)
    assert console_errors == []
