"""Pages that show the depot rather than one RMA: the list with its filters and scan field,
its CSV, a unit's history, and the supervisors' dashboard. Thin: parse, one service, render."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Blueprint, Response, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from depot.domain.workflow import Status
from depot.errors import DepotError
from depot.extensions import db
from depot.scanning import codes_from_text
from depot.services import dashboard, findings, history, scans, search
from depot.web.api.registry import query_values
from depot.web.api.search import rma_filter
from depot.web.auth import page_requires
from depot.web.common import lang, settings, today
from depot.web.errors import page
from depot.web.schemas import bodies, parse
from depot.web.schemas.fields import Choice

bp = Blueprint("lists", __name__)

SORT_KEYS = tuple(search.SORTS)
CSV_COLUMNS = ("number", "serial", "model", "status", "customer_name", "received_on", "due_on",
               "overdue", "technician", "key_account")


class RmaListQuery(bodies.RmaSearchQuery):
    """The page's filters: those of GET /api/v1/rmas, a scanned code, and a sort."""

    scan: bodies.Text(cap=200, required=False) = ""
    sort: Choice(SORT_KEYS, required=False) = None
    dir: Choice(("asc", "desc"), required=False) = None


def _query() -> RmaListQuery:
    return parse(RmaListQuery, query_values(RmaListQuery), form=True)


def _sort(query: RmaListQuery) -> search.Sort:
    key = query.sort or "received_on"
    return search.Sort(key, (query.dir or ("desc" if key in ("received_on", "due_on")
                                           else "asc")) == "desc")


def _link(**changes: object) -> str:
    """This list's address with `changes` to its query (None drops a name); a new filter or
    sort starts again at the first page."""
    args = MultiDict(request.args)
    args.pop("cursor", None)
    args.pop("scan", None)
    for name, value in changes.items():
        args.pop(name, None)
        if value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            args.add(name, item)
    return url_for("lists.rma_list", **args.to_dict(flat=False))


@bp.get("/rmas")
@page_requires("rmas.read")
def rma_list():
    wanted = request.args.get("number", "").strip()
    if wanted:  # the old lookup by number
        return redirect(url_for("rmas.rma_page", number=wanted.upper()))
    error, found, query = None, None, None
    try:
        query = _query()
        if query.scan:
            target = _scanned(query.scan)
            if target:
                return redirect(target)
        wanted_filter = rma_filter_of(query)
        found = search.search_rmas(db.session, wanted_filter, today=today(),
                                   secret=settings().secret, limit=query.limit,
                                   cursor=query.cursor or None, sort=_sort(query),
                                   with_counts=True)
    except DepotError as refused:
        db.session.rollback()
        error = refused
    sort = _sort(query) if query else search.NEWEST_FIRST
    return page(render_template(
        "rmas.html", found=found, query=query, error=error, sort=sort, link=_link,
        statuses=[s.value for s in Status], sort_keys=SORT_KEYS, args=request.args,
        csv_url=url_for("lists.rma_csv", **{k: v for k, v in request.args.to_dict(flat=False)
                                            .items() if k not in ("cursor", "scan")})), error)


def rma_filter_of(query: RmaListQuery) -> search.RmaFilter:
    """The filter of the page's query; the scanned text, when it names nothing, is searched."""
    f = rma_filter(query)
    if query.scan and not query.q:
        f = search.RmaFilter(**{**f.__dict__, "q": query.scan})
    return f


def _scanned(text: str) -> str | None:
    """Where a scan leads: the RMA it names, or the open RMA of the serial it names, or that
    unit's history; None when it names nothing (then it is searched for)."""
    result = scans.resolve_codes(db.session, codes_from_text(text))
    if result.rma is not None:
        return url_for("rmas.rma_page", number=result.rma.number)
    if result.unit is not None:
        return url_for("lists.unit_page", serial=result.unit.serial)
    return None


@bp.get("/rmas.csv")
@page_requires("rmas.read")
def rma_csv():
    query = _query()
    rows = search.export_rmas(db.session, rma_filter_of(query), today=today(),
                              sort=_sort(query))
    return Response(_csv_lines(rows), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="rmas.csv"'})


def _csv_lines(rows: Iterator[search.Listed]) -> Iterator[str]:
    """UTF-8 with a BOM, so a spreadsheet opens the Chinese names as they are."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + out.getvalue()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow([_cell(getattr(row, c)) for c in CSV_COLUMNS])
        yield out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    # A cell a spreadsheet would run as a formula (a customer's name is the customer's text).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/units/<path:serial>")
@page_requires("rmas.read")
def unit_page(serial: str):
    config = settings()
    unit, visits = history.unit_history(db.session, serial, repeat_days=config.repeat_days)
    labels = {code: f.label(lang()) for code, f in findings.catalogue(db.session).items()}
    return render_template("unit.html", unit=unit, visits=visits, finding_labels=labels,
                           repeat_days=config.repeat_days, tz=config.tz)


def dashboard_page():
    """GET / for supervisors and admins (pages.home sends them here)."""
    day = today()
    return render_template("dashboard.html", floor=dashboard.floor(db.session, day),
                           today=day.isoformat())
