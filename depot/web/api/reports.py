"""Reports API: the summary of a period (周报, 月报), as JSON or CSV."""
from __future__ import annotations

from flask import Response, current_app

from depot.extensions import db
from depot.services import reports
from depot.web.api.registry import Area
from depot.web.common import settings, today
from depot.web.schemas.report_query import ReportQuery

area = Area("reports")
bp = area.bp

CSV = "text/csv"

DESCRIPTION = (
    "DESIGN.md 4b Reports: {from, to, received, shipped, turnaround {shipped, on_time, "
    "on_time_share, median_working_days, p90_working_days}, warranty {in_warranty, "
    "out_of_warranty, unknown}, damage {man_made, quality, no_fault_found}, man_made_by_model "
    "[{model, inspected, man_made, ratio}], top_findings [{code, count}], quotes {sent, approved, "
    "declined, approval_rate}, revenue {amount, currency}, repeat_repairs, complaints {kind: n}, "
    "survey {answered, mean_score}}, plus by_day [{day, received, shipped}] and technicians "
    "[{technician, finished, median_bench_hours, qa_failures}] (bench hours: 09:00-17:00 of "
    "working days; each repair counted to whoever finished it, each failed QA to whoever "
    "finished the repair that failed). format=csv answers text/csv (UTF-8 with BOM): the same "
    "tables one after another, each under a line naming it.")


def period_of(query: ReportQuery) -> reports.Period:
    return reports.resolve_period(query.first, query.last, query.period, today())


def summary_of(span: reports.Period) -> dict:
    return reports.summary(db.session, span, tz=settings().tz,
                           repeat_days=int(current_app.config.get("DEPOT_REPEAT_DAYS", 90)))


def csv_response(report: dict) -> Response:
    name = f"report-{report['from']}-{report['to']}.csv"
    return Response(reports.to_csv(report), mimetype=CSV, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@area.get("/reports/summary", "The report of a period: volumes, turnaround, mixes, money",
          permissions=("reports",), query=ReportQuery, description=DESCRIPTION)
def get_summary(query: ReportQuery):
    report = summary_of(period_of(query))
    if query.format == "csv":
        return csv_response(report)
    return report
