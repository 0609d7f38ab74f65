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
