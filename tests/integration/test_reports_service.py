"""The report of a small depot against answers worked out by hand (tests/report_data.py)."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from depot.errors import InvalidInputError
from depot.services import reports
from tests import report_data
from tests.report_data import EXPECTED, EXPECTED_TECHNICIANS, FIRST, LAST, SHANGHAI


@pytest.fixture
def report(session):
    report_data.load(session)
    return reports.summary(session, reports.period(FIRST, LAST), tz=SHANGHAI)


def test_every_contract_figure_matches_the_hand_worked_answer(report):
    for key, value in EXPECTED.items():
        assert report[key] == value, key


def test_technicians_are_credited_with_the_work_they_did(report):
    assert report["technicians"] == EXPECTED_TECHNICIANS


def test_received_and_shipped_per_day_cover_every_day_of_the_period(report):
    days = {d["day"]: (d["received"], d["shipped"]) for d in report["by_day"]}
    assert len(days) == 14 and min(days) == "2026-10-01" and max(days) == "2026-10-14"
    assert days["2026-10-09"] == (1, 2)  # R3 in; R1 and R3 out
    assert days["2026-10-14"] == (1, 1)  # R6 in; R2 out
    assert days["2026-10-01"] == (0, 0)
    assert sum(r for r, _ in days.values()) == 5 and sum(s for _, s in days.values()) == 4


def test_an_empty_period_divides_nothing(session):
    report = reports.summary(session, reports.period(date(2030, 1, 1), date(2030, 1, 7)))
    assert report["received"] == 0 and report["shipped"] == 0
    assert report["turnaround"] == {"shipped": 0, "on_time": 0, "on_time_share": None,
                                    "median_working_days": None, "p90_working_days": None}
    assert report["quotes"]["approval_rate"] is None
    assert report["revenue"] == {"amount": "0.00", "currency": "CNY"}
    assert report["man_made_by_model"] == [] and report["top_findings"] == []
    assert report["technicians"] == []


def test_the_csv_holds_each_table_under_its_name(report):
    data = reports.to_csv(report)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    names = [rows[i][0] for i in range(len(rows)) if i == 0 or rows[i - 1] == []]
    assert names[:4] == ["summary", "turnaround", "warranty", "damage"]
    assert "technicians" in names and "complaints" in names
    at = rows.index(["man_made_by_model"])
    assert rows[at + 1] == ["model", "inspected", "man_made", "ratio"]
    assert rows[at + 2] == ["AT-100", "3", "2", "0.6667"]
    assert rows[rows.index(["revenue"]) + 2] == ["420.50", "CNY"]
    assert rows[rows.index(["turnaround"]) + 2] == ["4", "3", "0.75", "4.0", "10"]


def test_a_period_ending_before_it_starts_or_over_400_days_is_refused():
    with pytest.raises(InvalidInputError) as refused:
        reports.period(date(2026, 10, 2), date(2026, 10, 1))
    assert refused.value.code == "invalid_period"
    reports.period(date(2025, 1, 1), date(2026, 2, 4))  # (to − from) + 1 = 400: allowed
    with pytest.raises(InvalidInputError):
        reports.period(date(2025, 1, 1), date(2026, 2, 5))  # 401 days


def test_the_last_full_week_and_month():
    wednesday = date(2026, 12, 2)
    assert reports.last_full_period("week", wednesday) == reports.Period(date(2026, 11, 23),
                                                                          date(2026, 11, 29))
    assert reports.last_full_period("month", wednesday) == reports.Period(date(2026, 11, 1),
                                                                           date(2026, 11, 30))
    assert reports.last_full_period("month", date(2026, 1, 1)) == reports.Period(
        date(2025, 12, 1), date(2025, 12, 31))


def test_complaints_and_survey_answers_are_counted_by_their_day(report):
    assert report["complaints"] == EXPECTED["complaints"]
    assert report["survey"] == {"answered": 3, "mean_score": 3.67}
    rows = list(csv.reader(io.StringIO(reports.to_csv(report).decode("utf-8-sig"))))
    at = rows.index(["complaints"])
    assert rows[at + 2:at + 7] == [["product_quality", "1"], ["packaging_transport", "2"],
                                   ["staff_conduct", "0"], ["damage_verdict", "0"],
                                   ["other", "1"]]
    at = rows.index(["survey"])
    assert rows[at + 2] == ["3", "3.67"]


def test_a_day_without_answers_has_no_mean(session):
    report_data.load(session)
    day = date(2026, 10, 2)
    report = reports.summary(session, reports.period(day, day), tz=SHANGHAI)
    assert report["survey"] == {"answered": 0, "mean_score": None}
    assert set(report["complaints"].values()) == {0}
