"""The reports page in a real browser, in Chinese and in English: the charts are drawn (SVG
from the server, no script), each beside its table; screenshots to look at."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from depot.models import db
from depot.services import users
from tests import report_data
from tests.conftest import NOW
from tests.e2e.conftest import log_in, release_db

PASSWORD = "supervisor horse battery"
URL = "/reports?from=2026-10-01&to=2026-10-14"


@pytest.fixture
def supervisor(app):
    report_data.load(db.session)
    users.create_user(db.session, "wang.sup", "supervisor", password=PASSWORD,
                      display_name="王主管", now=NOW)
    release_db()


@pytest.mark.parametrize("lang, title, chart", [
    ("zh_CN", "2026-10-01 至 2026-10-14 报表", "每日收货与寄出"),
    ("en", "Report for 2026-10-01 to 2026-10-14", "Received and shipped per day"),
])
def test_the_report_page_shows_charts_and_tables(page, supervisor, shots, lang, title, chart):
    log_in(page, "wang.sup", PASSWORD, lands_on="")  # a supervisor lands on the dashboard
    page.goto(f"/lang/{lang}?next=/reports")
    page.goto(URL)
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("#volumes h2")).to_have_text(chart)
    assert page.locator("svg.chart").count() == 11
    expect(page.locator("#fig-received")).to_have_text("5")
    expect(page.locator("#fig-revenue")).to_have_text("420.50 CNY")
    bars = page.locator("#volumes svg rect[height]")
    assert bars.count() > 28  # 14 days × 2 series, plus the legend
    box = page.locator("#volumes svg").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 60
    page.screenshot(path=shots / f"reports-{lang}.png", full_page=True)
