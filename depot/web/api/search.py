"""Search API: GET /rmas, the list of RMAs with filters and keyset pagination."""
from __future__ import annotations

from flask import Response, request, stream_with_context

from depot.errors import InvalidInputError
from depot.extensions import db
from depot.services import search
from depot.web.api.registry import Area
from depot.web.common import settings, today
from depot.web.serialize import iso
from depot.web.schemas import bodies, fields

area = Area("search")
bp = area.bp


def rma_filter(query: bodies.RmaSearchQuery) -> search.RmaFilter:
    """The query's filters (the /rmas page's too)."""
    return search.RmaFilter(
        q=query.q, statuses=tuple(query.status), overdue=query.overdue,
        due_today=query.due_today, open=query.open, model=query.model,
        technician=query.technician, key_account=query.key_account,
        received_from=query.received_from, received_to=query.received_to)


def csv_response(f: search.RmaFilter, sort: search.Sort = search.NEWEST_FIRST) -> Response:
    """Every RMA of the filter (up to search.CSV_CAP) as CSV, UTF-8 with a BOM, streamed:
    the /rmas page's export and GET /rmas?format=csv. The filter is checked before the first
    line goes out, so a bad one is a 422, not a broken download."""
    search.check_filter(f)
    rows = search.export_rmas(db.session, f, today=today(), sort=sort)
    return Response(stream_with_context(search.csv_lines(rows)), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="rmas.csv"'})


def listed_json(row: search.Listed) -> dict:
    return {"number": row.number, "serial": row.serial, "model": row.model,
            "status": row.status, "customer_name": row.customer_name,
            "received_on": iso(row.received_on), "due_on": iso(row.due_on),
            "overdue": row.overdue, "due_today": row.due_today, "technician": row.technician,
            "key_account": row.key_account}


@area.get("/rmas", "Find RMAs: search, filters, newest first, a page at a time",
          permissions=("rmas.read",), query=bodies.RmaSearchQuery,
          description="Answers {rmas: [{number, serial, model, status, customer_name, "
                      "received_on, due_on, overdue, due_today, technician, key_account}], "
                      "next_cursor: string|null} (and `counts` per status when asked), newest "
                      "first: by received_on, then number, both descending. Pass next_cursor "
                      "back as `cursor` for the next page; it is signed, and one changed or "
                      "made for other filters' sort is refused (422 invalid_cursor). Bad "
                      "values are 422: an unknown status, a date that does not exist, "
                      "received_from after received_to, a period over 400 days, a limit over "
                      "200. format=csv answers text/csv (UTF-8 with BOM) instead: every RMA "
                      f"of the filters, not a page (limit and cursor are not used), at most "
                      f"{search.CSV_CAP:,} rows, newest first; columns "
                      f"{', '.join(search.CSV_COLUMNS)}.")
def get_rmas(query: bodies.RmaSearchQuery):
    if "q" in request.args and not request.args["q"].strip():  # DESIGN.md: q needs a character
        raise InvalidInputError(fields.REQUIRED, code="missing_field", field="q")
    if query.format == "csv":
        return csv_response(rma_filter(query))
    found = search.search_rmas(db.session, rma_filter(query), today=today(),
                               secret=settings().secret, limit=query.limit,
                               cursor=query.cursor or None, with_counts=query.counts)
    out = {"rmas": [listed_json(r) for r in found.rmas], "next_cursor": found.next_cursor}
    if query.counts:
        out["counts"] = found.counts
    return out
