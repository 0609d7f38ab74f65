"""The /reports page: figures, charts and tables for a chosen period, in each language."""
from __future__ import annotations

import pytest

from depot.services import users
from tests import report_data
from tests.conftest import NOW
from tests.web.test_pages import login


def _login(client, session, role: str = "supervisor", name: str = "boss"):
    users.create_user(session, name, role, password="a long enough password 1", now=NOW)
    session.close()
    login(client, name, "a long enough password 1")


@pytest.fixture
def loaded(app, session):
    report_data.load(session)
    session.close()


def test_the_page_draws_each_chart_with_its_table(app, client, session, loaded):
    _login(client, session)
    client.get("/lang/en")
    page = client.get("/reports?from=2026-10-01&to=2026-10-14")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Report for 2026-10-01 to 2026-10-14" in html
    assert html.count("<svg") == 11
    for section in ("volumes", "turnaround", "warranty", "damage", "man-made", "quotes",
                    "revenue", "findings", "complaints", "survey", "technicians"):
        assert f'id="{section}"' in html
    assert 'id="fig-received">5<' in html and 'id="fig-shipped">4<' in html
    assert "420.50 CNY" in html
    assert "66.7%" in html  # AT-100's man-made ratio 2/3
    survey = html.split('id="survey"')[1].split("</section>")[0]
    assert ">3<" in survey and "3.67" in survey  # 3 answers, mean 11 / 3
    complaints = html.split('id="complaints"')[1].split("</section>")[0]
    assert ">2<" in complaints  # packaging_transport: C3 and C4
    assert "<script" not in html.split("<main>")[1]  # the charts need no script


def test_the_page_speaks_chinese(app, client, session, loaded):
    _login(client, session)
    client.get("/lang/zh_CN")
    html = client.get("/reports?from=2026-10-01&to=2026-10-14").get_data(as_text=True)
    assert "每日收货与寄出" in html and "保修构成" in html


def test_a_bad_period_is_shown_as_a_refusal(app, client, session):
    _login(client, session)
    client.get("/lang/en")
    page = client.get("/reports?from=2026-10-05&to=2026-10-01")
    assert page.status_code == 422
    assert 'data-code="invalid_period"' in page.get_data(as_text=True)


def test_a_clerk_may_not_open_the_reports(app, client, session):
    _login(client, session, "clerk", "desk")
    assert client.get("/reports").status_code == 403
