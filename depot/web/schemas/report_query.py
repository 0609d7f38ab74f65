"""The query of the reports (GET /api/v1/reports/summary and the /reports page)."""
from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from depot.services.units import EARLIEST_DAY
from depot.web.schemas.bodies import Body
from depot.web.schemas.number_fields import Day
from depot.web.schemas.text_fields import Choice

LATEST_DAY = date(2100, 12, 31)


class ReportQuery(Body):
    model_config = ConfigDict(extra="ignore", validate_default=True, populate_by_name=True)

    first: Day(earliest=EARLIEST_DAY, latest=LATEST_DAY, nullable=True) = Field(
        None, alias="from", description="first day of the period (depot date, inclusive)")
    last: Day(earliest=EARLIEST_DAY, latest=LATEST_DAY, nullable=True) = Field(
        None, alias="to", description="last day of the period (inclusive); at most 400 days "
                                      "after `from` counted inclusively")
    period: Choice(("week", "month"), required=False) = Field(
        None, description="instead of from/to: the last full week (Monday to Sunday) or "
                          "calendar month; neither given: the last full week")
    format: Choice(("json", "csv"), required=False) = Field(
        None, description="csv: the same tables as text/csv, UTF-8 with a BOM")
