"""GET /api/v1/reports/summary through the test client: the figures, CSV, roles, bad input."""
from __future__ import annotations

import csv
import io

import pytest

from tests import report_data
from tests.report_data import EXPECTED

URL = "/reports/summary?from=2026-10-01&to=2026-10-14"


@pytest.fixture
def loaded(app, session):
    report_data.load(session)
    session.close()


def test_a_supervisor_reads_the_hand_worked_figures(api, tokens, loaded):
    answer = api.as_(tokens["supervisor"]).get(URL)
    assert answer.status_code == 200
    body = answer.get_json()
    for key, value in EXPECTED.items():
        assert body[key] == value, key
    assert [t["technician"] for t in body["technicians"]] == ["alice", "bob"]


def test_the_csv_is_utf8_with_a_bom_and_names_each_table(api, loaded):
    answer = api.get(URL + "&format=csv")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert answer.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert rows[0] == ["summary"]
    assert rows[2] == ["2026-10-01", "2026-10-14", "5", "4", "1"]


@pytest.mark.parametrize("role", ["clerk", "technician", "logistics"])
def test_other_roles_may_not_read_reports(api, tokens, role):
    answer = api.as_(tokens[role]).get(URL)
    assert answer.status_code == 403
    assert answer.get_json()["error"]


def test_without_a_token_it_is_401(api):
    assert api.as_(None).get(URL).status_code == 401


@pytest.mark.parametrize("query, field", [
    ("from=2026-02-30&to=2026-03-01", "from"),  # no such day
    ("from=2026-10-01&to=2026-13-01", "to"),
    ("from=yesterday&to=2026-10-01", "from"),
    ("from=2026-10-02&to=2026-10-01", "from"),  # from after to
    ("from=2025-01-01&to=2026-02-05", "to"),  # 401 days
    ("from=2026-10-01", "to"),  # one end only
    ("period=year", "period"),
    ("from=2026-10-01&to=2026-10-02&format=xml", "format"),
])
def test_bad_periods_are_422_with_the_contract_body(api, query, field):
    answer = api.get("/reports/summary?" + query)
    assert answer.status_code == 422
    body = answer.get_json()
    assert set(body) >= {"error", "message", "details"}
    assert body["details"]["field"] == field


def test_a_span_of_exactly_400_days_is_answered(api):
    assert api.get("/reports/summary?from=2025-01-01&to=2026-02-04").status_code == 200


def test_period_week_is_the_last_full_week(app, api):
    from depot.web import common

    body = api.get("/reports/summary?period=week").get_json()
    with app.test_request_context():
        today = common.today()
    from depot.services.reports import last_full_period

    expected = last_full_period("week", today)
    assert (body["from"], body["to"]) == (expected.first.isoformat(), expected.last.isoformat())


def test_the_message_follows_accept_language(api):
    answer = api.get("/reports/summary?from=2026-10-02&to=2026-10-01",
                     headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 422
    assert answer.get_json()["error"] == "invalid_period"
    assert "2026-10-02" in answer.get_json()["message"]


def test_the_openapi_document_lists_the_report_and_its_query(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/reports/summary"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"from", "to", "period", "format"} <= names
